import XCTest
import Graphics
import Imaging

/// The PNG writer paths films use, decoded by an outside reader (Python's zlib, which checks the
/// Adler-32): a small 12-bit image (one zlib stream, sBIT, left-bit replication) and a film-sized
/// 16-bit one deflated in two halves on two threads.
final class PNGRoundTripTests: XCTestCase {
    func roundTrip(width: Int, height: Int, bits: Int, strategy: PNGWriter.Strategy) throws {
        var s = [UInt16](repeating: 0, count: width * height)
        var g = SystemRandomNumberGenerator()
        let m = UInt16((1 << bits) - 1)
        for i in s.indices { s[i] = i % 7 == 0 ? UInt16.random(in: 0 ... m, using: &g) : UInt16(i / width) & m }
        let dir = try FilmOracle.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicOutput.write(try PNGWriter.encode(RenderedImage(width: width, height: height, pixels: .gray16(s, bits: bits)),
                                                    strategy: strategy), to: "\(dir)/t.png")
        for row in [0, height / 2, height - 1] {
            let got = try XCTUnwrap(FilmOracle.measurePNG("\(dir)/t.png", row: row).row)
            let want = s[row * width ..< (row + 1) * width].map { v -> Int in
                bits == 16 ? Int(v) : Int((v << (16 - bits)) | (v >> (2 * bits - 16)))
            }
            XCTAssertEqual(got, want, "row \(row)")
        }
    }

    func testSmallTwelveBit() throws { try roundTrip(width: 37, height: 11, bits: 12, strategy: .standard) }
    func testFilmSizedSixteenBitInTwoHalves() throws { try roundTrip(width: 3000, height: 1600, bits: 16, strategy: .runLength) }
}
