import DICOM
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a frame could not be rendered. Names the file when known.
public enum RenderingError: Error, CustomStringConvertible, Sendable, Equatable {
    case noSuchWindow(index: Int, count: Int, file: String?)
    case noSuchVOILUT(index: Int, count: Int, file: String?)
    case invalidWindow(center: Double, width: Double)
    case unsupportedFormat(String, file: String?)
    case invalidSize(width: Int, height: Int)

    public var description: String {
        func at(_ f: String?) -> String { f.map { "\($0): " } ?? "" }
        switch self {
        case .noSuchWindow(let i, let c, let f): return "\(at(f))window \(i) requested but the file has \(c) (Window Center/Width, numbered from 0)"
        case .noSuchVOILUT(let i, let c, let f): return "\(at(f))VOI LUT \(i) requested but the VOI LUT Sequence has \(c) items (numbered from 0)"
        case .invalidWindow(let c, let w): return "window center \(c), width \(w): the width must be at least 1"
        case .unsupportedFormat(let r, let f): return "\(at(f))\(r)"
        case .invalidSize(let w, let h): return "output size \(w)x\(h) is not positive"
        }
    }
}

/// Renders decoded frames for display or print: the grayscale pipeline of PS3.3 §C.11 for
/// MONOCHROME1/2, palette lookup (§C.7.6.3.1.5, §C.7.9) and YBR → RGB (§C.7.6.3.1.2) for colour.
///
/// A renderer holds what the data set says about presentation (Modality LUT, VOI LUT module,
/// Presentation LUT, palette); `render` applies it to a `DecodedFrame`, whose description wins over
/// the data set's (a decoder may have turned YBR into RGB).
public struct Renderer: Sendable {
    public var modality: ModalityLUT
    public var voiModule: VOILUTModule
    /// Presentation LUT from the data set; nil means the photometric interpretation's default.
    public var presentation: PresentationLUT?
    public var palette: PaletteColorLUT?
    public var path: String?

    public init(modality: ModalityLUT = .identity, voiModule: VOILUTModule = VOILUTModule(),
                presentation: PresentationLUT? = nil, palette: PaletteColorLUT? = nil, path: String? = nil) {
        self.modality = modality; self.voiModule = voiModule; self.presentation = presentation
        self.palette = palette; self.path = path
    }

    /// Reads the presentation attributes of an image data set.
    public init(dataSet ds: DataSet, description d: PixelDescription, path: String? = nil) throws {
        self.path = path
        modality = try ModalityLUT(dataSet: ds, isSigned: d.isSigned, path: path)
        // Modality values can be negative when stored values are signed or the rescale/LUT says so.
        var signedOut = d.isSigned
        if case .rescale(let s, let b) = modality {
            let maxStored = Double((1 << d.bitsStored) - 1)
            signedOut = signedOut || b < 0 || s * maxStored + b < 0
        }
        voiModule = try VOILUTModule(dataSet: ds, modalityOutputSigned: signedOut, path: path)
        presentation = try PresentationLUT(dataSet: ds, path: path)
        palette = d.photometricInterpretation == .paletteColor ? try PaletteColorLUT(dataSet: ds, isSigned: d.isSigned, path: path) : nil
    }

    /// Renders frame `index` of a file read by `Part10Reader`.
    public static func render(file: DICOMFile, frame index: Int = 0, voi: VOISelection = .automatic,
                              format: RenderFormat = .automatic) throws -> RenderedImage {
        var warnings: [String] = []
        return try render(file: file, frame: index, voi: voi, format: format, decoding: .init(), warnings: &warnings)
    }

    /// As `render(file:frame:voi:format:)` with decoder workarounds, adding to `warnings` what the
    /// decoder tolerated (a truncated stream, …).
    public static func render(file: DICOMFile, frame index: Int, voi: VOISelection, format: RenderFormat,
                              decoding: DecodingOptions, warnings: inout [String]) throws -> RenderedImage {
        let pixels = try ImagePixelData(file: file)
        let renderer = try Renderer(dataSet: file.dataSet, description: pixels.description, path: file.path)
        let frame = try pixels.decodeFrame(index, options: decoding)
        warnings += frame.warnings
        return try renderer.render(frame, voi: voi, format: format)
    }

    /// The VOI transform a selection picks.
    public func voiTransform(_ s: VOISelection) throws -> VOITransform {
        switch s {
        case .automatic: return voiModule.defaultTransform
        case .none: return .none
        case .window(let w):
            guard w.width >= 1 || (w.function != .linear && w.width > 0) else {
                throw RenderingError.invalidWindow(center: w.center, width: w.width)
            }
            return .window(w)
        case .fileWindow(let i):
            guard i >= 0, i < voiModule.windows.count else { throw RenderingError.noSuchWindow(index: i, count: voiModule.windows.count, file: path) }
            return .window(voiModule.windows[i])
        case .fileLUT(let i):
            guard i >= 0, i < voiModule.tables.count else { throw RenderingError.noSuchVOILUT(index: i, count: voiModule.tables.count, file: path) }
            return .table(voiModule.tables[i])
        }
    }

