import Foundation

/// A TM (Time) value: `HH[MM[SS[.F{1-6}]]]` (PS3.5 §6.2, Table 6.2-1).
///
/// HH is 00–23, MM 00–59, SS 00–60 (60 allows a leap second), and FFFFFF a fraction of a
/// second of one to six digits. The precision given is kept, so `dicomString` reproduces
/// `"1430"` as `"1430"` rather than `"143000"`.
public struct DICOMTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The smallest unit present in the value.
    public enum Precision: Int, Sendable, Hashable, Comparable {
        case hour, minute, second, fraction
        public static func < (lhs: Precision, rhs: Precision) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public let hour: Int
    /// 0 when the value has hour precision.
    public let minute: Int
    /// 0 when the value has hour or minute precision.
    public let second: Int
    /// Fraction of the second in microseconds (0–999 999); 0 unless precision is `.fraction`.
    public let microsecond: Int
    public let precision: Precision
    /// Number of fraction digits given (1–6), 0 unless precision is `.fraction`.
    public let fractionDigits: Int

    /// A validated time. Fields finer than `precision` must be 0; `fractionDigits` (1–6)
    /// only matters for `.fraction` and defaults to 6.
    public init?(hour: Int, minute: Int = 0, second: Int = 0, microsecond: Int = 0,
                 precision: Precision = .fraction, fractionDigits: Int = 6) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              (0...999_999).contains(microsecond) else { return nil }
        if precision < .minute && minute != 0 { return nil }
        if precision < .second && second != 0 { return nil }
        if precision < .fraction && microsecond != 0 { return nil }
        self.hour = hour; self.minute = minute; self.second = second
        self.microsecond = microsecond; self.precision = precision
        if precision == .fraction {
            guard (1...6).contains(fractionDigits) else { return nil }
            self.fractionDigits = fractionDigits
        } else {
            self.fractionDigits = 0
        }
    }

    /// Parses a TM value; leading/trailing spaces and trailing NULs are ignored.
    ///
    /// Accepts `HH`, `HHMM`, `HHMMSS` and `HHMMSS.F` … `HHMMSS.FFFFFF`.
    // Lenient: also accepts the ACR-NEMA 300 forms `HH:MM` and `HH:MM:SS[.F{1-6}]`
    // (PS3.5 Table 6.2-1, TM Note 2 says these are not conformant), and a trailing '.'
    // with no fraction digits after SS ("HHMMSS.") as second precision.
    public init?(_ tm: String) {
        var b = DICOMValueDigits.trimmedBytes(tm)
        if b.count >= 5, b[2] == UInt8(ascii: ":") {
            // ACR-NEMA: HH:MM or HH:MM:SS...
            guard b.count == 5 || (b.count >= 8 && b[5] == UInt8(ascii: ":")) else { return nil }
            b.remove(at: 2)
            if b.count >= 7 { b.remove(at: 4) }
        }
        guard let parsed = DICOMTime.parse(b[...]) else { return nil }
        self = parsed
    }

    /// Parses conformant TM bytes (no padding). Used by DT as well.
    static func parse(_ b: ArraySlice<UInt8>) -> DICOMTime? {
        let s = b.startIndex
        switch b.count {
        case 2:
            guard let h = DICOMValueDigits.number(b[s..<s + 2]) else { return nil }
            return DICOMTime(hour: h, precision: .hour)
        case 4:
            guard let h = DICOMValueDigits.number(b[s..<s + 2]),
                  let m = DICOMValueDigits.number(b[s + 2..<s + 4]) else { return nil }
            return DICOMTime(hour: h, minute: m, precision: .minute)
        case 6...:
            guard let h = DICOMValueDigits.number(b[s..<s + 2]),
                  let m = DICOMValueDigits.number(b[s + 2..<s + 4]),
                  let sec = DICOMValueDigits.number(b[s + 4..<s + 6]) else { return nil }
            if b.count == 6 || (b.count == 7 && b[s + 6] == UInt8(ascii: ".")) {
                return DICOMTime(hour: h, minute: m, second: sec, precision: .second)
            }
            guard b[s + 6] == UInt8(ascii: "."), b.count - 7 <= 6,
                  let f = DICOMValueDigits.number(b[(s + 7)...]) else { return nil }
            let digits = b.count - 7
            var us = f
            for _ in digits..<6 { us *= 10 }
            return DICOMTime(hour: h, minute: m, second: sec, microsecond: us,
                             precision: .fraction, fractionDigits: digits)
        default:
            return nil
        }
    }

    /// The TM encoding at the precision that was given, e.g. `"14"`, `"1430"`, `"143005.25"`.
    public var dicomString: String {
        var s = DICOMValueDigits.pad(hour, 2)
        if precision >= .minute { s += DICOMValueDigits.pad(minute, 2) }
        if precision >= .second { s += DICOMValueDigits.pad(second, 2) }
        if precision == .fraction {
            var f = microsecond
            for _ in fractionDigits..<6 { f /= 10 }
            s += "." + DICOMValueDigits.pad(f, fractionDigits)
        }
        return s
    }

    /// `HH:MM[:SS[.FFFFFF]]` at the given precision (hour precision prints as `HH:00`).
    public var description: String {
        var s = DICOMValueDigits.pad(hour, 2) + ":" + DICOMValueDigits.pad(minute, 2)
        if precision >= .second { s += ":" + DICOMValueDigits.pad(second, 2) }
        if precision == .fraction {
            var f = microsecond
            for _ in fractionDigits..<6 { f /= 10 }
            s += "." + DICOMValueDigits.pad(f, fractionDigits)
        }
        return s
    }

    /// Microseconds since midnight (missing fields count as 0).
    public var microsecondsSinceMidnight: Int {
        ((hour * 60 + minute) * 60 + second) * 1_000_000 + microsecond
    }

    /// Orders by time of day; equal times order by precision (coarser first).
    public static func < (lhs: DICOMTime, rhs: DICOMTime) -> Bool {
        let l = lhs.microsecondsSinceMidnight, r = rhs.microsecondsSinceMidnight
        if l != r { return l < r }
        return (lhs.precision.rawValue, lhs.fractionDigits) < (rhs.precision.rawValue, rhs.fractionDigits)
    }
}
