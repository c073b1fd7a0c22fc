import DICOM

/// Options for tolerating known defective lossless JPEG writers, as DCMTK's `dcmdjpeg` does
/// (dcmjpeg/libijg16: `WORKAROUND_PREDICTOR6OVERFLOW`, `WORKAROUND_BUGGY_CORNELL_16BIT_JPEG_ENCODER`).
public struct JPEGLosslessOptions: Sendable, Equatable {
    /// A known encoder computed the predictors of 13–16-bit data from Ra, Rb, Rc read as *signed*
    /// 16-bit integers, so that for example predictor 6, Rb + ((Ra − Rc) >> 1), overflowed
    /// (dcmdjpeg `+w6`; predictors 5, 6 and 7 are affected, 4 wraps to the same value). Not
    /// detectable from the stream: opt in.
    public var predictor6Overflow: Bool
    /// The Cornell encoder followed the difference category 16 (a difference of 32768) with 16
    /// magnitude bits 0x8000 that T.81 §H.1.2.2 does not have, and could code it with a 17-bit
    /// Huffman code the DHT segment cannot define (dcmdjpeg `+wc`). Tried automatically, with a
    /// warning, when a stream has invalid codes without it.
    public var cornellHuffman: Bool
    public init(predictor6Overflow: Bool = false, cornellHuffman: Bool = false) {
        self.predictor6Overflow = predictor6Overflow; self.cornellHuffman = cornellHuffman
    }
}

/// JPEG Lossless, Non-Hierarchical, Process 14 (ITU T.81 Annex H), any selection value 1–7 and
/// point transform, 2–16 bits, one to four components, interleaved or one scan per component
/// (transfer syntaxes 1.2.840.10008.1.2.4.57 and .70).
public struct JPEGLosslessDecoder: PixelDecoder {
    public var name: String { "JPEG Lossless" }
    public var options: JPEGLosslessOptions
    public init(options: JPEGLosslessOptions = .init()) { self.options = options }

    public func decode(_ data: [UInt8], description d: PixelDescription) throws -> DecodedFrame {
        try decode(data, description: d, allowDCTFallback: true)
    }

    /// `allowDCTFallback` is false when the DCT decoder hands a stream over (see `JPEGDCTDecoder`).
    func decode(_ data: [UInt8], description d: PixelDescription, allowDCTFallback: Bool) throws -> DecodedFrame {
        var result: JPEGLosslessCodec.Result
        do {
            result = try JPEGLosslessCodec.decode(data, options: options)
            if result.invalidCodes > 0 && !options.cornellHuffman {
                var o = options; o.cornellHuffman = true
                if let retry = try? JPEGLosslessCodec.decode(data, options: o), retry.invalidCodes == 0 {
                    result = retry
                    result.warnings.append("Huffman codes decoded with the Cornell 16-bit workaround")
                }
            }
        } catch JPEGLosslessCodec.Failure.notLossless(let sof) {
            if (sof == 0xC0 || sof == 0xC1) && allowDCTFallback {
                // Lenient: a DCT stream labelled lossless; decode it for what it is.
                var f = try JPEGDCTDecoder().decode(data, description: d, allowLosslessFallback: false)
                f.warnings.append("transfer syntax says lossless JPEG but the stream is DCT (SOF\(sof & 0xF))")
                return f
            }
            throw ImagingError.corruptStream(codec: name, reason: "unsupported JPEG process SOF 0x\(String(sof, radix: 16, uppercase: true))", file: nil)
        } catch let e as JPEGLosslessCodec.Failure {
            throw ImagingError.corruptStream(codec: name, reason: e.reason, file: nil)
        }
        if result.invalidCodes > 0 { result.warnings.append("\(result.invalidCodes) invalid Huffman codes decoded as zero differences") }
        return try JPEGLosslessCodec.frame(from: result, description: d)
    }
}

/// The JPEG Lossless SV1 encoder for transfer syntax 1.2.840.10008.1.2.4.70 (or any predictor
/// for .57): one interleaved scan, an optimal Huffman table per frame (T.81 Annex K.2).
public struct JPEGLosslessEncoder: PixelEncoder {
    public var name: String { "JPEG Lossless" }
    public var transferSyntax: TransferSyntax { .jpegLosslessSV1 }
    public var isLossy: Bool { false }
    public init() {}

