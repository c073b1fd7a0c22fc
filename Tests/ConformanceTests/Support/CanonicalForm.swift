import DICOM
import Foundation

/// The comparison form shared with Tests/Oracles/pydicom_canonical.py: per element the tag, the
/// stored value bytes (little endian), the decoded text for character-set VRs, or the items.
indirect enum CanonicalValue: Equatable, CustomStringConvertible {
    case value(raw: String, text: String?)
    /// Only the value as text (pydicom converted the element while reading).
    case textOnly(String)
    case sequence([[String: CanonicalValue]])

    var description: String {
        switch self {
        case .value(let raw, let text): return text.map { "\"\($0)\"" } ?? (raw.count > 80 ? String(raw.prefix(80)) + "…" : raw)
        case .sequence(let items): return "SQ(\(items.count) items)"
        case .textOnly(let t): return "\"\(t)\""
        }
    }
}

enum CanonicalForm {
    static let charsetVRs: Set<String> = ["SH", "LO", "ST", "LT", "UC", "UT", "PN"]

    /// Lightbox's reading of a data set.
    static func of(_ ds: DataSet) throws -> [String: CanonicalValue] {
        var out: [String: CanonicalValue] = [:]
        for e in ds.elements where e.tag.group != 0x7FE0 && e.tag.group != 0x0002 {
            switch e.value {
            case .sequence(let items):
                out[e.tag.jsonKey] = .sequence(try items.map { try of($0) })
            case .bytes(let b):
                var values = ds.strings(e.tag)
                // PS3.5 §6.2.1: trailing empty component groups are insignificant.
                if e.vr == .PN { values = values.map { v in var v = Substring(v); while v.hasSuffix("=") { v = v.dropLast() }; return String(v) } }
                let text: String? = e.vr.usesSpecificCharacterSet ? normalize(values.joined(separator: "\\")) : nil
                out[e.tag.jsonKey] = .value(raw: hex(b), text: text)
            case .bulk(let ref):
                out[e.tag.jsonKey] = .value(raw: hex(try ref.loadBytes()), text: nil)
            case .encapsulated:
                out[e.tag.jsonKey] = .value(raw: "<encapsulated>", text: nil)
            }
        }
        return out
    }

    /// Every element's value as text ("a\\b" for multiple values, numbers in decimal), keyed by
    /// the same paths `differences` reports, for comparing elements pydicom converted on reading.
    static func texts(_ ds: DataSet, path: String = "") -> [String: String] {
        var out: [String: String] = [:]
        for e in ds.elements {
            let key = path + e.tag.jsonKey
            switch e.value {
            case .sequence(let items):
                for (i, item) in items.enumerated() { out.merge(texts(item, path: "\(key)[\(i)].")) { a, _ in a } }
            case .bytes(let b):
                if e.vr.isString { out[key] = normalize(ds.strings(e.tag).joined(separator: "\\")) }
                else if e.vr.wordSize > 1 || e.vr == .US {
                    let n = b.count / max(e.vr.wordSize, 1)
                    let ints = (0 ..< n).compactMap { NumericValues.int(b, vr: e.vr, index: $0) }
                    out[key] = ints.map(String.init).joined(separator: "\\")
                }
            default: break
            }
        }
        return out
    }

    /// pydicom's reading, from the oracle's JSON.
    static func of(json elements: [[Any]]) -> [String: CanonicalValue] {
        var out: [String: CanonicalValue] = [:]
        for e in elements {
            let tag = e[0] as! String
            let vr = e[1] as! String
            if vr == "SQ" {
                let items = (e[4] as? [[[Any]]]) ?? []
                out[tag] = .sequence(items.map { of(json: $0) })
            } else if let raw = e[2] as? String {
                let text = (e[3] as? String).map(normalize)
                out[tag] = .value(raw: raw, text: charsetVRs.contains(vr) ? text : nil)
            } else {
                out[tag] = .textOnly(normalize(e[3] as? String ?? ""))
            }
        }
        return out
    }

    /// Trims insignificant padding of each backslash-separated value.
    static func normalize(_ s: String) -> String {
        s.split(separator: "\\", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \0")) }
            .joined(separator: "\\")
    }

    static func hex(_ b: [UInt8]) -> String {
        let d = Array("0123456789abcdef".utf8)
        var out = [UInt8](); out.reserveCapacity(b.count * 2)
        for x in b { out.append(d[Int(x >> 4)]); out.append(d[Int(x & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Differences between two canonical forms, as readable lines.
    static func differences(_ a: [String: CanonicalValue], _ b: [String: CanonicalValue], path: String = "",
                            texts: [String: String] = [:], ignoringTextOf ignored: Set<String> = []) -> [String] {
        var diffs: [String] = []
        for tag in Set(a.keys).union(b.keys).sorted() {
            let where_ = path + tag
            switch (a[tag], b[tag]) {
            case (nil, let y?): diffs.append("\(where_): only pydicom has it (\(y))")
            case (let x?, nil): diffs.append("\(where_): only Lightbox has it (\(x))")
            case (.sequence(let xs)?, .sequence(let ys)?):
                if xs.count != ys.count { diffs.append("\(where_): \(xs.count) items vs \(ys.count)"); continue }
                for (i, (x, y)) in zip(xs, ys).enumerated() {
                    diffs += differences(x, y, path: "\(where_)[\(i)].", texts: texts, ignoringTextOf: ignored)
                }
            case (.value(let r1, let t1)?, .value(let r2, let t2)?):
                if r1 != r2 { diffs.append("\(where_): bytes \(r1.prefix(60)) vs \(r2.prefix(60))") }
                else if t1 != t2 && !ignored.contains(tag) { diffs.append("\(where_): text \"\(t1 ?? "nil")\" vs \"\(t2 ?? "nil")\"") }
            case (.value(_, _)?, .textOnly(let t)?):
                let ours = texts[where_] ?? ""
                if ours != t { diffs.append("\(where_): value \"\(ours)\" vs \"\(t)\"") }
            case (let x?, let y?): diffs.append("\(where_): \(x) vs \(y)")
            case (nil, nil): break
            }
        }
        return diffs
    }
}
