/// The text form of a `MediaCheckReport`: findings grouped by severity, each its sentence, then
/// the clause, then the files (long lists cut with "… and N more"), and last what still works.
public enum CheckReportText {
    public static func render(_ r: MediaCheckReport, maxFiles: Int = 5) -> String {
        var out = "Medium: \(r.source)\nProfile: \(r.profile.isEmpty ? "(none)" : r.profile)\(r.profileInferred ? " (inferred from the files)" : "")\n"
        out += "Images: \(r.instances)\n"
        for p in r.patients { out += "Patient: \(p)\n" }
        for severity in [MediaFinding.Severity.error, .warning, .note] {
            let group = r.findings.filter { $0.severity == severity }
            guard !group.isEmpty else { continue }
            let title = severity == .error ? "Errors" : severity == .warning ? "Warnings" : "Notes"
            out += "\n\(title) (\(group.count)):\n"
            for f in group {
                out += "  - \(f.message)\n    \(f.clause)\n"
                if !f.files.isEmpty { out += "    \(files(f.files, max: maxFiles))\n" }
            }
        }
        if r.findings.isEmpty { out += "\nNo problems found.\n" }
        out += "\n\(r.summary.prefix(1).uppercased() + r.summary.dropFirst()).\n"
        return out
    }

    /// "A, B, C … and 12 more".
    public static func files(_ files: [String], max: Int) -> String {
        let shown = files.prefix(max).joined(separator: ", ")
        return files.count > max ? "\(shown) … and \(files.count - max) more" : shown
    }
}
