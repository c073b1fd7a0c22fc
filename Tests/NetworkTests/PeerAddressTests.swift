import NIOCore
import XCTest
@testable import Network

final class PeerAddressTests: XCTestCase {
    /// IPv4 is formatted by hand; it must read exactly as `inet_ntop` and the port would.
    func testIPv4MatchesInetNtop() throws {
        for (ip, port) in [("127.0.0.1", 104), ("0.0.0.0", 0), ("255.255.255.255", 65535), ("10.20.3.201", 11112)] {
            let address = try SocketAddress(ipAddress: ip, port: port)
            XCTAssertEqual(PeerAddress.format(address), "\(address.ipAddress!):\(port)")
            XCTAssertEqual(PeerAddress.format(address), "\(ip):\(port)")
        }
    }

    func testIPv6AndMissing() throws {
        XCTAssertEqual(PeerAddress.format(try SocketAddress(ipAddress: "::1", port: 4242)), "::1:4242")
        XCTAssertEqual(PeerAddress.format(nil), "?")
    }
}
