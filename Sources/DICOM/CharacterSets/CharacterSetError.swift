/// Why a string could not be encoded with a Specific Character Set.
public enum CharacterSetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `character` is not in any character set named by `characterSet` (the (0008,0005) value).
    case unrepresentable(character: Character, characterSet: String, vr: VR)
    /// The VR is not affected by Specific Character Set (PS3.5 §6.1.2.3): only the default
    /// repertoire (ASCII) is allowed, e.g. in CS, AE, DA, UI.
    case defaultRepertoireOnly(character: Character, vr: VR)
    /// The character is a control code that would change the meaning of ISO 2022 text (ESC).
    case forbiddenControlCharacter(character: Character, characterSet: String, vr: VR)
    /// The C library's iconv has no converter for `charset` (installation lacks gconv modules).
    case converterUnavailable(charset: String)

    private static func show(_ c: Character) -> String {
        let codes = c.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(4) }
        let printable = c.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
        return (printable ? "'\(c)' " : "") + "(" + codes.joined(separator: " ") + ")"
    }

    public var description: String {
        switch self {
        case let .unrepresentable(c, cs, vr):
            let name = cs.isEmpty ? "the default repertoire (ISO_IR 6)" : "Specific Character Set '\(cs)'"
            return "Cannot encode \(Self.show(c)) in a \(vr) value with \(name). "
                + "Write the data set with Specific Character Set 'ISO_IR 192' (UTF-8; "
                + "SpecificCharacterSet.suggested(for:) picks it), or add a term that covers this character."
        case let .defaultRepertoireOnly(c, vr):
            return "Cannot encode \(Self.show(c)) in a \(vr) value: \(vr) allows only the default "
                + "repertoire (ASCII) whatever Specific Character Set says (PS3.5 6.1.2.3). "
                + "Put the text in an SH, LO, ST, LT, UC, UT or PN element, or transliterate it."
        case let .forbiddenControlCharacter(c, cs, vr):
            return "Cannot encode \(Self.show(c)) in a \(vr) value with Specific Character Set '\(cs)': "
                + "ESC is reserved for ISO 2022 escape sequences. Remove it from the text."
        case let .converterUnavailable(charset):
            return "The C library's iconv cannot convert \(charset) on this system. "
                + "Install the glibc gconv modules (Debian: libc6 provides /usr/lib/x86_64-linux-gnu/gconv), "
                + "or write the data set as 'ISO_IR 192' (UTF-8)."
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
