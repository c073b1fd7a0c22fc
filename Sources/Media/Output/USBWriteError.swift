import Foundation

/// Why a file set could not be written to a mounted USB stick (or any folder). Each case names
/// the path and says what to do.
public enum USBWriteError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The target folder (the stick's mount point) does not exist.
    case targetMissing(path: String)
    case targetNotFolder(path: String)
    /// The target already holds files (listed, first few) and appending was not asked for.
    case targetNotEmpty(path: String, entries: [String])
    /// Not enough free space (statvfs before copying: `available`; ENOSPC while copying: nil).
    case noSpace(path: String, needed: Int64, available: Int64?)
    case sourceMissing(path: String)
    case sourceUnreadable(path: String, reason: String)
    case unsupportedFileType(path: String)
    /// Creating, writing, syncing or renaming failed (`errno` text).
    case writeFailed(path: String, reason: String)
    /// The caller cancelled; what this run had written was removed.
    case cancelled(path: String)

    public var description: String {
        switch self {
        case .targetMissing(let p): return "\(p): no such folder; mount the USB stick and give its mount point"
        case .targetNotFolder(let p): return "\(p): not a folder; give the USB stick's mount point"
        case .targetNotEmpty(let p, let entries):
            return "\(p): not empty (\(entries.joined(separator: ", "))); use an empty stick, or --append to add to the file set on it"
        case .noSpace(let p, let needed, let available):
            let avail = available.map { ", \(DiscImageError.mib($0)) free" } ?? ""
            return "\(p): not enough space on the stick (\(DiscImageError.mib(needed)) needed\(avail)); nothing was left half-written; use a larger stick or split the content"
        case .sourceMissing(let p): return "\(p): the staged file-set folder does not exist"
        case .sourceUnreadable(let p, let r): return "\(p): cannot read it: \(r); check its permissions"
        case .unsupportedFileType(let p): return "\(p): neither a regular file nor a folder; remove it from the staged tree"
        case .writeFailed(let p, let r): return "\(p): writing failed: \(r); check the stick (read-only? removed?) and try again"
        case .cancelled(let p): return "\(p): cancelled; the files written so far were removed"
        }
    }
}
