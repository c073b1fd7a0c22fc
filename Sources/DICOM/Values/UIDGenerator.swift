import Foundation

/// Unique Identifier (UI) generation and validation (PS3.5 §9, Annex B).
public enum UIDGenerator {
    /// The maximum length of a UID (PS3.5 §9.1).
    public static let maxLength = 64

    /// Makes a new globally unique UID.
    ///
    /// - Without `root`: the UUID-derived form `2.25.<decimal>` (PS3.5 §B.2), where
    ///   `<decimal>` is the 128-bit integer of a random (version 4) UUID — at most 44 chars.
    /// - With an organisation `root` (e.g. `1.2.826.0.1.3680043.10.1234`):
    ///   `root.<microseconds since 1970>.<random digits>`, filled up to 64 characters
    ///   (at most 20 random digits). When the root leaves too little room for the timestamp,
    ///   the suffix is random digits only.
    ///
    /// If `root` is not a valid UID, or leaves room for fewer than 10 suffix digits, the
    /// `2.25` form is returned instead, so the result is always a valid UID.
    public static func makeUID(root: String? = nil) -> String {
        guard var root, isValid(root) else { return uuidUID(UUID()) }
        while root.hasSuffix(".") { root.removeLast() }
        let room = maxLength - root.utf8.count - 1        // characters left after "root."
        guard room >= 10 else { return uuidUID(UUID()) }
        let micros = String(UInt64(max(0, Date().timeIntervalSince1970) * 1_000_000))
        if room >= micros.count + 1 + 10 {
            let randomCount = min(20, room - micros.count - 1)
            return root + "." + micros + "." + randomDigits(randomCount)
        }
        return root + "." + randomDigits(min(room, 39))
    }

    /// The `2.25.<decimal>` UID of `uuid` (PS3.5 §B.2): the UUID's 16 bytes read as one
    /// unsigned big-endian 128-bit integer, written in decimal without leading zeros.
    ///
    /// Example from PS3.5 §B.2: `f81d4fae-7dec-11d0-a765-00a0c91e6bf6` →
    /// `2.25.329800735698586629295641978511506172918`.
    public static func uuidUID(_ uuid: UUID) -> String {
        let u = uuid.uuid
        let bytes = [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15]
        return "2.25." + decimalString(bigEndian128: bytes)
    }

    /// A deterministic UID derived from `uid` and `salt` — the same inputs always give the
    /// same result — for transcoders that must give derived images new SOP Instance UIDs
    /// reproducibly.
    ///
    /// Computed as a name-based (version 5, SHA-1) UUID of the bytes `uid`, NUL, `salt`
    /// (RFC 4122 §4.3 layout), written in the `2.25` form (PS3.5 §B.2).
    public static func derivedUID(from uid: String, salt: String) -> String {
        var input = Array(uid.utf8)
        input.append(0)
        input.append(contentsOf: salt.utf8)
        var h = Array(UIDSHA1.hash(input).prefix(16))
        h[6] = (h[6] & 0x0F) | 0x50   // version 5
        h[8] = (h[8] & 0x3F) | 0x80   // RFC 4122 variant
        return "2.25." + decimalString(bigEndian128: h)
    }

    /// Whether `uid` is a valid UID (PS3.5 §9.1): 1–64 characters of `0-9` and `.`,
    /// components separated by `.`, none empty, and no component with a leading zero unless
    /// it is exactly `0`. Padding must already be removed.
    public static func isValid(_ uid: String) -> Bool {
        let b = Array(uid.utf8)
        guard !b.isEmpty, b.count <= maxLength else { return false }
        var componentStart = true, leadingZero = false
        for c in b {
            if c == UInt8(ascii: ".") {
                if componentStart { return false }   // empty component
                componentStart = true; leadingZero = false
            } else if c >= 0x30 && c <= 0x39 {
                if leadingZero { return false }      // "0" followed by more digits
                if componentStart { leadingZero = c == 0x30 }
                componentStart = false
            } else {
                return false
            }
        }
        return !componentStart                       // no trailing "."
    }

    // MARK: Helpers

    /// `count` random decimal digits, the first non-zero (so the component is valid).
    static func randomDigits(_ count: Int) -> String {
        var g = SystemRandomNumberGenerator()
        var s = String(UInt8.random(in: 1...9, using: &g))
        for _ in 1..<max(count, 1) { s += String(UInt8.random(in: 0...9, using: &g)) }
        return s
    }

    /// Decimal text of a 128-bit unsigned integer given as 16 big-endian bytes, by repeated
    /// long division of four 32-bit limbs by 10^9.
    static func decimalString(bigEndian128 bytes: [UInt8]) -> String {
        precondition(bytes.count == 16)
        var limbs: [UInt32] = (0..<4).map { i in
            bytes[i * 4..<i * 4 + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
        var chunks: [UInt32] = []                    // base-10^9 digits, least significant first
        while limbs.contains(where: { $0 != 0 }) {
            var remainder: UInt64 = 0
            for i in 0..<4 {
                let cur = remainder << 32 | UInt64(limbs[i])
                limbs[i] = UInt32(cur / 1_000_000_000)
                remainder = cur % 1_000_000_000
            }
            chunks.append(UInt32(remainder))
        }
        guard let top = chunks.popLast() else { return "0" }
        var s = String(top)
        for c in chunks.reversed() { s += DICOMValueDigits.pad(Int(c), 9) }
        return s
    }
}

/// A small SHA-1 (FIPS 180-4) used only to derive UIDs; not for security.
enum UIDSHA1 {
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0)
        var m = message
        let bitLength = UInt64(message.count) &* 8
        m.append(0x80)
        while m.count % 64 != 56 { m.append(0) }
        for i in (0..<8).reversed() { m.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
        var w = [UInt32](repeating: 0, count: 80)
        for chunk in stride(from: 0, to: m.count, by: 64) {
            for t in 0..<16 {
                let j = chunk + t * 4
                w[t] = UInt32(m[j]) << 24 | UInt32(m[j + 1]) << 16 | UInt32(m[j + 2]) << 8 | UInt32(m[j + 3])
            }
            for t in 16..<80 { w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1) }
            var (a, b, c, d, e) = h
            for t in 0..<80 {
                let f: UInt32, k: UInt32
                switch t {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A827999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC
                default: f = b ^ c ^ d; k = 0xCA62C1D6
                }
                let temp = rotl(a, 5) &+ f &+ e &+ k &+ w[t]
                e = d; d = c; c = rotl(b, 30); b = a; a = temp
            }
            h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
        }
        var out: [UInt8] = []
        for v in [h.0, h.1, h.2, h.3, h.4] {
            out += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
        }
        return out
    }

    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { x << n | x >> (32 - n) }
}
