import Foundation
import Graphics
import Imaging

/// Composes one film (a `FilmSheet`) into its outputs (docs/film-output.md):
/// - a PDF page of the film's exact physical size, images shown as on the preview display;
/// - a 16-bit greyscale PNG at the printer's resolution whose samples are optical densities
///   (`DensityCode`: round(D × 10000));
/// - an 8-bit preview PNG: the densities as a GSDF display (or a measured one) would show them.
///
/// Layout is PS3.3 C.13.8 (display formats, film sizes), C.13.5 (image boxes: magnification,
/// polarity, requested size, decimate/crop) and C.13.7 (annotations); calibration PS3.14 §7.2
/// through `DensityCalibration`. Each output is written under a temporary name and renamed
/// into place (`Graphics.AtomicOutput`).
///
/// Thread-safety: a composer is a value; compose different films on different tasks freely (they
/// share the `FontLibrary`, which is thread-safe).
public struct FilmComposer: Sendable {
    public var profile: PrinterProfile
    public var fonts: FontLibrary
    /// The display the preview (and the PDF) is made for.
    public var display: DisplayCharacteristic
    /// Resolution of the preview PNG, dpi (films are large: 100 dpi makes a 14×17-inch film 1400 × 1700).
    public var previewDPI: Double
    /// Write the outputs of one film on two threads (the density PNG's deflate and the PDF take
    /// about as long as each other). Turn off when many films are composed at once anyway.
    public var concurrentOutputs: Bool

    public init(profile: PrinterProfile, fonts: FontLibrary, display: DisplayCharacteristic = .gsdf(), previewDPI: Double = 100,
                concurrentOutputs: Bool = true) {
        self.profile = profile; self.fonts = fonts; self.display = display; self.previewDPI = previewDPI
        self.concurrentOutputs = concurrentOutputs
    }

    /// Where to write; nil skips that output.
    public struct Outputs: Sendable, Equatable {
        public var pdf: String?
        public var densityPNG: String?
        public var previewPNG: String?
        public init(pdf: String? = nil, densityPNG: String? = nil, previewPNG: String? = nil) {
            self.pdf = pdf; self.densityPNG = densityPNG; self.previewPNG = previewPNG
        }
    }

    /// The film as densities, with its plan.
    public struct Rendered: Sendable {
        public var plan: FilmPlan
        public var raster: DensityRaster
    }

    /// Plans and renders the film to densities, writing nothing.
    public func render(_ sheet: FilmSheet) throws -> Rendered {
        try render(FilmPlan(sheet: sheet, profile: profile))
    }

    /// Renders a plan to densities.
    public func render(_ plan: FilmPlan) throws -> Rendered {
        let sheet = plan.sheet
        let s = FilmStyle(plan: plan, profile: profile)
        var raster = DensityRaster(width: plan.pixelWidth, height: plan.pixelHeight, dpi: plan.dpi, fill: s.borderCode)
        let imagesByPosition = Dictionary(sheet.images.enumerated().map { ($1.position, $0) }, uniquingKeysWith: { _, b in b })
        for (i, box) in plan.layout.imageBoxes.enumerated() {
            let px = PixelRect(box, dpi: plan.dpi)
            guard let k = imagesByPosition[i + 1], !plan.placements[k].outcome.isRejected else {
                raster.fill(px, code: s.emptyCode); continue
            }
            let img = sheet.images[k], p = plan.placements[k]
            let lut = try plan.calibration.densityCodes(bits: img.bits, polarity: img.polarity, lut: sheet.presentationLUT)
            let codes = img.samples.map { lut[Int($0)] }
            let mmToPx = plan.dpi / Size.millimetresPerInch
            raster.drawImage(codes, rows: img.rows, columns: img.columns,
                             x: p.image.minX * mmToPx, y: p.image.minY * mmToPx,
                             width: p.image.width * mmToPx, height: p.image.height * mmToPx,
                             clip: px, kernel: p.magnification, range: s.minCode ... s.maxCode)
        }
        if sheet.trim {
            let t = max(1, Int((profile.trimWidthMM * plan.dpi / Size.millimetresPerInch).rounded()))
            for box in plan.layout.imageBoxes { raster.frame(PixelRect(box, dpi: plan.dpi), thickness: t, code: s.contrastCode) }
        }
        for a in sheet.annotations where !a.text.isEmpty {
            let box = PixelRect(plan.layout.annotationBoxes[a.position - 1], dpi: plan.dpi)
            let coverage = try AnnotationText.coverage(a.text, width: box.width, height: box.height, dpi: plan.dpi,
                                                       style: s.textStyle(color: .black), fonts: fonts)
            raster.blend(coverage, in: box, code: s.contrastCode)
        }
        return Rendered(plan: plan, raster: raster)
    }