    public func encode(_ frame: DecodedFrame, options: EncodingOptions) throws -> EncodedFrame {
        let d = frame.description
        guard d.bitsAllocated == 8 || d.bitsAllocated == 16, d.bitsStored <= 16 else {
            throw ImagingError.encodingFailed(codec: name, reason: "lossless JPEG holds 8- or 16-bit allocated samples of at most 16 bits; this image has \(d.bitsAllocated) allocated, \(d.bitsStored) stored")
        }
        guard (1 ... 7).contains(options.predictor) else { throw ImagingError.encodingFailed(codec: name, reason: "predictor \(options.predictor) is not 1–7") }
        let precision = max(2, d.bitsStored)
        let v = frame.samples.storedPatterns(bits: d.bitsStored)
        guard v.count == d.samplesPerFrame else { throw ImagingError.encodingFailed(codec: name, reason: "sample count does not match the description") }
        let bytes = JPEGLosslessCodec.encode(v.map { UInt16(truncatingIfNeeded: $0) }, rows: d.rows, columns: d.columns,
                                             components: d.samplesPerPixel, precision: precision, predictor: options.predictor)
        var od = d
        od.isPlanar = false
        return EncodedFrame(bytes: bytes, description: od)
    }
}

/// Fuzz entry points: decode arbitrary bytes with a fixed small description; must never trap.
public enum CodecFuzzing {
    static let fuzzDescription = PixelDescription(rows: 16, columns: 16, bitsAllocated: 16, bitsStored: 12)
    public static func jpegLossless(_ bytes: [UInt8]) {
        _ = try? JPEGLosslessDecoder().decode(bytes, description: fuzzDescription)
        _ = try? JPEGLosslessDecoder(options: .init(predictor6Overflow: true, cornellHuffman: true)).decode(bytes, description: fuzzDescription)
    }
    /// The Swift JPEG-LS lossless grey decoder only (CharLS is not ours to fuzz).
    public static func jpegLS(_ bytes: [UInt8]) {
        _ = JPEGLSDecoder.decodeLosslessGrey(bytes, description: fuzzDescription)
        _ = JPEGLSDecoder.decodeLosslessGrey(bytes, description: PixelDescription(rows: 7, columns: 5, bitsAllocated: 8, bitsStored: 8))
    }
    public static func rle(_ bytes: [UInt8]) {
        _ = try? RLEDecoder().decode(bytes, description: fuzzDescription)
        _ = try? RLEDecoder().decode(bytes, description: PixelDescription(rows: 8, columns: 7, samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, photometricInterpretation: .rgb))
    }
}

enum JPEGLosslessCodec {
    enum Failure: Error {
        case malformed(String)
        case notLossless(UInt8)
        var reason: String {
            switch self {
            case .malformed(let s): return s
            case .notLossless(let m): return "SOF marker 0x\(String(m, radix: 16, uppercase: true)) is not lossless Huffman (SOF3)"
            }
        }
    }

    struct Component { var id: UInt8; var h: Int; var v: Int }

    struct Result {
        var samples: [UInt16]
        var rows: Int
        var columns: Int
        var components: Int
        var precision: Int
        var pointTransform: Int
        var predictor: Int
        var warnings: [String]
        var invalidCodes: Int
    }

    /// Flat Huffman lookup: the next 16 bits index an entry (code length << 8 | symbol); 0 means
    /// no code of ≤ 16 bits starts with those bits.
    final class HuffmanTable {
        var lookup: [UInt16]
        init(bits: [Int], values: [UInt8]) throws {
            lookup = [UInt16](repeating: 0, count: 1 << 16)
            var code = 0, k = 0
            for len in 1 ... 16 {
                for _ in 0 ..< bits[len - 1] {
                    guard k < values.count else { throw Failure.malformed("Huffman table lists more codes than values") }
                    guard code < (1 << len) else { throw Failure.malformed("Huffman table over-subscribed at length \(len)") }
                    let first = code << (16 - len), n = 1 << (16 - len)
                    let entry = UInt16(len << 8) | UInt16(values[k])
                    lookup.withUnsafeMutableBufferPointer { p in for i in first ..< first + n { p[i] = entry } }
                    code += 1; k += 1
                }
                code <<= 1
            }
        }
    }

    /// MSB-first bit reader over entropy-coded data: removes stuffed zero bytes, stops at a marker
    /// and then feeds zero bits, counting how many it invented.
    struct BitReader {
        let base: UnsafePointer<UInt8>
        let end: Int
        var pos: Int
        var acc: UInt64 = 0
        var bits: Int = 0
        var atMarker = false
        var invented = 0

