import DICOM

/// What the two JPEG 2000 decoders (OpenJPEG in `JPEG2000Decoder`, OpenJPH in `HTJ2KDecoder`)
/// share, so that both turn the same codestream into the same frame: where the codestream
/// starts, and how its size, components, precision and sign meet the data set's Image Pixel
/// description (PS3.5 §8.2.4: the data set's Bits Stored and Pixel Representation decide).
enum JPEG2000Frame {
    /// How a frame's bytes hold the codestream.
    enum Container: Equatable {
        /// A JP2 (or JPH) file: the signature box of ISO/IEC 15444-1 §I.5.1 first.
        case fileFormat
        /// A raw codestream starting with SOC at this offset.
        case codestream(start: Int)
    }

    /// Finds the codestream in a frame, or throws for fewer than 12 bytes or no SOC marker.
    static func container(of data: [UInt8], codec: String) throws -> Container {
        guard data.count >= 12 else { throw ImagingError.corruptStream(codec: codec, reason: "\(data.count)-byte codestream", file: nil) }
        if data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] == 0x0C && data[4] == 0x6A && data[5] == 0x50 { return .fileFormat }
        // Lenient: skip bytes before the SOC marker of a raw codestream.
        var start = 0
        while start + 1 < data.count && !(data[start] == 0xFF && data[start + 1] == 0x4F) { start += 1 }
        guard start + 1 < data.count else { throw ImagingError.corruptStream(codec: codec, reason: "no SOC marker", file: nil) }
        return .codestream(start: start)
    }

    /// The description of the decoded, interleaved samples and what disagreed with the data set.
    static func describe(width w: Int, height h: Int, components nc: Int, precision: Int, signed: Bool,
                         description d: PixelDescription) -> (PixelDescription, [String]) {
        var warnings: [String] = []
        var od = d
        od.isPlanar = false
        if w != d.columns || h != d.rows {
            warnings.append("the codestream is \(w)×\(h) but the data set says \(d.columns)×\(d.rows); using the codestream size")
            od.rows = h; od.columns = w
        }
        if nc != d.samplesPerPixel {
            warnings.append("the codestream has \(nc) components but Samples per Pixel is \(d.samplesPerPixel)")
            od.samplesPerPixel = nc
        }
        if precision != d.bitsStored || signed != d.isSigned {
            warnings.append("the codestream says \(precision)-bit \(signed ? "signed" : "unsigned") but the data set says \(d.bitsStored)-bit \(d.isSigned ? "signed" : "unsigned"); following the data set")
        }
        if nc == 3 && (d.photometricInterpretation == .ybrICT || d.photometricInterpretation == .ybrRCT) {
            // The decoders undo the multiple-component transform (RCT/ICT) themselves.
            od.photometricInterpretation = .rgb
        }
        return (od, warnings)
    }

    /// How many low bits of each decoded value the samples keep: Bits Stored, at most the width
    /// of the output type (8 or 16 bits for Bits Allocated 8 or 16, else 32).
    static func keptBits(_ od: PixelDescription) -> Int {
        switch od.bitsAllocated {
        case 8, 16: return min(od.bitsStored, max(8, od.bitsAllocated))
        default: return min(od.bitsStored, 32)
        }
    }
}
