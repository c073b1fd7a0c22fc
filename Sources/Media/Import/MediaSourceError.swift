/// Why a received medium cannot be read at all (its parts that fail are findings instead).
public enum MediaSourceError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Nothing exists at the path.
    case missing(path: String)
    /// The path is a file that is not an ISO 9660 image.
    case notAMedium(path: String, reason: String)
    /// The image holds a UDF volume (ECMA-167 NSR descriptor) that cannot be read — an unclosed
    /// write-once disc's Virtual Allocation Table or a rewritable disc's sparable partition (UDF
    /// 1.50+), or damage — and no ISO 9660 tree to fall back on.
    case unsupportedUDF(path: String, reason: String)
    /// The volume exists but its file tree cannot be listed.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let p): return "\(p): no such folder or image; give a mounted disc, a USB folder or an .iso file"
        case .notAMedium(let p, let r): return "\(p): not a folder or an ISO 9660 image (\(r)); give a mounted disc, a USB folder or an .iso file"
        case .unsupportedUDF(let p, let r): return "\(p): its UDF file system cannot be read (\(r)); if the disc was never closed, close it in the burning program, or copy the files from a mounted disc and give the folder"
        case .unreadable(let p, let r): return "\(p): cannot list the medium: \(r); the disc or image may be damaged"
        }
    }
}
