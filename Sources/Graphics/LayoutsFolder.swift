import Foundation
import Resources

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
        let search = DataFolder.search("Layouts", executable: executable, sourceFile: #filePath) {
            fm.fileExists(atPath: $0.appendingPathComponent(file).path)
        }
        if let found = search.found { return found.appendingPathComponent(file) }
        throw GraphicsError.layoutNotFound(file: file, searched: search.searched)
    }
}
