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

    /// make fuzz (CodecFuzz, HTJ2K), 2026-11-27: tile sizes of 2^32 − 1 and 2^32 − 146 (legal:
    /// one tile) made OpenJPH 0.9 dereference a null tile while parsing the tile header. The
    /// codestream walk now sends sizes of 2^31 and more to OpenJPEG.
    func testHugeHTJ2KTileSizesDoNotReachOpenJPH() throws {
        let base64 =
            "A/9P/1EAKUAAAAAAQAAAAAgAAAAAAAAAAP////////9uAAAAAAAAAAAAAQcBAf9QAAgAAgAAAAT/UgAMAAIAAQAD" +
            "AQFAAf9cAA0gUFhYYFhYWFBQWP9kABYAAU9wZW5KUEggVmVyIDAuOS4wLv+QAAoAAAAAAqIAAf+TwBWAswSIqPIA" +
            "lrpTUXcAwAtCAFZABaIo0pTft8hhAAAaNAEDUXkAOgjZTcQAy1qpoXcAL8fARUs6g5cAhAN1CAA2OQDgBtnbGAG0" +
            "9qYAbX2wFB1E3wbh8J7hsBUC4vmC8AAhADYAQFqZAOBaDgDfj01INhAoZDZMMgsEICaCEBGYAAiWlAJ37R5JzCeQ" +
            "+AZI2AERlwDTsuFiUQy4njhiSXTtDkBQIma3ABIL0VWgL0JwX3OwcJvj8AGJlUIAEpgA1zsHBDkCgDeCKAK1iUcy" +
            "8AAQIQIQM5gA8Ad0G6T3T7puAO390Hsi3ScAO6HdF7p90QAJgucfBgW+kAAwGRDx4xAAAEbirA+CUvKFoAqgQlha" +
            "AGgQss8KAgIMeIcEALyCQQKBYIJ7KgQgAAj+MOQxHChACJ+aADvUOSHTgL0BAwTB0Az8QwAQAODh8fUEAgQDwDtL" +
            "IVShAEBAHCqbAEUjBAMDAYhDNZDYDCNBiIdHt0XAAAJB7j8R0yACqMYliYQgIzsAQybDTiPuoCheyMGZ8E4wRhSi" +
            "pKP5QCEBrI54QjqaAGFouInMYbdQFCg6jdAS4HwgRFAnDdoEOBXSI0AKEHoAnYCPsEViDHwwk/CVLwsFsofxSIL+" +
            "8AAIDguTmfSABAKcALhDSDA8A9CRCRRfB1g4AsUR1TzaGRtgh/QAAROUgCQEEEM7AKVQACzojvQPMAqDASLhP2CA" +
            "APgn9oTB4QAlaAL0AHOZAIGT2AZvGADAvdkMABQQBgMg9oZ+IFEg/AAwIMQRB3kzmgC7MQtfBAkCAkVwI/1BgdA0" +
            "eANQQAIABgT+QAgA4Xhg5TDBABgQvgB9UBSB/mCl49MXHiAAyAGHwGNAKCAKIABEKEQkacETqzwA/9k="
        let input = Array(try XCTUnwrap(Data(base64Encoded: base64)))
        let stream = Array(input.dropFirst())  // the harness's selector byte
        let d = PixelDescription(rows: 16, columns: 16, bitsAllocated: 16, bitsStored: 12)
        XCTAssertThrowsError(try HTJ2KDecoder(threads: 1).decodeWithOpenJPH(stream, description: d)) { error in
            XCTAssertEqual(error as? OpenJPHRefusal, .unsupported("an image or tile size of 2^31 or more"))
        }
        CodecFuzzing.htj2k(stream)   // the fuzz entry point itself must return
    }

    /// make fuzz (CodecFuzz), 2026-11-27: a 30-byte lossless stream whose SOF3 claims a
    /// 20000×20000 frame (under the 1 GiB frame limit) made the decoder allocate a gigabyte before reading a single sample.
    /// Now refused from the stream's size, before any allocation.
    func testTinyLosslessStreamClaimingAHugeFrameIsRefused() throws {
        var s: [UInt8] = [0xFF, 0xD8]
        s += [0xFF, 0xC4, 0x00, 0x14, 0x00, 1] + [UInt8](repeating: 0, count: 15) + [0]
        s += [0xFF, 0xC3, 0x00, 0x0B, 16, 0x4E, 0x20, 0x4E, 0x20, 1, 1, 0x11, 0]
        s += [0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 1, 0, 0, 0x00, 0xFF, 0xD9]
        let d = PixelDescription(rows: 16, columns: 16, bitsAllocated: 16, bitsStored: 12)
        XCTAssertThrowsError(try JPEGLosslessDecoder().decode(s, description: d)) { error in
            XCTAssertTrue("\(error)".contains("cannot come from a stream of"), "\(error)")
        }
        // A merely truncated stream of a normal-sized image is still decoded as far as it goes.
        let n = 64 * 64
        let pixels = (0 ..< n).map { UInt16(($0 * 37) & 0xFFF) }
        let full = JPEGLosslessCodec.encode(pixels, rows: 64, columns: 64, components: 1, precision: 12, predictor: 1)
        let cut = Array(full.prefix(full.count / 3))
        let frame = try JPEGLosslessDecoder().decode(cut, description: PixelDescription(rows: 64, columns: 64, bitsAllocated: 16, bitsStored: 12))
        XCTAssertFalse(frame.warnings.isEmpty, "a truncated stream is reported")
        CodecFuzzing.jpegLossless(s)
    }
}
