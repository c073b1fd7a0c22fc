/// A PN (Person Name) value (PS3.5 §6.2, §6.2.1).
///
/// A PN value has up to three component groups separated by `=` — alphabetic, ideographic
/// and phonetic — each with up to five components separated by `^`:
/// family name, given name, middle name, name prefix, name suffix (PS3.5 §6.2.1.1).
/// `Yamada^Tarou=山田^太郎=やまだ^たろう` is the PS3.5 example.
///
/// Parse only **decoded** text: in GBK/GB18030 (and other multi-byte character sets) the
/// bytes 0x5C ('\') and 0x5E ('^') can be trail bytes of a character, so splitting raw
/// bytes on delimiters corrupts names. Decode with the Specific Character Set first.
public struct PersonName: Sendable, Hashable, CustomStringConvertible {
    /// One component group: family^given^middle^prefix^suffix (PS3.5 §6.2.1.1).
    public struct ComponentGroup: Sendable, Hashable {
        public var familyName: String
        public var givenName: String
        public var middleName: String
        public var namePrefix: String
        public var nameSuffix: String

        public init(familyName: String = "", givenName: String = "", middleName: String = "",
                    namePrefix: String = "", nameSuffix: String = "") {
            self.familyName = familyName; self.givenName = givenName; self.middleName = middleName
            self.namePrefix = namePrefix; self.nameSuffix = nameSuffix
        }

        /// Splits one group's text on `^`. Spaces around each component are dropped
        /// (PS3.5 §6.2: trailing spaces of a PN value are insignificant; padding around
        /// components carries no meaning).
        // Lenient: more than five components (not allowed by §6.2.1.1) are kept by folding the
        // extra ones into `nameSuffix`, separated by spaces, rather than losing them.
        public init(_ text: some StringProtocol) {
            var parts = text.split(separator: "^", omittingEmptySubsequences: false)
                .map { PersonName.trimSpaces(Substring($0)) }
            if parts.count > 5 {
                let extra = parts[4...].filter { !$0.isEmpty }.joined(separator: " ")
                parts = Array(parts[..<4]) + [extra]
            }
            while parts.count < 5 { parts.append("") }
            self.init(familyName: parts[0], givenName: parts[1], middleName: parts[2],
                      namePrefix: parts[3], nameSuffix: parts[4])
        }

        /// The five components in PN order.
        public var components: [String] { [familyName, givenName, middleName, namePrefix, nameSuffix] }

        /// True when every component is empty.
        public var isEmpty: Bool { components.allSatisfy(\.isEmpty) }

        /// The group re-formed with `^`, trailing empty components dropped
        /// (PS3.5 §6.2.1.1: "null components ... trailing ^ may be omitted").
        public var dicomString: String {
            var c = components
            while let last = c.last, last.isEmpty { c.removeLast() }
            return c.joined(separator: "^")
        }

        /// Display form: prefix, family, given, middle, suffix, separated by spaces, except
        /// that no space is put between two CJK characters (`王^小东` → `王小东`).
        public var formatted: String {
            var out = ""
            for part in [namePrefix, familyName, givenName, middleName, nameSuffix] where !part.isEmpty {
                if let last = out.unicodeScalars.last, let first = part.unicodeScalars.first,
                   !(PersonName.isCJK(last) && PersonName.isCJK(first)) {
                    out += " "
                }
                out += part
            }
            return out
        }
    }

    /// Which component group to read.
    public enum Representation: Sendable, Hashable, CaseIterable {
        case alphabetic, ideographic, phonetic
    }

    public var alphabetic: ComponentGroup
    public var ideographic: ComponentGroup
    public var phonetic: ComponentGroup

    public init(alphabetic: ComponentGroup = .init(), ideographic: ComponentGroup = .init(),
                phonetic: ComponentGroup = .init()) {
        self.alphabetic = alphabetic; self.ideographic = ideographic; self.phonetic = phonetic
    }

    /// Parses an already decoded PN value (one value: split multi-valued text on `\` first).
    /// Trailing spaces and NULs are ignored.
    // Lenient: groups beyond the third (not allowed by §6.2.1) are ignored.
    public init(_ decoded: String) {
        var text = Substring(decoded)
        while let last = text.last, last == " " || last == "\0" { text.removeLast() }
        let groups = text.split(separator: "=", maxSplits: 3, omittingEmptySubsequences: false)
        self.init(alphabetic: ComponentGroup(groups[0]),
                  ideographic: groups.count > 1 ? ComponentGroup(groups[1]) : .init(),
                  phonetic: groups.count > 2 ? ComponentGroup(groups[2]) : .init())
    }

    public subscript(_ representation: Representation) -> ComponentGroup {
        switch representation {
        case .alphabetic: return alphabetic
        case .ideographic: return ideographic
        case .phonetic: return phonetic
        }
    }

    /// True when all three groups are empty.
    public var isEmpty: Bool { alphabetic.isEmpty && ideographic.isEmpty && phonetic.isEmpty }

    /// The PN encoding (before character-set encoding): groups joined with `=`, trailing
    /// empty components and trailing empty groups dropped (PS3.5 §6.2.1.1), leading and
    /// middle empty groups kept (`=王^小東`).
    public var dicomString: String {
        var g = [alphabetic.dicomString, ideographic.dicomString, phonetic.dicomString]
        while let last = g.last, last.isEmpty { g.removeLast() }
        return g.joined(separator: "=")
    }

    /// Display form of the first non-empty group in `order` (default: alphabetic, then
    /// ideographic, then phonetic). See `ComponentGroup.formatted`.
    public func formatted(preferring order: [Representation] = [.alphabetic, .ideographic, .phonetic]) -> String {
        for r in order where !self[r].isEmpty { return self[r].formatted }
        return ""
    }

    /// Display form for folder names and film annotations: `Family Given Middle` (with prefix
    /// before and suffix after), from the alphabetic group, else the ideographic, else the
    /// phonetic one. CJK names are joined without spaces (`王小东`).
    public var formatted: String { formatted() }

    /// The DICOM form (`dicomString`).
    public var description: String { dicomString }

    // MARK: Helpers

    static func trimSpaces(_ s: Substring) -> String {
        var t = s
        while let f = t.first, f == " " { t.removeFirst() }
        while let l = t.last, l == " " { t.removeLast() }
        return String(t)
    }

    /// Han ideographs, kana and Hangul: scripts written without spaces between
    /// family and given names.
    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x1100...0x11FF,    // Hangul Jamo
             0x2E80...0x2FDF,    // CJK radicals, Kangxi radicals
             0x3005...0x3007,    // 々 〆 〇
             0x3040...0x30FF,    // Hiragana, Katakana
             0x3130...0x318F,    // Hangul compatibility Jamo
             0x3400...0x4DBF,    // CJK Extension A
             0x4E00...0x9FFF,    // CJK Unified Ideographs
             0xAC00...0xD7AF,    // Hangul syllables
             0xF900...0xFAFF,    // CJK compatibility ideographs
             0xFF66...0xFF9F,    // half-width Katakana
             0x20000...0x3FFFF:  // CJK Extensions B–H
            return true
        default:
            return false
        }
    }
}
