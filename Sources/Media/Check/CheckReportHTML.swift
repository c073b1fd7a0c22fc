/// The `--html` form of a `MediaCheckReport`: one self-contained UTF-8 page (no scripts, images,
/// fonts or style sheets from elsewhere), so Chinese and other names show as recorded.
public enum CheckReportHTML {
    public static func render(_ r: MediaCheckReport, maxFiles: Int = 50) -> String {
        var body = "<h1>Medium check</h1>\n<p>Medium: \(esc(r.source))<br>Profile: \(esc(r.profile.isEmpty ? "(none)" : r.profile))\(r.profileInferred ? " (inferred from the files)" : "")<br>Images: \(r.instances)</p>\n"
        if !r.patients.isEmpty {
            body += "<h2>Patients</h2>\n<ul>\n" + r.patients.map { "<li>\(esc($0))</li>\n" }.joined() + "</ul>\n"
        }
        for severity in [MediaFinding.Severity.error, .warning, .note] {
            let group = r.findings.filter { $0.severity == severity }
            guard !group.isEmpty else { continue }
            let title = severity == .error ? "Errors" : severity == .warning ? "Warnings" : "Notes"
            body += "<h2 class=\"\(severity.rawValue)\">\(title) (\(group.count))</h2>\n<ul>\n"
            for f in group {
                body += "<li class=\"\(severity.rawValue)\"><p>\(esc(f.message))</p><p class=\"clause\">\(esc(f.clause))</p>"
                if !f.files.isEmpty { body += "<p class=\"files\">\(esc(CheckReportText.files(f.files, max: maxFiles)))</p>" }
                body += "</li>\n"
            }
            body += "</ul>\n"
        }
        if r.findings.isEmpty { body += "<p>No problems found.</p>\n" }
        body += "<p class=\"summary\">\(esc(r.summary.prefix(1).uppercased() + r.summary.dropFirst())).</p>\n"
        return """
        <!DOCTYPE html>
        <html>
        <head>
        <meta charset="utf-8">
        <title>Medium check</title>
        <style>
        body { font-family: sans-serif; max-width: 60em; margin: 1em auto; }
        .error { color: #a00; } .warning { color: #850; } .note { color: #333; }
        li p { margin: 0.2em 0; color: #000; } .clause { font-style: italic; } .files { font-family: monospace; font-size: 90%; }
        .summary { font-weight: bold; }
        </style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    /// HTML text, escaped as the PDI pages escape theirs.
    static func esc(_ s: String) -> String { PDIText.html(s) }
}
