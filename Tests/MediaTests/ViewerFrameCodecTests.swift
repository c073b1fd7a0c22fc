import DICOM
import Foundation
import Imaging
@testable import Media
import XCTest

/// The viewer's frame coding round-trips exactly (the page's decoder is checked in the browser
/// tests, against `lightbox render`).
final class ViewerFrameCodecTests: XCTestCase {
    func testRoundTripOfEdgeValues() {
        let rows = 7, columns = 13
        var seed: UInt64 = 3
        var samples: [Int32] = (0..<(rows * columns * 3)).map { i in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            switch i % 5 {
            case 0: return Int32(truncatingIfNeeded: seed >> 33)
            case 1: return -32768
            case 2: return 65535
            default: return Int32(Int(seed >> 58)) - 30
            }
        }
        samples[0] = Int32.min / 2
        let coded = samples.withUnsafeBufferPointer { ViewerFrameCodec.encode($0, rows: rows, columns: columns, planes: 3) }
        XCTAssertEqual(ViewerFrameCodec.decode(coded, rows: rows, columns: columns, planes: 3), samples)
    }

    func testSizeAndSpeedOnASyntheticCTFrame() throws {
        let rows = 512, columns = 512
        var seed: UInt64 = 9
        var samples = [Int32](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                let inside = (r - 256) * (r - 256) + (c - 256) * (c - 256) < 200 * 200
                samples[r * columns + c] = (inside ? 40 : -1000) + Int32(Int(seed >> 60)) - 8
            }
        }
        let start = Date()
        let coded = samples.withUnsafeBufferPointer { ViewerFrameCodec.encode($0, rows: rows, columns: columns, planes: 1) }
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(ViewerFrameCodec.decode(coded, rows: rows, columns: columns, planes: 1), samples)
        XCTAssertLessThan(coded.count, rows * columns)  // under half of the 16-bit bytes for ±8 noise
        print("rice1: \(coded.count) bytes of \(rows * columns * 2), \(String(format: "%.2f", seconds * 1000)) ms")
    }
}
