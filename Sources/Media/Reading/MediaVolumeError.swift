/// Why a volume (ISO image, folder) or a file on it cannot be read. Each case names the path.
public enum MediaVolumeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The image or folder does not exist.
    case volumeMissing(path: String)
    /// libcdio cannot read an ISO 9660 file system from the image.
    case notISO9660(path: String)
    /// No UDF 1.02–2.01 volume can be read from the image (ECMA-167 Parts 3 and 4).
    case notUDF(path: String, reason: String)
    /// A folder of the volume could not be listed.
    case unreadableDirectory(volume: String, path: String, reason: String)
    /// No file (or folder) with this translated path on the volume.
    case noSuchFile(volume: String, path: String)
    /// The path names a folder where a file was expected.
    case isDirectory(volume: String, path: String)
    /// Reading the file's bytes failed or stopped short.
    case readFailed(volume: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .volumeMissing(let p): return "\(p): no such image or folder"
        case .notISO9660(let p): return "\(p): not an ISO 9660 image (no Primary Volume Descriptor libcdio can read)"
        case .notUDF(let p, let r): return "\(p): no readable UDF volume (\(r))"
        case .unreadableDirectory(let v, let p, let r): return "\(v): cannot list /\(p): \(r)"
        case .noSuchFile(let v, let p): return "\(v): no file /\(p) on the volume"
        case .isDirectory(let v, let p): return "\(v): /\(p) is a folder, not a file"
        case .readFailed(let v, let p, let r): return "\(v): reading /\(p) failed: \(r); the medium or image may be damaged"
        }
    }
}