        @inline(__always) mutating func fill() {
            while bits <= 56 {
                var b: UInt64 = 0
                if !atMarker && pos < end {
                    let c = base[pos]
                    if c == 0xFF {
                        let n: UInt8 = pos + 1 < end ? base[pos + 1] : 0xD9
                        if n == 0 { pos += 2; b = 0xFF }
                        else if n == 0xFF { pos += 1; continue }
                        else { atMarker = true; invented += 1 }
                    } else { pos += 1; b = UInt64(c) }
                } else { invented += 1 }
                acc |= b << UInt64(56 - bits)
                bits += 8
            }
        }

        /// Bytes of real data not yet consumed by decoding (approximate: whole bytes).
        var exhausted: Bool { (atMarker || pos >= end) && invented * 8 > bits + 16 }

        mutating func reset() { acc = 0; bits = 0; atMarker = false; invented = 0 }
    }

    static func decode(_ data: [UInt8], options: JPEGLosslessOptions) throws -> Result {
        try data.withUnsafeBufferPointer { buf -> Result in
            guard let p = buf.baseAddress, buf.count >= 4 else { throw Failure.malformed("stream of \(buf.count) bytes is too short") }
            let n = buf.count
            var pos = 0
            // Lenient: skip leading garbage before SOI.
            while pos + 1 < n && !(p[pos] == 0xFF && p[pos + 1] == 0xD8) { pos += 1 }
            guard pos + 1 < n else { throw Failure.malformed("no SOI marker") }
            pos += 2
            var tables = [HuffmanTable?](repeating: nil, count: 4)
            var comps: [Component] = []
            var rows = 0, cols = 0, precision = 0
            var restartInterval = 0
            var out: [UInt16] = []
            var warnings: [String] = []
            var invalid = 0
            var lastPredictor = 1, lastPt = 0
            var scans = 0
            var sawFrame = false
            func u16(_ i: Int) -> Int { Int(p[i]) << 8 | Int(p[i + 1]) }
            markers: while pos + 1 < n {
                guard p[pos] == 0xFF else { pos += 1; continue }  // Lenient: garbage between segments
                let m = p[pos + 1]
                pos += 2
                switch m {
                case 0xFF: pos -= 1; continue
                case 0xD8, 0x01, 0xD0 ... 0xD7: continue
                case 0xD9: break markers
                default: break
                }
                guard pos + 2 <= n else { break }
                let len = u16(pos)
                guard len >= 2, pos + len <= n else { throw Failure.malformed("segment 0xFF\(String(m, radix: 16)) of length \(len) runs past the end") }
                let seg = pos + 2, segEnd = pos + len
                pos = segEnd
                switch m {
                case 0xC3:
                    guard len >= 8 else { throw Failure.malformed("short SOF3") }
                    precision = Int(p[seg]); rows = u16(seg + 1); cols = u16(seg + 3)
                    let nf = Int(p[seg + 5])
                    guard (2 ... 16).contains(precision) else { throw Failure.malformed("sample precision \(precision) is not 2–16") }
                    guard rows > 0, cols > 0 else { throw Failure.malformed("frame size \(cols)×\(rows) (DNL is not supported)") }
                    guard (1 ... 4).contains(nf), len >= 8 + 3 * nf else { throw Failure.malformed("\(nf) components") }
                    comps = (0 ..< nf).map { i in
                        Component(id: p[seg + 6 + 3 * i], h: Int(p[seg + 7 + 3 * i] >> 4), v: Int(p[seg + 7 + 3 * i] & 15))
                    }
                    guard comps.allSatisfy({ $0.h == 1 && $0.v == 1 }) else { throw Failure.malformed("subsampled lossless JPEG components are not supported") }
                    let total = rows * cols * nf
                    guard total <= ImagePixelData.maxFrameBytes / 2 else { throw Failure.malformed("frame of \(total) samples is too large") }
                    // Every sample costs at least one Huffman code bit, so a complete stream of n
                    // bytes holds at most 8n samples. Truncated streams are decoded as far as they
                    // go, but a stream with less than 1/64 of the smallest possible data is not a
                    // truncated image: refuse it before allocating (a 20-byte stream must not claim
                    // a 65535×65535 frame and get a gigabyte).
                    guard total <= max(1 << 24, n * 8 * 64) else {
                        throw Failure.malformed("a \(cols)×\(rows)×\(nf) frame cannot come from a stream of \(n) bytes")
                    }
                    out = [UInt16](repeating: 0, count: total)
                    sawFrame = true
                case 0xC0 ... 0xCF where m != 0xC4 && m != 0xC8 && m != 0xCC:
                    throw Failure.notLossless(m)
                case 0xC4:
                    var q = seg
                    while q < segEnd {
                        let tc = p[q] >> 4, th = Int(p[q] & 15)
                        guard q + 17 <= segEnd, th < 4 else { throw Failure.malformed("bad DHT segment") }
                        var bits = [Int](repeating: 0, count: 16)
                        var total = 0
                        for i in 0 ..< 16 { bits[i] = Int(p[q + 1 + i]); total += bits[i] }
                        guard q + 17 + total <= segEnd else { throw Failure.malformed("DHT values run past the segment") }
                        let vals = Array(UnsafeBufferPointer(start: p + q + 17, count: total))
                        if tc == 0 { tables[th] = try HuffmanTable(bits: bits, values: vals) }
                        q += 17 + total
                    }
                case 0xDD:
                    guard len >= 4 else { throw Failure.malformed("short DRI") }
                    restartInterval = u16(seg)
                case 0xDA:
                    guard sawFrame else { throw Failure.malformed("SOS before SOF") }
                    let ns = Int(p[seg])
                    guard (1 ... 4).contains(ns), len >= 6 + 2 * ns else { throw Failure.malformed("bad SOS") }
                    var scanComps: [Int] = []
                    var scanTables: [HuffmanTable] = []
                    for i in 0 ..< ns {
                        let cid = p[seg + 1 + 2 * i]
                        let td = Int(p[seg + 2 + 2 * i] >> 4)
                        guard let ci = comps.firstIndex(where: { $0.id == cid }) ?? (ns == comps.count ? i : nil) else {
                            throw Failure.malformed("scan names unknown component \(cid)")
                        }
                        guard td < 4, let t = tables[td] else { throw Failure.malformed("scan uses undefined Huffman table \(td)") }
                        scanComps.append(ci); scanTables.append(t)
                    }
                    let ss = Int(p[seg + 1 + 2 * ns])
                    let al = Int(p[seg + 3 + 2 * ns] & 15)
                    guard (0 ... 7).contains(ss) else { throw Failure.malformed("predictor \(ss)") }
                    guard al < precision else { throw Failure.malformed("point transform \(al) ≥ precision \(precision)") }
                    lastPredictor = ss; lastPt = al
                    var reader = BitReader(base: p, end: n, pos: pos)
                    let status = out.withUnsafeMutableBufferPointer { o in
                        decodeScan(&reader, out: o, rows: rows, cols: cols, nc: comps.count, scanComps: scanComps,
                                   tables: scanTables, predictor: ss, precision: precision, pt: al,
                                   restartInterval: restartInterval, options: options)
                    }
                    invalid += status.invalid
                    if let row = status.truncatedAtRow {
                        warnings.append("the stream ends in row \(row) of \(rows); the rows after it are zero")
                        break markers
                    }
                    if status.restartProblems > 0 { warnings.append("\(status.restartProblems) restart markers missing or out of order") }
                    scans += 1
                    // Continue after the scan's data: find the next marker that is not RSTn.
                    pos = reader.pos
                    while pos + 1 < n && !(p[pos] == 0xFF && p[pos + 1] != 0 && p[pos + 1] != 0xFF && !(0xD0 ... 0xD7).contains(p[pos + 1])) { pos += 1 }
                default:
                    continue  // APPn, COM, DQT, DNL …
                }
            }
            guard sawFrame else { throw Failure.malformed("no SOF3 frame header") }
            guard scans > 0 || !warnings.isEmpty else { throw Failure.malformed("no scan") }
            return Result(samples: out, rows: rows, columns: cols, components: comps.count, precision: precision,
                          pointTransform: lastPt, predictor: lastPredictor, warnings: warnings, invalidCodes: invalid)
        }
    }

