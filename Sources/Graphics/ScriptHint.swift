/// Names the Unicode script of a character and the Debian font package that covers it, for
/// `GraphicsError.noFontCovers` (block ranges from the Unicode Character Database Blocks.txt).
public enum ScriptHint {
    /// (first, last, script, Debian package or nil when no font package helps).
    static let ranges: [(UInt32, UInt32, String, String?)] = [
        (0x0000, 0x024F, "Latin", "fonts-dejavu-core"),
        (0x0250, 0x036F, "IPA and combining marks", "fonts-dejavu-core"),
        (0x0370, 0x03FF, "Greek", "fonts-dejavu-core"),
        (0x0400, 0x052F, "Cyrillic", "fonts-dejavu-core"),
        (0x0530, 0x058F, "Armenian", "fonts-dejavu-core"),
        (0x0590, 0x05FF, "Hebrew", "fonts-dejavu-core"),
        (0x0600, 0x06FF, "Arabic", "fonts-noto-core"),
        (0x0900, 0x097F, "Devanagari", "fonts-noto-core"),
        (0x0E00, 0x0E7F, "Thai", "fonts-thai-tlwg"),
        (0x10A0, 0x10FF, "Georgian", "fonts-dejavu-core"),
        (0x1100, 0x11FF, "Hangul", "fonts-wqy-microhei"),
        (0x1E00, 0x1EFF, "Latin Extended Additional", "fonts-dejavu-core"),
        (0x1F00, 0x1FFF, "Greek Extended", "fonts-dejavu-core"),
        (0x2000, 0x2BFF, "punctuation and symbols", "fonts-dejavu-core"),
        (0x2E80, 0x2FFF, "CJK radicals", "fonts-wqy-microhei"),
        (0x3000, 0x303F, "CJK punctuation", "fonts-wqy-microhei"),
        (0x3040, 0x309F, "Hiragana", "fonts-wqy-microhei"),
        (0x30A0, 0x30FF, "Katakana", "fonts-wqy-microhei"),
        (0x3100, 0x31FF, "Bopomofo and Hangul compatibility", "fonts-wqy-microhei"),
        (0x3200, 0x33FF, "CJK compatibility", "fonts-wqy-microhei"),
        (0x3400, 0x4DBF, "Han (CJK Extension A)", "fonts-noto-cjk"),
        (0x4E00, 0x9FFF, "Han (CJK Unified Ideographs)", "fonts-wqy-microhei"),
        (0xAC00, 0xD7AF, "Hangul syllables", "fonts-wqy-microhei"),
        (0xE000, 0xF8FF, "Private Use Area", nil),
        (0xF900, 0xFAFF, "Han (CJK Compatibility Ideographs)", "fonts-wqy-microhei"),
        (0xFF00, 0xFFEF, "full-width forms", "fonts-wqy-microhei"),
        (0x1F300, 0x1FAFF, "Emoji", "fonts-noto-color-emoji"),
        (0x20000, 0x3134F, "Han (CJK Extensions B–G)", "fonts-hanazono"),
        (0xF0000, 0x10FFFF, "Supplementary Private Use Area", nil),
    ]

    /// The script (or block) name of a code point, e.g. "Han (CJK Unified Ideographs)".
    public static func script(of c: UInt32) -> String {
        ranges.first { c >= $0.0 && c <= $0.1 }?.2 ?? "unassigned or rare block"
    }

    /// The Debian package with a font covering the code point, or nil when none would
    /// (private use, unknown blocks).
    public static func debianPackage(for c: UInt32) -> String? {
        ranges.first { c >= $0.0 && c <= $0.1 }?.3
    }
}
