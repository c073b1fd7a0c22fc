/// The graphic character sets that DICOM designates to the G0 or G1 code element with
/// ISO/IEC 2022 escape sequences (PS3.3 C.12.1.1.2, Tables C.12-2 to C.12-4).
enum GraphicSet: Sendable, Hashable {
    /// ISO-IR 6 (ASCII) in G0: `ESC ( B`.
    case ascii
    /// ISO-IR 14 (JIS X 0201 Romaji) in G0: `ESC ( J`. Decoded and encoded as ASCII, so that
    /// 0x5C stays the DICOM value delimiter (as DCMTK and pydicom do).
    case jisRoman
    /// ISO-IR 87 (JIS X 0208 kanji) in G0: `ESC $ B`, two 7-bit bytes per character.
    case jisX0208
    /// ISO-IR 159 (JIS X 0212 supplementary kanji) in G0: `ESC $ ( D`.
    case jisX0212
    /// A 96-character single-byte set in G1 (ISO 8859 right halves, TIS 620): `ESC - F`.
    case singleByte(SingleByteCharset)
    /// ISO-IR 13 (JIS X 0201 Katakana) in G1: `ESC ) I`.
    case katakana
    /// ISO-IR 149 (KS X 1001 Korean) in G1: `ESC $ ) C`, two bytes with the high bit set.
    case ksX1001
    /// ISO-IR 58 (GB 2312 Chinese) in G1: `ESC $ ) A`, two bytes with the high bit set.
    case gb2312

    /// The escape sequence that designates this set (without the leading ESC).
    var escapeSequence: [UInt8] {
        switch self {
        case .ascii: return [0x28, 0x42]                // ( B
        case .jisRoman: return [0x28, 0x4A]             // ( J
        case .jisX0208: return [0x24, 0x42]             // $ B
        case .jisX0212: return [0x24, 0x28, 0x44]       // $ ( D
        case .singleByte(let cs): return [0x2D, cs.escapeFinalByte]   // - F
        case .katakana: return [0x29, 0x49]             // ) I
        case .ksX1001: return [0x24, 0x29, 0x43]        // $ ) C
        case .gb2312: return [0x24, 0x29, 0x41]         // $ ) A
        }
    }

    /// True for the sets invoked in G0 (GL, bytes 0x21–0x7E), false for G1 (GR, 0xA0–0xFF).
    var isG0: Bool {
        switch self {
        case .ascii, .jisRoman, .jisX0208, .jisX0212: return true
        default: return false
        }
    }

    /// Two bytes per character.
    var isMultiByte: Bool {
        switch self {
        case .jisX0208, .jisX0212, .ksX1001, .gb2312: return true
        default: return false
        }
    }

    /// Recognises the bytes after ESC (intermediates and final byte) of a designation.
    /// Lenient: also accepts `$ @` and `$ ( B` for JIS X 0208 as some writers emit them.
    static func fromEscape(_ seq: [UInt8]) -> GraphicSet? {
        switch seq {
        case [0x28, 0x42]: return .ascii
        case [0x28, 0x4A]: return .jisRoman
        case [0x24, 0x42], [0x24, 0x40], [0x24, 0x28, 0x42]: return .jisX0208
        case [0x24, 0x28, 0x44]: return .jisX0212
        case [0x29, 0x49]: return .katakana
        case [0x24, 0x29, 0x43]: return .ksX1001
        case [0x24, 0x29, 0x41]: return .gb2312
        default:
            if seq.count == 2, seq[0] == 0x2D, let cs = SingleByteCharset(escapeFinalByte: seq[1]) {
                return .singleByte(cs)
            }
            return nil
        }
    }
}

/// The single-byte 96-character sets used as G1 (their G0 is always ASCII).
enum SingleByteCharset: Int, Sendable, Hashable, CaseIterable {
    case latin1, latin2, latin3, latin4, cyrillic, arabic, greek, hebrew, latin5, latin9, thai

    /// The glibc iconv name of the 8-bit charset whose right half this set is.
    var iconvName: String {
        switch self {
        case .latin1: return "ISO-8859-1"
        case .latin2: return "ISO-8859-2"
        case .latin3: return "ISO-8859-3"
        case .latin4: return "ISO-8859-4"
        case .cyrillic: return "ISO-8859-5"
        case .arabic: return "ISO-8859-6"
        case .greek: return "ISO-8859-7"
        case .hebrew: return "ISO-8859-8"
        case .latin5: return "ISO-8859-9"
        case .latin9: return "ISO-8859-15"
        case .thai: return "TIS-620"
        }
    }

