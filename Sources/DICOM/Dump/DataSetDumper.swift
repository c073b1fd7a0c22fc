/// Prints a data set as text, one element per line, in the layout of DCMTK's `dcmdump`:
/// tag, VR, value, then `# length, multiplicity Keyword` (PS3.5 §7.1 terms).
public struct DataSetDumper: Sendable {
    /// Longest value text shown before it is cut with "...".
    public var maxValueLength: Int = 64
    public var showFileMeta = true

    public init(maxValueLength: Int = 64) { self.maxValueLength = maxValueLength }

    public func dump(_ file: DICOMFile) -> String {
        var out = "\n# Dicom-File-Format\n"
        if showFileMeta && !file.meta.isEmpty {
            out += "\n# Dicom-Meta-Information-Header\n# Used TransferSyntax: Little Endian Explicit\n"
            dump(file.meta, depth: 0, into: &out)
        }
        out += "\n# Dicom-Data-Set\n# Used TransferSyntax: \(file.transferSyntax.name)\n"
        dump(file.dataSet, depth: 0, into: &out)
        if let stopped = file.stoppedAt { out += "# (reading stopped before \(stopped))\n" }
        return out
    }

    public func dump(_ dataSet: DataSet, depth: Int, into out: inout String) {
        for e in dataSet.elements { dump(e, in: dataSet, depth: depth, into: &out) }
    }

    private func line(_ depth: Int, _ tag: Tag, _ vr: String, _ value: String, _ length: String, _ vm: String, _ name: String) -> String {
        let indent = String(repeating: "  ", count: depth)
        var left = indent + tag.description.lowercased() + " " + vr + " " + value
        let width = displayWidth(left)
        if width < 40 + indent.count * 2 { left += String(repeating: " ", count: 40 + indent.count * 2 - width) }
        let len = length.count < 4 ? String(repeating: " ", count: 4 - length.count) + length : length
        return left + " # " + len + ", " + vm + " " + name + "\n"
    }

    private func keyword(_ tag: Tag) -> String {
        if tag.isPrivateCreator { return "PrivateCreator" }
        if let entry = DataDictionary.entry(for: tag), !entry.keyword.isEmpty { return entry.keyword }
        return tag.isPrivate ? "PrivateTag" : "Unknown Tag & Data"
    }

    private func dump(_ e: DataElement, in ds: DataSet, depth: Int, into out: inout String) {
        let name = keyword(e.tag)
        switch e.value {
        case .sequence(let items):
            let kind = e.hasUndefinedLength ? "undefined" : "explicit"
            out += line(depth, e.tag, "SQ", "(Sequence with \(kind) length #=\(items.count))", e.hasUndefinedLength ? "u/l" : "\(DataSetEncoder(explicitVR: true, bigEndian: false).encodedLength(e) - 12)", "1", name)
            for item in items {
                out += line(depth + 1, .item, "na", "(Item with \(kind) length #=\(item.count))",
                            e.hasUndefinedLength ? "u/l" : "\(DataSetEncoder(explicitVR: true, bigEndian: false).itemContentLength(item))", "1", "Item")
                dump(item, depth: depth + 2, into: &out)
                if e.hasUndefinedLength {
                    out += line(depth + 1, .itemDelimitationItem, "na", "(ItemDelimitationItem)", "0", "0", "ItemDelimitationItem")
                }
            }
            if e.hasUndefinedLength {
                out += line(depth, .sequenceDelimitationItem, "na", "(SequenceDelimitationItem)", "0", "0", "SequenceDelimitationItem")
            }
        case .encapsulated(let enc):
            out += line(depth, e.tag, e.vr.code, "(PixelSequence #=\(enc.fragments.count + 1))", "u/l", "1", name)
            out += line(depth + 1, .item, "pi", hexBytes(enc.basicOffsetTable, limit: maxValueLength), "\(enc.basicOffsetTable.count)", "1", "Item")
            for f in enc.fragments {
                out += line(depth + 1, .item, "pi", hexBytes(f, limit: maxValueLength), "\(f.count)", "1", "Item")
            }
            out += line(depth, .sequenceDelimitationItem, "na", "(SequenceDelimitationItem)", "0", "0", "SequenceDelimitationItem")
        case .bulk(let ref):
            out += line(depth, e.tag, e.vr.code, ref.isEncapsulated ? "(PixelSequence, not loaded)" : "(not loaded)",
                        ref.isEncapsulated ? "u/l" : "\(ref.length)", "1", name)
        case .bytes(let b):
            let (text, vm) = format(e, bytes: b, in: ds)
            out += line(depth, e.tag, e.vr.code, text, "\(b.count + (b.count & 1))", "\(vm)", name)
        }
    }

