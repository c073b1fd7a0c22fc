/// What a burn did, for the terminal and for a log: every volume written, every file left out
/// and why, every directory record key filled in, every transcoding.
public struct BurnReport: Sendable {
    public struct Volume: Sendable {
        public var number: Int
        public var fileSetID: String
        /// Where it went: the ISO image, the USB folder or the device.
        public var location: String
        public var instances: Int
        public var patients: Int
        public var studies: Int
        public var bytes: Int64
        /// Instances rewritten or transcoded, with what happened.
        public var conversions: [String]
        public var warnings: [String]
        /// The label PDF, when one was made.
        public var label: String?
        /// Bytes of the on-disc viewer on the volume (pages and data), 0 without it.
        public var viewerBytes: Int64 = 0
    }

    public var profile: String
    public var volumes: [Volume] = []
    /// Files left out (unreadable, missing keys, conflicting duplicates, not allowed, failed).
    public var rejections: [FileSetError] = []
    public var invented: [InventedValue] = []
    public var duplicates: [DuplicateFile] = []
    public var warnings: [String] = []

    public var instanceCount: Int { volumes.reduce(0) { $0 + $1.instances } }
    /// True when every input is on the medium: the exit status is 0 only then.
    public var isComplete: Bool { rejections.isEmpty }

    /// The report as lines of text.
    public var lines: [String] {
        var out: [String] = []
        for d in duplicates { out.append("duplicate: \(d)") }
        for v in invented { out.append("filled: \(v)") }
        for w in warnings { out.append("warning: \(w)") }
        for r in rejections { out.append("rejected: \(r)") }
        for v in volumes {
            for c in v.conversions { out.append("converted: \(c)") }
            for w in v.warnings { out.append("warning: \(w)") }
            out.append("volume \(v.number) of \(volumes.count) \"\(v.fileSetID)\": \(v.patients) patient(s), \(v.studies) study(ies), \(v.instances) instance(s), \(v.bytes / 1_000_000) MB\(v.viewerBytes > 0 ? " (viewer \(String(format: "%.1f", Double(v.viewerBytes) / 1_000_000)) MB)" : "") -> \(v.location)\(v.label.map { ", label \($0)" } ?? "")")
        }
        return out
    }
}
