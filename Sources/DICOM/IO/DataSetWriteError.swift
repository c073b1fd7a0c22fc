/// Why a data set or file could not be written.
public enum DataSetWriteError: Error, CustomStringConvertible, Equatable, Sendable {
    case cannotCreate(path: String, reason: String)
    case io(path: String, reason: String)
    /// The transfer syntax cannot carry this data set (e.g. encapsulated pixel data in a native syntax).
    case unsupportedEncoding(reason: String)
    case valueTooLong(tag: Tag, vr: VR, length: Int)
    case deflate(reason: String)
    case bulkData(tag: Tag, underlying: String)

    public var description: String {
        switch self {
        case .cannotCreate(let p, let r): return "\(p): cannot create (\(r)); check that the folder exists and is writable"
        case .io(let p, let r): return "\(p): write failed (\(r)); the disk may be full. Nothing was left under the final name"
        case .unsupportedEncoding(let r): return "cannot encode: \(r)"
        case .valueTooLong(let t, let vr, let l): return "element \(t) \(vr) is \(l) bytes, too long for its VR"
        case .deflate(let r): return "deflate failed: \(r)"
        case .bulkData(let t, let u): return "cannot read the value of \(t) from its source file: \(u)"
        }
    }
}
