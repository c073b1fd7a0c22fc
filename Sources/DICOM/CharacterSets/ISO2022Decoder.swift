/// How a set of ISO 2022 terms (including single-term sets such as "ISO_IR 100", which are the
/// same machinery with no escape sequences) starts and what it may designate.
struct ISO2022Configuration: Sendable, Equatable {
    /// G0 at the start of a value and after every delimiter: ASCII, or JIS X 0201 Romaji for IR 13.
    var initialG0: GraphicSet
    /// G1 at the start of a value and after every delimiter (value 1's G1, or none).
    var initialG1: GraphicSet?
    /// Used for bytes 0x80–0xFF while nothing is designated to G1 (writers that omit the escape
    /// sequence): the first G1 set among the terms. When nil, such bytes are read as Latin-1.
    var fallbackG1: GraphicSet?
    /// Sets the encoder may designate, in the order of the terms.
    var designations: [GraphicSet]
    /// The (0008,0005) value, for error messages.
    var name: String
}

/// Decodes ISO 2022 text (PS3.5 §6.1.2.5): parses escape sequences itself and hands each run
/// of bytes to the right converter: JIS X 0208/0212 in G0 → +0x80 → EUC-JP; KS X 1001 and
/// GB 2312 in G1 (high bit already set) → EUC-KR / EUC-CN; single-byte G1 sets → tables.
enum ISO2022Decoder {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, configuration c: ISO2022Configuration, vr: VR) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 3)
        var g0 = c.initialG0
        var g1 = c.initialG1
        let isPN = vr == .PN
        let multiValued = vr.allowsBackslashSeparatedValues

        var run: [UInt8] = []          // pending multi-byte characters in EUC form
        var runCharset = ""            // iconv name for `run`
        func flush() {
            if !run.isEmpty {
                run.withUnsafeBufferPointer { _ = IconvConverter.decode($0, from: runCharset, into: &out) }
                run.removeAll(keepingCapacity: true)
            }
        }
        func appendToRun(_ charset: String, _ b: UInt8...) {
            if runCharset != charset { flush(); runCharset = charset }
            run.append(contentsOf: b)
        }

        let n = bytes.count
        var i = 0
        while i < n {
            let b = bytes[i]
            if b == 0x1B {                                   // ESC: designation
                flush()
                var j = i + 1
                while j < n, bytes[j] >= 0x20, bytes[j] <= 0x2F { j += 1 }
                if j < n, bytes[j] >= 0x30, bytes[j] <= 0x7E {
                    if let set = GraphicSet.fromEscape(Array(bytes[(i + 1)...j])) {
                        if set.isG0 { g0 = set } else { g1 = set }
                    }
                    i = j + 1                                // unknown sequences are dropped
                } else {
                    i = j                                    // malformed: drop ESC and intermediates
                }
                continue
            }
            if b < 0x80 {
                if g0.isMultiByte, b >= 0x21, b <= 0x7E {     // two 7-bit bytes in G0
                    if i + 1 < n, bytes[i + 1] >= 0x21, bytes[i + 1] <= 0x7E {
                        if g0 == .jisX0212 {
                            appendToRun("EUC-JP", 0x8F, b | 0x80, bytes[i + 1] | 0x80)
                        } else {
                            appendToRun("EUC-JP", b | 0x80, bytes[i + 1] | 0x80)
                        }
                        i += 2
                    } else {
                        flush(); out.append(contentsOf: IconvConverter.replacement); i += 1
                    }
                    continue
                }
                flush()
                // Single-byte G0 (or space/control while G0 is double-byte). Delimiters switch
                // back to value 1's sets (PS3.5 §6.1.2.5.3); a double-byte G0 never gets here
                // for '^', '=' or '\', which are then parts of characters.
                if b < 0x20 || (isPN && (b == 0x5E || b == 0x3D)) || (multiValued && b == 0x5C) {
                    g0 = c.initialG0
                    g1 = c.initialG1
                }
                out.append(b)
                i += 1
                continue
            }
            // 0x80–0xFF: G1 (GR).
            switch g1 ?? c.fallbackG1 {
            case .ksX1001?:
                appendToRun("EUC-KR", b)
            case .gb2312?:
                appendToRun("EUC-CN", b)
            case .singleByte(let cs)?:
                flush()
                if let s = SingleByteTable.table(cs).decode[Int(b) - 0x80] { IconvConverter.appendUTF8(s, &out) }
                else { out.append(contentsOf: IconvConverter.replacement) }
            case .katakana?:
                flush()
                if b >= 0xA1, b <= 0xDF { IconvConverter.appendUTF8(Unicode.Scalar(0xFF61 + UInt32(b) - 0xA1)!, &out) }
                else { out.append(contentsOf: IconvConverter.replacement) }
            default:                                         // nothing designated: Latin-1
                flush()
                IconvConverter.appendUTF8(Unicode.Scalar(b), &out)
            }
            i += 1
        }
        flush()
        return String(decoding: out, as: UTF8.self)
    }
}
