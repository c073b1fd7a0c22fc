import DICOM

/// RLE Lossless, PS3.5 Annex G: a 64-byte header (segment count, 15 offsets), then one PackBits
/// segment per byte plane, most significant byte of each sample first.
public struct RLEDecoder: PixelDecoder {
    public var name: String { "RLE Lossless" }
    public init() {}

    public func decode(_ data: [UInt8], description d: PixelDescription) throws -> DecodedFrame {
        let bps = d.bitsAllocated == 1 ? 1 : d.bitsAllocated / 8
        let planes = bps * d.samplesPerPixel
        let pixels = d.pixelsPerFrame
        guard data.count >= 64 else { throw ImagingError.corruptStream(codec: name, reason: "\(data.count) bytes is shorter than the 64-byte RLE header", file: nil) }
        func u32(_ p: Int) -> Int { Int(data[p]) | Int(data[p + 1]) << 8 | Int(data[p + 2]) << 16 | Int(data[p + 3]) << 24 }
        let segments = u32(0)
        guard segments <= 15 else {
            throw ImagingError.corruptStream(codec: name, reason: "header declares \(segments) segments; RLE allows at most 15", file: nil)
        }
        guard segments == planes else {
            throw ImagingError.corruptStream(codec: name, reason: "header declares \(segments) segments but \(d.samplesPerPixel) samples of \(d.bitsAllocated) bits need \(planes)", file: nil)
        }
        var offsets: [Int] = (0 ..< segments).map { u32(4 + 4 * $0) }
        offsets.append(data.count)
        var warnings: [String] = []
        // Byte planes in output order: sample s, byte b (0 = most significant).
        var out = [UInt8](repeating: 0, count: pixels * planes)
        try data.withUnsafeBufferPointer { src in
            try out.withUnsafeMutableBufferPointer { dst in
                for seg in 0 ..< segments {
                    let start = offsets[seg]
                    var end = offsets[seg + 1]
                    if end < start || end > data.count { end = data.count }
                    guard start >= 64, start <= data.count else {
                        throw ImagingError.corruptStream(codec: name, reason: "segment \(seg + 1) offset \(start) is outside the \(data.count)-byte frame", file: nil)
                    }
                    let sample = seg / bps, byte = seg % bps
                    // Little-endian position of this byte within the interleaved output word.
                    let lane = sample * bps + (bps - 1 - byte)
                    let got = unpack(src, start, end, dst, lane: lane, stride: planes, count: pixels)
                    if got < pixels { warnings.append("RLE segment \(seg + 1) decoded to \(got) of \(pixels) bytes; the rest is zero") }
                }
            }
        }
        var od = d
        od.isPlanar = false
        let samples: PixelSamples
        if d.bitsAllocated == 1 {
            // Lenient: 1-bit RLE is not defined by the standard; treat as 8-bit values.
            samples = .uint8(out)
        } else {
            var tmp = od
            tmp.isPlanar = false
            samples = out.withUnsafeBytes { SampleConversion.fromStoredBytes($0, count: pixels * d.samplesPerPixel, description: tmp, planar: false) }
        }
        return DecodedFrame(description: od, samples: samples, warnings: warnings)
    }

    /// PackBits (PS3.5 §G.3.2) into every `stride`-th byte from `lane`; returns bytes produced.
    @inline(__always)
    func unpack(_ src: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ dst: UnsafeMutableBufferPointer<UInt8>,
                lane: Int, stride: Int, count: Int) -> Int {
        var i = start, o = 0, w = lane
        while i < end && o < count {
            let n = Int(Int8(bitPattern: src[i])); i += 1
            if n >= 0 {
                let run = min(n + 1, count - o, end - i)
                for k in 0 ..< run { dst[w] = src[i + k]; w += stride }
                o += run; i += n + 1
                if run < n + 1 && o < count { break }
            } else if n != -128 {
                guard i < end else { break }
                let v = src[i]; i += 1
                let run = min(1 - n, count - o)
                for _ in 0 ..< run { dst[w] = v; w += stride }
                o += run
            }
        }
        return o
    }
}

/// RLE Lossless encoder (PS3.5 Annex G): one PackBits segment per byte plane, each row encoded
/// separately (§G.3.1), segments padded to even length.
public struct RLEEncoder: PixelEncoder {
    public var name: String { "RLE Lossless" }
    public var transferSyntax: TransferSyntax { .rleLossless }
    public var isLossy: Bool { false }
    public init() {}

    public func encode(_ frame: DecodedFrame, options: EncodingOptions) throws -> EncodedFrame {
        let d = frame.description
        guard [8, 16, 32].contains(d.bitsAllocated) else { throw ImagingError.encodingFailed(codec: name, reason: "Bits Allocated \(d.bitsAllocated) is not 8, 16 or 32") }
        let bps = d.bitsAllocated / 8
        let planes = bps * d.samplesPerPixel
        guard planes <= 15 else { throw ImagingError.encodingFailed(codec: name, reason: "\(planes) byte planes is more than RLE's 15 segments") }
        let native = frame.samples.nativeBytes(bitsAllocated: d.bitsAllocated, bitsStored: d.bitsStored)
        guard native.count == d.samplesPerFrame * bps else { throw ImagingError.encodingFailed(codec: name, reason: "sample count does not match the description") }
        var out = [UInt8](repeating: 0, count: 64)
        out.reserveCapacity(native.count + native.count / 64 + 64)
        func put32(_ v: Int, at p: Int) { for k in 0 ..< 4 { out[p + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }
        put32(planes, at: 0)
        var row = [UInt8](repeating: 0, count: d.columns)
        for seg in 0 ..< planes {
            put32(out.count, at: 4 + 4 * seg)
            let sample = seg / bps, byte = seg % bps
            let lane = sample * bps + (bps - 1 - byte)
            let stride = planes
            for r in 0 ..< d.rows {
                var w = (r * d.columns) * stride + lane
                for c in 0 ..< d.columns { row[c] = native[w]; w += stride }
                RLEEncoder.packBits(row, into: &out)
            }
            if out.count & 1 == 1 { out.append(0) }
        }
        var od = d
        od.isPlanar = false
        return EncodedFrame(bytes: out, description: od)
    }

    /// PackBits one row: literal runs up to 128 bytes, replicate runs of 2–128.
    static func packBits(_ row: [UInt8], into out: inout [UInt8]) {
        let n = row.count
        var i = 0
        while i < n {
            var run = 1
            while i + run < n && run < 128 && row[i + run] == row[i] { run += 1 }
            if run >= 2 {
                out.append(UInt8(bitPattern: Int8(1 - run))); out.append(row[i]); i += run
                continue
            }
            // Literal: until a run of 2+ starts or 128 bytes.
            var j = i + 1
            while j < n && j - i < 128 && !(j + 1 < n && row[j] == row[j + 1]) { j += 1 }
            out.append(UInt8(j - i - 1)); out.append(contentsOf: row[i ..< j]); i = j
        }
    }
}
