import Foundation

/// A DT (Date Time) value: `YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]][&ZZXX]` (PS3.5 §6.2, Table 6.2-1).
///
/// Components to the right of the last one given are absent (the value has reduced
/// precision); `&ZZXX` is an optional offset from UTC, `&` being `+` or `-`, in the range
/// -1200 to +1400. Absent fields read as the start of their period (month 1, day 1, 00:00:00).
public struct DICOMDateTime: Sendable, Hashable, CustomStringConvertible {
    /// The smallest unit present in the value.
    public enum Precision: Int, Sendable, Hashable, Comparable {
        case year, month, day, hour, minute, second, fraction
        public static func < (lhs: Precision, rhs: Precision) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public let year: Int
    public let month: Int
    public let day: Int
    public let hour: Int
    public let minute: Int
    public let second: Int
    /// Fraction of the second in microseconds; 0 unless precision is `.fraction`.
    public let microsecond: Int
    public let precision: Precision
    /// Number of fraction digits given (1–6); 0 unless precision is `.fraction`.
    public let fractionDigits: Int
    /// Offset from UTC in minutes (e.g. +0900 → 540), or `nil` when the value has no suffix.
    public let utcOffsetMinutes: Int?

    /// Parses a DT value; leading/trailing spaces and trailing NULs are ignored.
    public init?(_ dt: String) {
        let all = DICOMValueDigits.trimmedBytes(dt)
        var body = all[...]
        var offset: Int? = nil
        if let signIndex = all.firstIndex(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }) {
            let z = all[(signIndex + 1)...]
            guard z.count == 4, let hh = DICOMValueDigits.number(z.prefix(2)),
                  let mm = DICOMValueDigits.number(z.suffix(2)), mm < 60 else { return nil }
            let minutes = (all[signIndex] == UInt8(ascii: "-") ? -1 : 1) * (hh * 60 + mm)
            guard (-12 * 60...14 * 60).contains(minutes) else { return nil }
            offset = minutes
            body = all[..<signIndex]
        }
        let s = body.startIndex
        let n = body.count
        guard n >= 4, n == 4 || n.isMultiple(of: 2) || n >= 15 else { return nil }
        guard let y = DICOMValueDigits.number(body[s..<s + 4]) else { return nil }
        var month = 1, day = 1, hour = 0, minute = 0, second = 0, us = 0, digits = 0
        var precision = Precision.year
        if n >= 6 { guard let v = DICOMValueDigits.number(body[s + 4..<s + 6]) else { return nil }; month = v; precision = .month }
        if n >= 8 { guard let v = DICOMValueDigits.number(body[s + 6..<s + 8]) else { return nil }; day = v; precision = .day }
        if n >= 10 {
            // HH[MM[SS[.F]]]: reuse the TM rules.
            guard let t = DICOMTime.parse(body[(s + 8)...]) else { return nil }
            hour = t.hour; minute = t.minute; second = t.second; us = t.microsecond
            digits = t.fractionDigits
            switch t.precision {
            case .hour: precision = .hour
            case .minute: precision = .minute
            case .second: precision = .second
            case .fraction: precision = .fraction
            }
        }
        self.init(year: y, month: month, day: day, hour: hour, minute: minute, second: second,
                  microsecond: us, precision: precision, fractionDigits: digits,
                  utcOffsetMinutes: offset)
    }

    /// A validated value. Fields finer than `precision` are ignored and stored as their
    /// start-of-period values.
    public init?(year: Int, month: Int = 1, day: Int = 1, hour: Int = 0, minute: Int = 0,
                 second: Int = 0, microsecond: Int = 0, precision: Precision,
                 fractionDigits: Int = 6, utcOffsetMinutes: Int? = nil) {
        let p = precision
        let m = p >= .month ? month : 1, d = p >= .day ? day : 1
        guard let date = DICOMDate(year: year, month: m, day: d) else { return nil }
        let tp: DICOMTime.Precision = p >= .fraction ? .fraction : p >= .second ? .second : p >= .minute ? .minute : .hour
        guard let time = DICOMTime(hour: p >= .hour ? hour : 0, minute: p >= .minute ? minute : 0,
                                   second: p >= .second ? second : 0,
                                   microsecond: p >= .fraction ? microsecond : 0,
                                   precision: tp, fractionDigits: fractionDigits) else { return nil }
        if let o = utcOffsetMinutes, !(-12 * 60...14 * 60).contains(o) { return nil }
        self.year = date.year; self.month = date.month; self.day = date.day
        self.hour = time.hour; self.minute = time.minute; self.second = time.second
        self.microsecond = time.microsecond; self.precision = precision
        self.fractionDigits = time.fractionDigits
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// Combines a DA and an optional TM (e.g. Content Date and Content Time) into a DT.
    public init(date: DICOMDate, time: DICOMTime?, utcOffsetMinutes: Int? = nil) {
        let p: Precision
        switch time?.precision {
        case nil: p = .day
        case .hour?: p = .hour
        case .minute?: p = .minute
        case .second?: p = .second
        case .fraction?: p = .fraction
        }
        self.year = date.year; self.month = date.month; self.day = date.day
        self.hour = time?.hour ?? 0; self.minute = time?.minute ?? 0; self.second = time?.second ?? 0
        self.microsecond = time?.microsecond ?? 0; self.fractionDigits = time?.fractionDigits ?? 0
        self.precision = p
        if let o = utcOffsetMinutes, (-12 * 60...14 * 60).contains(o) {
            self.utcOffsetMinutes = o
        } else {
            self.utcOffsetMinutes = nil
        }
    }

    /// The date part, when the value has at least day precision.
    public var date: DICOMDate? {
        precision >= .day ? DICOMDate(year: year, month: month, day: day) : nil
    }

    /// The time part, when the value has at least hour precision.
    public var time: DICOMTime? {
        guard precision >= .hour else { return nil }
        let tp: DICOMTime.Precision = precision == .fraction ? .fraction : precision == .second ? .second : precision == .minute ? .minute : .hour
        return DICOMTime(hour: hour, minute: minute, second: second, microsecond: microsecond,
                         precision: tp, fractionDigits: max(fractionDigits, 1))
    }

    /// The DT encoding at the precision given, with the UTC offset suffix when present.
    public var dicomString: String {
        var s = DICOMValueDigits.pad(year, 4)
        if precision >= .month { s += DICOMValueDigits.pad(month, 2) }
        if precision >= .day { s += DICOMValueDigits.pad(day, 2) }
        if let t = time { s += t.dicomString }
        if let o = utcOffsetMinutes {
            s += (o < 0 ? "-" : "+") + DICOMValueDigits.pad(abs(o) / 60, 2) + DICOMValueDigits.pad(abs(o) % 60, 2)
        }
        return s
    }

    public var description: String { dicomString }

    /// The instant this value denotes (start of its period). Without a UTC offset suffix,
    /// `defaultUTCOffsetMinutes` is used — PS3.5 says such values are in the local time of
    /// the creator, or the Timezone Offset From UTC (0008,0201) when present.
    public func foundationDate(defaultUTCOffsetMinutes: Int = 0) -> Date? {
        let offset = utcOffsetMinutes ?? defaultUTCOffsetMinutes
        guard let tz = TimeZone(secondsFromGMT: offset * 60) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = tz
        // Leap second 60 is folded onto :59 + 1 s.
        let comps = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute,
                                   second: min(second, 59))
        guard let base = calendar.date(from: comps) else { return nil }
        return base.addingTimeInterval(Double(second == 60 ? 1 : 0) + Double(microsecond) / 1_000_000)
    }
}
