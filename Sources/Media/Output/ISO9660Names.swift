/// ISO 9660 Level 1 identifiers (ECMA-119 §7.5, §7.6, §10.1; ISO 9660:1988 the same), as PS3.12
/// Annex F requires for CD-R media: d-characters only (`A–Z 0–9 _`), file names 8.3 with version
/// `;1`, directory names of at most 8 characters without extension, at most 8 directory levels.
///
/// libisofs at Level 1 silently uppercases, truncates and replaces characters (facts.md, "Media"),
/// so the writer checks staged names with these rules first and the reader checks the recorded
/// names after.
public enum ISO9660Names {
    /// Deepest directory level (root is level 1), ECMA-119 §6.8.2.1.
    public static let maximumDirectoryLevel = 8

    static func isDCharacter(_ c: Character) -> Bool {
        guard c.isASCII, let a = c.asciiValue else { return false }
        return (a >= 0x41 && a <= 0x5A) || (a >= 0x30 && a <= 0x39) || a == 0x5F
    }

    /// Why `name` is not a Level 1 file name as staged (without `;1`), or nil when it is one.
    public static func fileNameProblem(_ name: String) -> String? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return "has more than one full stop" }
        let base = parts[0], ext = parts.count == 2 ? parts[1] : ""
        if base.isEmpty && ext.isEmpty { return "is empty" }
        if base.count > 8 { return "has a name part of \(base.count) characters (Level 1 allows 8)" }
        if ext.count > 3 { return "has an extension of \(ext.count) characters (Level 1 allows 3)" }
        if let bad = name.first(where: { $0 != "." && !isDCharacter($0) }) {
            return "contains \"\(bad)\"; Level 1 allows only A–Z, 0–9 and _"
        }
        return nil
    }

    /// Why `name` is not a Level 1 directory name, or nil when it is one.
    public static func directoryNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.count > 8 { return "has \(name.count) characters (Level 1 allows 8 for a directory)" }
        if let bad = name.first(where: { !isDCharacter($0) }) {
            return bad == "." ? "has an extension; Level 1 directories have none"
                : "contains \"\(bad)\"; Level 1 allows only A–Z, 0–9 and _"
        }
        return nil
    }

    /// Why a recorded (on-disc) identifier is not Level 1, or nil: files `NAME.EXT;1` (the full stop
    /// is always recorded, ECMA-119 §7.5.1), directories `NAME`.
    public static func recordedNameProblem(_ recorded: String, isDirectory: Bool) -> String? {
        if isDirectory { return directoryNameProblem(recorded) }
        guard recorded.hasSuffix(";1") else { return "lacks the version number ;1" }
        let name = String(recorded.dropLast(2))
        guard name.contains(".") else { return "lacks the separator full stop" }
        return fileNameProblem(name)
    }

    /// The name a user sees: the recorded identifier without `;1` and without a trailing full stop
    /// (`DICOMDIR.;1` → `DICOMDIR`, `README.TXT;1` → `README.TXT`).
    public static func translate(_ recorded: String) -> String {
        var name = Substring(recorded)
        if let semicolon = name.lastIndex(of: ";"), name[name.index(after: semicolon)...].allSatisfy(\.isNumber) {
            name = name[..<semicolon]
        }
        if name.hasSuffix(".") { name = name.dropLast() }
        return String(name)
    }

    /// Why `id` cannot be the Volume Identifier (ECMA-119 §8.4.12: up to 32 d-characters), or nil.
    public static func volumeIDProblem(_ id: String) -> String? {
        if id.isEmpty { return "is empty" }
        if id.count > 32 { return "has \(id.count) characters (at most 32)" }
        if let bad = id.first(where: { !isDCharacter($0) }) {
            return "contains \"\(bad)\"; a Level 1 Volume Identifier allows only A–Z, 0–9 and _"
        }
        return nil
    }
}
