/// One problem or oddity found while reading a received medium, in plain words, with the clause
/// of the standard it concerns and the files involved. `lightbox ls` counts them; `lightbox check`
/// reports them.
///
/// Severities follow issue 18: `error` breaks a rule of PS3.3 Annex F, PS3.10, PS3.11 or PS3.12;
/// `warning` is a tolerable oddity; `note` is anything else worth saying.
public struct MediaFinding: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error, warning, note
        private var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    /// What kind of problem, stable for tests and for `check` to group by.
    public enum Kind: String, Sendable, Hashable, Codable {
        case noDICOMDIR, unreadableDICOMDIR, dicomdirSpelling, dataAfterRecords
        case brokenOffset, offsetLoop, missingRootOffset, unreachableRecords, inactiveRecords, recoveredByOrder
        case unsafeFileID, missingFile, tolerantFileID, unreadableFile
        case uidMismatch, sopClassMismatch, transferSyntaxMismatch
        case unreferencedFiles, recordWithoutParent
        case linkOutsideMedium, symbolicLink, unlistableEntries, unreadSession
    }

    public var severity: Severity
    public var kind: Kind
    /// A sentence a clinician understands.
    public var message: String
    /// The clause broken or concerned, e.g. "PS3.3 F.3.2.2".
    public var clause: String
    /// Paths on the medium (translated, "/"-separated) the finding concerns; may be empty.
    public var files: [String]

    public init(_ severity: Severity, _ kind: Kind, _ message: String, clause: String, files: [String] = []) {
        self.severity = severity
        self.kind = kind
        self.message = message
        self.clause = clause
        self.files = files
    }
}
