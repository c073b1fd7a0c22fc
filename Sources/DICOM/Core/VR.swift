/// Value Representation (PS3.5 §6.2, Table 6.2-1), including OV, SV, UV (2019) and UC, UR, UT.
public enum VR: UInt16, CaseIterable, Sendable, CustomStringConvertible {
    // Raw value: the two ASCII bytes as they appear in Explicit VR encodings, big-endian packed.
    case AE = 0x4145, AS = 0x4153, AT = 0x4154, CS = 0x4353, DA = 0x4441, DS = 0x4453
    case DT = 0x4454, FL = 0x464C, FD = 0x4644, IS = 0x4953, LO = 0x4C4F, LT = 0x4C54
    case OB = 0x4F42, OD = 0x4F44, OF = 0x4F46, OL = 0x4F4C, OV = 0x4F56, OW = 0x4F57
    case PN = 0x504E, SH = 0x5348, SL = 0x534C, SQ = 0x5351, SS = 0x5353, ST = 0x5354
    case SV = 0x5356, TM = 0x544D, UC = 0x5543, UI = 0x5549, UL = 0x554C, UN = 0x554E
    case UR = 0x5552, US = 0x5553, UT = 0x5554, UV = 0x5556

    /// Reads the two VR bytes of an Explicit VR element header; `nil` if they name no VR.
    @inlinable public init?(byte0: UInt8, byte1: UInt8) {
        self.init(rawValue: UInt16(byte0) << 8 | UInt16(byte1))
    }

    public init?(_ code: String) {
        let b = Array(code.utf8)
        guard b.count == 2 else { return nil }
        self.init(byte0: b[0], byte1: b[1])
    }

    public var code: String {
        String(decoding: [UInt8(rawValue >> 8), UInt8(rawValue & 0xFF)], as: UTF8.self)
    }
    public var description: String { code }

    /// Explicit VR encodings of these VRs use a 2-byte reserved field and a 32-bit length
    /// (PS3.5 §7.1.2, Table 7.1-1); all others a 16-bit length.
    @inlinable public var hasLongLength: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .SQ, .UC, .UN, .UR, .UT, .SV, .UV: return true
        default: return false
        }
    }

    /// Character-string VRs whose values are text, padded with a space (UI: with NUL).
    public var isString: Bool {
        switch self {
        case .AE, .AS, .CS, .DA, .DS, .DT, .IS, .LO, .LT, .PN, .SH, .ST, .TM, .UC, .UI, .UR, .UT: return true
        default: return false
        }
    }

    /// VRs whose text is affected by Specific Character Set (0008,0005) (PS3.5 §6.1.2.3).
    public var usesSpecificCharacterSet: Bool {
        switch self {
        case .SH, .LO, .ST, .LT, .UC, .UT, .PN: return true
        default: return false
        }
    }

    /// VRs holding several values separated by backslash; LT, ST, UT and UR hold one value.
    public var allowsBackslashSeparatedValues: Bool {
        isString && self != .LT && self != .ST && self != .UT && self != .UR
    }

    /// Size of one binary number for numeric VRs (the unit swapped between byte orders),
    /// 1 for byte streams and text.
    @inlinable public var wordSize: Int {
        switch self {
        case .US, .SS, .OW: return 2
        case .UL, .SL, .FL, .OF, .OL: return 4
        case .AT: return 2   // AT is a pair of 16-bit numbers (PS3.5 §6.2)
        case .FD, .OD, .OV, .SV, .UV: return 8
        default: return 1
        }
    }

    /// The padding byte for odd-length values: NUL for UI and binary byte VRs, space for text (PS3.5 §6.2).
    public var paddingByte: UInt8 {
        switch self {
        case .UI, .OB, .UN: return 0x00
        default: return isString ? 0x20 : 0x00
        }
    }
}
