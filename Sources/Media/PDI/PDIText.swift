import DICOM
import Foundation

/// Formatting of DICOM values for people: README.TXT, web pages and labels.
public enum PDIText {
    /// A person name for display (PS3.5 §6.2.1): the alphabetic group as "Family Given", and the
    /// ideographic group (e.g. Chinese characters) as written, "王小明 (Wang Xiaoming)" when
    /// both are present.
    public static func displayName(_ raw: String?) -> String {
        guard let raw, !raw.isEmpty else { return "" }
        let pn = PersonName(raw)
        func western(_ g: PersonName.ComponentGroup) -> String {
            [g.namePrefix, g.givenName, g.middleName, g.familyName, g.nameSuffix].filter { !$0.isEmpty }.joined(separator: " ")
        }
        func ideographic(_ g: PersonName.ComponentGroup) -> String {
            // CJK names: family name first, no spaces.
            [g.familyName, g.givenName, g.middleName].joined()
        }
        let a = pn.alphabetic.isEmpty ? "" : (containsCJK(pn.alphabetic.familyName + pn.alphabetic.givenName)
            ? ideographic(pn.alphabetic) : [pn.alphabetic.familyName.uppercased(), western(PersonName.ComponentGroup(
                familyName: "", givenName: pn.alphabetic.givenName, middleName: pn.alphabetic.middleName,
                namePrefix: pn.alphabetic.namePrefix, nameSuffix: pn.alphabetic.nameSuffix))].filter { !$0.isEmpty }.joined(separator: ", "))
        let i = pn.ideographic.isEmpty ? "" : ideographic(pn.ideographic)
        switch (a.isEmpty, i.isEmpty) {
        case (false, false): return "\(i) (\(a))"
        case (true, false): return i
        default: return a
        }
    }

    static func containsCJK(_ s: String) -> Bool {
        s.unicodeScalars.contains { (0x3400 ... 0x9FFF).contains($0.value) || (0xF900 ... 0xFAFF).contains($0.value) || (0x20000 ... 0x3FFFF).contains($0.value) }
    }

    /// True when `s` holds Chinese/Japanese ideographs (for the page's language tag).
    public static func hasCJK(_ s: String) -> Bool { containsCJK(s) }

    /// DA "20240131" → "2024-01-31"; anything else as it is.
    public static func date(_ da: String?) -> String {
        guard let da, da.count == 8, da.allSatisfy(\.isNumber) else { return da ?? "" }
        let c = Array(da)
        return "\(String(c[0 ..< 4]))-\(String(c[4 ..< 6]))-\(String(c[6 ..< 8]))"
    }

    /// TM "143015.123" → "14:30"; anything else as it is.
    public static func time(_ tm: String?) -> String {
        guard let tm, tm.count >= 4, tm.prefix(4).allSatisfy(\.isNumber) else { return tm ?? "" }
        let c = Array(tm)
        return "\(String(c[0 ..< 2])):\(String(c[2 ..< 4]))"
    }

    /// Text for XHTML: & < > " ' escaped.
    public static func html(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// Local date and time of day, "2026-11-26 15:04".
    public static func now(_ date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }
}
