import DICOM
import Imaging

/// Why an image file cannot be printed on a grayscale printer.
public enum PrintSourceError: Error, CustomStringConvertible, Sendable, Equatable {
    case notMonochrome(path: String, photometric: String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .notMonochrome(let p, let pi):
            return "\(p): a \(pi) colour image; Basic Grayscale Print Management prints MONOCHROME1/MONOCHROME2 images only"
        case .unreadable(let p, let r):
            return "\(p): \(r)"
        }
    }
}

/// Turns DICOM images into image boxes of P-Values (PS3.4 §H.2.1: the Presentation LUT's output
/// space, 0 = darkest), through the imaging core's display pipeline (PS3.3 §C.11: Modality LUT,
/// the VOI window or VOI LUT, the Presentation LUT, MONOCHROME1 inverted), at 8 or 12 bits.
public struct PrintImageSource: Sendable {
    /// 8 or 12.
    public var bits: Int
    public var voi: VOISelection
    public var polarity: Polarity

    public init(bits: Int = 12, voi: VOISelection = .automatic, polarity: Polarity = .normal) {
        self.bits = bits; self.voi = voi; self.polarity = polarity
    }

    /// Every frame of `file`, in order, as image boxes (positions to be assigned by the caller).
    public func images(from file: DICOMFile) throws -> [FilmImage] {
        let path = file.path ?? "image"
        let pixels: ImagePixelData
        let renderer: Renderer
        do {
            pixels = try ImagePixelData(file: file)
            renderer = try Renderer(dataSet: file.dataSet, description: pixels.description, path: path)
        } catch {
            throw PrintSourceError.unreadable(path: path, reason: "\(error)")
        }
        let pi = pixels.description.photometricInterpretation
        guard pi.isMonochrome else { throw PrintSourceError.notMonochrome(path: path, photometric: pi.rawValue) }
        let aspect = Self.pixelAspectRatio(file.dataSet)
        var out: [FilmImage] = []
        for i in 0 ..< pixels.frameCount {
            let rendered: RenderedImage
            do {
                rendered = try renderer.render(try pixels.decodeFrame(i), voi: voi, format: bits > 8 ? .gray12 : .gray8)
            } catch {
                throw PrintSourceError.unreadable(path: path, reason: "frame \(i + 1): \(error)")
            }
            let samples: [UInt16]
            switch rendered.pixels {
            case .gray8(let v): samples = v.map(UInt16.init)
            case .gray16(let v, _): samples = v
            case .rgb8: throw PrintSourceError.notMonochrome(path: path, photometric: pi.rawValue)
            }
            out.append(FilmImage(position: out.count + 1, rows: rendered.height, columns: rendered.width, bits: bits > 8 ? 12 : 8,
                                 samples: samples, polarity: polarity, pixelAspectRatio: aspect))
        }
        return out
    }

    /// Vertical/horizontal pixel size: Pixel Aspect Ratio, else Pixel Spacing's (PS3.3 §C.7.6.3.1.7, §10.7.1.3).
    static func pixelAspectRatio(_ ds: DataSet) -> Double {
        let par = ds.strings(.pixelAspectRatio).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        if par.count == 2, par[0] > 0, par[1] > 0 { return par[0] / par[1] }
        let ps = ds.strings(.pixelSpacing).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        if ps.count == 2, ps[0] > 0, ps[1] > 0, abs(ps[0] / ps[1] - 1) > 0.001 { return ps[0] / ps[1] }
        return 1
    }
}
