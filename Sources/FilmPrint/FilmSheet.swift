/// One film as it is printed: a Basic Film Box (PS3.3 C.13.8, PS3.4 H.4.2) with its Basic
/// Grayscale Image Boxes (C.13.5, H.4.3) and Basic Annotation Boxes (C.13.7, H.4.5), the Film
/// Session's presentation settings already resolved. The print SCP freezes one of these per
/// film box at N-ACTION and hands it to `FilmComposer`.
public struct FilmSheet: Sendable, Equatable {
    public var filmSize: FilmSize
    public var orientation: FilmOrientation
    public var displayFormat: ImageDisplayFormat
    /// Border Density (2010,0100): around and between the image boxes.
    public var borderDensity: FilmDensity
    /// Empty Image Density (2010,0110): image boxes without an image.
    public var emptyImageDensity: FilmDensity
    /// Min Density (2010,0120) and Max Density (2010,0130), OD, and the viewing conditions
    /// Illumination (2010,015E) and Reflected Ambient Light (2010,0160).
    public var calibration: DensityCalibration
    /// Trim (2010,0140): a line of the contrasting density round each image box.
    public var trim: Bool
    /// Magnification Type (2010,0060) and Smoothing Type (2010,0080) of the film box.
    public var magnification: MagnificationType
    public var smoothingType: String?
    /// The Presentation LUT of the film box (else the session's), PS3.4 H.4.9.
    public var presentationLUT: FilmPresentationLUT
    /// Requested Resolution ID (2020,0050), nil = STANDARD.
    public var resolutionID: String?
    /// Annotation Display Format ID (2010,0030), nil = none.
    public var annotationFormatID: String?
    /// Configuration Information (2010,0150): recorded; this printer defines no configuration values.
    public var configurationInformation: String?
    public var images: [FilmImage]
    public var annotations: [FilmAnnotation]

    public init(filmSize: FilmSize, orientation: FilmOrientation = .portrait, displayFormat: ImageDisplayFormat,
                borderDensity: FilmDensity = .black, emptyImageDensity: FilmDensity = .black,
                calibration: DensityCalibration, trim: Bool = false, magnification: MagnificationType = .cubic,
                smoothingType: String? = nil, presentationLUT: FilmPresentationLUT = .identity, resolutionID: String? = nil,
                annotationFormatID: String? = nil, images: [FilmImage] = [], annotations: [FilmAnnotation] = []) {
        self.filmSize = filmSize; self.orientation = orientation; self.displayFormat = displayFormat
        self.borderDensity = borderDensity; self.emptyImageDensity = emptyImageDensity
        self.calibration = calibration; self.trim = trim; self.magnification = magnification
        self.smoothingType = smoothingType; self.presentationLUT = presentationLUT; self.resolutionID = resolutionID
        self.annotationFormatID = annotationFormatID; self.images = images; self.annotations = annotations
    }
}

/// The pixels of a Basic Grayscale Image Box (Preformatted Grayscale Image Sequence (2020,0110),
/// PS3.3 C.13.5; PS3.4 H.4.3.1): MONOCHROME2 P-Values of 8 bits (Bits Allocated 8) or 12 bits
/// (Bits Allocated 16, Bits Stored 12), row by row.
public struct FilmImage: Sendable, Equatable {
    /// Image Position (2020,0010), 1 … box count.
    public var position: Int
    public var rows: Int
    public var columns: Int
    /// 8 or 12.
    public var bits: Int
    public var samples: [UInt16]
    public var polarity: Polarity
    /// Per-image Magnification Type (2010,0060); nil = the film box's.
    public var magnification: MagnificationType?
    /// Requested Image Size (2020,0030): the printed width of the image, mm; nil = fit the box.
    public var requestedWidthMM: Double?
    public var decimateCrop: DecimateCropBehavior
    /// Pixel Aspect Ratio (0028,0034) vertical/horizontal, 1 for square pixels.
    public var pixelAspectRatio: Double

    public init(position: Int, rows: Int, columns: Int, bits: Int, samples: [UInt16], polarity: Polarity = .normal,
                magnification: MagnificationType? = nil, requestedWidthMM: Double? = nil,
                decimateCrop: DecimateCropBehavior = .decimate, pixelAspectRatio: Double = 1) {
        self.position = position; self.rows = rows; self.columns = columns; self.bits = bits; self.samples = samples
        self.polarity = polarity; self.magnification = magnification; self.requestedWidthMM = requestedWidthMM
        self.decimateCrop = decimateCrop; self.pixelAspectRatio = pixelAspectRatio
    }

    /// Checks rows, columns, bits and sample values.
    public func validate() throws {
        guard bits == 8 || bits == 12 else { throw FilmPrintError.invalidImagePixels(position: position, reason: "\(bits) bits") }
        guard rows > 0, columns > 0, rows <= 32767, columns <= 32767 else {
            throw FilmPrintError.invalidImagePixels(position: position, reason: "\(rows) rows × \(columns) columns")
        }
        guard samples.count == rows * columns else {
            throw FilmPrintError.invalidImagePixels(position: position, reason: "\(samples.count) samples for \(rows) × \(columns)")
        }
        let maxV = UInt16((1 << bits) - 1)
        if let bad = samples.first(where: { $0 > maxV }) {
            throw FilmPrintError.invalidImagePixels(position: position, reason: "value \(bad) above \(maxV)")
        }
        guard pixelAspectRatio >= 1e-3, pixelAspectRatio <= 1e3 else {
            throw FilmPrintError.invalidImagePixels(position: position, reason: "pixel aspect ratio \(pixelAspectRatio) (1/1000 … 1000)")
        }
        // Ten metres: far beyond any film, small enough that pixel arithmetic cannot overflow.
        if let w = requestedWidthMM, !(w > 0 && w <= 10_000) {
            throw FilmPrintError.invalidImagePixels(position: position, reason: "Requested Image Size \(w) mm (0 … 10000)")
        }
    }
}

/// A Basic Annotation Box (PS3.3 C.13.7): Annotation Position (2030,0010) and Text String
/// (2030,0020), UTF-8 here (the SCP decodes the Specific Character Set).
public struct FilmAnnotation: Sendable, Equatable {
    public var position: Int
    public var text: String
    public init(position: Int, text: String) { self.position = position; self.text = text }
}