    struct ScanStatus { var invalid = 0; var truncatedAtRow: Int?; var restartProblems = 0 }

    /// Decodes one scan into the interleaved output (T.81 §H.1.2: prediction; §H.1.2.2: coding).
    static func decodeScan(_ r: inout BitReader, out: UnsafeMutableBufferPointer<UInt16>, rows: Int, cols: Int, nc: Int,
                           scanComps: [Int], tables: [HuffmanTable], predictor: Int, precision: Int, pt: Int,
                           restartInterval: Int, options: JPEGLosslessOptions) -> ScanStatus {
        var status = ScanStatus()
        let ns = scanComps.count
        // One flat array: 65536 entries per scan component.
        let lookups: [UInt16] = ns == 1 ? tables[0].lookup : tables.flatMap { $0.lookup }
        let initial = Int32(1) << Int32(precision - pt - 1)
        let stride = cols * nc
        // MCUs per restart interval; an MCU is one sample of each scan component.
        var mcusLeft = restartInterval > 0 ? restartInterval : Int.max
        var firstRowOfInterval = true
        var expectedRST: UInt8 = 0
        let cornell = options.cornellHuffman
        let p6overflow = options.predictor6Overflow && precision > 12 && predictor >= 4

        return lookups.withUnsafeBufferPointer { luts in
            if ns == 1 && nc == 1 && restartInterval == 0 && !cornell && !p6overflow {
                return decodeGreyScan(&r, out: out, rows: rows, cols: cols, lut: luts.baseAddress!, predictor: predictor, initial: initial)
            }
            for row in 0 ..< rows {
                for col in 0 ..< cols {
                    if mcusLeft == 0 {
                        // Restart (T.81 §H.1.2.1 applies again from the next sample).
                        if !restart(&r, expected: expectedRST) { status.restartProblems += 1 }
                        expectedRST = (expectedRST + 1) & 7
                        mcusLeft = restartInterval
                        firstRowOfInterval = true
                    }
                    mcusLeft -= 1
                    for s in 0 ..< ns {
                        let c = scanComps[s]
                        let idx = row * stride + col * nc + c
                        // Prediction.
                        var pred: Int32
                        if firstRowOfInterval && col == 0 { pred = initial }
                        else if firstRowOfInterval { pred = Int32(out[idx - nc]) }
                        else if col == 0 { pred = Int32(out[idx - stride]) }
                        else {
                            let ra = Int32(out[idx - nc]), rb = Int32(out[idx - stride]), rc = Int32(out[idx - stride - nc])
                            if p6overflow {
                                // Lenient: the signed 16-bit predictors of the defective encoder
                                // (DCMTK dcmjpeg/libijg16/jlossls16.h PREDICTOR4A–7A).
                                pred = predict(predictor, ra: Int32(Int16(truncatingIfNeeded: ra)),
                                               rb: Int32(Int16(truncatingIfNeeded: rb)), rc: Int32(Int16(truncatingIfNeeded: rc)))
                            } else {
                                pred = predict(predictor, ra: ra, rb: rb, rc: rc)
                            }
                        }
                        // Difference.
                        if r.bits < 32 { r.fill() }
                        let e = luts[s << 16 | Int(truncatingIfNeeded: r.acc >> 48)]
                        var diff: Int32 = 0
                        if e == 0 {
                            if cornell {
                                // Lenient: the Cornell encoder's 17-bit code (longer than any the
                                // DHT defines) for SSSS 16, as DCMTK jdhuff.c reads it.
                                r.acc <<= 17; r.bits -= 17
                                diff = 32768
                                skipCornellMagnitude(&r)
                            } else {
                                status.invalid += 1
                                r.acc <<= 1; r.bits -= 1
                            }
                        } else {
                            let len = Int(e >> 8), sym = Int(e & 0xFF)
                            r.acc <<= UInt64(len); r.bits -= len
                            if sym == 0 {
                                diff = 0
                            } else if sym >= 16 {
                                diff = 32768
                                if cornell { skipCornellMagnitude(&r) }
                            } else {
                                let v = Int32(truncatingIfNeeded: r.acc >> UInt64(64 - sym))
                                r.acc <<= UInt64(sym); r.bits -= sym
                                diff = v < (Int32(1) << Int32(sym - 1)) ? v - (Int32(1) << Int32(sym)) + 1 : v
                            }
                        }
                        out[idx] = UInt16(truncatingIfNeeded: pred + diff)
                    }
                }
                firstRowOfInterval = false
                if r.exhausted && row + 1 < rows {
                    status.truncatedAtRow = row + 1
                    // Zero what was invented past the end of the data.
                    return status
                }
            }
            return status
        }
    }

