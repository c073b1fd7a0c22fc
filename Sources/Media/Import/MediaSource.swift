import Foundation

/// A received medium opened for reading: a folder (mounted disc, USB stick, copy) or an ISO 9660
/// image read through libcdio without mounting (PS3.12 Annex F/R). Lists the files once and finds
/// the DICOMDIR whatever its spelling.
public struct MediaSource: Sendable {
    /// The path given.
    public let path: String
    public let volume: any MediaVolume
    /// Every regular file on the medium, sorted by translated path.
    public let files: [MediaEntry]

    /// Opens a folder as a `FolderVolume`, any other file as an `ISOVolume`.
    /// - Throws: `MediaSourceError` when nothing can be read.
    public static func open(_ path: String) throws(MediaSourceError) -> MediaSource {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw .missing(path: path) }
        let volume: any MediaVolume
        do {
            volume = isDir.boolValue ? try FolderVolume(root: path) : try ISOVolume(imagePath: path)
        } catch {
            if case .notISO9660 = error { throw .notAMedium(path: path, reason: "no ISO 9660 volume descriptor") }
            throw .unreadable(path: path, reason: "\(error)")
        }
        do {
            return MediaSource(path: path, volume: volume, files: try volume.files())
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }

    public init(path: String, volume: any MediaVolume, files: [MediaEntry]) {
        self.path = path
        self.volume = volume
        self.files = files
    }

    /// The DICOMDIR at the root, whatever its spelling (PS3.10 §8.6 names it "DICOMDIR"; media in
    /// the field carry `DICOMDIR.`, `DICOMDIR;1`, `dicomdir`…): the exact name first, then any
    /// root file whose name without `;version` and trailing full stop matches case-insensitively.
    public var dicomdir: MediaEntry? {
        let root = files.filter { !$0.path.contains("/") }
        if let exact = root.first(where: { $0.path == "DICOMDIR" }) { return exact }
        return root.first { FileIDResolver.stripVersionAndDot($0.path).uppercased() == "DICOMDIR" }
    }
}
