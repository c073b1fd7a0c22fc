import Foundation

/// A file system an application profile allows on its medium (PS3.12), as the profile table
/// names it (`fileSystems` in Media/profiles/*.json, the first being the default).
public enum MediaFileSystem: String, Codable, Sendable, CaseIterable {
    /// ISO 9660 Level 1 without extensions: CD-R (PS3.12 Annex F).
    case iso9660Level1 = "iso9660-level1"
    /// ISO 9660 Levels 1–3 with Joliet or Rock Ridge allowed: DVD (Annex P). Lightbox writes
    /// Level 1 names, with Joliet when asked.
    case iso9660 = "iso9660"
    /// UDF 2.01: DVD (Annex P) and DVD-RAM (Annex N).
    case udf201 = "udf-2.01"
    /// UDF 2.50: BD-RE (Annex X).
    case udf250 = "udf-2.50"
    /// UDF 2.60: BD-R (Annex X).
    case udf260 = "udf-2.60"
    /// FAT16/FAT32 in the first partition: USB and flash media (Annex R); written by the stick's
    /// own file system, not as an image.
    case fat = "fat"

    /// The UDF revision (0x0250 for UDF 2.50), nil for the others.
    public var udfRevision: UInt16? {
        switch self {
        case .udf201: return 0x0201
        case .udf250: return 0x0250
        case .udf260: return 0x0260
        default: return nil
        }
    }

    public var isISO9660: Bool { self == .iso9660 || self == .iso9660Level1 }

    /// "UDF 2.60", "ISO 9660 Level 1".
    public var title: String {
        switch self {
        case .iso9660Level1: return "ISO 9660 Level 1"
        case .iso9660: return "ISO 9660"
        case .fat: return "FAT"
        default: return "UDF " + UDFImageOptions.text(udfRevision!)
        }
    }
}
