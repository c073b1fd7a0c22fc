import DICOM
import Foundation
import Imaging

/// One instance's frames as the viewer takes them: decoded through `Imaging` (every transfer
/// syntax), the Modality LUT applied (PS3.3 C.11.1) — or, for a fractional rescale, the stored
/// values with the rescale to apply — and coded with `ViewerFrameCodec`, base64 for the script file.
struct ViewerInstanceFrames: Sendable {
    enum Samples: String, Codable, Sendable { case int, rgb8, gray8 }

    var rows: Int
    var columns: Int
    var samples: Samples
    var photometric: String
    /// Set when the values are stored values: modality value = slope · v + intercept.
    var rescale: [Double]?
    var window: ViewerPreset?
    var pixelSpacing: [Double]?
    var spacingKind: String?
    var cineRate: Double?
    var instanceNumber: Int
    var minimum: Int32 = .max
    var maximum: Int32 = .min
    /// Per frame: full — one coded plane set (`ViewerFrameCodec`); light — one JPEG per window.
    var frames: [[Coded]] = []

    /// One coded image: the frame's data, and for light frames the window it was made at.
    struct Coded: Sendable {
        var data: String
        var window: ViewerPreset?
    }
    /// Raw bytes of the coded data (before base64), for the size report.
    var codedBytes = 0

