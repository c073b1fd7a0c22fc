import Foundation

/// The fixed-format fields of UDF descriptors: OSTA CS0 strings, the charspec, entity
/// identifiers and timestamps (OSTA UDF 2.60 §2.1; ECMA-167 1/7.2, 1/7.3, 1/7.4).
enum UDFFields {
    /// OSTA Compressed Unicode (UDF 2.60 §2.1.1): compression ID 8 and one byte per character when
    /// every character is U+0000–U+00FF, else ID 16 and UTF-16 big-endian.
    static func cs0(_ s: String) -> [UInt8] {
        if s.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) {
            return [8] + s.unicodeScalars.map { UInt8($0.value) }
        }
        var out: [UInt8] = [16]
        for unit in s.utf16 { out.append(UInt8(unit >> 8)); out.append(UInt8(unit & 0xFF)) }
        return out
    }

    /// A dstring of `size` bytes (ECMA-167 1/7.2.12): CS0 bytes, zero padding, and in the last byte
    /// the number of bytes used; all zero for an empty string. Cut at a character boundary.
    static func dstring(_ s: String, size: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        guard !s.isEmpty else { return out }
        var encoded = cs0(s)
        let unit = encoded[0] == 16 ? 2 : 1
        while encoded.count > size - 1 { encoded.removeLast(unit) }
        out.replaceSubrange(0..<encoded.count, with: encoded)
        out[size - 1] = UInt8(encoded.count)
        return out
    }

    /// The charspec "OSTA Compressed Unicode" (UDF 2.60 §2.1.2): type 0 (CS0), 64 bytes.
    static let ostaCharspec: [UInt8] = {
        var out = [UInt8](repeating: 0, count: 64)
        out.replaceSubrange(1..<24, with: Array("OSTA Compressed Unicode".utf8))
        return out
    }()

    /// An entity identifier (ECMA-167 1/7.4, UDF 2.60 §2.1.5): flags 0, the identifier, and the
    /// 8-byte suffix.
    static func entity(_ identifier: String, suffix: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let id = Array(identifier.utf8.prefix(23))
        out.replaceSubrange(1..<1 + id.count, with: id)
        out.replaceSubrange(24..<24 + suffix.count, with: suffix)
        return out
    }

    /// Domain Identifier "*OSTA UDF Compliant" with the UDF revision and no write-protect flags
    /// (UDF 2.60 §2.1.5.2, §2.1.5.3).
    static func domain(revision: UInt16) -> [UInt8] {
        entity("*OSTA UDF Compliant", suffix: [UInt8(revision & 0xFF), UInt8(revision >> 8), 0])
    }

    /// A UDF identifier ("*UDF LV Info", "*UDF Metadata Partition") with the UDF revision, OS class
    /// and identifier (§2.1.5.3: class 4 UNIX, identifier 5 Linux, UDF 2.60 §6.3).
    static func udfEntity(_ identifier: String, revision: UInt16) -> [UInt8] {
        entity(identifier, suffix: [UInt8(revision & 0xFF), UInt8(revision >> 8), 4, 5])
    }

    /// The Implementation Identifier "*Lightbox" (§2.1.5.2: suffix OS class and identifier).
    static let implementation: [UInt8] = entity("*Lightbox", suffix: [4, 5])

    /// A timestamp (ECMA-167 1/7.3) in UTC: type 1 (local time) with offset 0.
    static func timestamp(_ date: Date) -> [UInt8] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let micro = (c.nanosecond ?? 0) / 1000
        let year = UInt16(c.year ?? 1970)
        return [0x00, 0x10, UInt8(year & 0xFF), UInt8(year >> 8), UInt8(c.month ?? 1), UInt8(c.day ?? 1),
                UInt8(c.hour ?? 0), UInt8(c.minute ?? 0), UInt8(c.second ?? 0),
                UInt8(micro / 10_000), UInt8(micro / 100 % 100), UInt8(micro % 100)]
    }
}
