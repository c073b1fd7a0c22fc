import DICOM
@testable import Imaging
import XCTest

/// Deterministic pseudo-random numbers (xorshift) so failures reproduce.
struct TestRandom {
    var state: UInt64
    init(_ seed: UInt64) { state = seed | 1 }
    mutating func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// A smooth image with noise: what a CT or MR slice looks like to a predictor.
func testImage(rows: Int, columns: Int, components: Int, bits: Int, seed: UInt64 = 7) -> [UInt16] {
    var r = TestRandom(seed)
    let maxV = (1 << bits) - 1
    var out = [UInt16](repeating: 0, count: rows * columns * components)
    for y in 0 ..< rows {
        for x in 0 ..< columns {
            for c in 0 ..< components {
                var v = (x * 37 + y * 11 + c * 50) % (maxV + 1)
                v += r.int(5) - 2
                if r.int(97) == 0 { v = r.int(maxV + 1) }  // outliers exercise long codes
                out[(y * columns + x) * components + c] = UInt16(max(0, min(maxV, v)))
            }
        }
    }
    return out
}

final class JPEGLosslessTests: XCTestCase {
    func testRoundTripEveryPredictorAndPrecision() throws {
        for bits in [2, 8, 12, 16] {
            for comps in [1, 3] {
                let img = testImage(rows: 23, columns: 17, components: comps, bits: bits)
                for predictor in 1 ... 7 {
                    let enc = JPEGLosslessCodec.encode(img, rows: 23, columns: 17, components: comps, precision: bits, predictor: predictor)
                    let dec = try JPEGLosslessCodec.decode(enc, options: .init())
                    XCTAssertEqual(dec.samples, img, "bits \(bits) comps \(comps) predictor \(predictor)")
                    XCTAssertEqual(dec.predictor, predictor)
                    XCTAssertEqual(dec.invalidCodes, 0)
                }
            }
        }
    }

    func testExtremeDifferencesUseCategory16() throws {
        // Alternating 0 / 65535 forces differences of ±32768 and wraps modulo 2^16.
        let img: [UInt16] = (0 ..< 64).map { $0 % 2 == 0 ? 0 : 65535 } + (0 ..< 64).map { $0 % 3 == 0 ? 32768 : 1 }
        let enc = JPEGLosslessCodec.encode(img, rows: 8, columns: 16, components: 1, precision: 16, predictor: 1)
        XCTAssertEqual(try JPEGLosslessCodec.decode(enc, options: .init()).samples, img)
    }

    func testEncoderThroughPublicAPISignedData() throws {
        let d = PixelDescription(rows: 9, columns: 11, bitsAllocated: 16, bitsStored: 12, isSigned: true)
        var r = TestRandom(3)
        let values: [Int16] = (0 ..< 99).map { _ in Int16(r.int(4096) - 2048) }
        let frame = DecodedFrame(description: d, samples: .int16(values))
        let enc = try JPEGLosslessEncoder().encode(frame, options: .init())
        let dec = try JPEGLosslessDecoder().decode(enc.bytes, description: d)
        XCTAssertEqual(dec.samples, .int16(values))
    }

    func testTruncatedStreamDecodesWhatIsThereAndSaysSo() throws {
        let img = testImage(rows: 64, columns: 64, components: 1, bits: 12)
        let enc = JPEGLosslessCodec.encode(img, rows: 64, columns: 64, components: 1, precision: 12, predictor: 1)
        let cut = Array(enc.prefix(enc.count / 2))
        let d = PixelDescription(rows: 64, columns: 64, bitsAllocated: 16, bitsStored: 12)
        let f = try JPEGLosslessDecoder().decode(cut, description: d)
        XCTAssertFalse(f.warnings.isEmpty)
        guard case .uint16(let s) = f.samples else { return XCTFail("type") }
        XCTAssertEqual(Array(s.prefix(64 * 10)), Array(img.prefix(64 * 10)), "the first rows survive")
    }

    // Restart intervals (DRI, RSTn) are tested against streams from another encoder, decoded by
    // DCMTK and pydicom too: ImagingCodecConformanceTests.testRestartIntervalsMatchDcmdjpegAndPydicom.

