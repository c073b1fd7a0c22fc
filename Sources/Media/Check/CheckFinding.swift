/// One finding of `MediaChecker`: a sentence a clinician understands, the clause of the standard
/// it breaks (PS3.3 Annex F, PS3.10, PS3.11, PS3.12 or IHE PDI) and the files concerned.
/// Severities follow `MediaFinding.Severity`: `error` breaks PS3.3/3.10/3.11/3.12, `warning` is
/// tolerable, `note` is anything else.
public struct CheckFinding: Sendable, Hashable, Codable {
    public var severity: MediaFinding.Severity
    /// Stable name of the rule, e.g. "fileIDCharacters", or a `MediaFinding.Kind` raw value.
    public var kind: String
    public var message: String
    /// e.g. "PS3.10 8.2".
    public var clause: String
    public var files: [String]

    public init(_ severity: MediaFinding.Severity, _ kind: String, _ message: String, clause: String, files: [String] = []) {
        self.severity = severity
        self.kind = kind
        self.message = message
        self.clause = clause
        self.files = files
    }

    /// A finding of the catalog reader, as is.
    public init(_ f: MediaFinding) {
        self.init(f.severity, f.kind.rawValue, f.message, clause: f.clause, files: f.files)
    }
}

/// "1 file" / "3 files".
func plural(_ n: Int, _ word: String, _ many: String? = nil) -> String {
    "\(n) \(n == 1 ? word : (many ?? word + "s"))"
}
