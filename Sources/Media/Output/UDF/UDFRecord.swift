import Foundation

/// The bytes of one ECMA-167 descriptor being built: little-endian fields at fixed offsets
/// (ECMA-167 1/7.1), and the descriptor tag (3/7.2) filled in last by `tagged`.
struct UDFRecord {
    var bytes: [UInt8]

    init(size: Int) { bytes = [UInt8](repeating: 0, count: size) }

    mutating func u8(_ at: Int, _ v: UInt8) { bytes[at] = v }
    mutating func u16(_ at: Int, _ v: UInt16) { bytes[at] = UInt8(v & 0xFF); bytes[at + 1] = UInt8(v >> 8) }
    mutating func u32(_ at: Int, _ v: UInt32) { u16(at, UInt16(v & 0xFFFF)); u16(at + 2, UInt16(v >> 16)) }
    mutating func u64(_ at: Int, _ v: UInt64) { u32(at, UInt32(v & 0xFFFF_FFFF)); u32(at + 4, UInt32(v >> 32)) }
    mutating func put(_ at: Int, _ b: [UInt8]) { bytes.replaceSubrange(at..<at + b.count, with: b) }

    /// extent_ad (3/7.1): length in bytes, then location (an absolute sector).
    mutating func extent(_ at: Int, length: UInt32, location: UInt32) { u32(at, length); u32(at + 4, location) }

    /// short_ad (4/14.14.1): length (top two bits the extent type, 0 recorded) and block.
    mutating func shortAD(_ at: Int, length: UInt32, block: UInt32) { u32(at, length); u32(at + 4, block) }

    /// long_ad (4/14.14.2): length, lb_addr (block, partition reference number) and the
    /// implementation use, whose bytes 2–5 carry the UDF Unique ID in a FID's ICB (UDF 2.50 §2.3.4.3).
    mutating func longAD(_ at: Int, length: UInt32, block: UInt32, partition: UInt16, uniqueID: UInt32 = 0) {
        u32(at, length); u32(at + 4, block); u16(at + 8, partition); u32(at + 12, uniqueID)
    }

    /// Sets the descriptor tag (3/7.2): identifier, version 3 (NSR03), serial number 1, the CRC of
    /// bytes 16 up to `length` (CRC-ITU-T, 3/7.2.6), the location (the descriptor's own logical
    /// sector or block, 3/7.2.8) and the checksum of the tag's other bytes (3/7.2.3).
    mutating func tag(_ identifier: UInt16, location: UInt32, length: Int? = nil) {
        let end = length ?? bytes.count
        u16(0, identifier)
        u16(2, 3)
        u8(4, 0)
        u8(5, 0)
        u16(6, 1)
        let crcLength = end - 16
        u16(8, bytes.withUnsafeBufferPointer { UDFChecksums.crc($0[16..<end]) })
        u16(10, UInt16(crcLength))
        u32(12, location)
        u8(4, UDFChecksums.tagChecksum(bytes))
    }
}

/// The two checks of a descriptor tag (ECMA-167 3/7.2.3 and 3/7.2.6).
enum UDFChecksums {
    /// CRC-ITU-T (x^16 + x^12 + x^5 + 1, initial 0, most significant bit first), ECMA-167 3/7.2.6.
    static func crc(_ bytes: some Collection<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for b in bytes { crc = (crc << 8) ^ table[Int(UInt8(crc >> 8) ^ b)] }
        return crc
    }

    /// The sum modulo 256 of tag bytes 0–3 and 5–15 (3/7.2.3).
    static func tagChecksum(_ bytes: [UInt8]) -> UInt8 {
        var sum: UInt8 = 0
        for i in 0..<16 where i != 4 { sum &+= bytes[i] }
        return sum
    }

    private static let table: [UInt16] = (0..<256).map { i in
        var c = UInt16(i) << 8
        for _ in 0..<8 { c = c & 0x8000 != 0 ? (c << 1) ^ 0x1021 : c << 1 }
        return c
    }
}
