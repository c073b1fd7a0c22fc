/// PS3.10 §8.2 and PS3.12 Annex F: every DICOM file's File ID (its path on the medium) has 1 to 8
/// components, each of 1 to 8 characters among uppercase A–Z, digits 0–9 and underscore.
struct FileIDRule: CheckRule {
    static let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")

    /// Why `components` is not a valid File ID, or nil.
    static func problem(_ components: [String]) -> String? {
        if components.isEmpty || components.count > 8 { return "\(components.count) levels of folders (at most 8)" }
        for c in components {
            if c.isEmpty || c.count > 8 { return "\"\(c)\" has \(c.count) characters (1 to 8 allowed)" }
            if !c.allSatisfy({ allowed.contains($0) }) { return "\"\(c)\" uses characters other than capital letters, digits and _" }
        }
        return nil
    }

    func check(_ context: CheckContext) -> [CheckFinding] {
        var bad: [String] = []
        var example = ""
        var paths = context.instancePaths
        if let dicomdir = context.catalog.dicomdir { paths.insert(dicomdir, at: 0) }
        for path in paths {
            let components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if let why = Self.problem(components) {
                if bad.isEmpty { example = why }
                bad.append(path)
            }
        }
        guard !bad.isEmpty else { return [] }
        return [CheckFinding(.error, "fileIDCharacters",
                             "\(plural(bad.count, "file has a name", "files have names")) that other DICOM viewers may not find: DICOM file names must be up to 8 folders deep, each name 1 to 8 capital letters, digits or _ (e.g. \(example)).",
                             clause: "PS3.10 8.2", files: bad)]
    }
}