    /// Composes the film to the requested outputs and returns its plan (placements, statuses).
    @discardableResult
    public func compose(_ sheet: FilmSheet, to outputs: Outputs) throws -> FilmPlan {
        let plan = try FilmPlan(sheet: sheet, profile: profile)
        let s = FilmStyle(plan: plan, profile: profile)
        // The PDF is drawn from the plan; only the PNGs need the density raster.
        let raster = outputs.densityPNG != nil || outputs.previewPNG != nil ? try render(plan).raster : nil
        var jobs: [@Sendable () throws -> Void] = []
        if let path = outputs.densityPNG, let raster {
            jobs.append { try Self.write(path) { try AtomicOutput.write(try raster.pngBytes(), to: path) } }
        }
        if outputs.previewPNG != nil || outputs.pdf != nil {
            let table = display.previewTable(calibration: plan.calibration, minCode: s.minCode, maxCode: s.maxCode)
            let gray = PreviewMapping(table: table, minCode: s.minCode)
            let dpi = previewDPI, fonts = fonts
            if let path = outputs.previewPNG, let raster {
                jobs.append { try Self.write(path) { try AtomicOutput.write(try PNGWriter.encode(gray.preview(of: raster, dpi: dpi)), to: path) } }
            }
            if let path = outputs.pdf {
                jobs.append { try Self.write(path) { try FilmPDF.write(plan, style: s, gray: gray, fonts: fonts, to: path) } }
            }
        }
        try FilmComposer.run(jobs, concurrently: concurrentOutputs)
        return plan
    }

    /// Runs the output writers, on up to two threads when `concurrently` (they share nothing
    /// mutable: each has its own Cairo surface or buffer); the first error is rethrown after all end.
    static func run(_ jobs: [@Sendable () throws -> Void], concurrently: Bool) throws {
        guard concurrently, jobs.count > 1 else { for j in jobs { try j() }; return }
        let errors = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            do { try jobs[i]() } catch { errors.add(i, error) }
        }
        if let e = errors.first { throw e }
    }

    private final class ErrorBox: @unchecked Sendable {
        private let lock = NSLock()
        private var errors: [(Int, Error)] = []
        func add(_ i: Int, _ e: Error) { lock.lock(); errors.append((i, e)); lock.unlock() }
        var first: Error? { lock.lock(); defer { lock.unlock() }; return errors.min { $0.0 < $1.0 }?.1 }
    }

    private static func write(_ path: String, _ body: () throws -> Void) throws {
        do { try body() } catch let e as FilmPrintError { throw e } catch {
            throw FilmPrintError.output(path: path, reason: "\(error)")
        }
    }
}

/// The densities and text style of one film, derived from its plan.
struct FilmStyle: Sendable {
    let minCode: UInt16, maxCode: UInt16
    let borderCode: UInt16, emptyCode: UInt16
    /// Trim lines and annotation text: Min Density on a dark border, Max Density on a light one.
    let contrastCode: UInt16
    let families: [String]
    let fontSize: Double
    let trimWidthMM: Double

    init(plan: FilmPlan, profile: PrinterProfile) {
        let c = plan.calibration
        minCode = DensityCode.encode(c.minDensity); maxCode = DensityCode.encode(c.maxDensity)
        let border = plan.sheet.borderDensity.opticalDensity(min: c.minDensity, max: c.maxDensity)
        borderCode = DensityCode.encode(border)
        emptyCode = DensityCode.encode(plan.sheet.emptyImageDensity.opticalDensity(min: c.minDensity, max: c.maxDensity))
        contrastCode = border >= (c.minDensity + c.maxDensity) / 2 ? minCode : maxCode
        families = profile.fontFamilies
        fontSize = plan.layout.annotationFontSize
        trimWidthMM = profile.trimWidthMM
    }

    func textStyle(color: Color) -> TextStyle { TextStyle(families: families, size: fontSize, color: color) }
}