    /// The Cornell encoder followed SSSS 16 with 16 magnitude bits 1000 0000 0000 0000, which T.81
    /// §H.1.2.2 does not have; drop them when they are there (DCMTK dcmjpeg/libijg16/jdlhuff.c).
    @inline(__always)
    static func skipCornellMagnitude(_ r: inout BitReader) {
        if r.bits < 32 { r.fill() }
        if r.acc >> 48 == 0x8000 { r.acc <<= 16; r.bits -= 16 }
    }

    /// Prediction from the neighbours Ra (left), Rb (above), Rc (above left) for selection values
    /// 1–7 (ITU-T T.81 Table H.1); 0 (hierarchical mode only) predicts nothing.
    @inline(__always)
    static func predict(_ predictor: Int, ra: Int32, rb: Int32, rc: Int32) -> Int32 {
        switch predictor {
        case 1: return ra
        case 2: return rb
        case 3: return rc
        case 4: return ra + rb - rc
        case 5: return ra + ((rb - rc) >> 1)
        case 6: return rb + ((ra - rc) >> 1)
        case 7: return (ra + rb) >> 1
        default: return 0
        }
    }

    /// One Huffman-coded difference (T.81 §H.1.2.2, Table H.2).
    @inline(__always)
    static func nextDiff(_ r: inout BitReader, _ lut: UnsafePointer<UInt16>, _ invalid: inout Int) -> Int32 {
        if r.bits < 32 { r.fill() }
        let e = lut[Int(truncatingIfNeeded: r.acc >> 48)]
        if e == 0 { invalid += 1; r.acc <<= 1; r.bits -= 1; return 0 }
        let len = Int(e >> 8), sym = Int(e & 0xFF)
        r.acc <<= UInt64(len); r.bits -= len
        if sym == 0 { return 0 }
        if sym >= 16 { return 32768 }
        let v = Int32(truncatingIfNeeded: r.acc >> UInt64(64 - sym))
        r.acc <<= UInt64(sym); r.bits -= sym
        return v < (Int32(1) << Int32(sym - 1)) ? v - (Int32(1) << Int32(sym)) + 1 : v
    }

