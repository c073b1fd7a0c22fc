import DICOM
import Foundation

/// One key of a C-FIND, C-GET or C-MOVE identifier (PS3.4 §C.2.2): an attribute and the value to
/// match, or an empty value to ask for the attribute back (universal matching, §C.2.2.2.3).
/// The value is used as written, so every matching kind of PS3.4 §C.2.2.2 works: single value,
/// wildcards `*` and `?`, ranges (`20240101-20241231`), and lists of UIDs (`1.2.3\1.2.4`).
public struct QueryKey: Sendable, Equatable {
    public var tag: Tag
    public var vr: VR
    public var value: String

    public init(tag: Tag, vr: VR, value: String = "") { self.tag = tag; self.vr = vr; self.value = value }

    /// Parses `KEYWORD=VALUE`, `gggg,eeee=VALUE`, `KEYWORD` or `KEYWORD=` (a return key), as
    /// DCMTK's `findscu -k` does. The VR comes from the data dictionary (PS3.6).
    public init(parsing text: String) throws(QueryKeyError) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts[0].trimmingCharacters(in: .whitespaces)
        let value = parts.count > 1 ? String(parts[1]) : ""
        if let tag = Self.parseTag(name) {
            guard let entry = DataDictionary.entry(for: tag) else { throw .unknownTag(name) }
            self.init(tag: tag, vr: entry.vr == .UN ? .LO : entry.vr, value: value)
        } else {
            guard let entry = DataDictionary.entry(forKeyword: name) else { throw .unknownKeyword(name) }
            self.init(tag: entry.tag, vr: entry.vr, value: value)
        }
        guard vr != .SQ || value.isEmpty else { throw .sequenceValue(name) }
    }

    /// "0010,0010" or "(0010,0010)" or "00100010".
    static func parseTag(_ s: String) -> Tag? {
        var t = s
        if t.hasPrefix("(") && t.hasSuffix(")") { t = String(t.dropFirst().dropLast()) }
        let hex = t.replacingOccurrences(of: ",", with: "")
        guard hex.count == 8, t.count == 8 || t.count == 9, let v = UInt32(hex, radix: 16) else { return nil }
        return Tag(UInt16(v >> 16), UInt16(v & 0xFFFF))
    }
}

/// A query key that cannot be understood.
public enum QueryKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownKeyword(String)
    case unknownTag(String)
    case sequenceValue(String)
    /// The value cannot be written in the query's Specific Character Set.
    case unrepresentable(key: String, characterSet: String, reason: String)
    case missingUniqueKey(level: QueryLevel, key: String)

    public var description: String {
        switch self {
        case .unknownKeyword(let k): return "unknown attribute keyword '\(k)' (use a PS3.6 keyword such as PatientName, or a tag as gggg,eeee)"
        case .unknownTag(let t): return "tag \(t) is not in the data dictionary (PS3.6)"
        case .sequenceValue(let k): return "\(k) is a sequence: give it without a value to ask for it back"
        case .unrepresentable(let k, let cs, let r): return "the value of \(k) cannot be written in \(cs.isEmpty ? "the default repertoire" : cs): \(r)"
        case .missingUniqueKey(let level, let k): return "a \(level.rawValue)-level request needs \(k) (PS3.4 §C.4.2.2.1 hierarchical retrieve)"
        }
    }
}

/// Builds the identifier data set of a C-FIND, C-GET or C-MOVE request (PS3.4 §C.4).
public enum QueryIdentifier {
    /// The multi-byte ISO 2022 terms (PS3.3 Table C.12-4) may not be value 1 of Specific Character
    /// Set (PS3.3 §C.12.1.1.2): given alone ("ISO 2022 IR 58"), they become value 2 after the
    /// default repertoire ("\ISO 2022 IR 58"), as DCMTK and every PACS expect.
    public static func normalized(characterSet: String) -> String {
        let terms = characterSet.split(separator: "\\", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let multiByte: Set<String> = ["ISO 2022 IR 87", "ISO 2022 IR 159", "ISO 2022 IR 149", "ISO 2022 IR 58"]
        if let first = terms.first, multiByte.contains(first) { return "\\" + terms.joined(separator: "\\") }
        return characterSet
    }

    /// Query/Retrieve Level, the Specific Character Set (0008,0005) when given, then the keys, each
    /// value encoded in that character set (e.g. "GB18030", "ISO 2022 IR 58", "ISO_IR 192").
    public static func make(level: QueryLevel, keys: [QueryKey], characterSet: String? = nil) throws(QueryKeyError) -> DataSet {
        var ds = DataSet()
        let charset = normalized(characterSet: characterSet ?? "")
        if !charset.isEmpty { try? ds.set(Tag(0x0008, 0x0005), .CS, charset) }
        try? ds.set(Tag(0x0008, 0x0052), .CS, level.rawValue)
        for key in keys where key.tag != Tag(0x0008, 0x0052) && key.tag != Tag(0x0008, 0x0005) {
            if key.value.isEmpty {
                ds.insert(DataElement(tag: key.tag, vr: key.vr, value: key.vr == .SQ ? .sequence([]) : .bytes([])))
                continue
            }
            do { try ds.set(key.tag, key.vr, key.value) } catch {
                let name = DataDictionary.entry(for: key.tag)?.keyword ?? "\(key.tag)"
                throw .unrepresentable(key: name, characterSet: charset, reason: "\(error)")
            }
        }
        return ds
    }
}
