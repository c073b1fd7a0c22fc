import Foundation
@testable import Imaging
import XCTest

/// Inputs the fuzzers found, kept so the bugs stay fixed.
final class FuzzRegressionTests: XCTestCase {
    /// make fuzz (CodecFuzz), 2026-11-26: a stream whose first SOF the lossless parser reads as
    /// SOF0 while the DCT decoder's scan finds SOF3 was handed back and forth between the two
    /// decoders until the stack overflowed. Now a typed error.
    func testContradictorySOFMarkersDoNotRecurse() throws {
        let base64 = "AAAAAv/////////Dw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw/8AAAAAAGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkZGRkAP/Y/8AAAgAAAAAAAP/Y/8A="
        let bytes = Array(try XCTUnwrap(Data(base64Encoded: base64)))
        let d = PixelDescription(rows: 16, columns: 16, bitsAllocated: 16, bitsStored: 12)
        XCTAssertThrowsError(try JPEGLosslessDecoder().decode(bytes, description: d)) { error in
            XCTAssertTrue(error is ImagingError, "\(error)")
        }
        XCTAssertThrowsError(try JPEGDCTDecoder().decode(bytes, description: d))
        CodecFuzzing.jpegLossless(bytes)   // the fuzz entry point itself must return
    }
}
