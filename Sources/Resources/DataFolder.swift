import Foundation

/// Finds one of Lightbox's data folders — `Media/` (profiles, PDI templates), `Layouts/` (labels,
/// films), `Fonts/` — so a site can change data without a rebuild, and a development build, the
/// tests and an installed copy all find theirs the same way.
///
/// Order: walking up from the executable's folder, the first ancestor whose `NAME/` satisfies
/// `accept` (a build in `.build/debug` finds the repository's); the same walk from `sourceFile`
/// (`#filePath` of the caller, for tests run from anywhere); then `/usr/share/lightbox/NAME`.
/// Environment overrides (`LIGHTBOX_DATA_DIR`, `LIGHTBOX_LAYOUTS`, `LIGHTBOX_FONTS`) are the
/// callers' business, checked before this.
public enum DataFolder {
    public struct Search: Sendable {
        /// The folder found, or nil.
        public var found: URL?
        /// Where it looked, for an error message.
        public var searched: [String]
    }

    public static func search(_ name: String, executable: String? = CommandLine.arguments.first,
                              sourceFile: String, accept: (URL) -> Bool) -> Search {
        var searched: [String] = []
        var starts: [URL] = []
        if let exe = executable, !exe.isEmpty {
            starts.append(URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        starts.append(URL(fileURLWithPath: sourceFile).deletingLastPathComponent())
        for start in starts {
            var u = start
            while u.path != "/" && !u.path.isEmpty {
                let candidate = u.appendingPathComponent(name)
                if accept(candidate) { return Search(found: candidate, searched: searched) }
                u.deleteLastPathComponent()
            }
            searched.append("\(name)/ in the ancestors of \(start.path)")
        }
        let system = URL(fileURLWithPath: "/usr/share/lightbox").appendingPathComponent(name)
        searched.append(system.path)
        return Search(found: accept(system) ? system : nil, searched: searched)
    }

    /// True when `url` is an existing folder.
    public static func isFolder(_ url: URL) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &d) && d.boolValue
    }
}
