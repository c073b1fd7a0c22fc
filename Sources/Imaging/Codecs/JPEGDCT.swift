import CJPEGShim
import DICOM

/// JPEG Baseline (Process 1) and Extended (Processes 2 & 4) for transfer syntaxes
/// 1.2.840.10008.1.2.4.50/.51: 8-bit through libjpeg-turbo's libjpeg API, 12-bit through GDCM's
/// IJG build, both behind `CJPEGShim` (which owns setjmp/longjmp).
///
/// The colour transform follows the DICOM Photometric Interpretation (PS3.5 §8.2.1): RGB without
/// a JFIF or Adobe marker is decoded without a transform; YBR_* is converted to RGB. Fancy
/// upsampling and the accurate integer DCT are kept, so output matches IJG 6b.
public struct JPEGDCTDecoder: PixelDecoder {
    public var name: String { "JPEG" }
    /// Convert YCbCr streams to RGB (the default); false keeps the stored YCbCr samples.
    public var convertYCbCrToRGB: Bool
    public init(convertYCbCrToRGB: Bool = true) { self.convertYCbCrToRGB = convertYCbCrToRGB }

    public func decode(_ data: [UInt8], description d: PixelDescription) throws -> DecodedFrame {
        try decode(data, description: d, allowLosslessFallback: true)
    }

    /// `allowLosslessFallback` is false when the lossless decoder hands a stream over, so two
    /// decoders that disagree about a corrupt stream's SOF marker never pass it back and forth.
    func decode(_ data: [UInt8], description d: PixelDescription, allowLosslessFallback: Bool) throws -> DecodedFrame {
        var info = lb_jpeg_info()
        var err = [CChar](repeating: 0, count: 256)
        func message() -> String { cMessage(err) }
        guard data.count >= 4 else { throw ImagingError.corruptStream(codec: name, reason: "\(data.count)-byte stream", file: nil) }
        var precision = 8
        if let p = JPEGDCTDecoder.sofPrecision(data) { precision = p.precision
            if p.marker == 0xC3 {
                guard allowLosslessFallback else {
                    throw ImagingError.corruptStream(codec: name, reason: "the stream's SOF markers contradict each other", file: nil)
                }
                // Lenient: a lossless stream in a DCT transfer syntax.
                var f = try JPEGLosslessDecoder().decode(data, description: d, allowDCTFallback: false)
                f.warnings.append("transfer syntax says lossy JPEG but the stream is lossless (SOF3)")
                return f
            }
        }
        let rc8 = precision <= 8 ? data.withUnsafeBufferPointer { lb_jpeg8_info($0.baseAddress, $0.count, &info, &err, err.count) } : -1
        let use12 = precision > 8
        if !use12 && rc8 != 0 { throw ImagingError.corruptStream(codec: name, reason: message(), file: nil) }
        if use12 {
            let rc = data.withUnsafeBufferPointer { lb_jpeg12_info($0.baseAddress, $0.count, &info, &err, err.count) }
            if rc != 0 { throw ImagingError.corruptStream(codec: name, reason: message(), file: nil) }
        }
        let w = Int(info.width), h = Int(info.height), nc = Int(info.components)
        guard w > 0, h > 0, nc == 1 || nc == 3 else {
            throw ImagingError.corruptStream(codec: name, reason: "JPEG frame \(w)×\(h) with \(nc) components is not supported", file: nil)
        }
        guard w * h * nc * (use12 ? 2 : 1) <= ImagePixelData.maxFrameBytes else {
            throw ImagingError.tooLarge(reason: "JPEG frame \(w)×\(h)×\(nc) is too large", file: nil)
        }
        // Colour: what the data set says the stream holds.
        let pi = d.photometricInterpretation
        var color = Int32(LB_JPEG_COLOR_DEFAULT)
        var od = d
        od.isPlanar = false
        var warnings: [String] = []
        if nc == 3 {
            switch pi {
            case .rgb:
                // RGB with no JFIF/Adobe marker: no transform (libjpeg would guess YCbCr from ids 1,2,3).
                if info.saw_jfif == 0 && info.saw_adobe == 0 { color = Int32(LB_JPEG_COLOR_RGB) }
                else if info.saw_adobe != 0 && info.adobe_transform == 0 { color = Int32(LB_JPEG_COLOR_RGB) }
            case .ybrFull, .ybrFull422, .ybrPartial420, .ybrPartial422, .ybrICT:
                color = info.saw_adobe != 0 && info.adobe_transform == 0 ? Int32(LB_JPEG_COLOR_RGB) : Int32(LB_JPEG_COLOR_YCBCR)
            default: break
            }
            if !convertYCbCrToRGB && color != Int32(LB_JPEG_COLOR_RGB) {
                color = Int32(LB_JPEG_COLOR_RAW)
                od.photometricInterpretation = .ybrFull
            } else {
                od.photometricInterpretation = .rgb
            }
            od.samplesPerPixel = 3
        } else if nc == 1 && d.samplesPerPixel != 1 {
            warnings.append("the JPEG stream has 1 component but Samples per Pixel is \(d.samplesPerPixel)")
            od.samplesPerPixel = 1
            od.photometricInterpretation = .monochrome2
        }
        if w != d.columns || h != d.rows {
            warnings.append("the JPEG frame is \(w)×\(h) but the data set says \(d.columns)×\(d.rows); using the JPEG size")
            od.rows = h; od.columns = w
        }
        let count = w * h * nc
        let samples: PixelSamples
        if use12 {
            var out = [UInt16](repeating: 0, count: count)
            let rc = data.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { lb_jpeg12_decode(src.baseAddress, src.count, color, $0.baseAddress, $0.count, &info, &err, err.count) }
            }
            if rc != 0 { throw ImagingError.corruptStream(codec: name, reason: message(), file: nil) }
            if Int(info.precision) != d.bitsStored { warnings.append("JPEG precision \(info.precision) differs from Bits Stored \(d.bitsStored); following the data set") }
            samples = SampleConversion.fromCodec16(out, description: od)
        } else {
            var out = [UInt8](repeating: 0, count: count)
            let rc = data.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { lb_jpeg8_decode(src.baseAddress, src.count, color, $0.baseAddress, $0.count, &info, &err, err.count) }
            }
            if rc != 0 { throw ImagingError.corruptStream(codec: name, reason: message(), file: nil) }
            samples = SampleConversion.fromCodec8(out, description: od)
        }
        if info.warnings > 0 { warnings.append("libjpeg: \(message()) (\(info.warnings) warning\(info.warnings == 1 ? "" : "s"))") }
        return DecodedFrame(description: od, samples: samples, warnings: warnings)
    }

    /// The first SOF marker and its sample precision.
    static func sofPrecision(_ d: [UInt8]) -> (marker: UInt8, precision: Int)? {
        var i = 2
        while i + 4 < d.count {
            guard d[i] == 0xFF else { i += 1; continue }
            let m = d[i + 1]
            if m == 0xFF || m == 0xD8 || m == 0x01 || (0xD0 ... 0xD7).contains(m) { i += 1; continue }
            let len = Int(d[i + 2]) << 8 | Int(d[i + 3])
            if (0xC0 ... 0xCF).contains(m) && m != 0xC4 && m != 0xC8 && m != 0xCC {
                return i + 4 < d.count ? (m, Int(d[i + 4])) : nil
            }
            if m == 0xDA || m == 0xD9 { return nil }
            i += 2 + len
        }
        return nil
    }
}

