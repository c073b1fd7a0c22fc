/// Why a file or data set could not be read. Every case names the file and, where it helps,
/// the tag and byte offset, and says what to do.
public enum DataSetReadError: Error, CustomStringConvertible, Equatable, Sendable {
    case cannotOpen(path: String, reason: String)
    case io(path: String, reason: String)
    /// Neither a Part 10 header ("DICM" at offset 128) nor a plausible bare data set.
    case notDICOM(path: String, reason: String)
    case unexpectedEndOfData(path: String, offset: UInt64, needed: Int)
    /// A value length runs past the end of the file (truncated file or corrupt length).
    case lengthPastEnd(path: String, tag: Tag, offset: UInt64, length: UInt64, available: UInt64)
    case malformed(path: String, offset: UInt64, reason: String)
    case invalidVR(path: String, tag: Tag, offset: UInt64, bytes: [UInt8])
    case nestingTooDeep(path: String, offset: UInt64, limit: Int)
    case deflate(path: String, reason: String)
    /// A value exceeds the configured maximum length for in-memory values.
    case valueTooLarge(path: String, tag: Tag, length: UInt64, limit: UInt64)
    /// The file ends inside its File Meta Information (PS3.10 §7.1): a copy cut short.
    case truncatedFileMeta(path: String, reason: String)

    public var path: String {
        switch self {
        case .cannotOpen(let p, _), .io(let p, _), .notDICOM(let p, _), .unexpectedEndOfData(let p, _, _),
             .lengthPastEnd(let p, _, _, _, _), .malformed(let p, _, _), .invalidVR(let p, _, _, _),
             .nestingTooDeep(let p, _, _), .deflate(let p, _), .valueTooLarge(let p, _, _, _),
             .truncatedFileMeta(let p, _):
            return p
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen(let p, let r):
            return "\(p): cannot open (\(r)); check the path and permissions"
        case .io(let p, let r):
            return "\(p): read error (\(r)); the medium may be damaged"
        case .notDICOM(let p, let r):
            return "\(p): not a DICOM file (\(r))"
        case .unexpectedEndOfData(let p, let o, let n):
            return "\(p): file ends at byte \(o) but \(n) more bytes were expected; the file is truncated"
        case .lengthPastEnd(let p, let t, let o, let l, let a):
            return "\(p): element \(t) at byte \(o) declares length \(l) but only \(a) bytes remain; the file is truncated or the length is corrupt"
        case .malformed(let p, let o, let r):
            return "\(p): malformed data at byte \(o): \(r)"
        case .invalidVR(let p, let t, let o, let b):
            let shown = b.map { ($0 >= 0x20 && $0 < 0x7F) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
            return "\(p): element \(t) at byte \(o) has an invalid VR \"\(shown)\"; the transfer syntax may be wrong or the file corrupt"
        case .nestingTooDeep(let p, let o, let l):
            return "\(p): sequences nested deeper than \(l) levels at byte \(o); refusing to read further (corrupt or hostile file)"
        case .deflate(let p, let r):
            return "\(p): cannot inflate Deflated Explicit VR Little Endian data (\(r)); the file is corrupt"
        case .valueTooLarge(let p, let t, let l, let lim):
            return "\(p): element \(t) has length \(l), above the limit of \(lim) bytes for values held in memory"
        case .truncatedFileMeta(let p, let r):
            return "\(p): the file is truncated: \(r); copy it again from its source"
        }
    }
}
