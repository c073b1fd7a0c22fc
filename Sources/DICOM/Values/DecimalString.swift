import Foundation

/// DS (Decimal String) parsing and formatting (PS3.5 §6.2, Table 6.2-1).
///
/// A DS value is a fixed point number (`0-9`, optional leading `+`/`-`, optional `.`) or a
/// floating point number with `E`/`e` introducing the exponent (ANSI X3.9), padded with
/// leading or trailing spaces, at most 16 bytes, with no embedded spaces.
public enum DecimalString {
    /// The maximum length of one DS value in bytes (PS3.5 Table 6.2-1).
    public static let maxLength = 16

    /// Parses one DS value (`"  1.5E3 "`, `"-.5"`, `"+3"`, `"1."`) to a finite Double.
    ///
    /// Returns `nil` for empty text, embedded spaces, `inf`/`nan`/hex forms, or a value
    /// that overflows Double. Exponents that underflow yield 0 (or the nearest subnormal).
    // Lenient: values longer than 16 bytes are accepted (some modalities write 17+ digit
    // values); trailing NULs are treated as padding; an exponent without a mantissa fraction
    // ("1.e5") is accepted.
    public static func parse(_ text: some StringProtocol) -> Double? {
        let b = DICOMValueDigits.trimmedBytes(text)
        guard isWellFormed(b), let v = Double(String(decoding: b, as: UTF8.self)), v.isFinite else { return nil }
        return v
    }

    /// Parses a backslash-separated multi-valued DS (`"0.5\\0.5"`); `nil` if any value is bad.
    /// An empty (or all-space) string gives `[]`.
    public static func parseValues(_ text: String) -> [Double]? {
        if DICOMValueDigits.trimmedBytes(text).isEmpty { return [] }
        var out: [Double] = []
        for part in text.split(separator: "\\", omittingEmptySubsequences: false) {
            guard let v = parse(part) else { return nil }
            out.append(v)
        }
        return out
    }

    /// Formats `value` as DS text of at most 16 bytes that reads back as close to `value`
    /// as 16 characters allow: the shortest exact representation when it fits, otherwise
    /// the best of the fixed- and exponent-notation roundings. `nil` for NaN and infinities,
    /// which DS cannot express.
    public static func format(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        let shortest = normalize(value.description)
        if shortest.utf8.count <= maxLength { return shortest }
        var best: (text: String, error: Double)? = nil
        func consider(_ raw: String) {
            let t = normalize(raw)
            guard t.utf8.count <= maxLength, let back = Double(t) else { return }
            let err = abs(back - value)
            if best == nil || err < best!.error || (err == best!.error && t.utf8.count < best!.text.utf8.count) {
                best = (t, err)
            }
        }
        for k in 0...16 { consider(String(format: "%.*e", k, value)) }
        if abs(value) < 1e16 {
            for k in 0...16 { consider(String(format: "%.*f", k, value)) }
        }
        return best?.text
    }

    /// Formats several values joined with `\`; `nil` if any is not finite.
    public static func format(_ values: [Double]) -> String? {
        var parts: [String] = []
        for v in values {
            guard let s = format(v) else { return nil }
            parts.append(s)
        }
        return parts.joined(separator: "\\")
    }

    // MARK: Helpers

    /// Grammar check: [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
    static func isWellFormed(_ b: [UInt8]) -> Bool {
        var i = 0
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
        var mantissaDigits = 0
        while i < b.count, isDigit(b[i]) { i += 1; mantissaDigits += 1 }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, isDigit(b[i]) { i += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return false }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            var expDigits = 0
            while i < b.count, isDigit(b[i]) { i += 1; expDigits += 1 }
            guard expDigits > 0 else { return false }
        }
        return i == b.count
    }

    /// Shortens a printed number without changing its value: drops trailing fraction zeros
    /// and a bare '.', writes the exponent without '+' and leading zeros ("e+05" → "e5"),
    /// and, only when still too long, drops the 0 before the point ("0.5" → ".5").
    static func normalize(_ s: String) -> String {
        var mantissa = Substring(s), exponent = ""
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = s[..<e]
            var digits = s[s.index(after: e)...]
            var sign = ""
            if let f = digits.first, f == "+" || f == "-" { sign = f == "-" ? "-" : ""; digits = digits.dropFirst() }
            while digits.count > 1, digits.first == "0" { digits = digits.dropFirst() }
            exponent = digits == "0" ? "" : "e" + sign + digits
        }
        if mantissa.contains(".") {
            while mantissa.last == "0" { mantissa = mantissa.dropLast() }
            if mantissa.last == "." { mantissa = mantissa.dropLast() }
        }
        var out = String(mantissa) + exponent
        if out.isEmpty || out == "-" { out += "0" }
        if out.utf8.count > maxLength {
            if out.hasPrefix("0.") { out.removeFirst() } else if out.hasPrefix("-0.") { out.remove(at: out.index(after: out.startIndex)) }
        }
        return out
    }
}
