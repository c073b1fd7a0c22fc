import Foundation

/// README.TXT at the root of an IHE PDI medium (IHE RAD TF-3 4.47.4.1.2.1): who made the disc,
/// with what, what is on it and how to view it. UTF-8 with a byte-order mark so that Windows
/// editors show Chinese names right; lines end in CR LF.
public struct ReadmeWriter: Sendable {
    public var template: PDITemplate

    public init(template: PDITemplate) { self.template = template }
    public static func standard() throws -> ReadmeWriter { ReadmeWriter(template: try PDITemplate.load("README.TXT")) }

    public func text(_ contents: DiscContents, info: PDIInfo) throws -> String {
        let title = "Medical images from \(info.institution.isEmpty ? "the imaging department" : info.institution)"
        var lines: [String] = []
        for p in contents.patients {
            lines.append("Patient:    \(p.name.isEmpty ? "(no name)" : p.name)")
            lines.append("Patient ID: \(p.id)\(p.birthDate.isEmpty ? "" : "    Birth date: \(p.birthDate)")\(p.sex.isEmpty ? "" : "    Sex: \(p.sex)")")
            for s in p.studies {
                let what = [s.description, s.modalities.joined(separator: "/")].filter { !$0.isEmpty }.joined(separator: ", ")
                lines.append("  Study \(s.date)\(s.time.isEmpty ? "" : " \(s.time)")  \(what.isEmpty ? "(no description)" : what)  \(s.series.count) series, \(s.instanceCount) object(s)")
            }
            lines.append("")
        }
        lines.append("In all: \(contents.patients.count) patient(s), \(contents.studyCount) study(ies), \(contents.instanceCount) DICOM object(s).")
        let values: [String: String] = [
            "TITLE": title, "UNDERLINE": String(repeating: "=", count: min(78, title.count)),
            "MEDIUM": info.mediumWord, "PROFILE": info.profile.id,
            "WEB_NOTE": info.webContent ? "It also holds web pages with previews (INDEX.HTM): \(info.contentMark)." : "It holds DICOM files only (\(info.contentMark)).",
            "CREATED": info.created, "INSTITUTION": info.institution.isEmpty ? "-" : info.institution,
            "APPLICATION": info.application, "VERSION": info.version, "FILESET_ID": info.fileSetID,
            "VOLUME": info.volumeText, "CONTENTS": lines.joined(separator: "\n"),
        ]
        return try template.fill(values)
    }

    /// Writes README.TXT into `root` (UTF-8 with BOM, CR LF).
    public func write(_ contents: DiscContents, info: PDIInfo, root: String) throws {
        let body = try text(contents, info: info)
        let crlf = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        try PDIFiles.write([0xEF, 0xBB, 0xBF] + Array(crlf.utf8), to: root + "/README.TXT")
    }
}

/// Small file writes for PDI content: a temporary name, then rename.
enum PDIFiles {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let temp = path + ".tmp"
        guard FileManager.default.createFile(atPath: temp, contents: Data(bytes)) else {
            throw PDIError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw PDIError.cannotWrite(path: path, reason: reason)
        }
    }
}
