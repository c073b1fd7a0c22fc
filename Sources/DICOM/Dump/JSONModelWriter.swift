/// Writes a data set in the DICOM JSON Model (PS3.18 §F.2): an object keyed by "GGGGEEEE" with
/// "vr" and "Value" (or "InlineBinary", "BulkDataURI") for each element.
public struct JSONModelWriter: Sendable {
    /// Pretty-print with two-space indentation.
    public var pretty: Bool
    public init(pretty: Bool = true) { self.pretty = pretty }

    public func json(_ dataSet: DataSet) -> String {
        var out = ""
        write(dataSet, depth: 0, into: &out)
        return out
    }

    private func nl(_ depth: Int) -> String { pretty ? "\n" + String(repeating: "  ", count: depth) : "" }

    private func write(_ ds: DataSet, depth: Int, into out: inout String) {
        out += "{"
        var first = true
        for e in ds.elements where !e.tag.isGroupLength || e.tag.group == 0x0002 {
            if !first { out += "," }
            first = false
            out += nl(depth + 1) + "\"" + e.tag.jsonKey + "\":" + (pretty ? " " : "")
            write(e, in: ds, depth: depth + 1, into: &out)
        }
        out += first ? "}" : nl(depth) + "}"
    }

    private func write(_ e: DataElement, in ds: DataSet, depth: Int, into out: inout String) {
        let sp = pretty ? " " : ""
        out += "{" + "\"vr\":" + sp + "\"" + e.vr.code + "\""
        switch e.value {
        case .sequence(let items):
            if !items.isEmpty {
                out += "," + sp + "\"Value\":" + sp + "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += "," }
                    out += nl(depth + 1)
                    write(item, depth: depth + 1, into: &out)
                }
                out += nl(depth) + "]"
            }
        case .encapsulated(let enc):
            // PS3.18 §F.2.7: encapsulated pixel data is represented inline as its fragments' bytes
            // in the encapsulated form (item tags included).
            var raw: [UInt8] = []
            for item in [enc.basicOffsetTable] + enc.fragments {
                raw += [0xFE, 0xFF, 0x00, 0xE0]
                let n = UInt32(item.count + (item.count & 1))
                raw += [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)]
                raw += item
                if item.count & 1 == 1 { raw.append(0) }
            }
            raw += [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]
            out += "," + sp + "\"InlineBinary\":" + sp + "\"" + base64(raw) + "\""
        case .bulk(let ref):
            out += "," + sp + "\"BulkDataURI\":" + sp + "\"" + escape("file://" + ref.path) + "?offset=\(ref.offset)&length=\(ref.length)\""
        case .bytes(let b):
            if b.isEmpty { break }
            if let values = values(e, b, ds) {
                if !values.isEmpty { out += "," + sp + "\"Value\":" + sp + "[" + values.joined(separator: "," + sp) + "]" }
            } else {
                out += "," + sp + "\"InlineBinary\":" + sp + "\"" + base64(b) + "\""
            }
        }
        out += "}"
    }

    /// JSON texts of the values, or nil for binary VRs written as InlineBinary.
    private func values(_ e: DataElement, _ b: [UInt8], _ ds: DataSet) -> [String]? {
        let vr = e.vr
        switch vr {
        case .PN:
            return ds.strings(e.tag).map { value in
                let groups = value.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
                var parts: [String] = []
                for (i, key) in ["Alphabetic", "Ideographic", "Phonetic"].enumerated() where i < groups.count && !groups[i].isEmpty {
                    parts.append("\"\(key)\":\"" + escape(groups[i]) + "\"")
                }
                return "{" + parts.joined(separator: ",") + "}"
            }
        case .IS, .DS:
            return ds.strings(e.tag).map { v in
                if v.isEmpty { return "null" }
                if vr == .IS, let i = IntegerString.parse(v) { return String(i) }
                if vr == .DS, let d = DecimalString.parse(v), d.isFinite { return formatDouble(d) }
                return "\"" + escape(v) + "\""   // Lenient: unparseable numbers kept as text
            }
        case .AT:
            return (AttributeTagValue.decode(b) ?? []).map { "\"" + $0.jsonKey + "\"" }
        case .US, .SS, .UL, .SL, .SV, .UV:
            return (0 ..< b.count / vr.wordSize).compactMap { NumericValues.int(b, vr: vr, index: $0) }.map(String.init)
        case .FL, .FD:
            return (0 ..< b.count / vr.wordSize).compactMap { NumericValues.double(b, vr: vr, index: $0) }
                .map { $0.isFinite ? formatDouble($0) : "\"\($0)\"" }
        default:
            if vr.isString {
                return ds.strings(e.tag).map { $0.isEmpty ? "null" : "\"" + escape($0) + "\"" }
            }
            return nil
        }
    }

    private func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += "\\u" + hex4(UInt16(u.value)).lowercased() } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}

/// Standard base64 (RFC 4648) as PS3.18 §F.2.7 InlineBinary requires.
func base64(_ bytes: [UInt8]) -> String {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out = [UInt8]()
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i + 2 < bytes.count {
        let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
        out += [table[Int(v >> 18 & 63)], table[Int(v >> 12 & 63)], table[Int(v >> 6 & 63)], table[Int(v & 63)]]
        i += 3
    }
    let rest = bytes.count - i
    if rest == 1 {
        let v = UInt32(bytes[i]) << 16
        out += [table[Int(v >> 18 & 63)], table[Int(v >> 12 & 63)], 61, 61]
    } else if rest == 2 {
        let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
        out += [table[Int(v >> 18 & 63)], table[Int(v >> 12 & 63)], table[Int(v >> 6 & 63)], 61]
    }
    return String(decoding: out, as: UTF8.self)
}
