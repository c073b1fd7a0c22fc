import Foundation
import XCTest
@testable import Network

final class StorageServiceTests: XCTestCase {
    /// The receipt time stamp is what ISO8601DateFormatter writes, made without ICU.
    func testReceiptTimestampIsISO8601UTC() {
        for t in [0, 1_714_564_800, 1_795_000_123] {
            XCTAssertEqual(StorageService.utcTimestamp(time_t(t)),
                           ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(t))))
        }
        XCTAssertEqual(StorageService.utcTimestamp(1_714_564_800), "2024-05-01T12:00:00Z")
    }
}