    /// Reads `path` and codes every frame (`presets` for light mode).
    init(path: String, mode: ViewerMode, presets: [ViewerPreset], modality: String) throws {
        let file = try Part10Reader.read(path: path)
        let ds = file.dataSet
        let pixels = try ImagePixelData(file: file)
        let d = pixels.description
        let renderer = try Renderer(dataSet: ds, description: d, path: path)
        rows = d.rows; columns = d.columns
        photometric = d.photometricInterpretation.isMonochrome ? (d.photometricInterpretation == .monochrome1 ? "MONOCHROME1" : "MONOCHROME2") : "RGB"
        instanceNumber = Int(ds.string(.instanceNumber)?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
        let spacing = ds.strings(.pixelSpacing).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        let imager = ds.strings(.imagerPixelSpacing).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        if spacing.count == 2 { pixelSpacing = spacing; spacingKind = "PixelSpacing" }
        else if imager.count == 2 { pixelSpacing = imager; spacingKind = "ImagerPixelSpacing" }
        if let rate = ds.double(.cineRate) ?? ds.double(.recommendedDisplayFrameRate), rate > 0 { cineRate = rate }
        else if let ms = ds.double(.frameTime), ms > 0 { cineRate = 1000 / ms }
        if let c = renderer.voiModule.windows.first { window = ViewerPreset(name: "Default", center: c.center, width: c.width) }
        let monochrome = d.photometricInterpretation.isMonochrome
        let integral = renderer.modality.isIntegral
        if monochrome, !integral, case .rescale(let s, let b) = renderer.modality { rescale = [s, b] }
        samples = !monochrome ? .rgb8 : mode == .light ? .gray8 : .int

        for index in 0..<pixels.frameCount {
            let frame = try pixels.decodeFrame(index)
            var coded: [Coded] = []
            if monochrome {
                // Modality values (or stored values with the rescale kept), one plane: through a
                // table over the stored range for 8/16-bit samples, else value by value.
                let values = modalityValues(frame.samples, renderer: renderer, integral: integral)
                var lo = Int32.max, hi = Int32.min
                values.withUnsafeBufferPointer { v in for x in v { lo = min(lo, x); hi = max(hi, x) } }
                minimum = min(minimum, lo); maximum = max(maximum, hi)
                if mode == .light {
                    // Slot 0: the default window (the file's, else this frame's full range), then the
                    // presets; JPEG (8-bit, quality 75): small enough for a CD, shown as previews.
                    let fallback = ViewerPreset(name: "Full range", center: (Double(lo) + Double(hi)) / 2,
                                                width: max(1, Double(hi) - Double(lo) + 1))
                    let slope = rescale?[0] ?? 1, intercept = rescale?[1] ?? 0
                    let span = Int(hi) - Int(lo) + 1
                    var gray = [UInt8](repeating: 0, count: values.count)
                    let windows = [window ?? fallback] + presets.filter { $0.center != (window ?? fallback).center || $0.width != (window ?? fallback).width }
                    for w in windows {
                        // One table entry per value in the frame's range (PS3.3 C.11.2.1.2.1).
                        let table = (0..<max(0, span)).map { ViewerPreset.window(Double(Int(lo) + $0) * slope + intercept, center: w.center, width: w.width) }
                        table.withUnsafeBufferPointer { t in
                            values.withUnsafeBufferPointer { v in
                                gray.withUnsafeMutableBufferPointer { g in
                                    for i in 0..<v.count { g[i] = t[Int(v[i] &- lo)] }
                                }
                            }
                        }
                        let jpeg = try JPEGPreviewEncoder.encode(RenderedImage(width: columns, height: rows, pixels: .gray8(gray)),
                                                                 options: .init(quality: 75))
                        codedBytes += jpeg.count
                        coded.append(Coded(data: Data(jpeg).base64EncodedString(), window: w))
                    }
                } else {
                    coded.append(Coded(data: encode(values, planes: 1)))
                }
            } else {
                // Colour: RGB as Imaging renders it (YBR converted, palettes applied), three planes.
                let rendered = try renderer.render(frame, voi: .automatic, format: .rgb8)
                guard case .rgb8(let p) = rendered.pixels else { throw ViewerError.notRendered(path: path) }
                let n = rows * columns
                var planar = [Int32](repeating: 0, count: n * 3)
                for i in 0..<n { for ch in 0..<3 { planar[ch * n + i] = Int32(p[i * 3 + ch]) } }
                coded.append(Coded(data: encode(planar, planes: 3)))
            }
            frames.append(coded)
        }
    }

    enum ViewerError: Error, CustomStringConvertible {
        case notRendered(path: String)
        var description: String {
            switch self { case .notRendered(let p): return "\(p): the colour frame could not be rendered as RGB" }
        }
    }

    /// The frame's modality values (PS3.3 C.11.1), or its stored values when the rescale is fractional.
    private func modalityValues(_ samples: PixelSamples, renderer: Renderer, integral: Bool) -> [Int32] {
        func mapped(_ stored: Int) -> Int32 {
            integral ? Int32(clamping: Int(renderer.modality(stored).rounded())) : Int32(clamping: stored)
        }
        func viaTable<T: FixedWidthInteger>(_ a: [T], offset: Int, size: Int) -> [Int32] {
            let table = (0..<size).map { mapped($0 - offset) }
            var out = [Int32](repeating: 0, count: a.count)
            table.withUnsafeBufferPointer { t in
                a.withUnsafeBufferPointer { src in
                    out.withUnsafeMutableBufferPointer { dst in
                        for i in 0..<src.count { dst[i] = t[Int(src[i]) + offset] }
                    }
                }
            }
            return out
        }
        // An integral rescale (CT's usual slope 1): integer arithmetic, no table.
        if case .rescale(let slope, let intercept) = renderer.modality, integral, abs(slope) < 65536, abs(intercept) < 1e9 {
            let m = Int64(slope), b = Int64(intercept)
            func direct<T: FixedWidthInteger>(_ a: [T]) -> [Int32] {
                var out = [Int32](repeating: 0, count: a.count)
                a.withUnsafeBufferPointer { src in
                    out.withUnsafeMutableBufferPointer { dst in
                        for i in 0..<src.count { dst[i] = Int32(clamping: Int64(src[i]) &* m &+ b) }
                    }
                }
                return out
            }
            switch samples {
            case .uint8(let a): return direct(a)
            case .int8(let a): return direct(a)
            case .uint16(let a): return direct(a)
            case .int16(let a): return direct(a)
            case .uint32(let a): return direct(a)
            case .int32(let a): return direct(a)
            }
        }
        switch samples {
        case .uint8(let a): return viaTable(a, offset: 0, size: 256)
        case .int8(let a): return viaTable(a, offset: 128, size: 256)
        case .uint16(let a): return viaTable(a, offset: 0, size: 65536)
        case .int16(let a): return viaTable(a, offset: 32768, size: 65536)
        case .uint32(let a): return a.map { mapped(Int($0)) }
        case .int32(let a): return a.map { mapped(Int($0)) }
        }
    }

    private mutating func encode(_ values: [Int32], planes: Int) -> String {
        let bytes = values.withUnsafeBufferPointer { ViewerFrameCodec.encode($0, rows: rows, columns: columns, planes: planes) }
        codedBytes += bytes.count
        return Data(bytes).base64EncodedString()
    }
}
