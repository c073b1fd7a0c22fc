import Foundation

/// Finds Lightbox's `Layouts/` folder (disc labels now; film sizes and display formats with the
/// print server), the same way `MediaData.folder()` finds `Media/`, so a site can change a layout
/// without a rebuild.
///
/// Order: `$LIGHTBOX_LAYOUTS` (the folder itself, whether or not it holds the file: a missing
/// file is then reported with that path); walking up from the executable's folder, the first
/// `Layouts/` holding `file`; the same walk from this source file (`#filePath`, for tests);
/// `/usr/share/lightbox/Layouts`.
public enum LayoutsFolder {
    /// The path of `file` (e.g. "disc-label.json") in the layouts folder.
    public static func locate(_ file: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                              executable: String? = CommandLine.arguments.first) throws -> URL {
        let fm = FileManager.default
        if let dir = environment["LIGHTBOX_LAYOUTS"], !dir.isEmpty {
            return URL(fileURLWithPath: dir).appendingPathComponent(file)
        }
        var searched: [String] = []
        var starts: [URL] = []
        if let exe = executable, !exe.isEmpty {
            starts.append(URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        starts.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent())
        for start in starts {
            var u = start
            while u.path != "/" && !u.path.isEmpty {
                let candidate = u.appendingPathComponent("Layouts").appendingPathComponent(file)
                if fm.fileExists(atPath: candidate.path) { return candidate }
                u.deleteLastPathComponent()
            }
            searched.append("Layouts/ in the ancestors of \(start.path)")
        }
        let system = URL(fileURLWithPath: "/usr/share/lightbox/Layouts").appendingPathComponent(file)
        searched.append(system.deletingLastPathComponent().path)
        if fm.fileExists(atPath: system.path) { return system }
        throw GraphicsError.layoutNotFound(file: file, searched: searched)
    }
}
