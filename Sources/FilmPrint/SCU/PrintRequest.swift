import DICOM

/// What a print SCU asks of a printer's Basic Film Session (PS3.3 §C.13.1, PS3.4 §H.4.1.2.1).
/// nil leaves the attribute to the printer's default.
public struct FilmSessionRequest: Sendable, Equatable {
    public var numberOfCopies: Int?
    /// HIGH, MED or LOW.
    public var printPriority: String?
    /// PAPER, CLEAR FILM, BLUE FILM, MAMMO CLEAR FILM, MAMMO BLUE FILM.
    public var mediumType: String?
    /// MAGAZINE, PROCESSOR or BIN_i.
    public var filmDestination: String?
    public var filmSessionLabel: String?
    public var ownerID: String?

    public init(numberOfCopies: Int? = nil, printPriority: String? = nil, mediumType: String? = nil,
                filmDestination: String? = nil, filmSessionLabel: String? = nil, ownerID: String? = nil) {
        self.numberOfCopies = numberOfCopies; self.printPriority = printPriority; self.mediumType = mediumType
        self.filmDestination = filmDestination; self.filmSessionLabel = filmSessionLabel; self.ownerID = ownerID
    }

    /// The N-CREATE attribute list. Text goes in ISO_IR 192 when it is not ASCII.
    func dataSet() -> DataSet {
        var ds = DataSet()
        if [filmSessionLabel, ownerID].contains(where: { $0.map { !$0.utf8.allSatisfy { $0 < 0x80 } } ?? false }) {
            try? ds.set(.specificCharacterSet, .CS, "ISO_IR 192")
        }
        if let numberOfCopies { try? ds.set(.numberOfCopies, .IS, String(numberOfCopies)) }
        if let printPriority { try? ds.set(.printPriority, .CS, printPriority) }
        if let mediumType { try? ds.set(.mediumType, .CS, mediumType) }
        if let filmDestination { try? ds.set(.filmDestination, .CS, filmDestination) }
        if let filmSessionLabel { try? ds.set(.filmSessionLabel, .LO, filmSessionLabel) }
        if let ownerID { try? ds.set(.ownerID, .SH, ownerID) }
        return ds
    }
}

/// What a print SCU asks of one Basic Film Box (PS3.3 §C.13.3, PS3.4 §H.4.2.2.1). Values are
/// the printer's defined terms as strings, so that a printer's own terms pass through; nil leaves
/// the printer's default.
public struct FilmBoxRequest: Sendable, Equatable {
    /// Image Display Format (2010,0010), e.g. `STANDARD\2,2`.
    public var imageDisplayFormat: String
    public var filmSizeID: String?
    /// PORTRAIT or LANDSCAPE.
    public var filmOrientation: String?
    public var magnificationType: String?
    public var smoothingType: String?
    public var borderDensity: String?
    public var emptyImageDensity: String?
    public var minDensity: Int?
    public var maxDensity: Int?
    /// YES or NO.
    public var trim: String?
    public var configurationInformation: String?
    /// Annotation Display Format ID (2010,0030): the printer's, e.g. Lightbox's `LABEL`.
    public var annotationDisplayFormatID: String?
    public var illumination: Int?
    public var reflectedAmbientLight: Int?
    /// STANDARD or HIGH.
    public var requestedResolutionID: String?

    public init(imageDisplayFormat: String, filmSizeID: String? = nil, filmOrientation: String? = nil,
                magnificationType: String? = nil, smoothingType: String? = nil, borderDensity: String? = nil,
                emptyImageDensity: String? = nil, minDensity: Int? = nil, maxDensity: Int? = nil, trim: String? = nil,
                configurationInformation: String? = nil, annotationDisplayFormatID: String? = nil,
                illumination: Int? = nil, reflectedAmbientLight: Int? = nil, requestedResolutionID: String? = nil) {
        self.imageDisplayFormat = imageDisplayFormat; self.filmSizeID = filmSizeID; self.filmOrientation = filmOrientation
        self.magnificationType = magnificationType; self.smoothingType = smoothingType; self.borderDensity = borderDensity
        self.emptyImageDensity = emptyImageDensity; self.minDensity = minDensity; self.maxDensity = maxDensity; self.trim = trim
        self.configurationInformation = configurationInformation; self.annotationDisplayFormatID = annotationDisplayFormatID
        self.illumination = illumination; self.reflectedAmbientLight = reflectedAmbientLight
        self.requestedResolutionID = requestedResolutionID
    }

    /// The N-CREATE attribute list, referring to the film session `sessionUID`.
    func dataSet(sessionUID: String) -> DataSet {
        var ds = DataSet()
        try? ds.set(.imageDisplayFormat, .ST, imageDisplayFormat)
        if let filmSizeID { try? ds.set(.filmSizeID, .CS, filmSizeID) }
        if let filmOrientation { try? ds.set(.filmOrientation, .CS, filmOrientation) }
        if let magnificationType { try? ds.set(.magnificationType, .CS, magnificationType) }
        if let smoothingType { try? ds.set(.smoothingType, .CS, smoothingType) }
        if let borderDensity { try? ds.set(.borderDensity, .CS, borderDensity) }
        if let emptyImageDensity { try? ds.set(.emptyImageDensity, .CS, emptyImageDensity) }
        if let minDensity { ds.set(.minDensity, uint16: UInt16(clamping: minDensity)) }
        if let maxDensity { ds.set(.maxDensity, uint16: UInt16(clamping: maxDensity)) }
        if let trim { try? ds.set(.trim, .CS, trim) }
        if let configurationInformation { try? ds.set(.configurationInformation, .ST, configurationInformation) }
        if let annotationDisplayFormatID { try? ds.set(.annotationDisplayFormatID, .CS, annotationDisplayFormatID) }
        if let illumination { ds.set(.illumination, uint16: UInt16(clamping: illumination)) }
        if let reflectedAmbientLight { ds.set(.reflectedAmbientLight, uint16: UInt16(clamping: reflectedAmbientLight)) }
        if let requestedResolutionID { try? ds.set(.requestedResolutionID, .CS, requestedResolutionID) }
        var ref = DataSet()
        try? ref.set(.referencedSOPClassUID, .UI, UIDs.basicFilmSession)
        try? ref.set(.referencedSOPInstanceUID, .UI, sessionUID)
        ds.set(.referencedFilmSessionSequence, sequence: [ref])
        return ds
    }
}

/// One film to print: its film box, its images (positions 1… in the display format's order) and
/// the text of its annotation boxes (positions 1…).
public struct FilmRequest: Sendable, Equatable {
    public var filmBox: FilmBoxRequest
    public var images: [FilmImage]
    public var annotations: [FilmAnnotation]

    public init(filmBox: FilmBoxRequest, images: [FilmImage], annotations: [FilmAnnotation] = []) {
        self.filmBox = filmBox; self.images = images; self.annotations = annotations
    }
}