    func testOptimalHuffmanTableIsLengthLimited() {
        var freq = [Int](repeating: 0, count: 18)
        for i in 0 ..< 17 { freq[i] = 1 << min(i * 2, 40) / 1 }
        freq[0] = 1
        let (bits, vals) = JPEGLosslessCodec.optimalTable(freq: Array(freq.prefix(17)) + [0])
        XCTAssertEqual(bits.reduce(0, +), 17)
        XCTAssertEqual(vals.count, 17)
        XCTAssertEqual(bits[0], 0)
    }
}

final class RLETests: XCTestCase {
    func roundTrip(_ d: PixelDescription, _ samples: PixelSamples, file: StaticString = #filePath, line: UInt = #line) throws {
        let enc = try RLEEncoder().encode(DecodedFrame(description: d, samples: samples), options: .init())
        let dec = try RLEDecoder().decode(enc.bytes, description: d)
        XCTAssertEqual(dec.samples, samples, file: file, line: line)
        XCTAssertTrue(dec.warnings.isEmpty, "\(dec.warnings)", file: file, line: line)
    }

    func testRoundTrips() throws {
        var r = TestRandom(11)
        let n = 13 * 7
        try roundTrip(PixelDescription(rows: 13, columns: 7, bitsAllocated: 8, bitsStored: 8), .uint8((0 ..< n).map { _ in UInt8(r.int(3) * 100) }))
        try roundTrip(PixelDescription(rows: 13, columns: 7, samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, photometricInterpretation: .rgb),
                      .uint8((0 ..< 3 * n).map { i in i % 40 < 20 ? 7 : UInt8(r.int(256)) }))
        try roundTrip(PixelDescription(rows: 13, columns: 7, bitsAllocated: 16, bitsStored: 16, isSigned: true), .int16((0 ..< n).map { _ in Int16(r.int(65536) - 32768) }))
        try roundTrip(PixelDescription(rows: 13, columns: 7, samplesPerPixel: 3, bitsAllocated: 16, bitsStored: 16, photometricInterpretation: .rgb), .uint16((0 ..< 3 * n).map { _ in UInt16(r.int(4)) }))
        try roundTrip(PixelDescription(rows: 13, columns: 7, bitsAllocated: 32, bitsStored: 32), .uint32((0 ..< n).map { _ in UInt32(truncatingIfNeeded: r.next()) }))
        // Long runs (>128) and long literals.
        try roundTrip(PixelDescription(rows: 2, columns: 300, bitsAllocated: 8, bitsStored: 8), .uint8((0 ..< 600).map { i in i < 300 ? 9 : UInt8(i % 251) }))
    }

