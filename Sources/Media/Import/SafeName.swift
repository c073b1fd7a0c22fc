import Foundation

/// Makes one path component safe on every file system a received medium may be copied to
/// (ext4, APFS, NTFS, FAT, exFAT): no separators (`/`, `\`), no `..` or leading dot, no NUL or
/// control characters, none of the characters Windows refuses (`<>:"|?*`), no reserved Windows
/// device names (CON, PRN, AUX, NUL, COM1–9, LPT1–9, with or without extension), no trailing dot
/// or space, and at most `maxBytes` UTF-8 bytes, cut on a character boundary. Letters of any
/// script (Chinese included) are kept as they are, in Unicode NFC.
public enum SafeName {
    /// Longest component in UTF-8 bytes (NTFS and ext4 allow 255; 100 leaves room for suffixes).
    public static let maxBytes = 100

    private static let reserved: Set<String> = {
        var s: Set<String> = ["CON", "PRN", "AUX", "NUL"]
        for n in 1...9 { s.insert("COM\(n)"); s.insert("LPT\(n)") }
        return s
    }()

    /// `text` made safe as one component, or `fallback` when nothing usable is left.
    public static func component(_ text: String, fallback: String, maxBytes: Int = SafeName.maxBytes) -> String {
        var out = ""
        var lastWasSpace = false
        for ch in text.precomposedStringWithCanonicalMapping {
            var c = ch
            if ch.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format && $0.value < 0x2000 }) || ch.isNewline {
                c = " "
            } else if "/\\<>:\"|?*".contains(ch) {
                c = "_"
            } else if ch.isWhitespace {
                c = " "
            }
            if c == " " {
                if lastWasSpace || out.isEmpty { continue }
                lastWasSpace = true
            } else {
                lastWasSpace = false
            }
            // No runs of dots: ".." never survives inside a name either.
            if c == ".", out.last == "." { continue }
            out.append(c)
        }
        out = trim(out)
        // Cut on a character boundary.
        if out.utf8.count > maxBytes {
            var cut = ""
            for ch in out {
                if cut.utf8.count + String(ch).utf8.count > maxBytes { break }
                cut.append(ch)
            }
            out = trim(cut)
        }
        if out.isEmpty { return fallback }
        let base = out.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? out
        if reserved.contains(base.trimmingCharacters(in: .whitespaces).uppercased()) { out = "_" + out }
        return out
    }

    /// No leading dots or spaces (hidden files, and `.`/`..`), no trailing dots or spaces (Windows drops them).
    private static func trim(_ s: String) -> String {
        var t = Substring(s)
        while let f = t.first, f == "." || f == " " { t = t.dropFirst() }
        while let l = t.last, l == "." || l == " " { t = t.dropLast() }
        return String(t)
    }
}
