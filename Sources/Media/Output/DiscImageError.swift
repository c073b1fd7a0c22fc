import Foundation

/// Why a disc image (ISO 9660, or UDF with or without its ISO 9660 bridge) could not be written. Each case names the path and says what to do.
public enum DiscImageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The folder that should hold the image does not exist.
    case targetFolderMissing(folder: String)
    /// The image path names a directory.
    case targetIsDirectory(path: String)
    /// The image file could not be created (`errno` text).
    case cannotCreate(path: String, reason: String)
    /// The file system holding the image is full (ENOSPC/EDQUOT), or has less room than the image
    /// needs (`available` from statvfs before writing, nil when found while writing).
    case noSpace(path: String, needed: Int64, available: Int64?)
    /// Writing or syncing the image failed for another reason.
    case writeFailed(path: String, reason: String)
    /// The staged folder does not exist or is not a folder.
    case sourceMissing(path: String)
    /// A staged file or folder cannot be read.
    case sourceUnreadable(path: String, reason: String)
    /// A staged entry is neither a regular file nor a folder (socket, device, dangling link).
    case unsupportedFileType(path: String)
    /// A staged name is not ISO 9660 Level 1 (PS3.12 Annex F); libisofs would silently rename it.
    case nonConformantName(path: String, reason: String)
    /// The Volume Identifier (the File-set ID) is not up to 32 d-characters.
    case invalidVolumeID(String, reason: String)
    /// A staged entry cannot be recorded in the ISO 9660 bridge of a UDF image (a file of 4 GiB or
    /// more, a folder deeper than 8 levels); the image can be written without the bridge.
    case bridgeUnsupported(path: String, reason: String)
    /// The caller cancelled; the partial image was removed.
    case cancelled(path: String)
    /// libisofs refused or failed; its own message.
    case library(operation: String, message: String)

    public var description: String {
        switch self {
        case .targetFolderMissing(let f):
            return "\(f): the folder for the image does not exist; create it or choose another output path"
        case .targetIsDirectory(let p): return "\(p): is a folder; give the path of the image file to write"
        case .cannotCreate(let p, let r): return "\(p): cannot create the image: \(r); check the folder's permissions"
        case .noSpace(let p, let needed, let available):
            let avail = available.map { ", \(Self.mib($0)) free" } ?? ""
            return "\(p): not enough space for the image (\(Self.mib(needed)) needed\(avail)); free some space or write it elsewhere"
        case .writeFailed(let p, let r): return "\(p): writing the image failed: \(r)"
        case .sourceMissing(let p): return "\(p): the staged file-set folder does not exist"
        case .sourceUnreadable(let p, let r): return "\(p): cannot read it: \(r); check its permissions"
        case .unsupportedFileType(let p): return "\(p): neither a regular file nor a folder; remove it from the staged tree"
        case .nonConformantName(let p, let r):
            return "\(p): the name \(r), so it is not ISO 9660 Level 1 (PS3.12 Annex F); rename it (PS3.10 File IDs are 1–8 of A–Z 0–9 _)"
        case .invalidVolumeID(let id, let r):
            return "Volume Identifier \"\(id)\" \(r); the File-set ID becomes the Volume Identifier (PS3.12 Annex F), so choose one that fits"
        case .bridgeUnsupported(let p, let r):
            return "\(p) \(r), so it cannot be in the image's ISO 9660 bridge; write the UDF image without the bridge, or leave the file out"
        case .cancelled(let p): return "\(p): cancelled; the partial image was removed"
        case .library(let op, let m): return "libisofs: \(op) failed: \(m)"
        }
    }

    static func mib(_ bytes: Int64) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
}
