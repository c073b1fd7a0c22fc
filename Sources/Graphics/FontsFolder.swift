import Foundation
import Resources

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
        if let dir = environment["LIGHTBOX_FONTS"], !dir.isEmpty {
            let u = URL(fileURLWithPath: dir)
            guard DataFolder.isFolder(u) else { throw GraphicsError.fontsFolderNotFound(path: dir) }
            return u
        }
        return DataFolder.search("Fonts", executable: executable, sourceFile: #filePath) {
            fm.fileExists(atPath: $0.appendingPathComponent(configurationFile).path)
        }.found
    }
}
