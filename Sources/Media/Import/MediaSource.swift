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

    /// Opens a folder as a `FolderVolume`; any other file by its Volume Recognition Sequence
    /// (ECMA-167 2/8.3): with an NSR descriptor as a `UDFVolume` (UDF names are what the author
    /// wrote; the ISO 9660 bridge of a UDF disc often holds shortened 8.3 names), falling back to
    /// the ISO 9660 tree when libudf cannot read the UDF volume; otherwise as an `ISOVolume`.
    /// - Throws: `MediaSourceError` when nothing can be read.
    public static func open(_ path: String) throws(MediaSourceError) -> MediaSource {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw .missing(path: path) }
        let volume: any MediaVolume
        if isDir.boolValue {
            do { volume = try FolderVolume(root: path) } catch { throw .unreadable(path: path, reason: "\(error)") }
        } else {
            volume = try openImage(path)
        }
        do {
            return MediaSource(path: path, volume: volume, files: try volume.files())
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }

    /// The UDF volume when the image has one libudf reads, else its ISO 9660 volume.
    static func openImage(_ path: String) throws(MediaSourceError) -> any MediaVolume {
        let recognition = VolumeRecognition.read(path)
        guard recognition.hasUDF else {
            do { return try ISOVolume(imagePath: path) } catch {
                if case .notISO9660 = error { throw .notAMedium(path: path, reason: "no ISO 9660 or UDF volume descriptor") }
                throw .unreadable(path: path, reason: "\(error)")
            }
        }
        let udfError: MediaVolumeError
        do { return try UDFVolume(imagePath: path) } catch { udfError = error }
        if recognition.hasISO9660, let iso = try? ISOVolume(imagePath: path) { return iso }
        throw .unsupportedUDF(path: path, reason: "\(udfError)")
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