    /// The value text and multiplicity of an element held as bytes.
    public func format(_ e: DataElement, bytes b: [UInt8], in ds: DataSet) -> (String, Int) {
        if b.isEmpty { return ("(no value available)", 0) }
        let vr = e.vr
        if vr.isString {
            let text = vr.usesSpecificCharacterSet ? ds.specificCharacterSet.decode(b, vr: vr)
                                                   : String(decoding: b, as: UTF8.self)
            var shown = text
            while let last = shown.unicodeScalars.last, last == " " || last == "\0" { shown.unicodeScalars.removeLast() }
            let vm = vr.allowsBackslashSeparatedValues ? shown.split(separator: "\\", omittingEmptySubsequences: false).count : 1
            return ("[" + cut(shown) + "]", vm)
        }
        switch vr {
        case .US, .SS, .UL, .SL, .SV, .UV:
            let n = b.count / vr.wordSize
            let values = (0 ..< min(n, 32)).compactMap { NumericValues.int(b, vr: vr, index: $0) }.map(String.init)
            return (cut(values.joined(separator: "\\") + (n > 32 ? "\\..." : "")), n)
        case .FL, .FD:
            let n = b.count / vr.wordSize
            let values = (0 ..< min(n, 32)).compactMap { NumericValues.double(b, vr: vr, index: $0) }.map { formatDouble($0) }
            return (cut(values.joined(separator: "\\")), n)
        case .AT:
            let tags = AttributeTagValue.decode(b) ?? []
            return (cut(tags.map { $0.description.lowercased() }.joined(separator: "\\")), tags.count)
        case .OW:
            let n = b.count / 2
            let words = (0 ..< min(n, 40)).map { i in hex4(UInt16(b[2 * i]) | UInt16(b[2 * i + 1]) << 8).lowercased() }
            return (cut(words.joined(separator: "\\")), 1)
        default:
            return (hexBytes(b, limit: maxValueLength), 1)
        }
    }

    private func cut(_ s: String) -> String {
        s.count > maxValueLength ? String(s.prefix(maxValueLength)) + "..." : s
    }

    private func hexBytes(_ b: [UInt8], limit: Int) -> String {
        if b.isEmpty { return "(no value available)" }
        let shown = b.prefix(limit / 3 + 1).map { hex2($0) }.joined(separator: "\\")
        return shown.count > limit || b.count > limit / 3 + 1 ? String(shown.prefix(limit)) + "..." : shown
    }
}

func hex2(_ v: UInt8) -> String {
    let d = Array("0123456789abcdef".utf8)
    return String(decoding: [d[Int(v >> 4)], d[Int(v & 0xF)]], as: UTF8.self)
}

/// Shortest text that reads back as the same Double ("1.5", "0.1", "1e-07").
func formatDouble(_ d: Double) -> String {
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return "\(d)"
}

/// Columns a string takes in a terminal: East Asian wide and full-width characters take two
/// (Unicode UAX #11), so Chinese names keep the comment column aligned.
func displayWidth(_ s: String) -> Int {
    var w = 0
    for u in s.unicodeScalars {
        switch u.value {
        case 0x1100 ... 0x115F, 0x2E80 ... 0x303E, 0x3041 ... 0x33FF, 0x3400 ... 0x4DBF, 0x4E00 ... 0x9FFF,
             0xA000 ... 0xA4CF, 0xAC00 ... 0xD7A3, 0xF900 ... 0xFAFF, 0xFE30 ... 0xFE4F, 0xFF00 ... 0xFF60,
             0xFFE0 ... 0xFFE6, 0x20000 ... 0x3FFFD:
            w += 2
        default:
            w += 1
        }
    }
    return w
}