    /// The common case, one component and no restarts, with the predictor chosen per row.
    static func decodeGreyScan(_ r: inout BitReader, out: UnsafeMutableBufferPointer<UInt16>, rows: Int, cols: Int,
                               lut: UnsafePointer<UInt16>, predictor: Int, initial: Int32) -> ScanStatus {
        var status = ScanStatus()
        var invalid = 0
        guard let o = out.baseAddress else { return status }
        @inline(__always) func put(_ i: Int, _ v: Int32) { o[i] = UInt16(truncatingIfNeeded: v) }
        for row in 0 ..< rows {
            let b = row * cols
            if row == 0 {
                put(0, initial + nextDiff(&r, lut, &invalid))
                var col = 1
                while col < cols { put(col, Int32(o[col - 1]) + nextDiff(&r, lut, &invalid)); col += 1 }
            } else {
                let u = b - cols
                put(b, Int32(o[u]) + nextDiff(&r, lut, &invalid))
                var col = 1
                switch predictor {
                case 1: while col < cols { put(b + col, Int32(o[b + col - 1]) + nextDiff(&r, lut, &invalid)); col += 1 }
                case 2: while col < cols { put(b + col, Int32(o[u + col]) + nextDiff(&r, lut, &invalid)); col += 1 }
                case 3: while col < cols { put(b + col, Int32(o[u + col - 1]) + nextDiff(&r, lut, &invalid)); col += 1 }
                case 4:
                    while col < cols {
                        put(b + col, Int32(o[b + col - 1]) + Int32(o[u + col]) - Int32(o[u + col - 1]) + nextDiff(&r, lut, &invalid)); col += 1
                    }
                case 5:
                    while col < cols {
                        put(b + col, Int32(o[b + col - 1]) + ((Int32(o[u + col]) - Int32(o[u + col - 1])) >> 1) + nextDiff(&r, lut, &invalid)); col += 1
                    }
                case 6:
                    while col < cols {
                        put(b + col, Int32(o[u + col]) + ((Int32(o[b + col - 1]) - Int32(o[u + col - 1])) >> 1) + nextDiff(&r, lut, &invalid)); col += 1
                    }
                case 7:
                    while col < cols { put(b + col, ((Int32(o[b + col - 1]) + Int32(o[u + col])) >> 1) + nextDiff(&r, lut, &invalid)); col += 1 }
                default:
                    while col < cols { put(b + col, nextDiff(&r, lut, &invalid)); col += 1 }
                }
            }
            if r.exhausted && row + 1 < rows { status.truncatedAtRow = row + 1; break }
        }
        status.invalid = invalid
        return status
    }

