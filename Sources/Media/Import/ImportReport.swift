/// What an import did, for the closing report (issue 18; IHE PDI asks that objects not imported
/// be listed). Paths in the destination are relative to it; paths on the medium are as the
/// catalog gives them.
public struct ImportReport: Sendable, Codable, Equatable {
    /// Copied now: medium path → destination path.
    public var imported: [Entry] = []
    /// Already in the destination with the same SOP Instance UID and the same bytes.
    public var skipped: [Entry] = []
    /// Same SOP Instance UID as a file already there but different bytes: kept beside it.
    public var conflicts: [Entry] = []
    /// Instances that could not be copied, with the reason.
    public var failed: [Failure] = []
    /// Files the medium's DICOMDIR names but that are missing, unreadable or refused (from the catalog's findings).
    public var missingOrUnreadable: [Failure] = []
    /// Files on the medium that are not DICOM (README.TXT, web pages, viewers…): not imported.
    public var unsupported: [String] = []
    /// Study Instance UIDs asked for that the medium does not hold.
    public var studiesNotFound: [String] = []

    public struct Entry: Sendable, Codable, Equatable {
        public var source: String
        public var destination: String
        public var sopInstanceUID: String
    }

    public struct Failure: Sendable, Codable, Equatable {
        public var source: String
        public var reason: String
    }

    public init() {}

    /// True when everything found was imported or was already there.
    public var isComplete: Bool { failed.isEmpty && missingOrUnreadable.isEmpty && studiesNotFound.isEmpty }

    /// The plain-words report.
    public var text: String {
        var out = "Imported: \(imported.count)\nSkipped (already there): \(skipped.count)\n"
        out += "Conflicts (same SOP Instance UID, different content; kept beside): \(conflicts.count)\n"
        for c in conflicts { out += "  \(c.source) → \(c.destination) (\(c.sopInstanceUID))\n" }
        out += "Could not be imported: \(failed.count)\n"
        for f in failed { out += "  \(f.source): \(f.reason)\n" }
        out += "Missing or unreadable on the medium: \(missingOrUnreadable.count)\n"
        for f in missingOrUnreadable { out += "  \(f.source): \(f.reason)\n" }
        out += "Not DICOM (not imported): \(unsupported.count)\n"
        // IHE PDI web content is expected on a disc: one line for it, every other file by name.
        let web = unsupported.filter { ["INDEX.HTM", "README.TXT"].contains($0.uppercased()) || $0.uppercased().hasPrefix("IHE_PDI/") }
        if !web.isEmpty { out += "  IHE PDI web content: \(web.count) file(s) (INDEX.HTM, README.TXT, IHE_PDI/)\n" }
        for u in unsupported where !web.contains(u) { out += "  \(u)\n" }
        for s in studiesNotFound { out += "Study not on the medium: \(s)\n" }
        return out
    }
}

/// Why an import cannot start at all.
public enum ImportError: Error, CustomStringConvertible, Equatable, Sendable {
    case source(MediaSourceError)
    /// The destination cannot be created or written.
    case destinationNotWritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .source(let e): return e.description
        case .destinationNotWritable(let p, let r):
            return "\(p): the destination cannot be written (\(r)); give a writable folder, or remount it read-write"
        }
    }
}