    func testCorruptHeaders() {
        let d = PixelDescription(rows: 4, columns: 4, bitsAllocated: 8, bitsStored: 8)
        XCTAssertThrowsError(try RLEDecoder().decode([1, 2, 3], description: d))
        var header = [UInt8](repeating: 0, count: 64)
        // 16 byte planes (4 samples × 32 bits) cannot be RLE: at most 15 segments.
        var h16 = [UInt8](repeating: 0, count: 64); h16[0] = 16
        XCTAssertThrowsError(try RLEDecoder().decode(h16, description: PixelDescription(rows: 2, columns: 2, samplesPerPixel: 4, bitsAllocated: 32, bitsStored: 32, photometricInterpretation: .rgb)))
        header[0] = 2  // two segments for one plane
        XCTAssertThrowsError(try RLEDecoder().decode(header, description: d))
        header[0] = 1; header[4] = 0xFF; header[5] = 0xFF  // segment offset past the end
        XCTAssertThrowsError(try RLEDecoder().decode(header, description: d))
        header[4] = 64; header[5] = 0
        let f = try? RLEDecoder().decode(header + [0x7F, 1], description: d)  // literal run past the end
        XCTAssertNotNil(f)
        XCTAssertFalse(f?.warnings.isEmpty ?? true)
    }
}

final class NativeDecodeTests: XCTestCase {
    func testBitDepthsMaskingAndSign() throws {
        // 1-bit, LSB first.
        var d = PixelDescription(rows: 1, columns: 10, bitsAllocated: 1, bitsStored: 1)
        XCTAssertEqual(try NativeDecoder().decode([0b1010_0101, 0b11], description: d).samples, .uint8([1, 0, 1, 0, 0, 1, 0, 1, 1, 1]))
        // 8-bit signed, 7 bits stored: 0x7F → -1 after masking and sign extension.
        d = PixelDescription(rows: 1, columns: 2, bitsAllocated: 8, bitsStored: 7, isSigned: true)
        XCTAssertEqual(try NativeDecoder().decode([0xFF, 0x3F], description: d).samples, .int8([-1, 63]))
        // 16-bit, 12 stored, high bit 15: shifted down by 4.
        d = PixelDescription(rows: 1, columns: 2, bitsAllocated: 16, bitsStored: 12, highBit: 15)
        XCTAssertEqual(try NativeDecoder().decode([0x10, 0xFF, 0xF0, 0x00], description: d).samples, .uint16([0xFF1, 0x00F]))
        // 16-bit signed 12 stored with garbage in the top bits.
        d = PixelDescription(rows: 1, columns: 2, bitsAllocated: 16, bitsStored: 12, isSigned: true)
        XCTAssertEqual(try NativeDecoder().decode([0xFF, 0xFF, 0xFF, 0xA7], description: d).samples, .int16([-1, 2047]))
        // 32-bit signed.
        d = PixelDescription(rows: 1, columns: 1, bitsAllocated: 32, bitsStored: 32, isSigned: true)
        XCTAssertEqual(try NativeDecoder().decode([0xFE, 0xFF, 0xFF, 0xFF], description: d).samples, .int32([-2]))
        // Planar RGB → interleaved.
        d = PixelDescription(rows: 1, columns: 2, samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, isPlanar: true, photometricInterpretation: .rgb)
        let f = try NativeDecoder().decode([1, 2, 3, 4, 5, 6], description: d)
        XCTAssertEqual(f.samples, .uint8([1, 3, 5, 2, 4, 6]))
        XCTAssertFalse(f.description.isPlanar)
        // YBR_FULL_422 native expands to YBR_FULL.
        d = PixelDescription(rows: 1, columns: 2, samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, photometricInterpretation: .ybrFull422)
        let y = try NativeDecoder().decode([10, 20, 100, 200], description: d)
        XCTAssertEqual(y.samples, .uint8([10, 100, 200, 20, 100, 200]))
        XCTAssertEqual(y.description.photometricInterpretation, .ybrFull)
    }

    func testMultiFrameOneBitNotByteAligned() throws {
        var ds = try makeDataSet(rows: 3, columns: 3, frames: 2, bitsAllocated: 1, bitsStored: 1)
        // 18 bits: frame 0 = 101010101, frame 1 = 111000111 (LSB first).
        let bits: [UInt8] = [1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1]
        var bytes = [UInt8](repeating: 0, count: 4)
        for (i, b) in bits.enumerated() { bytes[i / 8] |= b << UInt8(i % 8) }
        ds.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB, bytes: bytes))
        let px = try ImagePixelData(dataSet: ds, transferSyntax: .explicitVRLittleEndian)
        XCTAssertEqual(try px.decodeFrame(1).samples, .uint8(Array(bits[9...])))
    }
}

func makeDataSet(rows: Int, columns: Int, frames: Int = 1, samples: Int = 1, bitsAllocated: Int, bitsStored: Int,
                 signed: Bool = false, pi: String = "MONOCHROME2") throws -> DataSet {
    var ds = DataSet()
    ds.set(.rows, uint16: UInt16(rows)); ds.set(.columns, uint16: UInt16(columns))
    ds.set(.samplesPerPixel, uint16: UInt16(samples))
    ds.set(.bitsAllocated, uint16: UInt16(bitsAllocated)); ds.set(.bitsStored, uint16: UInt16(bitsStored))
    ds.set(.highBit, uint16: UInt16(bitsStored - 1)); ds.set(.pixelRepresentation, uint16: signed ? 1 : 0)
    try ds.set(.photometricInterpretation, .CS, pi)
    if frames > 1 { try ds.set(.numberOfFrames, .IS, String(frames)) }
    return ds
}

