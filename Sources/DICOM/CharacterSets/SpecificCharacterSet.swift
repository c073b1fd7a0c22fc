/// Specific Character Set (0008,0005): how the text of SH, LO, ST, LT, UC, UT and PN values is
/// encoded (PS3.3 C.12.1.1.2, PS3.5 §6.1).
///
/// Supported both ways: the default repertoire (ISO_IR 6); ISO_IR 100, 101, 109, 110, 144, 127,
/// 126, 138, 148, 203, 13, 166; ISO_IR 192 (UTF-8); GB18030; GBK; and with code extensions
/// ISO 2022 IR 6, 100, 101, 109, 110, 144, 127, 126, 138, 148, 203, 13, 166, 87, 159, 149, 58.
///
/// Decoding is lenient and never traps:
/// - trailing padding (spaces, NULs) is removed; leading spaces are kept;
/// - bytes a defined character set lacks, or invalid multi-byte sequences, become U+FFFD;
/// - bytes 0x80–0xFF where nothing is designated to G1 — in the default repertoire, or in ISO
///   2022 text that omits the escape sequence — are read with the first G1 set among the terms,
///   or as Latin-1 (ISO_IR 100) when there is none, as pydicom does;
/// - VRs not affected by Specific Character Set (CS, AE, DA, UI, …) are read as the default
///   repertoire (ASCII, Latin-1 fallback);
/// - JIS X 0201 Romaji (G0 of ISO_IR 13) is read as ASCII so 0x5C stays the value delimiter;
/// - escape sequences are honoured even for sets not named in the terms; unknown ones are dropped.
///
/// Callers split values on '\' and PN components on '^' and '=' *after* decoding a whole
/// value: in GBK and GB18030 those bytes can be the second byte of a Chinese character.
///
/// Conversions of multi-byte sets go through glibc iconv with pooled descriptors; ASCII text
/// and ISO_IR 192 never touch iconv, and single-byte sets use tables built once.
public struct SpecificCharacterSet: Sendable, Equatable, CustomStringConvertible {
    /// The terms, in order, spelled as defined terms where a misspelling was recognised
    /// ("ISO-IR 100" → "ISO_IR 100"); an empty first term (as in "\ISO 2022 IR 87") is kept.
    /// Empty for the default repertoire written as an empty or absent (0008,0005).
    public let terms: [String]
    /// Terms that name no character set this type knows; they are ignored.
    public let unknownTerms: [String]
    private let mode: Mode

    private enum Mode: Sendable, Equatable {
        case iso2022(ISO2022Configuration)
        case utf8
        case iconv(String)   // GB18030, GBK: whole values through iconv
    }

    /// From the raw value of (0008,0005), e.g. "ISO_IR 100", "\\ISO 2022 IR 87",
    /// "ISO 2022 IR 6\\ISO 2022 IR 58", "GB18030", "GBK", "ISO_IR 192".
    /// Empty or missing → default repertoire (ISO_IR 6). Unknown terms: lenient — keep going
    /// with what is known, record them in `unknownTerms`.
    public init(_ rawValue: String) {
        self.init(terms: rawValue.split(separator: "\\", omittingEmptySubsequences: false).map(String.init))
    }

    public init(terms rawTerms: [String]) {
        var trimmed = rawTerms.map(Self.trim)
        if trimmed.allSatisfy(\.isEmpty) { trimmed = [] }
        var names: [String] = []
        var unknown: [String] = []
        var kinds: [CharacterSetTerm?] = []
        for t in trimmed {
            if t.isEmpty { names.append(t); kinds.append(nil); continue }
            if let canonical = CharacterSetTerm.canonicalName(t) {
                names.append(canonical); kinds.append(CharacterSetTerm.definedTerms[canonical])
            } else {
                names.append(t); kinds.append(nil); unknown.append(t)
            }
        }
        terms = names
        unknownTerms = unknown
        mode = Self.resolve(kinds, name: names.joined(separator: "\\"))
    }

    private static func trim(_ s: String) -> String {
        var u = Substring(s).unicodeScalars
        while let f = u.first, f == " " || f == "\0" { u.removeFirst() }
        while let l = u.last, l == " " || l == "\0" { u.removeLast() }
        return String(u)
    }

    private static func resolve(_ kinds: [CharacterSetTerm?], name: String) -> Mode {
        // Stand-alone sets cannot be combined with others (PS3.5 6.1.2.5.4); leniently, the
        // first one wins if a writer combined them anyway.
        for k in kinds {
            switch k {
            case .utf8?: return .utf8
            case .gb18030?: return .iconv("GB18030")
            case .gbk?: return .iconv("GBK")
            default: continue
            }
        }
        var initialG0 = GraphicSet.ascii
        var initialG1: GraphicSet? = nil
        if case .iso2022(let g0, let g1, _)? = kinds.first ?? nil {
            if let g0, !g0.isMultiByte { initialG0 = g0 }
            initialG1 = g1
        }
        var designations: [GraphicSet] = []
        for case .iso2022(let g0, let g1, _)? in kinds {
            for set in [g0, g1].compactMap({ $0 }) where set != .ascii && set != .jisRoman {
                if !designations.contains(set) { designations.append(set) }
            }
        }
        let fallback = initialG1 ?? designations.first(where: { !$0.isG0 })
        return .iso2022(ISO2022Configuration(initialG0: initialG0, initialG1: initialG1, fallbackG1: fallback,
                                             designations: designations, name: name))
    }

