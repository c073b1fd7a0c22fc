import Foundation

/// Writes a staged file-set folder to one disc image file, in the file system an application
/// profile names (PS3.12: ISO 9660 for CD-R and DVD, UDF for DVD and BD). `ISOImageWriter` and
/// `UDFImageWriter` implement it; both write through `DurableImageFile` (temporary name chosen by
/// the caller, write-back while writing, fsync) and remove the file on any failure.
public protocol DiscImageWriter: Sendable {
    /// The size in bytes the image of `folder` will have, without writing it.
    func imageSize(folder: String) throws(DiscImageError) -> Int64
    /// Writes `folder` to `imagePath` (created or truncated) and fsyncs it.
    @discardableResult
    func write(folder: String, to imagePath: String, cancellation: MediaCancellation?,
               progress: ((MediaProgress) -> Void)?) throws(DiscImageError) -> DiscImageSummary
}

extension ISOImageWriter: DiscImageWriter {}

extension DurableImageFile {
    /// Checks that the folder of `imagePath` exists and that the path is not a folder.
    static func checkTarget(_ imagePath: String) throws(DiscImageError) {
        let targetFolder = (imagePath as NSString).deletingLastPathComponent
        var isDir: ObjCBool = false
        let folderPath = targetFolder.isEmpty ? "." : targetFolder
        guard FileManager.default.fileExists(atPath: folderPath, isDirectory: &isDir), isDir.boolValue else {
            throw .targetFolderMissing(folder: folderPath)
        }
        if FileManager.default.fileExists(atPath: imagePath, isDirectory: &isDir), isDir.boolValue {
            throw .targetIsDirectory(path: imagePath)
        }
    }
}

extension StagedTree {
    /// `walk(_:)` with its problems as image errors.
    static func forImage(_ folder: String) throws(DiscImageError) -> StagedTree {
        do { return try StagedTree.walk(folder) } catch {
            switch error {
            case .missingRoot(let p): throw .sourceMissing(path: p)
            case .unreadable(let p, let r): throw .sourceUnreadable(path: p, reason: r)
            case .unsupported(let p): throw .unsupportedFileType(path: p)
            }
        }
    }
}
