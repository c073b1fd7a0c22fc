/// AT (Attribute Tag) values (PS3.5 §6.2, Table 6.2-1).
///
/// Each value is an ordered pair of 16-bit unsigned integers, group then element, encoded
/// like a tag: (0018,00FF) in Little Endian is the bytes 18H 00H FFH 00H.
public enum AttributeTagValue {
    /// Decodes 4-byte group/element pairs; `nil` if the byte count is not a multiple of 4.
    /// `bigEndian` is for the retired Explicit VR Big Endian transfer syntax.
    public static func decode(_ bytes: [UInt8], bigEndian: Bool = false) -> [Tag]? {
        guard bytes.count % 4 == 0 else { return nil }
        var tags: [Tag] = []
        tags.reserveCapacity(bytes.count / 4)
        var i = 0
        while i < bytes.count {
            let g: UInt16, e: UInt16
            if bigEndian {
                g = UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])
                e = UInt16(bytes[i + 2]) << 8 | UInt16(bytes[i + 3])
            } else {
                g = UInt16(bytes[i + 1]) << 8 | UInt16(bytes[i])
                e = UInt16(bytes[i + 3]) << 8 | UInt16(bytes[i + 2])
            }
            tags.append(Tag(g, e))
            i += 4
        }
        return tags
    }

    /// Encodes tags as 4-byte group/element pairs (Little Endian unless `bigEndian`).
    public static func encode(_ tags: [Tag], bigEndian: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(tags.count * 4)
        for t in tags {
            for v in [t.group, t.element] {
                if bigEndian {
                    out.append(UInt8(v >> 8)); out.append(UInt8(v & 0xFF))
                } else {
                    out.append(UInt8(v & 0xFF)); out.append(UInt8(v >> 8))
                }
            }
        }
        return out
    }
}
