import Foundation
import DICOM

extension FilmSheet {
    /// A film box's settings from its N-CREATE (or N-SET) data set, PS3.3 C.13.8 / PS3.4 H.4.2,
    /// every absent attribute taking the printer profile's default (as a print SCP fills them in
    /// its N-CREATE response). The sheet has no images or annotations yet; the Presentation LUT
    /// is the profile's IDENTITY until the SCP resolves a Referenced Presentation LUT.
    ///
    /// A value outside the defined terms throws the matching `FilmPrintError` (the SCP answers
    /// 0106): Image Display Format (Type 1, so absent is `invalidDisplayFormat` too), Film
    /// Orientation, Film Size ID, Magnification Type, Border/Empty Image Density, Min/Max Density,
    /// Smoothing Type, Trim, Requested Resolution ID, Annotation Display Format ID. Min/Max Density outside the
    /// printer's range are kept here; `FilmPlan` replaces them (B605).
    public init(filmBox ds: DataSet, profile: PrinterProfile, catalog: FilmSizeCatalog) throws {
        func value(_ tag: Tag) -> String? {
            guard let v = ds.string(tag)?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        guard let f = ds.string(.imageDisplayFormat) else {
            throw FilmPrintError.invalidDisplayFormat("", reason: "Image Display Format (2010,0010) is required")
        }
        let format = try ImageDisplayFormat(dicom: f)
        try profile.check(format)
        let sizeID = value(.filmSizeID) ?? profile.filmSizes[0]
        try profile.check(filmSize: sizeID)
        let size = try catalog.size(sizeID)
        let orientation = try value(.filmOrientation).map(FilmOrientation.init(dicom:)) ?? .portrait
        let mag = try MagnificationType(dicom: value(.magnificationType) ?? profile.defaultMagnificationType)
        guard profile.magnificationTypes.contains(mag.rawValue) else { throw FilmPrintError.invalidMagnificationType(mag.rawValue) }
        let smoothing = value(.smoothingType)
        if let s = smoothing, !profile.smoothingTypes.contains(s) {
            throw FilmPrintError.invalidSmoothingType(s, known: profile.smoothingTypes)
        }
        let border = try FilmDensity(dicom: value(.borderDensity) ?? profile.defaultBorderDensity, attribute: "Border Density")
        let empty = try FilmDensity(dicom: value(.emptyImageDensity) ?? profile.defaultEmptyImageDensity, attribute: "Empty Image Density")
        func density(_ tag: Tag, _ name: String, _ fallback: Double) throws -> Double {
            guard ds[tag] != nil else { return fallback }
            guard let v = ds.int(tag), v >= 0 else { throw FilmPrintError.invalidDensity("\(ds.ints(tag))", attribute: name) }
            return Double(v) / 100   // US, hundredths of OD
        }
        let dMin = try density(.minDensity, "Min Density", profile.minDensity)
        let dMax = try density(.maxDensity, "Max Density", profile.maxDensity)
        guard dMin < dMax else { throw FilmPrintError.invalidDensityRange(min: dMin, max: dMax, reason: "Min Density must be below Max Density") }
        var trim = false
        switch value(.trim) {
        case nil, "NO": trim = false
        case "YES": trim = true
        case let t?: throw FilmPrintError.invalidTrim(t)
        }
        let l0 = ds.double(.illumination) ?? profile.illumination
        let la = ds.double(.reflectedAmbientLight) ?? profile.reflectedAmbientLight
        guard l0 > 0, la >= 0 else {
            throw FilmPrintError.invalidDensityRange(min: dMin, max: dMax, reason: "Illumination must be > 0 and Reflected Ambient Light ≥ 0 cd/m²")
        }
        let resolution = value(.requestedResolutionID)
        _ = try profile.dpi(for: resolution)
        let annotation = value(.annotationDisplayFormatID)
        if let a = annotation, profile.annotationFormats[a] == nil {
            throw FilmPrintError.unknownAnnotationFormat(a, known: profile.annotationFormats.keys.sorted())
        }
        self.init(filmSize: size, orientation: orientation, displayFormat: format, borderDensity: border, emptyImageDensity: empty,
                  calibration: DensityCalibration(minDensity: dMin, maxDensity: dMax, illumination: l0, reflectedAmbientLight: la),
                  trim: trim, magnification: mag, smoothingType: smoothing, resolutionID: resolution, annotationFormatID: annotation)
        configurationInformation = value(.configurationInformation)
    }
}
