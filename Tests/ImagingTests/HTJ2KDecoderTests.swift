import COpenJPHShim
import Foundation
import DICOM
@testable import Imaging
import XCTest

/// `HTJ2KDecoder` (OpenJPH, falling back to OpenJPEG) against OpenJPEG's decoding of the same
/// streams, written here by OpenJPH's encoder: bit-exact and equal to the source for reversible
/// streams of 1–16 bits, signed and unsigned, grey and RGB, odd sizes, tiles and every
/// progression order; the irreversible path within ±1 of OpenJPEG; the OpenJPEG fallback taken,
/// with OpenJPEG's pixels, for what OpenJPH does not take; typed errors for damaged streams.
final class HTJ2KDecoderTests: XCTestCase {
    typealias Options = HTJ2KReferenceEncoder.Options

    /// Interleaved samples: ramps, noise and outliers (testImage), shifted to two's complement
    /// when signed.
    static func source(width: Int, height: Int, components: Int = 1, bits: Int, signed: Bool, seed: UInt64 = 7) -> [Int32] {
        let v = testImage(rows: height, columns: width, components: components, bits: bits, seed: seed)
        return v.map { signed ? Int32($0) - (Int32(1) << Int32(bits - 1)) : Int32($0) }
    }

    static func description(width: Int, height: Int, components: Int = 1, bits: Int, signed: Bool,
                            pi: PhotometricInterpretation? = nil) -> PixelDescription {
        PixelDescription(rows: height, columns: width, samplesPerPixel: components, bitsAllocated: bits <= 8 ? 8 : 16,
                         bitsStored: bits, isSigned: signed,
                         photometricInterpretation: pi ?? (components == 3 ? .rgb : .monochrome2))
    }

    static func values(_ s: PixelSamples) -> [Int32] {
        switch s {
        case .uint8(let a): return a.map { Int32($0) }
        case .int8(let a): return a.map { Int32($0) }
        case .uint16(let a): return a.map { Int32($0) }
        case .int16(let a): return a.map { Int32($0) }
        case .uint32(let a): return a.map { Int32(bitPattern: $0) }
        case .int32(let a): return a
        }
    }

    /// Decodes with OpenJPH alone (which must take the stream) and with OpenJPEG alone.
    func bothPaths(_ stream: [UInt8], _ d: PixelDescription, _ what: String,
                   file: StaticString = #filePath, line: UInt = #line) throws -> (ojph: DecodedFrame, opj: DecodedFrame) {
        let decoder = HTJ2KDecoder(threads: 1)
        let ojph: DecodedFrame
        do { ojph = try decoder.decodeWithOpenJPH(stream, description: d) } catch {
            XCTFail("\(what): OpenJPH did not take the stream: \(error)", file: file, line: line)
            throw error
        }
        let opj = try JPEG2000Decoder(threads: 1).decode(stream, description: d)
        XCTAssertEqual(try decoder.decode(stream, description: d), ojph, "\(what): decode() is the OpenJPH path", file: file, line: line)
        return (ojph, opj)
    }

    func testReversibleGreyIsBitExactWithOpenJPEGAndTheSource() throws {
        var cases = 0
        for bits in [1, 2, 5, 8, 10, 12, 15, 16] {
            for signed in [false, true] where !(signed && bits == 1) {
                // Odd sizes, each with as many levels as fit (OpenJPH takes no more; see
                // testRandomStreamsDecodeLikeOpenJPEG for the others).
                for (w, h, levels) in [(1, 1, 0), (13, 7, 2), (64, 48, 5), (257, 3, 1), (3, 130, 1), (511, 97, 5)] {
                    let v = Self.source(width: w, height: h, bits: bits, signed: signed, seed: UInt64(bits * 100 + w + h))
                    let what = "\(bits)-bit \(signed ? "signed" : "unsigned") \(w)×\(h)"
                    var o = Options(); o.decompositions = levels
                    let stream = try XCTUnwrap(HTJ2KReferenceEncoder.encode(v, width: w, height: h, components: 1, bits: bits, signed: signed, options: o), what)
                    let d = Self.description(width: w, height: h, bits: bits, signed: signed)
                    let (ojph, opj) = try bothPaths(stream, d, what)
                    XCTAssertEqual(ojph, opj, what)
                    XCTAssertEqual(Self.values(ojph.samples), v, "\(what) is not the source")
                    XCTAssertEqual(ojph.warnings, [], what)
                    cases += 1
                }
            }
        }
        XCTAssertEqual(cases, 90)
    }

