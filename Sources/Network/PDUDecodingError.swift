/// A PDU that cannot be decoded, PS3.8 §9.3. Each case names the field or limit that failed.
/// The association answers any of them with A-ABORT (PS3.8 §9.2, Evt19).
public enum PDUDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The PDU-length field exceeds what this side accepts; rejected before buffering.
    case pduTooLarge(pduType: UInt8, length: UInt32, maxLength: UInt32)
    /// A fixed field or item runs past the end of its PDU or enclosing item.
    case truncated(field: String, pduType: UInt8)
    /// A length inside an item is inconsistent with the item.
    case invalidLength(field: String, length: Int)
    /// A PDV item of P-DATA-TF shorter than its 2-byte header (PS3.8 §9.3.5.1).
    case invalidPDV(length: UInt32)

    public var description: String {
        switch self {
        case let .pduTooLarge(t, l, m): return "PDU type 0x\(String(t, radix: 16)) of length \(l) exceeds the maximum \(m)"
        case let .truncated(f, t): return "PDU type 0x\(String(t, radix: 16)) truncated in \(f)"
        case let .invalidLength(f, l): return "invalid length \(l) of \(f)"
        case let .invalidPDV(l): return "invalid PDV item length \(l)"
        }
    }
}
