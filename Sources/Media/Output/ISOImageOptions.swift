import Foundation

/// How `ISOImageWriter` records a file set: ISO 9660 Level 1 without Rock Ridge, as PS3.12
/// Annex F (CD-R) requires; Joliet may be added for DVD (PS3.12 Annex P allows it).
public struct ISOImageOptions: Sendable, Equatable {
    /// The Volume Identifier: the File-set ID (0004,1130) of the DICOMDIR (PS3.12 §F.3.2),
    /// 1–32 d-characters.
    public var volumeID: String
    /// Add a Joliet tree (Unicode names for Windows). Only for DVD/BD media (Annex P); keep it off
    /// for CD-R (Annex F). The ISO 9660 tree stays Level 1 either way.
    public var joliet: Bool
    /// When set, every recorded time (volume descriptor and directory records) is this instant
    /// (UTC) and the image is byte-for-byte reproducible; when nil, the volume times are the time of
    /// writing and files keep their modification times.
    public var fixedTimestamp: Date?
    /// Application Identifier in the Primary Volume Descriptor (ECMA-119 §8.4.32), up to 128 a-characters.
    public var applicationID: String

    public init(volumeID: String, joliet: Bool = false, fixedTimestamp: Date? = nil, applicationID: String = "LIGHTBOX") {
        self.volumeID = volumeID
        self.joliet = joliet
        self.fixedTimestamp = fixedTimestamp
        self.applicationID = applicationID
    }
}

/// What `ISOImageWriter.write` produced.
public struct DiscImageSummary: Sendable, Equatable {
    public var path: String
    /// Image size in bytes (a multiple of 2048).
    public var bytes: Int64
    public var files: Int
    public var directories: Int
}