    /// Final byte of `ESC - F` (PS3.3 Table C.12-3).
    var escapeFinalByte: UInt8 {
        switch self {
        case .latin1: return 0x41    // A  ISO-IR 100
        case .latin2: return 0x42    // B  ISO-IR 101
        case .latin3: return 0x43    // C  ISO-IR 109
        case .latin4: return 0x44    // D  ISO-IR 110
        case .cyrillic: return 0x4C  // L  ISO-IR 144
        case .arabic: return 0x47    // G  ISO-IR 127
        case .greek: return 0x46     // F  ISO-IR 126
        case .hebrew: return 0x48    // H  ISO-IR 138
        case .latin5: return 0x4D    // M  ISO-IR 148
        case .latin9: return 0x62    // b  ISO-IR 203
        case .thai: return 0x54      // T  ISO-IR 166
        }
    }

    init?(escapeFinalByte f: UInt8) {
        guard let cs = SingleByteCharset.allCases.first(where: { $0.escapeFinalByte == f }) else { return nil }
        self = cs
    }
}

/// How one defined term of Specific Character Set (0008,0005) encodes text.
enum CharacterSetTerm: Sendable, Equatable {
    /// A term in the ISO/IEC 2022 framework: what it designates to G0 and G1.
    /// `codeExtensions` is true for the "ISO 2022 …" terms, which allow escape sequences.
    case iso2022(g0: GraphicSet?, g1: GraphicSet?, codeExtensions: Bool)
    /// ISO_IR 192: UTF-8, no code extensions.
    case utf8
    /// GB18030, no code extensions.
    case gb18030
    /// GBK, no code extensions.
    case gbk

    /// Defined terms, PS3.3 Tables C.12-2 (single-byte, no extensions), C.12-3 (single-byte with
    /// extensions), C.12-4 (multi-byte with extensions) and C.12-5 (multi-byte, no extensions).
    static let definedTerms: [String: CharacterSetTerm] = {
        var t: [String: CharacterSetTerm] = [:]
        let singleByte: [(Int, SingleByteCharset)] = [
            (100, .latin1), (101, .latin2), (109, .latin3), (110, .latin4), (144, .cyrillic),
            (127, .arabic), (126, .greek), (138, .hebrew), (148, .latin5), (203, .latin9), (166, .thai),
        ]
        t["ISO_IR 6"] = .iso2022(g0: .ascii, g1: nil, codeExtensions: false)
        t["ISO 2022 IR 6"] = .iso2022(g0: .ascii, g1: nil, codeExtensions: true)
        for (ir, cs) in singleByte {
            t["ISO_IR \(ir)"] = .iso2022(g0: .ascii, g1: .singleByte(cs), codeExtensions: false)
            t["ISO 2022 IR \(ir)"] = .iso2022(g0: .ascii, g1: .singleByte(cs), codeExtensions: true)
        }
        t["ISO_IR 13"] = .iso2022(g0: .jisRoman, g1: .katakana, codeExtensions: false)
        t["ISO 2022 IR 13"] = .iso2022(g0: .jisRoman, g1: .katakana, codeExtensions: true)
        t["ISO 2022 IR 87"] = .iso2022(g0: .jisX0208, g1: nil, codeExtensions: true)
        t["ISO 2022 IR 159"] = .iso2022(g0: .jisX0212, g1: nil, codeExtensions: true)
        t["ISO 2022 IR 149"] = .iso2022(g0: nil, g1: .ksX1001, codeExtensions: true)
        t["ISO 2022 IR 58"] = .iso2022(g0: nil, g1: .gb2312, codeExtensions: true)
        t["ISO_IR 192"] = .utf8
        t["GB18030"] = .gb18030
        t["GBK"] = .gbk
        return t
    }()

    /// Defined terms keyed by their letters and digits only, for lenient matching of misspellings
    /// seen in the wild ("ISO-IR 100", "ISO_IR100", "iso 2022 ir 87", "ISO IR 192").
    private static let compactKeys: [String: String] = {
        var k: [String: String] = [:]
        for term in definedTerms.keys { k[compact(term)] = term }
        k["UTF8"] = "ISO_IR 192"
        k["ISO2022GBK"] = "GBK"          // CP 1234 draft spelling
        k["ISO202258"] = "ISO 2022 IR 58" // CP 1234 draft spelling
        return k
    }()

    private static func compact(_ s: String) -> String {
        String(String.UnicodeScalarView(s.uppercased().unicodeScalars.filter {
            ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9")
        }))
    }

    /// The defined term a (possibly misspelled) value names, or nil if unknown.
    static func canonicalName(_ value: String) -> String? {
        if definedTerms[value] != nil { return value }
        return compactKeys[compact(value)]
    }
}
