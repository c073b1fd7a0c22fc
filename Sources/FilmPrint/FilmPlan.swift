import Graphics

/// Everything decided about a film before a pixel is drawn: the checked sheet, its resolution,
/// layout, effective calibration and where each image goes. The print SCP can make one at
/// Image Box N-SET time to answer B604/B609/B60A/C603 and at Film Box N-CREATE/N-SET to answer
/// 0106 for formats and sizes and B605 for densities.
public struct FilmPlan: Sendable, Equatable {
    public var sheet: FilmSheet
    public var dpi: Double
    public var layout: FilmLayout
    /// The calibration used: the sheet's, with Min/Max Density clamped to the printer's range.
    public var calibration: DensityCalibration
    /// True when the sheet asked for densities outside the printer's range (status B605: the
    /// printer uses its own).
    public var densityRangeAdjusted: Bool
    /// One per image, in the sheet's order.
    public var placements: [ImageBoxPlacement]
    public var pixelWidth: Int
    public var pixelHeight: Int

    /// Checks `sheet` against `profile` and lays it out. Throws `FilmPrintError` for what the
    /// printer cannot print (unknown size, format too large, bad pixels, unknown annotation format…).
    public init(sheet: FilmSheet, profile: PrinterProfile) throws {
        try profile.check(filmSize: sheet.filmSize.id)
        try profile.check(sheet.displayFormat)
        guard profile.magnificationTypes.contains(sheet.magnification.rawValue) else {
            throw FilmPrintError.invalidMagnificationType(sheet.magnification.rawValue)
        }
        for img in sheet.images {
            try img.validate()
            if let m = img.magnification, !profile.magnificationTypes.contains(m.rawValue) {
                throw FilmPrintError.invalidMagnificationType(m.rawValue)
            }
            guard (1 ... sheet.displayFormat.boxCount).contains(img.position) else {
                throw FilmPrintError.imagePositionOutOfRange(position: img.position, boxCount: sheet.displayFormat.boxCount)
            }
            try sheet.presentationLUT.check(inputBits: img.bits)
        }
        var annotation: PrinterProfile.AnnotationFormat?
        if let id = sheet.annotationFormatID?.trimmingCharacters(in: .whitespaces), !id.isEmpty {
            guard let f = profile.annotationFormats[id] else {
                throw FilmPrintError.unknownAnnotationFormat(id, known: profile.annotationFormats.keys.sorted())
            }
            annotation = f
        }
        let lo = sheet.calibration.minDensity, hi = sheet.calibration.maxDensity
        guard lo < hi else { throw FilmPrintError.invalidDensityRange(min: lo, max: hi, reason: "Min Density must be below Max Density") }
        guard sheet.calibration.hardcopy.illumination > 0, sheet.calibration.hardcopy.reflectedAmbientLight >= 0 else {
            throw FilmPrintError.invalidDensityRange(min: lo, max: hi, reason: "Illumination must be > 0 and Reflected Ambient Light ≥ 0 cd/m²")
        }
        var cal = sheet.calibration
        cal.hardcopy.minDensity = max(lo, profile.minDensity)
        cal.hardcopy.maxDensity = min(hi, profile.maxDensity)
        if cal.hardcopy.minDensity >= cal.hardcopy.maxDensity {
            cal.hardcopy.minDensity = profile.minDensity; cal.hardcopy.maxDensity = profile.maxDensity
        }
        densityRangeAdjusted = cal.minDensity != lo || cal.maxDensity != hi
        calibration = cal

        dpi = try profile.dpi(for: sheet.resolutionID)
        layout = try FilmLayout(filmSize: sheet.filmSize, orientation: sheet.orientation, format: sheet.displayFormat,
                                annotationFormat: annotation, marginMM: profile.marginMM, gapMM: profile.gapMM)
        let boxes = layout.annotationBoxes.count
        for a in sheet.annotations where boxes == 0 || !(1 ... boxes).contains(a.position) {
            throw FilmPrintError.annotationPositionOutOfRange(position: a.position, boxCount: boxes, format: sheet.annotationFormatID ?? "(none)")
        }
        let k = dpi / Size.millimetresPerInch
        pixelWidth = Int((layout.page.width * k).rounded())
        pixelHeight = Int((layout.page.height * k).rounded())
        guard pixelWidth <= 32767, pixelHeight <= 32767 else {
            throw FilmPrintError.unknownResolution("\(dpi) dpi", known: profile.resolutions.keys.sorted())
        }
        let l = layout, d = dpi, mag = sheet.magnification
        placements = sheet.images.map { ImageBoxPlacement.place($0, in: l.imageBoxes[$0.position - 1], dpi: d, filmMagnification: mag) }
        self.sheet = sheet
    }

    /// Status B603-style checks are the SCP's; this says whether any image box holds an image.
    public var isEmpty: Bool { sheet.images.isEmpty }
}
