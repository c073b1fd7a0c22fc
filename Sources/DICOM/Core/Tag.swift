/// A data element tag: an ordered pair of 16-bit group and element numbers (PS3.5 §7.1).
///
/// Tags order by group, then element, which is the order elements take in a data set
/// (PS3.5 §7.1: "Data Elements ... shall occur at most once ... in increasing order").
public struct Tag: Hashable, Comparable, Sendable {
    /// The tag as one 32-bit number, group in the high half (`0x00100010` for Patient's Name).
    public let rawValue: UInt32

    @inlinable public init(_ group: UInt16, _ element: UInt16) {
        rawValue = UInt32(group) << 16 | UInt32(element)
    }

    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    @inlinable public var group: UInt16 { UInt16(truncatingIfNeeded: rawValue >> 16) }
    @inlinable public var element: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    @inlinable public static func < (lhs: Tag, rhs: Tag) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Odd groups other than 0001, 0003, 0005, 0007 and FFFF carry private data elements (PS3.5 §7.8).
    public var isPrivate: Bool { group & 1 == 1 && group > 0x0008 && group != 0xFFFF }

    /// A Private Creator Data Element, (gggg,0010–00FF) in a private group (PS3.5 §7.8.1).
    public var isPrivateCreator: Bool { isPrivate && element >= 0x0010 && element <= 0x00FF }

    /// For a private data element (gggg,xxyy), the tag of the private creator that reserves
    /// block xx: (gggg,00xx) (PS3.5 §7.8.1). `nil` for standard tags and for creators.
    public var privateCreatorTag: Tag? {
        guard isPrivate, element >= 0x1000 else { return nil }
        return Tag(group, element >> 8)
    }

    /// Group 0002: File Meta Information (PS3.10 §7.1), always Explicit VR Little Endian.
    public var isFileMeta: Bool { group == 0x0002 }
    /// Group length elements (gggg,0000).
    public var isGroupLength: Bool { element == 0x0000 }

    /// Item (FFFE,E000), Item Delimitation (FFFE,E00D), Sequence Delimitation (FFFE,E0DD) (PS3.5 §7.5).
    public static let item = Tag(0xFFFE, 0xE000)
    public static let itemDelimitationItem = Tag(0xFFFE, 0xE00D)
    public static let sequenceDelimitationItem = Tag(0xFFFE, 0xE0DD)
    public var isDelimiter: Bool { group == 0xFFFE }
}

extension Tag: CustomStringConvertible {
    /// `(0010,0010)`, the form PS3.6 and DCMTK use.
    public var description: String { "(\(hex4(group)),\(hex4(element)))" }
    /// `00100010`, the form the DICOM JSON Model uses (PS3.18 §F.2.3).
    public var jsonKey: String { hex4(group) + hex4(element) }
}

@usableFromInline func hex4(_ v: UInt16) -> String {
    let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
    var out = [UInt8](repeating: 0, count: 4)
    out[0] = digits[Int(v >> 12 & 0xF)]; out[1] = digits[Int(v >> 8 & 0xF)]
    out[2] = digits[Int(v >> 4 & 0xF)]; out[3] = digits[Int(v & 0xF)]
    return String(decoding: out, as: UTF8.self)
}

extension Tag {
    /// Parses `(0010,0010)`, `0010,0010`, `00100010` or a dictionary keyword (`PatientName`).
    public init?(parsing text: String) {
        let stripped = text.filter { $0 != "(" && $0 != ")" && $0 != "," && $0 != " " }
        if stripped.count == 8, stripped.allSatisfy(\.isHexDigit), let v = UInt32(stripped, radix: 16) {
            self.init(rawValue: v)
        } else if let entry = DataDictionary.entry(forKeyword: text) {
            self = entry.tag
        } else {
            return nil
        }
    }
}
