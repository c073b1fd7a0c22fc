/// Colour-space conversions to RGB for display (PS3.3 §C.7.6.3.1.2 Photometric Interpretation).
///
/// Decoders may already deliver RGB (JPEG baseline YBR_FULL_422 → RGB); these handle whatever
/// Photometric Interpretation the `DecodedFrame` still says. Input samples are interleaved and 8-bit.
public enum ColorConversion {
    @inlinable static func clamp8(_ v: Double) -> UInt8 { UInt8(min(max(v.rounded(), 0), 255)) }

    /// YBR_FULL (and YBR_FULL_422 after upsampling, YBR_ICT): ITU-R BT.601 full range
    /// (PS3.3 §C.7.6.3.1.2 gives Y = .299R + .587G + .114B, Cb/Cr offset by 128), rounded to the
    /// nearest level. DCMTK's dcmimage instead truncates (per term, from tables, for 8-bit YBR_FULL;
    /// once, for YBR_FULL_422), so `dcmj2pnm` can be up to 2 levels lower and even renders the
    /// neutral 128,128,128 as 128,127,128; rounding keeps grey grey and is within ½ level of the
    /// exact value (RenderColorConformanceTests shows every difference is DCMTK's truncation).
    public static func ybrFullToRGB(y: Int, cb: Int, cr: Int) -> (UInt8, UInt8, UInt8) {
        let Y = Double(y), Cb = Double(cb) - 128, Cr = Double(cr) - 128
        return (clamp8(Y + 1.402 * Cr), clamp8(Y - 0.344136 * Cb - 0.714136 * Cr), clamp8(Y + 1.772 * Cb))
    }

    /// YBR_PARTIAL_422/420: BT.601 studio range, Y 16…235, Cb/Cr 16…240.
    public static func ybrPartialToRGB(y: Int, cb: Int, cr: Int) -> (UInt8, UInt8, UInt8) {
        let Y = 1.164383 * (Double(y) - 16), Cb = Double(cb) - 128, Cr = Double(cr) - 128
        return (clamp8(Y + 1.596027 * Cr), clamp8(Y - 0.391762 * Cb - 0.812968 * Cr), clamp8(Y + 2.017232 * Cb))
    }

    /// YBR_RCT: the JPEG 2000 reversible colour transform (ISO 15444-1 G.2), with the components
    /// DC-shifted by 128 as stored: G = Y − ⌊(Cb + Cr)/4⌋, R = Cr + G, B = Cb + G.
    public static func ybrRCTToRGB(y: Int, cb: Int, cr: Int) -> (UInt8, UInt8, UInt8) {
        let Cb = cb - 128, Cr = cr - 128, Y = y - 128
        let g = Y - Int((Double(Cb + Cr) / 4).rounded(.down))
        func c(_ v: Int) -> UInt8 { UInt8(min(max(v + 128, 0), 255)) }
        return (c(Cr + g), c(g), c(Cb + g))
    }

    /// Converts an interleaved 8-bit frame to interleaved RGB.
    ///
    /// YBR_FULL_422 / YBR_PARTIAL_422 data still in their native 4:2:2 layout (Y₁ Y₂ Cb Cr per
    /// pixel pair, PS3.5 §8.2.1; two samples per pixel) are upsampled by repetition first.
    public static func toRGB(_ s: [UInt8], pixels: Int, from pi: PhotometricInterpretation) -> [UInt8] {
        switch pi {
        case .rgb:
            return s
        case .monochrome1, .monochrome2, .paletteColor:
            return s.flatMap { [$0, $0, $0] }
        default: break
        }
        var ycc = s
        if (pi == .ybrFull422 || pi == .ybrPartial422 || pi == .ybrPartial420) && s.count == pixels * 2 {
            ycc = [UInt8](repeating: 0, count: pixels * 3)
            var i = 0, o = 0
            while i + 3 < s.count {
                let cb = s[i + 2], cr = s[i + 3]
                ycc[o] = s[i]; ycc[o + 1] = cb; ycc[o + 2] = cr
                ycc[o + 3] = s[i + 1]; ycc[o + 4] = cb; ycc[o + 5] = cr
                i += 4; o += 6
            }
        }
        let f: (Int, Int, Int) -> (UInt8, UInt8, UInt8)
        switch pi {
        case .ybrPartial422, .ybrPartial420: f = ybrPartialToRGB
        case .ybrRCT: f = ybrRCTToRGB
        default: f = ybrFullToRGB   // YBR_FULL, YBR_FULL_422, YBR_ICT
        }
        var out = [UInt8](repeating: 0, count: pixels * 3)
        for p in 0 ..< min(pixels, ycc.count / 3) {
            let (r, g, b) = f(Int(ycc[3 * p]), Int(ycc[3 * p + 1]), Int(ycc[3 * p + 2]))
            out[3 * p] = r; out[3 * p + 1] = g; out[3 * p + 2] = b
        }
        return out
    }
}