    /// The grayscale pipeline for a monochrome frame (its sample range decides the `.none` stretch).
    public func pipeline(for frame: DecodedFrame, voi: VOISelection = .automatic, outputBits: Int = 8) throws -> GrayscalePipeline {
        let d = frame.description
        var p = GrayscalePipeline(modality: modality, voi: try voiTransform(voi),
                                  presentation: GrayscalePipeline.defaultPresentation(for: d.photometricInterpretation),
                                  outputBits: outputBits)
        // An explicit Presentation LUT Shape IDENTITY on MONOCHROME1 still means "minimum is white"
        // for display; INVERSE on MONOCHROME2 inverts (PS3.3 §C.11.6.1.2).
        if let pl = presentation {
            switch (pl, d.photometricInterpretation) {
            case (.identity, _): break
            case (.inverse, .monochrome1): p.presentation = .identity
            default: p.presentation = pl
            }
        }
        if case .none = p.voi {
            // DCMTK stretches the range a Modality LUT actually produces for this frame, but for a
            // rescale the whole range Bits Stored allows (its "absolute" range).
            var (lo, hi) = Renderer.sampleRange(frame.samples)
            if case .table = modality {} else if d.bitsStored >= 1 && d.bitsStored <= 32 {
                (lo, hi) = d.isSigned ? (-(1 << (d.bitsStored - 1)), (1 << (d.bitsStored - 1)) - 1) : (0, (1 << d.bitsStored) - 1)
            }
            if lo <= hi {
                var mlo = Double.infinity, mhi = -Double.infinity
                if case .table = modality {
                    for s in lo ... hi { let m = p.modalityValue(stored: s); mlo = min(mlo, m); mhi = max(mhi, m) }
                } else {
                    let a = modality(lo), b = modality(hi); mlo = min(a, b); mhi = max(a, b)
                }
                p.modalityRange = mlo ... mhi
            }
        }
        return p
    }

    /// Renders one frame.
    public func render(_ frame: DecodedFrame, voi: VOISelection = .automatic, format: RenderFormat = .automatic) throws -> RenderedImage {
        let d = frame.description
        let w = d.columns, h = d.rows
        let pi = d.photometricInterpretation
        if pi.isMonochrome {
            switch format {
            case .automatic, .gray8:
                let table: GrayscaleTable<UInt8> = try pipeline(for: frame, voi: voi, outputBits: 8).table(for: Renderer.tableRange(frame))
                return RenderedImage(width: w, height: h, pixels: .gray8(table.apply(to: frame.samples)))
            case .gray12, .gray16:
                let bits = format == .gray12 ? 12 : 16
                let table: GrayscaleTable<UInt16> = try pipeline(for: frame, voi: voi, outputBits: bits).table(for: Renderer.tableRange(frame))
                return RenderedImage(width: w, height: h, pixels: .gray16(table.apply(to: frame.samples), bits: bits))
            case .rgb8:
                let table: GrayscaleTable<UInt8> = try pipeline(for: frame, voi: voi, outputBits: 8).table(for: Renderer.tableRange(frame))
                return RenderedImage(width: w, height: h, pixels: .rgb8(table.apply(to: frame.samples).flatMap { [$0, $0, $0] }))
            }
        }
        let rgb: [UInt8]
        if pi == .paletteColor {
            guard let palette else { throw ImagingError.missingAttribute("Palette Color Lookup Table", file: path) }
            rgb = palette.rgb8(frame.samples)
        } else {
            rgb = ColorConversion.toRGB(Renderer.eightBit(frame.samples, bitsStored: d.bitsStored), pixels: w * h, from: pi)
        }
        switch format {
        case .automatic, .rgb8:
            return RenderedImage(width: w, height: h, pixels: .rgb8(rgb))
        case .gray8, .gray12, .gray16:
            // Luma (BT.601), as DCMTK's +G does for colour images.
            var g = [UInt8](repeating: 0, count: w * h)
            for p in 0 ..< min(g.count, rgb.count / 3) {
                let y = 0.299 * Double(rgb[3 * p]) + 0.587 * Double(rgb[3 * p + 1]) + 0.114 * Double(rgb[3 * p + 2])
                g[p] = UInt8(min(max(y.rounded(), 0), 255))
            }
            if format == .gray8 { return RenderedImage(width: w, height: h, pixels: .gray8(g)) }
            let bits = format == .gray12 ? 12 : 16
            let m = (1 << bits) - 1
            return RenderedImage(width: w, height: h, pixels: .gray16(g.map { UInt16(Int($0) * m / 255) }, bits: bits))
        }
    }

    /// Range of stored values the table must cover: the whole sample type for 8/16-bit samples
    /// (no clamping in the inner loop), the actual range for 32-bit samples.
    static func tableRange(_ frame: DecodedFrame) -> ClosedRange<Int> {
        switch frame.samples {
        case .uint8: return 0 ... 255
        case .int8: return -128 ... 127
        case .uint16: return 0 ... 65535
        case .int16: return -32768 ... 32767
        case .uint32, .int32:
            let (lo, hi) = sampleRange(frame.samples)
            // Lenient: a 32-bit frame spanning more than 2^24 values is squeezed by table clamping.
            return lo <= hi ? lo ... min(hi, lo + (1 << 24)) : 0 ... 0
        }
    }

    /// Smallest and largest sample (lo > hi for an empty frame).
    static func sampleRange(_ s: PixelSamples) -> (Int, Int) {
        func mm<T: FixedWidthInteger>(_ a: [T]) -> (Int, Int) {
            guard var lo = a.first, var hi = a.first else { return (1, 0) }
            for v in a { if v < lo { lo = v }; if v > hi { hi = v } }
            return (Int(lo), Int(hi))
        }
        switch s {
        case .uint8(let a): return mm(a)
        case .int8(let a): return mm(a)
        case .uint16(let a): return mm(a)
        case .int16(let a): return mm(a)
        case .uint32(let a): return mm(a)
        case .int32(let a): return mm(a)
        }
    }

    /// Colour samples reduced to 8 bits (16-bit RGB keeps its high byte of Bits Stored).
    static func eightBit(_ s: PixelSamples, bitsStored: Int) -> [UInt8] {
        let shift = max(0, bitsStored - 8)
        switch s {
        case .uint8(let a): return a
        default: return (0 ..< s.count).map { UInt8(truncatingIfNeeded: max(0, s[$0]) >> shift) }
        }
    }
}