final class DescriptionTests: XCTestCase {
    func testParsesImagePixelModule() throws {
        var ds = try makeDataSet(rows: 4, columns: 5, frames: 3, samples: 3, bitsAllocated: 8, bitsStored: 8, pi: "YBR_FULL_422")
        ds.set(.planarConfiguration, uint16: 1)
        let d = try PixelDescription(dataSet: ds, path: "x.dcm")
        XCTAssertEqual(d.rows, 4); XCTAssertEqual(d.columns, 5); XCTAssertEqual(d.numberOfFrames, 3)
        XCTAssertEqual(d.photometricInterpretation, .ybrFull422); XCTAssertTrue(d.isPlanar)
        XCTAssertEqual(d.storedNativeFrameLength, 4 * 6 * 2)
    }

    func testMissingAndInvalidAttributesAreTypedErrors() throws {
        var ds = try makeDataSet(rows: 4, columns: 5, bitsAllocated: 16, bitsStored: 12)
        ds.remove(.rows)
        XCTAssertThrowsError(try PixelDescription(dataSet: ds, path: "a.dcm")) { e in
            XCTAssertEqual(e as? ImagingError, .missingAttribute("Rows (0028,0010)", file: "a.dcm"))
        }
        ds.set(.rows, uint16: 4)
        ds.set(.bitsAllocated, uint16: 12)
        XCTAssertThrowsError(try PixelDescription(dataSet: ds)) { e in
            guard case .invalidAttribute = e as? ImagingError else { return XCTFail("\(e)") }
        }
        ds.set(.bitsAllocated, uint16: 16)
        try ds.set(.photometricInterpretation, .CS, "HSV")
        XCTAssertThrowsError(try PixelDescription(dataSet: ds))
    }
}

