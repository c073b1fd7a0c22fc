import DICOM

/// Native (uncompressed) pixel data, PS3.5 §8.1.1: 1, 8, 16 and 32 bits allocated. Bytes come in
/// little endian (the DICOM module swaps big-endian values when it reads them).
public struct NativeDecoder: PixelDecoder {
    public var name: String { "native" }
    public init() {}

    public func decode(_ data: [UInt8], description d: PixelDescription) throws -> DecodedFrame {
        let count = d.samplesPerFrame
        var warnings: [String] = []
        if d.bitsAllocated == 1 {
            let need = (count + 7) / 8
            guard data.count >= need else { throw ImagingError.pixelDataTooShort(expected: need, actual: data.count, file: nil) }
            var out = [UInt8](repeating: 0, count: count)
            for i in 0 ..< count { out[i] = (data[i >> 3] >> UInt8(i & 7)) & 1 }
            return DecodedFrame(description: d, samples: .uint8(out))
        }
        guard d.bitsAllocated == 8 || d.bitsAllocated == 16 || d.bitsAllocated == 32 else {
            throw ImagingError.invalidAttribute("Bits Allocated (0028,0100)", value: "\(d.bitsAllocated)", file: nil)
        }
        if d.photometricInterpretation == .ybrFull422 && d.samplesPerPixel == 3 {
            return try decodeYBR422(data, d)
        }
        let need = d.nativeFrameLength
        guard data.count >= need else { throw ImagingError.pixelDataTooShort(expected: need, actual: data.count, file: nil) }
        if data.count > need + 1 { warnings.append("frame has \(data.count - need) bytes more than the description needs") }
        let samples = data.withUnsafeBytes { raw in
            SampleConversion.fromStoredBytes(raw, count: count, description: d, planar: d.isPlanar)
        }
        var out = d
        out.isPlanar = false
        return DecodedFrame(description: out, samples: samples, warnings: [])
    }

    /// YBR_FULL_422 native: Y1 Y2 Cb Cr per pixel pair (PS3.3 §C.7.6.3.1.2) → YBR_FULL.
    func decodeYBR422(_ data: [UInt8], _ d: PixelDescription) throws -> DecodedFrame {
        let pairs = (d.columns + 1) / 2
        let bps = d.bitsAllocated / 8
        let need = d.rows * pairs * 4 * bps
        guard data.count >= need else { throw ImagingError.pixelDataTooShort(expected: need, actual: data.count, file: nil) }
        var full = [UInt8](repeating: 0, count: d.rows * d.columns * 3 * bps)
        for r in 0 ..< d.rows {
            for p in 0 ..< pairs {
                let src = (r * pairs + p) * 4 * bps
                for k in 0 ..< 2 {
                    let c = p * 2 + k
                    guard c < d.columns else { continue }
                    let dst = (r * d.columns + c) * 3 * bps
                    for b in 0 ..< bps {
                        full[dst + b] = data[src + k * bps + b]
                        full[dst + bps + b] = data[src + 2 * bps + b]
                        full[dst + 2 * bps + b] = data[src + 3 * bps + b]
                    }
                }
            }
        }
        var out = d
        out.photometricInterpretation = .ybrFull
        out.isPlanar = false
        let samples = full.withUnsafeBytes { SampleConversion.fromStoredBytes($0, count: d.samplesPerFrame, description: out, planar: false) }
        return DecodedFrame(description: out, samples: samples)
    }
}
