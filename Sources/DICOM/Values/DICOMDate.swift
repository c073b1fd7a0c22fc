import Foundation

/// A DA (Date) value: a calendar date in the Gregorian calendar (PS3.5 §6.2, Table 6.2-1).
///
/// DA is `YYYYMMDD`, e.g. `19930822` for August 22, 1993. Dates before 1582 are still
/// interpreted as (proleptic) Gregorian dates (PS3.5 Table 6.2-1, DA Note 3).
public struct DICOMDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A validated date; `nil` if the year is outside 0000–9999 or the month/day does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard (0...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= DICOMDate.daysInMonth(month, year: year) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// Parses a DA value. Leading and trailing spaces (and trailing NULs) are ignored.
    ///
    /// Accepts `YYYYMMDD` (PS3.5 Table 6.2-1).
    // Lenient: also accepts the ACR-NEMA 300 form `YYYY.MM.DD`, which DA Note 1 says is not
    // conformant but which old archives still contain.
    public init?(_ da: String) {
        let b = DICOMValueDigits.trimmedBytes(da)
        let y: Int?, m: Int?, d: Int?
        if b.count == 8 {
            y = DICOMValueDigits.number(b[0..<4]); m = DICOMValueDigits.number(b[4..<6])
            d = DICOMValueDigits.number(b[6..<8])
        } else if b.count == 10, b[4] == UInt8(ascii: "."), b[7] == UInt8(ascii: ".") {
            y = DICOMValueDigits.number(b[0..<4]); m = DICOMValueDigits.number(b[5..<7])
            d = DICOMValueDigits.number(b[8..<10])
        } else {
            return nil
        }
        guard let y, let m, let d else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The DA encoding, `YYYYMMDD`.
    public var dicomString: String {
        DICOMValueDigits.pad(year, 4) + DICOMValueDigits.pad(month, 2) + DICOMValueDigits.pad(day, 2)
    }

    /// ISO 8601 form, `YYYY-MM-DD`.
    public var description: String {
        DICOMValueDigits.pad(year, 4) + "-" + DICOMValueDigits.pad(month, 2) + "-" + DICOMValueDigits.pad(day, 2)
    }

    public static func < (lhs: DICOMDate, rhs: DICOMDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Gregorian leap-year rule: divisible by 4, except centuries not divisible by 400.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Number of days in `month` (1–12) of `year`; 0 for an invalid month.
    public static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    // MARK: Foundation

    /// Year, month and day as `DateComponents` in the Gregorian calendar.
    public var dateComponents: DateComponents {
        DateComponents(calendar: Calendar(identifier: .gregorian), year: year, month: month, day: day)
    }

    /// Midnight at the start of this date in `timeZone` (UTC by default).
    public func date(in timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: DateComponents(year: year, month: month, day: day))
    }

    /// The calendar date of `date` as seen in `timeZone` (UTC by default).
    public init?(_ date: Date, in timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        guard let y = c.year, let m = c.month, let d = c.day else { return nil }
        self.init(year: y, month: m, day: d)
    }
}

/// A DA range as used in query range matching (PS3.4 §C.2.2.2.5; PS3.5 Table 6.2-1, DA:
/// "In the context of a Query with range matching ... the character '-' is allowed").
///
/// Forms: `YYYYMMDD-YYYYMMDD` (inclusive), `-YYYYMMDD` (on or before), `YYYYMMDD-` (on or after).
public struct DICOMDateRange: Sendable, Hashable, CustomStringConvertible {
    /// Earliest date included, or `nil` for an open start.
    public let lower: DICOMDate?
    /// Latest date included, or `nil` for an open end.
    public let upper: DICOMDate?

    /// At least one bound is required, and `lower <= upper` when both are given.
    public init?(lower: DICOMDate?, upper: DICOMDate?) {
        if lower == nil && upper == nil { return nil }
        if let lower, let upper, upper < lower { return nil }
        self.lower = lower; self.upper = upper
    }

    /// Parses `YYYYMMDD-YYYYMMDD`, `-YYYYMMDD` or `YYYYMMDD-`; spaces around the value and
    /// around each bound are ignored. `nil` for `-` alone, bad dates or a reversed range.
    ///
    /// A single date without `-` is accepted as the one-day range `date-date` (single value
    /// matching of a DA key matches exactly that date).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard let d = DICOMDate(String(parts[0])) else { return nil }
            self.init(lower: d, upper: d)
        case 2:
            let lo = parts[0].trimmingCharacters(in: .whitespaces)
            let hi = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: " \0"))
            let lower: DICOMDate?, upper: DICOMDate?
            if lo.isEmpty { lower = nil } else { guard let d = DICOMDate(lo) else { return nil }; lower = d }
            if hi.isEmpty { upper = nil } else { guard let d = DICOMDate(hi) else { return nil }; upper = d }
            self.init(lower: lower, upper: upper)
        default:
            return nil
        }
    }

    /// Whether `date` lies within the range, bounds included.
    public func contains(_ date: DICOMDate) -> Bool {
        if let lower, date < lower { return false }
        if let upper, upper < date { return false }
        return true
    }

    /// The query encoding, e.g. `20240101-20241231`, `-20240101`, `20240101-`.
    public var dicomString: String {
        (lower?.dicomString ?? "") + "-" + (upper?.dicomString ?? "")
    }

    public var description: String { dicomString }
}

/// Shared ASCII digit helpers for the DA/TM/DT parsers.
enum DICOMValueDigits {
    /// UTF-8 bytes of `s` without leading/trailing spaces and trailing NULs.
    static func trimmedBytes(_ s: some StringProtocol) -> [UInt8] {
        var b = Array(s.utf8)[...]
        while let last = b.last, last == 0x20 || last == 0x00 { b.removeLast() }
        while let first = b.first, first == 0x20 { b.removeFirst() }
        return Array(b)
    }

    /// The value of an all-ASCII-digit slice; `nil` if empty or any byte is not 0–9.
    static func number(_ b: ArraySlice<UInt8>) -> Int? {
        guard !b.isEmpty, b.count <= 18 else { return nil }
        var v = 0
        for c in b {
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
    }

    /// `v` in decimal, left-padded with zeros to `width` digits.
    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