final class ImagingHostileInputTests: XCTestCase {
    func testHugeHeaderTinyData() throws {
        var ds = try makeDataSet(rows: 65535, columns: 65535, bitsAllocated: 16, bitsStored: 16)
        ds.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OW, bytes: [1, 2, 3, 4]))
        let px = try ImagePixelData(dataSet: ds, transferSyntax: .explicitVRLittleEndian, path: "huge.dcm")
        XCTAssertThrowsError(try px.decodeFrame(0)) { e in
            guard case .tooLarge(_, "huge.dcm") = e as? ImagingError else { return XCTFail("\(e)") }
        }
        var ds2 = try makeDataSet(rows: 512, columns: 512, frames: 4, bitsAllocated: 16, bitsStored: 16)
        ds2.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OW, bytes: [UInt8](repeating: 0, count: 512 * 512 * 2 + 10)))
        let px2 = try ImagePixelData(dataSet: ds2, transferSyntax: .explicitVRLittleEndian)
        XCTAssertNoThrow(try px2.decodeFrame(0))
        XCTAssertThrowsError(try px2.decodeFrame(1)) { e in
            guard case .pixelDataTooShort = e as? ImagingError else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try px2.decodeFrame(4))
        // Compressed: a 65535×65535 JPEG lossless header over a few bytes.
        var ds3 = try makeDataSet(rows: 65535, columns: 65535, bitsAllocated: 8, bitsStored: 8)
        ds3.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB, value: .encapsulated(.init(fragments: [[0xFF, 0xD8, 0xFF, 0xC3, 0, 11, 8, 0xFF, 0xFF, 0xFF, 0xFF, 1, 1, 0x11, 0, 0xFF, 0xD9, 0]])), hasUndefinedLength: true))
        let px3 = try ImagePixelData(dataSet: ds3, transferSyntax: .jpegLosslessSV1)
        XCTAssertThrowsError(try px3.decodeFrame(0))
    }

    func testFragmentCountsThatDisagreeWithFrames() throws {
        let img = testImage(rows: 8, columns: 8, components: 1, bits: 8)
        let enc = JPEGLosslessCodec.encode(img, rows: 8, columns: 8, components: 1, precision: 8, predictor: 1)
        var ds = try makeDataSet(rows: 8, columns: 8, frames: 3, bitsAllocated: 8, bitsStored: 8)
        // Frame 0 split over two fragments, frame 1 whole, frame 2 missing; no offset table.
        let half = enc.count / 2
        ds.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB, value: .encapsulated(.init(fragments: [Array(enc[..<half]), Array(enc[half...]), enc])), hasUndefinedLength: true))
        let px = try ImagePixelData(dataSet: ds, transferSyntax: .jpegLosslessSV1)
        XCTAssertEqual(try px.decodeFrame(0).samples, .uint8(img.map { UInt8($0) }))
        XCTAssertEqual(try px.decodeFrame(1).samples, .uint8(img.map { UInt8($0) }))
        XCTAssertThrowsError(try px.decodeFrame(2)) { e in
            guard case .corruptStream = e as? ImagingError else { return XCTFail("\(e)") }
        }
    }

    func testExtendedAndBasicOffsetTablesLocateFrames() throws {
        let a = testImage(rows: 6, columns: 5, components: 1, bits: 8, seed: 1)
        let b = testImage(rows: 6, columns: 5, components: 1, bits: 8, seed: 2)
        let ea = JPEGLosslessCodec.encode(a, rows: 6, columns: 5, components: 1, precision: 8, predictor: 1)
        let eb = JPEGLosslessCodec.encode(b, rows: 6, columns: 5, components: 1, precision: 8, predictor: 2)
        func even(_ x: [UInt8]) -> [UInt8] { x.count % 2 == 0 ? x : x + [0] }
        // Frame 0 in two fragments (the second does not start with SOI), frame 1 in one.
        let f0 = even(Array(ea.prefix(10))), f1 = even(Array(ea.dropFirst(10))), f2 = even(eb)
        let second = UInt64(8 + f0.count + 8 + f1.count)
        var ds = try makeDataSet(rows: 6, columns: 5, frames: 2, bitsAllocated: 8, bitsStored: 8)
        var eot: [UInt8] = []
        for o in [UInt64(0), second] { for k in 0 ..< 8 { eot.append(UInt8(truncatingIfNeeded: o >> (8 * UInt64(k)))) } }
        ds.insert(DataElement(tag: .extendedOffsetTable, vr: .OV, bytes: eot))
        ds.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB, value: .encapsulated(.init(fragments: [f0, f1, f2])), hasUndefinedLength: true))
        var px = try ImagePixelData(dataSet: ds, transferSyntax: .jpegLossless)
        XCTAssertEqual(try px.decodeFrame(0).samples, .uint8(a.map { UInt8($0) }))
        XCTAssertEqual(try px.decodeFrame(1).samples, .uint8(b.map { UInt8($0) }))
        // The same through a Basic Offset Table.
        ds.remove(.extendedOffsetTable)
        var bot: [UInt8] = []
        for o in [UInt32(0), UInt32(second)] { for k in 0 ..< 4 { bot.append(UInt8(truncatingIfNeeded: o >> (8 * UInt32(k)))) } }
        ds.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB, value: .encapsulated(.init(basicOffsetTable: bot, fragments: [f0, f1, f2])), hasUndefinedLength: true))
        px = try ImagePixelData(dataSet: ds, transferSyntax: .jpegLossless)
        XCTAssertEqual(try px.decodeFrame(1).samples, .uint8(b.map { UInt8($0) }))
        XCTAssertEqual(try px.decodeFrame(0).samples, .uint8(a.map { UInt8($0) }))
    }

    func testCorruptStreamsNeverTrap() {
        let img = testImage(rows: 16, columns: 16, components: 1, bits: 12)
        let enc = JPEGLosslessCodec.encode(img, rows: 16, columns: 16, components: 1, precision: 12, predictor: 5)
        let rle = try! RLEEncoder().encode(DecodedFrame(description: CodecFuzzing.fuzzDescription, samples: .uint16(img)), options: .init()).bytes
        var r = TestRandom(99)
        for round in 0 ..< 3000 {
            var a = round % 2 == 0 ? enc : rle
            let edits = 1 + r.int(6)
            for _ in 0 ..< edits {
                switch r.int(4) {
                case 0: a[r.int(a.count)] = UInt8(r.int(256))
                case 1: a = Array(a.prefix(r.int(a.count + 1)))
                case 2: if !a.isEmpty { a.insert(UInt8(r.int(256)), at: r.int(a.count)) }
                default: if a.count > 2 { a.remove(at: r.int(a.count)) }
                }
                if a.isEmpty { a = [0xFF] }
            }
            CodecFuzzing.jpegLossless(a)
            CodecFuzzing.rle(a)
        }
        // Plain garbage is an error, not a crash.
        XCTAssertThrowsError(try JPEGLosslessDecoder().decode([0, 1, 2, 3, 4, 5], description: CodecFuzzing.fuzzDescription))
        XCTAssertThrowsError(try JPEGDCTDecoder().decode([0xFF, 0xD8, 0xFF, 0xC0, 0, 2], description: CodecFuzzing.fuzzDescription))
        XCTAssertThrowsError(try JPEG2000Decoder().decode([UInt8](repeating: 0xFF, count: 40), description: CodecFuzzing.fuzzDescription))
        XCTAssertThrowsError(try JPEGLSDecoder().decode([0xFF, 0xD8, 0xFF, 0xF7, 0, 2, 3, 4], description: CodecFuzzing.fuzzDescription))
    }
}

