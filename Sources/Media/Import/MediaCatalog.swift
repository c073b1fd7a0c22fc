/// What a received medium holds, as read tolerantly by `MediaCatalogReader`: patients → studies →
/// series → instances (the Patient/Study/Series/Image levels of the Basic Directory IOD, PS3.3
/// Annex F.4), plus the findings met on the way. Instances come from the DICOMDIR's records whose
/// file was found and, for files the DICOMDIR misses (or without a DICOMDIR), from a scan of the
/// medium by content.
public struct MediaCatalog: Sendable, Codable, Equatable {
    /// The path given: the folder or the ISO image.
    public var source: String
    /// The ISO 9660 Volume Identifier; nil for a folder.
    public var volumeID: String?
    /// The DICOMDIR's path on the medium as found ("DICOMDIR", "dicomdir", …); nil without one.
    public var dicomdir: String?
    /// File-set ID (0004,1130) of the DICOMDIR.
    public var fileSetID: String?
    public var patients: [Patient]
    public var findings: [MediaFinding]

    public init(source: String, volumeID: String? = nil, dicomdir: String? = nil, fileSetID: String? = nil,
                patients: [Patient] = [], findings: [MediaFinding] = []) {
        self.source = source
        self.volumeID = volumeID
        self.dicomdir = dicomdir
        self.fileSetID = fileSetID
        self.patients = patients
        self.findings = findings
    }

    /// Every instance, in catalog order.
    public var instances: [Instance] { patients.flatMap { $0.studies.flatMap { $0.series.flatMap(\.instances) } } }
    /// Number of findings of a severity.
    public func count(_ severity: MediaFinding.Severity) -> Int { findings.filter { $0.severity == severity }.count }

    public struct Patient: Sendable, Codable, Equatable {
        /// Patient's Name (0010,0010), decoded with the Specific Character Set; "" when absent.
        public var name: String
        /// Patient ID (0010,0020); "" when absent.
        public var id: String
        public var studies: [Study]
    }

    public struct Study: Sendable, Codable, Equatable {
        public var studyInstanceUID: String
        /// Study Date (0008,0020) as recorded (YYYYMMDD).
        public var date: String
        public var description: String
        /// Modalities of the study's series, sorted, each once.
        public var modalities: [String]
        public var series: [Series]
    }

    public struct Series: Sendable, Codable, Equatable {
        public var seriesInstanceUID: String
        /// Series Number (0020,0011) as recorded; "" when absent.
        public var number: String
        public var modality: String
        public var description: String
        public var instanceCount: Int
        public var instances: [Instance]
    }

    public struct Instance: Sendable, Codable, Equatable {
        /// Path on the medium (translated, "/"-separated) of the file that holds the instance.
        public var path: String
        public var sopClassUID: String
        public var sopInstanceUID: String
        public var transferSyntaxUID: String
        /// How it was found: through a DICOMDIR record or by scanning the medium's content.
        public var foundBy: Origin
    }

    public enum Origin: String, Sendable, Codable, Equatable {
        case dicomdir, contentScan
    }
}