/// JPEG Baseline (Process 1) encoder for 1.2.840.10008.1.2.4.50 through libjpeg-turbo: 8-bit
/// only; colour is written as YCbCr 4:2:2 (Photometric Interpretation YBR_FULL_422, PS3.5 §8.2.1).
public struct JPEGBaselineEncoder: PixelEncoder {
    public var name: String { "JPEG Baseline" }
    public var transferSyntax: TransferSyntax { .jpegBaseline }
    public var isLossy: Bool { true }
    public var lossyMethod: String? { "ISO_10918_1" }
    public init() {}

    public func encode(_ frame: DecodedFrame, options: EncodingOptions) throws -> EncodedFrame {
        let d = frame.description
        guard d.bitsAllocated == 8 || d.bitsAllocated == 16, d.bitsStored <= 8, !d.isSigned else {
            throw ImagingError.encodingFailed(codec: name, reason: "JPEG Baseline holds 8-bit unsigned samples; this image has \(d.bitsStored) bits\(d.isSigned ? ", signed" : "")")
        }
        guard d.samplesPerPixel == 1 || (d.samplesPerPixel == 3 && (d.photometricInterpretation == .rgb || d.photometricInterpretation == .ybrFull)) else {
            throw ImagingError.encodingFailed(codec: name, reason: "Photometric Interpretation \(d.photometricInterpretation.rawValue) cannot be written as JPEG Baseline")
        }
        guard d.photometricInterpretation != .paletteColor else { throw ImagingError.encodingFailed(codec: name, reason: "PALETTE COLOR cannot be JPEG compressed") }
        var px = frame.samples.storedPatterns(bits: 8).map { UInt8(truncatingIfNeeded: $0) }
        guard px.count == d.samplesPerFrame else { throw ImagingError.encodingFailed(codec: name, reason: "sample count does not match the description") }
        if d.photometricInterpretation == .ybrFull { px = CodecColor.ybrFullToRGB8(px) }
        var out: UnsafeMutablePointer<UInt8>? = nil
        var len = 0
        var err = [CChar](repeating: 0, count: 256)
        let q = Int32(max(1, min(100, options.quality)))
        let rc = px.withUnsafeBufferPointer {
            lb_jpeg8_encode($0.baseAddress, Int32(d.columns), Int32(d.rows), Int32(d.samplesPerPixel), q, 1, &out, &len, &err, err.count)
        }
        guard rc == 0, let out else { throw ImagingError.encodingFailed(codec: name, reason: cMessage(err)) }
        defer { lb_jpeg_free(out) }
        var od = d
        od.isPlanar = false
        od.bitsAllocated = 8; od.bitsStored = 8; od.highBit = 7
        if d.samplesPerPixel == 3 { od.photometricInterpretation = .ybrFull422 }
        return EncodedFrame(bytes: Array(UnsafeBufferPointer(start: out, count: len)), description: od)
    }
}

/// Colour conversion for encoders (PS3.3 §C.7.6.3.1.2, JFIF equations).
enum CodecColor {
    /// YBR_FULL → RGB, 8-bit interleaved.
    static func ybrFullToRGB8(_ v: [UInt8]) -> [UInt8] {
        var out = v
        var i = 0
        while i + 2 < v.count {
            let y = Double(v[i]), cb = Double(v[i + 1]) - 128, cr = Double(v[i + 2]) - 128
            out[i] = clamp8(y + 1.402 * cr)
            out[i + 1] = clamp8(y - 0.344136 * cb - 0.714136 * cr)
            out[i + 2] = clamp8(y + 1.772 * cb)
            i += 3
        }
        return out
    }
    static func clamp8(_ x: Double) -> UInt8 { UInt8(max(0, min(255, x.rounded()))) }
}

/// A NUL-terminated C message buffer as a String.
func cMessage(_ buf: [CChar]) -> String {
    String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
