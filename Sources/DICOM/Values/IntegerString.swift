/// IS (Integer String) parsing and formatting (PS3.5 §6.2, Table 6.2-1).
///
/// An IS value is a base-10 integer with optional leading `+` or `-`, padded with leading
/// or trailing spaces, in the range -2^31 ≤ n ≤ 2^31 - 1, at most 12 bytes.
public enum IntegerString {
    /// The range an IS value may hold (PS3.5 Table 6.2-1).
    public static let range: ClosedRange<Int> = -2_147_483_648...2_147_483_647
    /// The maximum length of one IS value in bytes.
    public static let maxLength = 12

    /// Parses one IS value; `nil` for empty text, non-digits, embedded spaces, or a value
    /// outside −2^31…2^31−1.
    // Lenient: leading zeros and lengths over 12 bytes ("000000000000042") are accepted as
    // long as the value is in range; trailing NULs are treated as padding.
    public static func parse(_ text: some StringProtocol) -> Int? {
        let b = DICOMValueDigits.trimmedBytes(text)
        var digits = b[...]
        var negative = false
        if let f = digits.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") {
            negative = f == UInt8(ascii: "-"); digits = digits.dropFirst()
        }
        while digits.count > 1, digits.first == UInt8(ascii: "0") { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 10, let magnitude = DICOMValueDigits.number(digits) else { return nil }
        let v = negative ? -magnitude : magnitude
        return range.contains(v) ? v : nil
    }

    /// Parses a backslash-separated multi-valued IS; `nil` if any value is bad.
    /// An empty (or all-space) string gives `[]`.
    public static func parseValues(_ text: String) -> [Int]? {
        if DICOMValueDigits.trimmedBytes(text).isEmpty { return [] }
        var out: [Int] = []
        for part in text.split(separator: "\\", omittingEmptySubsequences: false) {
            guard let v = parse(part) else { return nil }
            out.append(v)
        }
        return out
    }

    /// The IS text of `value`, or `nil` if it lies outside −2^31…2^31−1.
    public static func format(_ value: Int) -> String? {
        range.contains(value) ? String(value) : nil
    }
}
