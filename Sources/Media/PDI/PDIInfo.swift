/// Facts about the disc itself for README.TXT, INDEX.HTM and the label.
public struct PDIInfo: Sendable {
    public var institution: String
    public var application: String
    public var version: String
    /// "2026-11-26 15:04".
    public var created: String
    public var profile: ApplicationProfile
    public var fileSetID: String
    public var volume: Int
    public var volumeCount: Int
    /// IHE PDI Web Content option (INDEX.HTM and IHE_PDI/ with previews).
    public var webContent: Bool

    public init(institution: String, application: String = "Lightbox", version: String, created: String,
                profile: ApplicationProfile, fileSetID: String, volume: Int = 1, volumeCount: Int = 1, webContent: Bool = true) {
        self.institution = institution; self.application = application; self.version = version; self.created = created
        self.profile = profile; self.fileSetID = fileSetID; self.volume = volume; self.volumeCount = volumeCount
        self.webContent = webContent
    }

    /// "CD", "DVD", "disc", "USB drive" for sentences.
    public var mediumWord: String {
        switch profile.medium.uppercased() {
        case let m where m.hasPrefix("CD"): return "CD"
        case let m where m.hasPrefix("DVD"): return "DVD"
        case let m where m.hasPrefix("BD"): return "Blu-ray disc"
        case "USB": return "USB drive"
        default: return "medium"
        }
    }
    public var volumeText: String { "\(volume) of \(volumeCount)" }
    /// What the label says (IHE PDI): "DICOM PLUS WEB" with web content, else "DICOM ONLY".
    public var contentMark: String { webContent ? "DICOM PLUS WEB" : "DICOM ONLY" }
}
