/// Splits text into runs by font coverage: each character goes to the first family of
/// `families` whose font has a glyph for it, else to any installed font that has one
/// (fontconfig's sorted fallback), so mixed Latin and Chinese in one string renders every glyph.
/// Spaces, combining marks and invisible format characters stay in the current run when its
/// font has them; tabs and line breaks become spaces and other control characters are dropped
/// (text is drawn one line at a time).
///
/// No shaping is done (Cairo's toy text API): right for Latin, Greek, Cyrillic and CJK, not for
/// Arabic or Indic scripts.
///
/// Thread-safety: a value type over a `Sendable` `FontLibrary`; use freely from any thread.
public struct FontResolver: Sendable {
    public var library: FontLibrary
    /// Preferred families, most preferred first.
    public var families: [String]
    public var weight: FontWeight

    public init(library: FontLibrary, families: [String] = FontLibrary.defaultFamilies, weight: FontWeight = .regular) {
        self.library = library; self.families = families; self.weight = weight
    }

    /// The runs of `text`. Throws `GraphicsError.noFontCovers` naming every character that no
    /// installed font covers, its script and the Debian package to install.
    public func runs(for text: String) throws -> [TextRun] {
        var runs: [TextRun] = []
        var current: (cand: FontLibrary.Candidate, scalars: String.UnicodeScalarView)? = nil
        var missing: [UInt32] = []
        func flush() {
            if let c = current, !c.scalars.isEmpty { runs.append(TextRun(text: String(c.scalars), font: c.cand.font, face: c.cand.face)) }
            current = nil
        }
        for raw in text.unicodeScalars {
            var s = raw
            if s == "\t" || s == "\n" || s == "\r" || s == "\u{2028}" || s == "\u{2029}" { s = " " }
            if s.properties.generalCategory == .control { continue }
            if let cur = current, Self.joinsCurrentRun(s), cur.cand.covers(s.value) {
                current!.scalars.append(s)
                continue
            }
            guard let cand = try library.candidate(covering: s.value, families: families, weight: weight) else {
                if Self.joinsCurrentRun(s) && s != " " { continue }   // an invisible format character: skip it
                if !missing.contains(s.value) { missing.append(s.value) }
                continue
            }
            if let cur = current, cur.cand === cand {
                current!.scalars.append(s)
            } else {
                flush()
                current = (cand, String.UnicodeScalarView([s]))
            }
        }
        flush()
        if !missing.isEmpty {
            var scripts: [String] = [], packages: [String] = []
            for c in missing {
                let sc = ScriptHint.script(of: c)
                if !scripts.contains(sc) { scripts.append(sc) }
                if let p = ScriptHint.debianPackage(for: c), !packages.contains(p) { packages.append(p) }
            }
            throw GraphicsError.noFontCovers(characters: missing, scripts: scripts, packages: packages, text: text)
        }
        return runs
    }

    /// Whether the text can be drawn: the characters no installed font covers (empty when all are).
    public func uncoveredCharacters(in text: String) throws -> [Unicode.Scalar] {
        do { _ = try runs(for: text); return [] } catch GraphicsError.noFontCovers(let chars, _, _, _) {
            return chars.compactMap(Unicode.Scalar.init)
        }
    }

    /// Characters that do not start a run of their own: spaces, combining marks, joiners and
    /// variation selectors.
    static func joinsCurrentRun(_ s: Unicode.Scalar) -> Bool {
        if s == " " || s == "\u{00A0}" || s == "\u{3000}" { return true }
        switch s.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark, .format: return true
        default: return s.properties.isDefaultIgnorableCodePoint || s.properties.isVariationSelector
        }
    }
}
