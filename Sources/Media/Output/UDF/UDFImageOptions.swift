import Foundation

/// How `UDFImageWriter` records a file set.
public struct UDFImageOptions: Sendable, Equatable {
    /// The UDF revision: 0x0201 (DVD, PS3.12 Annex P), 0x0250 (BD-RE) or 0x0260 (BD-R) (PS3.12
    /// Annex X). 2.50 and 2.60 keep every File Entry and folder in a Metadata Partition with a
    /// mirror (UDF 2.60 §2.2.10); 2.01 keeps them in the one physical partition.
    public var revision: UInt16
    /// The Logical Volume, File Set and ISO 9660 Volume Identifier: the File-set ID (PS3.12).
    public var volumeID: String
    /// Record an ISO 9660 Level 1 tree over the same file data as well (a UDF bridge image, as
    /// Blu-ray authoring does), for readers that know no UDF.
    public var bridge: Bool
    /// When set, every recorded time is this instant and the image is reproducible.
    public var fixedTimestamp: Date?

    public static let supportedRevisions: [UInt16] = [0x0201, 0x0250, 0x0260]

    public init(revision: UInt16, volumeID: String, bridge: Bool = true, fixedTimestamp: Date? = nil) {
        self.revision = revision
        self.volumeID = volumeID
        self.bridge = bridge
        self.fixedTimestamp = fixedTimestamp
    }

    /// True for 2.50 and later: the tree lives in a Metadata Partition.
    var usesMetadataPartition: Bool { revision >= 0x0250 }

    /// "2.50" for 0x0250.
    public static func text(_ revision: UInt16) -> String {
        String(format: "%x.%02x", revision >> 8, revision & 0xFF)
    }
}