    func testReversibleRGBWithAndWithoutColourTransform() throws {
        for bits in [8, 12, 16] {
            for transform in [true, false] {
                let (w, h) = (61, 37)
                let v = Self.source(width: w, height: h, components: 3, bits: bits, signed: false, seed: UInt64(bits))
                var o = Options(); o.colorTransform = transform
                let stream = try XCTUnwrap(HTJ2KReferenceEncoder.encode(v, width: w, height: h, components: 3, bits: bits, signed: false, options: o))
                for pi: PhotometricInterpretation in transform ? [.ybrRCT, .rgb] : [.rgb] {
                    let what = "\(bits)-bit RGB, RCT \(transform), \(pi)"
                    let d = Self.description(width: w, height: h, components: 3, bits: bits, signed: false, pi: pi)
                    let (ojph, opj) = try bothPaths(stream, d, what)
                    XCTAssertEqual(ojph, opj, what)
                    XCTAssertEqual(ojph.description.photometricInterpretation, .rgb, what)
                    XCTAssertEqual(Self.values(ojph.samples), v, "\(what) is not the source")
                }
            }
        }
    }

    func testEveryProgressionOrderTilesAndLevels() throws {
        let (w, h) = (100, 90)
        let v = Self.source(width: w, height: h, bits: 16, signed: true, seed: 3)
        let d = Self.description(width: w, height: h, bits: 16, signed: true)
        for progression in ["LRCP", "RLCP", "RPCL", "PCRL", "CPRL"] {
            for (tile, levels) in [(0, 5), (48, 2), (64, 0), (50, 1)] {
                var o = Options(); o.progression = progression; o.tileWidth = tile; o.tileHeight = tile; o.decompositions = levels
                let what = "\(progression), tiles \(tile), \(levels) levels"
                let stream = try XCTUnwrap(HTJ2KReferenceEncoder.encode(v, width: w, height: h, components: 1, bits: 16, signed: true, options: o), what)
                let (ojph, opj) = try bothPaths(stream, d, what)
                XCTAssertEqual(ojph, opj, what)
                XCTAssertEqual(Self.values(ojph.samples), v, what)
            }
        }
    }

    /// The 9/7 wavelet runs in floating point, and OpenJPH and OpenJPEG round differently in
    /// places: up to 14 bits the two stay within ±1 of each other (as lossy decoding is held to
    /// other decoders in the conformance tests); on 15–16-bit noise up to ±3 (±1 on CT data, see
    /// ImagingCodecConformanceTests). Both are equally far from the source.
    func testIrreversibleIsWithinRoundingOfOpenJPEG() throws {
        var report: [String] = []
        for (bits, signed, components) in [(8, false, 1), (12, false, 1), (14, true, 1), (16, true, 1), (8, false, 3), (12, false, 3)] {
            let (w, h) = (77, 50)
            let v = Self.source(width: w, height: h, components: components, bits: bits, signed: signed, seed: 5)
            var o = Options(); o.reversible = false; o.qstep = 0.002; o.colorTransform = components == 3
            let what = "irreversible \(bits)-bit \(signed ? "signed" : "unsigned") ×\(components)"
            let stream = try XCTUnwrap(HTJ2KReferenceEncoder.encode(v, width: w, height: h, components: components, bits: bits, signed: signed, options: o), what)
            let d = Self.description(width: w, height: h, components: components, bits: bits, signed: signed, pi: components == 3 ? .ybrICT : nil)
            let (ojph, opj) = try bothPaths(stream, d, what)
            XCTAssertEqual(ojph.description, opj.description, what)
            let a = Self.values(ojph.samples), b = Self.values(opj.samples)
            let maxDiff = zip(a, b).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(maxDiff, bits > 14 ? 3 : 1, what)
            func rmse(_ x: [Int32]) -> Double {
                (zip(x, v).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / Double(v.count)).squareRoot()
            }
            XCTAssertLessThanOrEqual(rmse(a), rmse(b) * 1.01 + 0.01, "\(what): OpenJPH further from the source than OpenJPEG")
            report.append("\(what): \(zip(a, b).filter { $0 != $1 }.count) of \(a.count) samples differ from OpenJPEG (max \(maxDiff)); RMSE to the source \(rmse(a)) vs \(rmse(b))")
        }
        print(report.joined(separator: "\n"))
    }