final class TranscoderTests: XCTestCase {
    func testLosslessAndLossyAttributes() throws {
        var ds = try makeDataSet(rows: 16, columns: 16, samples: 3, bitsAllocated: 8, bitsStored: 8, pi: "RGB")
        ds.set(.planarConfiguration, uint16: 0)
        let img = testImage(rows: 16, columns: 16, components: 3, bits: 8).map { UInt8($0) }
        ds.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB, bytes: img))
        let file = DICOMFile(dataSet: ds, transferSyntax: .explicitVRLittleEndian)
        for ts in [TransferSyntax.jpegLosslessSV1, .rleLossless] {
            let out = try Transcoder().transcode(file, to: ts)
            XCTAssertEqual(out.transferSyntax, ts)
            let back = try ImagePixelData(file: out).decodeFrame(0)
            XCTAssertEqual(back.samples, .uint8(img))
            XCTAssertNil(out.dataSet.string(.lossyImageCompression))
        }
        let jpeg = try Transcoder().transcode(file, to: .jpegBaseline)
        XCTAssertEqual(jpeg.dataSet.string(.photometricInterpretation).map(trimmed), "YBR_FULL_422")
        XCTAssertEqual(jpeg.dataSet.string(.lossyImageCompression).map(trimmed), "01")
        XCTAssertEqual(jpeg.dataSet.string(.lossyImageCompressionMethod).map(trimmed), "ISO_10918_1")
        XCTAssertNotNil(jpeg.dataSet.string(.lossyImageCompressionRatio))
        // Lossy → lossless is fine (the lossy flag stays); lossy → lossy is refused unless allowed.
        let rle = try Transcoder().transcode(jpeg, to: .rleLossless)
        XCTAssertEqual(rle.dataSet.string(.lossyImageCompression).map(trimmed), "01")
        XCTAssertThrowsError(try Transcoder().transcode(rle, to: .jpegBaseline)) { e in
            guard case .lossyReencoding = e as? TranscodingError else { return XCTFail("\(e)") }
        }
        XCTAssertNoThrow(try Transcoder(allowLossyReencoding: true).transcode(rle, to: .jpegBaseline))
        // Decompression gives native RGB with Planar Configuration 0.
        let native = try Transcoder().transcode(jpeg, to: .explicitVRLittleEndian)
        XCTAssertEqual(native.dataSet.string(.photometricInterpretation).map(trimmed), "RGB")
        XCTAssertEqual(native.dataSet[Tag(0x7FE0, 0x0010)]?.bytes?.count, 16 * 16 * 3)
    }
}

final class VideoPassThroughTests: XCTestCase {
    func testVideoIsNeverDecoded() throws {
        var ds = try makeDataSet(rows: 720, columns: 1280, frames: 30, samples: 3, bitsAllocated: 8, bitsStored: 8, pi: "YBR_PARTIAL_420")
        ds.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB, value: .encapsulated(.init(fragments: [[0, 0, 0, 1, 0x67, 0x42]])), hasUndefinedLength: true))
        let h264 = TransferSyntax.forUID("1.2.840.10008.1.2.4.102")
        XCTAssertTrue(h264.isVideo)
        let file = DICOMFile(dataSet: ds, transferSyntax: h264)
        XCTAssertThrowsError(try ImagePixelData(file: file).decodeFrame(0)) { e in
            guard case .unsupportedTransferSyntax = e as? ImagingError else { return XCTFail("\(e)") }
        }
        let out = try Transcoder().transcode(file, to: .explicitVRLittleEndian)
        XCTAssertEqual(out.transferSyntax, h264)
        XCTAssertEqual(out.dataSet, ds)
    }
}
