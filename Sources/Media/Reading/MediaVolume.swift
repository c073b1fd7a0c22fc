import Foundation
/// A file set as it lies on a medium — an ISO 9660 image, a mounted disc or USB folder — read the
/// same way whatever holds it, for verifying what `burn` wrote and for `import` (PS3.10 §8: File
/// IDs are paths of up to 8 components below the root).
///
/// Paths are relative to the volume root, components joined by "/", in their translated form
/// (`DICOM/PAT00001/IMG00001`, `DICOMDIR`, `README.TXT`): on ISO 9660 without `;1` and without a
/// trailing full stop. Lookups match them exactly; PS3.10 File IDs are uppercase, so a caller with
/// a DICOMDIR's Referenced File ID joins its components with "/".
public protocol MediaVolume: Sendable {
    /// The volume label: the ISO 9660 Volume Identifier; nil for a folder.
    var volumeID: String? { get }
    /// Every folder and file below the root, parents before children, sorted by path.
    func entries() throws(MediaVolumeError) -> [MediaEntry]
    /// The entry at `path`, or nil.
    func entry(at path: String) throws(MediaVolumeError) -> MediaEntry?
    /// Opens the file at `path` for reading in chunks.
    func open(_ path: String) throws(MediaVolumeError) -> MediaFileReader
    /// Symbolic links on the medium that were not followed (Rock Ridge `SL` entries, links in a
    /// folder that lead out of it). Nothing outside the medium is ever read through one.
    var symbolicLinks: [MediaSymbolicLink] { get }
    /// Entries left out because they could not be listed safely (folder loops, excessive depth,
    /// names that cannot be a path component), one line each naming the entry.
    var skippedEntries: [String] { get }
}

/// A symbolic link found on a medium and not followed.
public struct MediaSymbolicLink: Sendable, Hashable, Codable {
    /// Translated path of the link below the root.
    public var path: String
    /// What it points to, as recorded.
    public var target: String

    public init(path: String, target: String) {
        self.path = path
        self.target = target
    }

    /// True when the target is absolute or climbs above the medium's root from the link's folder.
    public var leavesMedium: Bool {
        if target.hasPrefix("/") { return true }
        var depth = path.split(separator: "/").count - 1
        for component in target.split(separator: "/") {
            if component == ".." { depth -= 1 } else if component != "." { depth += 1 }
            if depth < 0 { return true }
        }
        return false
    }
}

extension MediaVolume {
    public var symbolicLinks: [MediaSymbolicLink] { [] }
    public var skippedEntries: [String] { [] }

    /// Every regular file, sorted by path.
    public func files() throws(MediaVolumeError) -> [MediaEntry] { try entries().filter { !$0.isDirectory } }

    /// The whole file. For large files prefer `open(_:)` and `MediaFileReader.read(upTo:)`.
    public func readFile(_ path: String) throws(MediaVolumeError) -> [UInt8] {
        let reader = try open(path)
        var out: [UInt8] = []
        out.reserveCapacity(Int(reader.size))
        while true {
            let chunk = try reader.read(upTo: 1 << 20)
            if chunk.isEmpty { break }
            out += chunk
        }
        return out
    }
}

/// One folder or file on a volume.
public struct MediaEntry: Sendable, Hashable, CustomStringConvertible {
    /// Translated path below the root, e.g. "DICOM/PAT00001/IMG00001".
    public var path: String
    /// The last component as recorded on the medium, e.g. "IMG00001.;1" on ISO 9660, "IMG00001"
    /// in a folder.
    public var recordedName: String
    public var isDirectory: Bool
    /// Size in bytes (0 for folders).
    public var size: Int64

    public init(path: String, recordedName: String, isDirectory: Bool, size: Int64) {
        self.path = path
        self.recordedName = recordedName
        self.isDirectory = isDirectory
        self.size = size
    }

    /// The last component of `path`.
    public var name: String { String(path.split(separator: "/").last ?? "") }
    /// Path components (PS3.10 File ID components for DICOM files).
    public var components: [String] { path.split(separator: "/").map(String.init) }

    public var description: String { isDirectory ? "\(path)/" : "\(path) (\(size) bytes, recorded \(recordedName))" }
}

/// Reads one file of a volume front to back. Not for concurrent use; open one per thread.
public protocol MediaFileReader: AnyObject {
    /// The file's size in bytes.
    var size: Int64 { get }
    /// Up to `count` next bytes; empty at the end.
    func read(upTo count: Int) throws(MediaVolumeError) -> [UInt8]
    /// Writes the rest of the file to the descriptor `fd` inside the kernel (`sendfile`), when the
    /// volume can; the bytes written, or nil when it cannot (then use `read(upTo:)`).
    func send(to fd: Int32) throws(MediaVolumeError) -> Int64?
}

extension MediaFileReader {
    public func send(to fd: Int32) throws(MediaVolumeError) -> Int64? { nil }
}

/// What `sendFileRange` did.
enum SendOutcome {
    /// The first call was refused (EINVAL/ENOSYS): not supported for these files.
    case unsupported
    /// The bytes copied (fewer than asked when the source ended).
    case sent(Int64)
    /// The errno of a failure after the first call.
    case failed(Int32)
}

/// Copies `count` bytes from `source` at `offset` to `destination` with `sendfile(2)`.
func sendFileRange(from source: Int32, offset: Int64, count: Int64, to destination: Int32) -> SendOutcome {
    var off = off_t(offset)
    var left = count
    while left > 0 {
        let n = sendfile(destination, source, &off, Int(min(left, 1 << 30)))
        if n < 0 {
            if errno == EINTR { continue }
            if left == count, errno == EINVAL || errno == ENOSYS { return .unsupported }
            return .failed(errno)
        }
        if n == 0 { break }
        left -= Int64(n)
    }
    return .sent(count - left)
}