    public static let `default` = SpecificCharacterSet(terms: [])

    /// True when only the default repertoire (ASCII) is named: no terms, or only "",
    /// "ISO_IR 6" and "ISO 2022 IR 6". Unknown terms make it false.
    public var isDefaultRepertoire: Bool {
        terms.allSatisfy { $0.isEmpty || $0 == "ISO_IR 6" || $0 == "ISO 2022 IR 6" }
    }

    /// The value to write in (0008,0005).
    public var description: String { terms.joined(separator: "\\") }

    // MARK: Decoding

    /// Decode a value's bytes (as stored, trailing padding included or not) to Unicode.
    /// For PN, escape-sequence state resets at each '^' and '=' (PS3.5 §6.1.2.5.3); for other
    /// text VRs at CR/LF/FF/TAB and '\' (for multi-valued VRs) — only while G0 holds a
    /// single-byte set, so double-byte characters are never split.
    /// Never traps: invalid bytes become U+FFFD (see the type's notes for the Latin-1 fallback).
    public func decode(_ bytes: some Collection<UInt8>, vr: VR) -> String {
        if let s = bytes.withContiguousStorageIfAvailable({ decode(buffer: $0, vr: vr) }) { return s }
        return Array(bytes).withUnsafeBufferPointer { decode(buffer: $0, vr: vr) }
    }

    private func decode(buffer raw: UnsafeBufferPointer<UInt8>, vr: VR) -> String {
        var end = raw.count
        while end > 0, raw[end - 1] == 0x20 || raw[end - 1] == 0x00 { end -= 1 }
        let buf = UnsafeBufferPointer(rebasing: raw[0..<end])
        var plain = true
        for b in buf where b >= 0x80 || b == 0x1B { plain = false; break }
        if plain { return String(decoding: buf, as: UTF8.self) }   // ASCII fast path

        guard vr.usesSpecificCharacterSet else { return Self.latin1(buf) }
        switch mode {
        case .utf8:
            return String(decoding: buf, as: UTF8.self)
        case .iconv(let charset):
            var out: [UInt8] = []
            out.reserveCapacity(buf.count * 2)
            IconvConverter.decode(buf, from: charset, into: &out)
            return String(decoding: out, as: UTF8.self)
        case .iso2022(let configuration):
            return ISO2022Decoder.decode(buf, configuration: configuration, vr: vr)
        }
    }

    private static func latin1(_ buf: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(buf.count * 2)
        for b in buf { IconvConverter.appendUTF8(Unicode.Scalar(b), &out) }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Encoding

    /// Encode for writing, without padding. For ISO 2022 sets, emits the escape sequences
    /// (IR 87 in G0 with ESC $ B, IR 159 ESC $ ( D, IR 13 katakana ESC ) I, IR 149 ESC $ ) C,
    /// IR 58 ESC $ ) A, single-byte sets ESC - F) and switches back to value 1's sets before
    /// delimiters and at the end of the value (PS3.5 §6.1.2.5.3).
    /// Throws `CharacterSetError` when a character cannot be represented.
    public func encode(_ string: String, vr: VR) throws -> [UInt8] {
        let utf8 = string.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            if case .iso2022(let c) = mode, vr.usesSpecificCharacterSet, utf8.contains(0x1B) {
                throw CharacterSetError.forbiddenControlCharacter(character: "\u{1B}", characterSet: c.name, vr: vr)
            }
            return Array(utf8)
        }
        guard vr.usesSpecificCharacterSet else {
            let c = string.first(where: { !$0.isASCII })!
            throw CharacterSetError.defaultRepertoireOnly(character: c, vr: vr)
        }
        switch mode {
        case .utf8:
            return Array(utf8)
        case .iconv(let charset):
            let bytes = Array(utf8)
            let result = bytes.withUnsafeBufferPointer { IconvConverter.encode($0, to: charset) }
            switch result {
            case .converted(let out):
                return out
            case .unrepresentable(let offset):
                var position = 0
                var ch: Character = "?"
                for scalar in string.unicodeScalars {
                    position += UTF8.width(scalar)
                    if position > offset { ch = Character(scalar); break }
                }
                throw CharacterSetError.unrepresentable(character: ch, characterSet: description, vr: vr)
            case .unavailable:
                throw CharacterSetError.converterUnavailable(charset: charset)
            }
        case .iso2022(let configuration):
            return try ISO2022Encoder.encode(string, configuration: configuration, vr: vr)
        }
    }

    /// The best Specific Character Set value to write a string set with: the default
    /// repertoire ("") when all strings are ASCII, else "ISO_IR 192" (UTF-8), which holds every
    /// character and needs no escape sequences.
    public static func suggested(for strings: [String]) -> SpecificCharacterSet {
        strings.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) ? .default : SpecificCharacterSet("ISO_IR 192")
    }
}