    /// Re-synchronises at a restart marker: drops buffered bits, skips to and past RSTn.
    static func restart(_ r: inout BitReader, expected: UInt8) -> Bool {
        r.reset()
        var q = r.pos
        while q + 1 < r.end && !(r.base[q] == 0xFF && (0xD0 ... 0xD7).contains(r.base[q + 1])) {
            if r.base[q] == 0xFF && r.base[q + 1] != 0 && r.base[q + 1] != 0xFF { break }
            q += 1
        }
        guard q + 1 < r.end, r.base[q] == 0xFF, (0xD0 ... 0xD7).contains(r.base[q + 1]) else { r.pos = q; return false }
        let ok = r.base[q + 1] == 0xD0 + expected && q == r.pos
        r.pos = q + 2
        return ok
    }

    /// Builds a frame from a decoded stream: undoes the point transform, checks precision and
    /// size against the data set (the data set wins for masking and signedness).
    static func frame(from res: Result, description d: PixelDescription) throws -> DecodedFrame {
        var warnings = res.warnings
        var od = d
        od.isPlanar = false
        if res.rows != d.rows || res.columns != d.columns {
            warnings.append("the JPEG frame is \(res.columns)×\(res.rows) but the data set says \(d.columns)×\(d.rows); using the JPEG size")
            od.rows = res.rows; od.columns = res.columns
        }
        if res.components != d.samplesPerPixel {
            warnings.append("the JPEG frame has \(res.components) components but Samples per Pixel is \(d.samplesPerPixel)")
            od.samplesPerPixel = res.components
            if res.components == 1 { od.photometricInterpretation = .monochrome2 }
            else if d.photometricInterpretation.isMonochrome { od.photometricInterpretation = .rgb }
        }
        if res.precision != d.bitsStored && !(d.bitsStored < 2 && res.precision == 2) {
            warnings.append("JPEG sample precision \(res.precision) differs from Bits Stored \(d.bitsStored); following the data set")
        }
        var s = res.samples
        if res.pointTransform > 0 {
            let pt = UInt16(res.pointTransform)
            s.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] = b[i] << pt } }
        }
        if od.bitsAllocated > 16 {
            let bits = od.bitsStored
            let v = s.map { UInt32($0) }
            return DecodedFrame(description: od, samples: SampleConversion.finish32(v, bits: min(bits, 32), shift: 0, signed: od.isSigned), warnings: warnings)
        }
        return DecodedFrame(description: od, samples: SampleConversion.fromCodec16(s, description: od), warnings: warnings)
    }

    // MARK: encoding

    static func encode(_ v: [UInt16], rows: Int, columns: Int, components nc: Int, precision: Int, predictor: Int) -> [UInt8] {
        let stride = columns * nc
        let initial = Int32(1) << Int32(precision - 1)
        // Pass 1: categories and difference bits.
        var cats = [UInt8](repeating: 0, count: v.count)
        var diffs = [UInt16](repeating: 0, count: v.count)
        var freq = [Int](repeating: 0, count: 18)
        v.withUnsafeBufferPointer { x in
            cats.withUnsafeMutableBufferPointer { cat in
                diffs.withUnsafeMutableBufferPointer { df in
                    for row in 0 ..< rows {
                        for col in 0 ..< columns {
                            for c in 0 ..< nc {
                                let idx = row * stride + col * nc + c
                                let pred: Int32
                                if row == 0 && col == 0 { pred = initial }
                                else if row == 0 { pred = Int32(x[idx - nc]) }
                                else if col == 0 { pred = Int32(x[idx - stride]) }
                                else {
                                    let ra = Int32(x[idx - nc]), rb = Int32(x[idx - stride]), rc = Int32(x[idx - stride - nc])
                                    pred = predict(predictor, ra: ra, rb: rb, rc: rc)
                                }
                                let d = Int32(Int16(truncatingIfNeeded: Int32(x[idx]) - pred))
                                var ssss = 0
                                var bits: UInt16 = 0
                                if d == -32768 { ssss = 16 }
                                else if d != 0 {
                                    let a = d < 0 ? -d : d
                                    ssss = 32 - a.leadingZeroBitCount
                                    bits = UInt16(truncatingIfNeeded: d < 0 ? d + (Int32(1) << Int32(ssss)) - 1 : d)
                                }
                                cat[idx] = UInt8(ssss); df[idx] = bits
                                freq[ssss] += 1
                            }
                        }
                    }
                }
            }
        }
        let (bitsCounts, huffval) = optimalTable(freq: freq)
        // Code assignment (T.81 Annex C).
        var ehufco = [UInt32](repeating: 0, count: 17), ehufsi = [Int](repeating: 0, count: 17)
        var code: UInt32 = 0, k = 0
        for len in 1 ... 16 {
            for _ in 0 ..< bitsCounts[len] { ehufco[Int(huffval[k])] = code; ehufsi[Int(huffval[k])] = len; code += 1; k += 1 }
            code <<= 1
        }
        var out: [UInt8] = []
        out.reserveCapacity(v.count * 2 + 1024)
        out += [0xFF, 0xD8]
        // SOF3
        out += [0xFF, 0xC3]
        let sofLen = 8 + 3 * nc
        out += [UInt8(sofLen >> 8), UInt8(sofLen & 0xFF), UInt8(precision),
                UInt8(rows >> 8), UInt8(rows & 0xFF), UInt8(columns >> 8), UInt8(columns & 0xFF), UInt8(nc)]
        for c in 0 ..< nc { out += [UInt8(c + 1), 0x11, 0] }
        // DHT
        let dhtLen = 2 + 1 + 16 + huffval.count
        out += [0xFF, 0xC4, UInt8(dhtLen >> 8), UInt8(dhtLen & 0xFF), 0x00]
        for len in 1 ... 16 { out.append(UInt8(bitsCounts[len])) }
        out += huffval
        // SOS
        let sosLen = 6 + 2 * nc
        out += [0xFF, 0xDA, UInt8(sosLen >> 8), UInt8(sosLen & 0xFF), UInt8(nc)]
        for c in 0 ..< nc { out += [UInt8(c + 1), 0x00] }
        out += [UInt8(predictor), 0, 0]
        // Entropy-coded data, byte-stuffed.
        var acc: UInt64 = 0
        var nbits = 0
        cats.withUnsafeBufferPointer { cat in
            diffs.withUnsafeBufferPointer { df in
                for i in 0 ..< cat.count {
                    let s = Int(cat[i])
                    var word = UInt64(ehufco[s])
                    var wlen = ehufsi[s]
                    if s > 0 && s < 16 { word = (word << UInt64(s)) | UInt64(df[i]); wlen += s }
                    acc = (acc << UInt64(wlen)) | word
                    nbits += wlen
                    while nbits >= 8 {
                        nbits -= 8
                        let byte = UInt8(truncatingIfNeeded: acc >> UInt64(nbits))
                        out.append(byte)
                        if byte == 0xFF { out.append(0) }
                    }
                }
            }
        }
        if nbits > 0 {
            let pad = 8 - nbits
            let byte = UInt8(truncatingIfNeeded: (acc << UInt64(pad)) | ((1 << UInt64(pad)) - 1))
            out.append(byte)
            if byte == 0xFF { out.append(0) }
        }
        out += [0xFF, 0xD9]
        return out
    }

    /// Length-limited optimal Huffman code (T.81 Annex K.2, Figures K.1–K.4) over symbols 0–16;
    /// returns BITS (index 1…16) and HUFFVAL.
    static func optimalTable(freq f: [Int]) -> ([Int], [UInt8]) {
        var freq = f
        freq[17] = 1  // reserved so no code is all ones
        var codesize = [Int](repeating: 0, count: 18)
        var others = [Int](repeating: -1, count: 18)
        while true {
            var v1 = -1, v2 = -1
            for i in 0 ..< 18 where freq[i] > 0 { if v1 < 0 || freq[i] <= freq[v1] { v1 = i } }
            for i in 0 ..< 18 where freq[i] > 0 && i != v1 { if v2 < 0 || freq[i] <= freq[v2] { v2 = i } }
            if v2 < 0 { break }
            freq[v1] += freq[v2]; freq[v2] = 0
            codesize[v1] += 1
            while others[v1] >= 0 { v1 = others[v1]; codesize[v1] += 1 }
            others[v1] = v2
            codesize[v2] += 1
            while others[v2] >= 0 { v2 = others[v2]; codesize[v2] += 1 }
        }
        var bits = [Int](repeating: 0, count: 40)
        for i in 0 ..< 18 where codesize[i] > 0 { bits[codesize[i]] += 1 }
        var i = 39
        while i > 16 {
            while bits[i] > 0 {
                var j = i - 2
                while bits[j] == 0 { j -= 1 }
                bits[i] -= 2; bits[i - 1] += 1; bits[j + 1] += 2; bits[j] -= 1
            }
            i -= 1
        }
        i = 16
        while bits[i] == 0 { i -= 1 }
        bits[i] -= 1
        var huffval: [UInt8] = []
        for size in 1 ... 39 { for s in 0 ..< 17 where codesize[s] == size { huffval.append(UInt8(s)) } }
        return (Array(bits[0 ... 16]), huffval)
    }
}
