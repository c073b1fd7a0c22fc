import Foundation

/// Finds Lightbox's `Fonts/` folder (fontconfig selection file, licences, small bundled fonts),
/// the same way `MediaData.folder()` finds `Media/`.
///
/// Order: `$LIGHTBOX_FONTS` (the folder itself; an error when set but not a folder); walking up
/// from the executable's folder, the first ancestor holding `Fonts/fonts.conf`; the same walk
/// from this source file (`#filePath`, for tests run from anywhere); `/usr/share/lightbox/Fonts`.
/// No folder found is not an error: the system's fonts still serve.
public enum FontsFolder {
    /// The marker file that identifies the folder.
    public static let configurationFile = "fonts.conf"

    public static func find(environment: [String: String] = ProcessInfo.processInfo.environment,
                            executable: String? = CommandLine.arguments.first) throws -> URL? {
        let fm = FileManager.default
        func isDir(_ u: URL) -> Bool {
            var d: ObjCBool = false
            return fm.fileExists(atPath: u.path, isDirectory: &d) && d.boolValue
        }
        if let dir = environment["LIGHTBOX_FONTS"], !dir.isEmpty {
            let u = URL(fileURLWithPath: dir)
            guard isDir(u) else { throw GraphicsError.fontsFolderNotFound(path: dir) }
            return u
        }
        var starts: [URL] = []
        if let exe = executable, !exe.isEmpty {
            starts.append(URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        starts.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent())
        for start in starts {
            var u = start
            while u.path != "/" && !u.path.isEmpty {
                let candidate = u.appendingPathComponent("Fonts")
                if fm.fileExists(atPath: candidate.appendingPathComponent(configurationFile).path) { return candidate }
                u.deleteLastPathComponent()
            }
        }
        let system = URL(fileURLWithPath: "/usr/share/lightbox/Fonts")
        return isDir(system) ? system : nil
    }
}