    /// Codestream precision or sign unlike the data set's: the data set wins, as on the OpenJPEG
    /// path, with the same warning.
    func testDataSetWinsOverTheCodestreamLikeOpenJPEG() throws {
        let (w, h) = (21, 19)
        let v = Self.source(width: w, height: h, bits: 12, signed: false, seed: 9)
        var o = Options(); o.decompositions = 2
        let stream = try XCTUnwrap(HTJ2KReferenceEncoder.encode(v, width: w, height: h, components: 1, bits: 12, signed: false, options: o))
        for d in [Self.description(width: w, height: h, bits: 12, signed: true),
                  Self.description(width: w, height: h, bits: 10, signed: false),
                  PixelDescription(rows: h, columns: w, bitsAllocated: 8, bitsStored: 8),
                  PixelDescription(rows: h + 1, columns: w, bitsAllocated: 16, bitsStored: 16, isSigned: true),
                  PixelDescription(rows: h, columns: w, bitsAllocated: 32, bitsStored: 16)] {
            let (ojph, opj) = try bothPaths(stream, d, "\(d)")
            XCTAssertEqual(ojph, opj, "\(d)")
            XCTAssertFalse(ojph.warnings.isEmpty, "\(d)")
        }
    }

    func testMultiFrameThroughImagePixelData() throws {
        let (w, h, frames) = (33, 17, 3)
        var ds = try makeDataSet(rows: h, columns: w, frames: frames, bitsAllocated: 16, bitsStored: 16, signed: true)
        var fragments: [[UInt8]] = [], sources: [[Int32]] = []
        for f in 0 ..< frames {
            let v = Self.source(width: w, height: h, bits: 16, signed: true, seed: UInt64(40 + f))
            var o = Options(); o.decompositions = 3
            var s = try XCTUnwrap(HTJ2KReferenceEncoder.encode(v, width: w, height: h, components: 1, bits: 16, signed: true, options: o))
            if s.count % 2 == 1 { s.append(0) }  // PS3.5 §A.4: fragments have even length
            sources.append(v)
            if f == 1 {  // one frame in two fragments
                fragments.append(Array(s.prefix(40))); fragments.append(Array(s.dropFirst(40)))
            } else { fragments.append(s) }
        }
        var bot: [UInt8] = []
        var offset = 0
        for (i, frag) in fragments.enumerated() {
            if i != 2 { for k in 0 ..< 4 { bot.append(UInt8(truncatingIfNeeded: offset >> (8 * k))) } }
            offset += 8 + frag.count
        }
        ds.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB, value: .encapsulated(.init(basicOffsetTable: bot, fragments: fragments)), hasUndefinedLength: true))
        for uid in ["1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203"] {
            let px = try ImagePixelData(dataSet: ds, transferSyntax: TransferSyntax.forUID(uid))
            XCTAssertEqual(px.frameCount, frames)
            for f in 0 ..< frames {
                let frame = try px.decodeFrame(f)
                XCTAssertEqual(Self.values(frame.samples), sources[f], "\(uid) frame \(f)")
                XCTAssertNoThrow(try HTJ2KDecoder(threads: 1).decodeWithOpenJPH(px.frameData(f), description: px.description), "frame \(f) padded to even length")
            }
        }
    }

    /// Random reversible streams — 1–16 bits, signed or not, grey or RGB with or without RCT,
    /// up to 150×150, tiles, 0–5 levels, any progression, code-block and precinct size: whichever
    /// path a stream takes, `decode` gives OpenJPEG's pixels, which are the source's. (OpenJPH
    /// 0.9 mis-decodes some streams with explicit precincts or more levels than a tile's size
    /// supports; those must be the ones refused.)
    func testRandomStreamsDecodeLikeOpenJPEG() throws {
        var r = TestRandom(2024)
        var taken = 0, refused: [String: Int] = [:]
        let progressions = ["LRCP", "RLCP", "RPCL", "PCRL", "CPRL"]
        for round in 0 ..< 400 {
            let bits = 1 + r.int(16), signed = bits > 1 && r.int(2) == 1, components = r.int(3) == 0 ? 3 : 1
            let w = 1 + r.int(150), h = 1 + r.int(150)
            var o = Options()
            o.colorTransform = components == 3 && r.int(2) == 0
            o.progression = progressions[r.int(5)]
            o.decompositions = r.int(6)
            if r.int(3) == 0 { o.tileWidth = 16 + r.int(100); o.tileHeight = o.tileWidth }
            var e = 2 + r.int(5), f = 2 + r.int(5)
            while e + f > 12 { if e > f { e -= 1 } else { f -= 1 } }
            o.blockWidth = 1 << e; o.blockHeight = 1 << f
            if r.int(4) == 0 { o.precinct = 1 << (2 + r.int(8)) }
            let v = Self.source(width: w, height: h, components: components, bits: bits, signed: signed, seed: UInt64(round + 1))
            let what = "round \(round): \(bits)-bit \(signed ? "signed" : "unsigned") \(w)×\(h)×\(components) \(o)"
            let stream = try XCTUnwrap(HTJ2KReferenceEncoder.encode(v, width: w, height: h, components: components, bits: bits, signed: signed, options: o), what)
            let d = Self.description(width: w, height: h, components: components, bits: bits, signed: signed)
            let decoder = HTJ2KDecoder(threads: 1)
            do {
                _ = try decoder.decodeWithOpenJPH(stream, description: d)
                taken += 1
            } catch let e as OpenJPHRefusal {
                refused[String("\(e)".filter { !$0.isNumber }.prefix(48)), default: 0] += 1
            }
            let opj = try JPEG2000Decoder(threads: 1).decode(stream, description: d)
            XCTAssertEqual(Self.values(opj.samples), v, "\(what): OpenJPEG does not give the source")
            XCTAssertEqual(try decoder.decode(stream, description: d), opj, what)
        }
        print("random HTJ2K streams: \(taken) through OpenJPH; refused: \(refused)")
        XCTAssertGreaterThan(taken, 200)
    }

    // MARK: the OpenJPEG fallback

    /// A JP2 file (ISO/IEC 15444-1 Annex I): signature, file type, header (image header, colour
    /// specification) and the codestream box.
    static func jp2(_ codestream: [UInt8], width: Int, height: Int, components: Int, bits: Int, signed: Bool) -> [UInt8] {
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func box(_ type: String, _ body: [UInt8]) -> [UInt8] { be32(8 + body.count) + Array(type.utf8) + body }
        let ihdr = box("ihdr", be32(height) + be32(width) + [UInt8(components >> 8), UInt8(components & 0xFF),
                                                          UInt8(bits - 1) | (signed ? 0x80 : 0), 7, 0, 0])
        let colr = box("colr", [1, 0, 0] + be32(components == 3 ? 16 : 17))
        return box("jP  ", [0x0D, 0x0A, 0x87, 0x0A]) + box("ftyp", Array("jp2 ".utf8) + be32(0) + Array("jp2 ".utf8))
            + box("jp2h", ihdr + colr) + box("jp2c", codestream)
    }

    func testFallbackGivesOpenJPEGsPixels() throws {
        let (w, h) = (40, 30)
        let v = Self.source(width: w, height: h, bits: 12, signed: false, seed: 11)
        let d = Self.description(width: w, height: h, bits: 12, signed: false)
        var three = Options(); three.decompositions = 3
        let stream = try XCTUnwrap(HTJ2KReferenceEncoder.encode(v, width: w, height: h, components: 1, bits: 12, signed: false, options: three))
        XCTAssertNoThrow(try HTJ2KDecoder(threads: 1).decodeWithOpenJPH(stream, description: d))
        var noHTCapability = stream
        noHTCapability[6] &= ~0x40  // Rsiz bit 14 (SIZ starts at byte 2; Rsiz at 6)
        var manyTiles = Options(); manyTiles.tileWidth = 8; manyTiles.tileHeight = 8; manyTiles.decompositions = 1
        let big = Self.source(width: 256, height: 256, bits: 12, signed: false, seed: 12)
        let tiled = try XCTUnwrap(HTJ2KReferenceEncoder.encode(big, width: 256, height: 256, components: 1, bits: 12, signed: false, options: manyTiles))
        var precincts = Options(); precincts.precinct = 16
        var levels = Options(); levels.decompositions = 5  // 40×30 is less than 2^5 high
        let cases: [(String, [UInt8], PixelDescription, [Int32])] = [
            ("explicit precincts", try XCTUnwrap(HTJ2KReferenceEncoder.encode(v, width: w, height: h, components: 1, bits: 12, signed: false, options: precincts)), d, v),
            ("5 levels on 30 rows", try XCTUnwrap(HTJ2KReferenceEncoder.encode(v, width: w, height: h, components: 1, bits: 12, signed: false, options: levels)), d, v),
            ("JP2 file", Self.jp2(stream, width: w, height: h, components: 1, bits: 12, signed: false), d, v),
            ("no HTJ2K capability in Rsiz", noHTCapability, d, v),
            ("1024 tiles", tiled, Self.description(width: 256, height: 256, bits: 12, signed: false), big),
        ]
        for (what, data, desc, expected) in cases {
            let decoder = HTJ2KDecoder(threads: 1)
            XCTAssertThrowsError(try decoder.decodeWithOpenJPH(data, description: desc), what) { e in
                guard case .unsupported = e as? OpenJPHRefusal else { return XCTFail("\(what): \(e)") }
            }
            let frame = try decoder.decode(data, description: desc)
            XCTAssertEqual(frame, try JPEG2000Decoder(threads: 1).decode(data, description: desc), what)
            XCTAssertEqual(Self.values(frame.samples), expected, what)
        }
    }

    /// A truncated stream has no EOC: OpenJPEG decodes what is there, as before, and says so.
    func testTruncatedStreamGoesToOpenJPEG() throws {
        let (w, h) = (64, 64)
        let v = Self.source(width: w, height: h, bits: 16, signed: false, seed: 13)
        let d = Self.description(width: w, height: h, bits: 16, signed: false)
        let stream = try XCTUnwrap(HTJ2KReferenceEncoder.encode(v, width: w, height: h, components: 1, bits: 16, signed: false))
        for cut in [stream.count - 2, stream.count / 2, 200] {
            let part = Array(stream.prefix(cut))
            XCTAssertThrowsError(try HTJ2KDecoder(threads: 1).decodeWithOpenJPH(part, description: d)) { e in
                XCTAssertEqual(e as? OpenJPHRefusal, .unsupported("the codestream does not end with EOC (truncated?)"))
            }
            let theirs = Result { try JPEG2000Decoder(threads: 1).decode(part, description: d) }
            let mine = Result { try HTJ2KDecoder(threads: 1).decode(part, description: d) }
            switch (mine, theirs) {
            case (.success(let a), .success(let b)): XCTAssertEqual(a, b, "cut at \(cut)")
            case (.failure(let e), .failure):
                guard case .corruptStream(let codec, _, _) = e as? ImagingError else { return XCTFail("\(e)") }
                XCTAssertEqual(codec, "HTJ2K")
            default: XCTFail("cut at \(cut): \(mine) vs OpenJPEG \(theirs)")
            }
        }
    }

    // MARK: damaged and hostile streams

    func testDamagedStreamsGiveTypedErrors() throws {
        let d = Self.description(width: 16, height: 16, bits: 12, signed: false)
        let garbage: [UInt8] = [0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x29] + [UInt8](repeating: 0xEE, count: 40) + [0xFF, 0xD9]
        XCTAssertThrowsError(try HTJ2KDecoder(threads: 1).decodeWithOpenJPH(garbage, description: d)) { e in
            guard case .corrupt = e as? OpenJPHRefusal else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try HTJ2KDecoder(threads: 1).decode(garbage, description: d)) { e in
            guard case .corruptStream(let codec, _, _) = e as? ImagingError else { return XCTFail("\(e)") }
            XCTAssertEqual(codec, "HTJ2K")
        }
        XCTAssertThrowsError(try HTJ2KDecoder(threads: 1).decode([1, 2, 3], description: d)) { e in
            guard case .corruptStream = e as? ImagingError else { return XCTFail("\(e)") }
        }
        // A frame beyond the sample limit is refused before anything is allocated.
        let v = Self.source(width: 32, height: 32, bits: 8, signed: false)
        var stream = try XCTUnwrap(HTJ2KReferenceEncoder.encode(v, width: 32, height: 32, components: 1, bits: 8, signed: false))
        for i in 0 ..< 4 { stream[8 + i] = [0x00, 0x01, 0x00, 0x00][i]; stream[12 + i] = [0x00, 0x01, 0x00, 0x00][i] }  // 65536²
        stream[24 ..< 32] = [0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]  // one tile
        XCTAssertThrowsError(try HTJ2KDecoder(threads: 1, maxSamples: 1 << 20).decode(stream, description: d)) { e in
            guard case .tooLarge = e as? ImagingError else { return XCTFail("\(e)") }
        }
    }

    /// Flipped, cut, duplicated and marker-laden streams: OpenJPH decodes them or refuses them;
    /// it never traps, prints or hangs.
    func testMutatedStreamsNeverTrap() throws {
        var streams: [([UInt8], PixelDescription)] = []
        for (bits, signed, components, reversible) in [(16, false, 1, true), (8, true, 1, true), (8, false, 3, true), (12, false, 1, false)] {
            let v = Self.source(width: 45, height: 38, components: components, bits: bits, signed: signed, seed: 21)
            var o = Options(); o.reversible = reversible; o.colorTransform = components == 3; o.tileWidth = 32; o.tileHeight = 32
            o.decompositions = 2
            streams.append((try XCTUnwrap(HTJ2KReferenceEncoder.encode(v, width: 45, height: 38, components: components, bits: bits, signed: signed, options: o)),
                            Self.description(width: 45, height: 38, components: components, bits: bits, signed: signed)))
        }
        var r = TestRandom(77)
        var outcomes: [String: Int] = [:]
        for round in 0 ..< 4000 {
            let (base, d) = streams[round % streams.count]
            var s = base
            switch r.int(5) {
            case 0: for _ in 0 ..< 1 + r.int(4) { s[r.int(s.count - 2)] ^= UInt8(1 + r.int(255)) }
            case 1: for _ in 0 ..< 1 + r.int(3) { s[r.int(min(160, s.count - 2))] = UInt8(r.int(256)) }
            case 2: s[40 + r.int(s.count - 42)] = 0xFF
            case 3: let a = r.int(s.count - 2); s.removeSubrange(a ..< min(s.count - 2, a + r.int(100)))
            default: s = Array(s.prefix(r.int(s.count)))
            }
            let key: String
            do { _ = try HTJ2KDecoder(threads: 1, maxSamples: 1 << 22).decodeWithOpenJPH(s, description: d); key = "decoded" }
            catch let e as OpenJPHRefusal { key = "\(e)".prefix { $0 != "(" }.description }
            catch { key = "\(type(of: error))" }
            outcomes[key, default: 0] += 1
        }
        print("mutated HTJ2K streams: \(outcomes)")
        XCTAssertEqual(Set(outcomes.keys).subtracting(["decoded", "unsupported", "corrupt", "tooLarge", "ImagingError"]), [])
    }

    /// Debian's OpenJPH keeps its assert()s: one failing inside OpenJPH becomes a refusal, not
    /// an abort of the whole program (COpenJPHShim's AssertionTrap.cpp).
    func testAnAssertionInsideOpenJPHIsTrapped() {
        var message = [CChar](repeating: 0, count: 256)
        XCTAssertEqual(lb_ojph_check_assertion_trap(&message, message.count), LB_OJPH_CORRUPT)
        let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        XCTAssertTrue(text.contains("assertion"), text)
    }

    /// Several frames at once on several threads (the transcoder decodes files in parallel).
    func testConcurrentDecodes() throws {
        let v = Self.source(width: 90, height: 70, bits: 16, signed: true, seed: 31)
        let stream = try XCTUnwrap(HTJ2KReferenceEncoder.encode(v, width: 90, height: 70, components: 1, bits: 16, signed: true))
        let d = Self.description(width: 90, height: 70, bits: 16, signed: true)
        let expected = try HTJ2KDecoder(threads: 1).decodeWithOpenJPH(stream, description: d)
        let failures = Atomicish()
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            if (try? HTJ2KDecoder(threads: 1).decodeWithOpenJPH(stream, description: d)) != expected { failures.add() }
        }
        XCTAssertEqual(failures.count, 0)
    }
}

/// A counter the concurrent test's workers share.
final class Atomicish: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return n }
}
