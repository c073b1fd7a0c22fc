import Foundation

/// A printer as Lightbox emulates it: the capabilities a Basic Grayscale Print Management SCP
/// advertises and honours (PS3.4 Annex H; Printer Configuration Retrieval, PS3.4 H.4.11) and the
/// viewing conditions its films are calibrated for (PS3.14 §7.2). Data, in
/// `Layouts/printers/<name>.json`; see Layouts/README.md for the keys.
public struct PrinterProfile: Sendable, Equatable, Codable {
    public var version: Int
    public var name: String
    public var description: String
    /// A dry laser film imager (transmissive film on a light box) rather than a paper printer.
    public var dryLaserImager: Bool
    /// Requested Resolution ID (2020,0050) → dots per inch. STANDARD is the default.
    public var resolutions: [String: Double]
    /// Lowest and highest density the printer produces, OD (Min/Max Density (2010,0120/0130) are
    /// hundredths of OD on the wire).
    public var minDensity: Double
    public var maxDensity: Double
    /// Default Illumination (2010,015E) L0 and Reflected Ambient Light (2010,0160) La, cd/m².
    public var illumination: Double
    public var reflectedAmbientLight: Double
    /// Film Size IDs this printer accepts (a subset of film-sizes.json); the first is the default.
    public var filmSizes: [String]
    /// Medium Type (2000,0030) values accepted; the first is the default.
    public var media: [String]
    /// Most columns, rows and image boxes in an Image Display Format.
    public var maxColumns: Int
    public var maxRows: Int
    public var maxImageBoxes: Int
    /// Magnification Type (2010,0060) values offered; `defaultMagnificationType` when absent.
    public var magnificationTypes: [String]
    public var defaultMagnificationType: String
    /// Smoothing Type (2010,0080) values accepted (printer-defined terms, used with CUBIC).
    public var smoothingTypes: [String]
    /// Default Requested Decimate/Crop Behavior (2020,0040) when an image box has none.
    public var defaultDecimateCropBehavior: String
    /// Default Border Density and Empty Image Density (BLACK, WHITE or hundredths of OD).
    public var defaultBorderDensity: String
    public var defaultEmptyImageDensity: String
    /// Geometry, mm: unprinted margin round the image area, gap between image boxes, trim line width.
    public var marginMM: Double
    public var gapMM: Double
    public var trimWidthMM: Double
    /// Annotation Display Format ID (2010,0030) → its boxes.
    public var annotationFormats: [String: AnnotationFormat]
    /// Font families for annotation text, in order of preference (Latin, then CJK).
    public var fontFamilies: [String]

    /// The annotation boxes of one Annotation Display Format ID: `boxes` boxes of equal width side
    /// by side in a strip `heightMM` high at the top or bottom edge of the film (inside the
    /// margin), numbered 1… left to right (Annotation Position (2030,0010), PS3.3 C.13.7). The image
    /// area shrinks by the strip.
    public struct AnnotationFormat: Sendable, Equatable, Codable {
        public enum Edge: String, Sendable, Codable { case top, bottom }
        public var edge: Edge
        public var boxes: Int
        public var heightMM: Double
        /// Text size, points.
        public var fontSize: Double
    }

    /// Loads `printers/<name>.json` from the layouts folder and checks it.
    public static func load(named name: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PrinterProfile {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw FilmPrintError.layoutData(file: "printers/\(name).json", reason: "a profile name is letters, digits, - and _")
        }
        let file = "printers/\(name).json"
        let p = try LayoutData.load(PrinterProfile.self, file: file, environment: environment)
        try p.validate(file: file)
        return p
    }

    /// The default profile, `lightbox-dry`.
    public static let defaultName = "lightbox-dry"

    func validate(file: String) throws {
        func bad(_ r: String) -> FilmPrintError { .layoutData(file: file, reason: r) }
        guard version == 1 else { throw bad("version \(version) is not 1") }
        guard let std = resolutions["STANDARD"], std > 0 else { throw bad("resolutions needs a positive STANDARD") }
        guard resolutions.values.allSatisfy({ $0 > 0 && $0 <= 1200 }) else { throw bad("resolutions must be 1…1200 dpi") }
        guard minDensity >= 0, maxDensity > minDensity, maxDensity <= 6 else { throw bad("need 0 ≤ minDensity < maxDensity ≤ 6 OD") }
        guard illumination > 0, reflectedAmbientLight >= 0 else { throw bad("illumination must be > 0 and reflectedAmbientLight ≥ 0 cd/m²") }
        guard !filmSizes.isEmpty, !media.isEmpty else { throw bad("filmSizes and media need at least one entry") }
        guard maxColumns > 0, maxRows > 0, maxImageBoxes > 0 else { throw bad("maxColumns, maxRows, maxImageBoxes must be positive") }
        let mags = Set(MagnificationType.allCases.map(\.rawValue))
        guard magnificationTypes.allSatisfy(mags.contains), magnificationTypes.contains(defaultMagnificationType) else {
            throw bad("magnificationTypes must be among \(mags.sorted()) and include defaultMagnificationType")
        }
        guard DecimateCropBehavior(rawValue: defaultDecimateCropBehavior) != nil else { throw bad("defaultDecimateCropBehavior must be DECIMATE, CROP or FAIL") }
        guard (try? FilmDensity(dicom: defaultBorderDensity, attribute: "")) != nil,
              (try? FilmDensity(dicom: defaultEmptyImageDensity, attribute: "")) != nil else {
            throw bad("default densities must be BLACK, WHITE or hundredths of OD")
        }
        guard marginMM >= 0, gapMM >= 0, trimWidthMM >= 0 else { throw bad("marginMM, gapMM, trimWidthMM must be ≥ 0") }
        for (id, f) in annotationFormats where !(f.boxes >= 0 && f.boxes <= 16 && f.heightMM >= 0 && f.fontSize > 0) {
            throw bad("annotation format \(id): boxes 0…16, heightMM ≥ 0, fontSize > 0")
        }
        guard !fontFamilies.isEmpty else { throw bad("fontFamilies needs at least one family") }
    }

    /// The printer's density range and default viewing conditions as a calibration.
    public var defaultCalibration: DensityCalibration {
        DensityCalibration(minDensity: minDensity, maxDensity: maxDensity,
                           illumination: illumination, reflectedAmbientLight: reflectedAmbientLight)
    }

    /// Dots per inch for a Requested Resolution ID (nil or empty → STANDARD).
    public func dpi(for resolutionID: String?) throws -> Double {
        let id = (resolutionID ?? "").trimmingCharacters(in: .whitespaces)
        let key = id.isEmpty ? "STANDARD" : id
        guard let d = resolutions[key] else { throw FilmPrintError.unknownResolution(key, known: resolutions.keys.sorted()) }
        return d
    }

    /// Checks a display format against this printer's limits.
    public func check(_ format: ImageDisplayFormat) throws {
        if format.maxColumns > maxColumns || format.maxRows > maxRows || format.boxCount > maxImageBoxes {
            throw FilmPrintError.displayFormatTooLarge(format.description,
                limit: "at most \(maxColumns) columns, \(maxRows) rows, \(maxImageBoxes) image boxes")
        }
    }

    /// Checks a film size is one this printer takes.
    public func check(filmSize id: String) throws {
        guard filmSizes.contains(id) else { throw FilmPrintError.unknownFilmSize(id, known: filmSizes) }
    }
}
