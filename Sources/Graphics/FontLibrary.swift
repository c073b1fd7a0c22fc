import CCairo
import Foundation

/// The fonts Lightbox draws with: a private fontconfig configuration (the system's fonts plus
/// Lightbox's `Fonts/` folder, added with `FcConfigAppFontAddDir`, and its `fonts.conf`), the
/// fonts matched per family, and their Cairo faces.
///
/// Thread-safety: fontconfig objects are not thread-safe, so every fontconfig call goes through
/// one lock; the class is therefore `Sendable` and one library (e.g. `FontLibrary.shared()`)
/// can serve any number of canvases on any threads. Matches and faces are cached for the
/// library's lifetime.
public final class FontLibrary: @unchecked Sendable {
    /// Latin first, then CJK: the families `scripts/install-deps.sh` installs
    /// (fonts-dejavu-core, fonts-wqy-microhei).
    public static let defaultFamilies = ["DejaVu Sans", "WenQuanYi Micro Hei"]

    /// The `Fonts/` folder added to the configuration, if one was found or given.
    public let fontsFolder: URL?

    private let config: OpaquePointer          // FcConfig*
    private let lock = NSLock()
    private var families: [String: Candidate?] = [:]
    private var fallbacks: [FontWeight: [Candidate]] = [:]
    private var uncoverable: Set<UInt32> = []

    /// A matched font: its prepared pattern (owning the charset) and Cairo face.
    final class Candidate: @unchecked Sendable {
        let font: ResolvedFont
        let pattern: OpaquePointer             // FcPattern*, owned
        let charset: OpaquePointer             // FcCharSet*, owned by `pattern`
        let face: FontFace

        init(pattern: OpaquePointer, charset: OpaquePointer, font: ResolvedFont) throws {
            self.pattern = pattern; self.charset = charset; self.font = font
            face = try FontFace(pattern: pattern)
        }

        func covers(_ c: UInt32) -> Bool { FcCharSetHasChar(charset, c) != 0 }

        deinit { FcPatternDestroy(pattern) }
    }

    /// A library over the system's fonts plus `fontsFolder` (its font files and, when present,
    /// its `fonts.conf`).
    public init(fontsFolder: URL?) throws {
        guard let c = FcInitLoadConfigAndFonts() else {
            throw GraphicsError.fontConfiguration(reason: "FcInitLoadConfigAndFonts failed; is the fontconfig package installed?")
        }
        config = c
        self.fontsFolder = fontsFolder
        if let folder = fontsFolder {
            let conf = folder.appendingPathComponent(FontsFolder.configurationFile).path
            if FileManager.default.fileExists(atPath: conf) {
                guard fcString(conf, { FcConfigParseAndLoad(c, $0, 1) }) != 0 else {
                    FcConfigDestroy(c)
                    throw GraphicsError.fontConfiguration(reason: "\(conf) is not a valid fontconfig file; fix it or remove it")
                }
            }
            guard fcString(folder.path, { FcConfigAppFontAddDir(c, $0) }) != 0 else {
                FcConfigDestroy(c)
                throw GraphicsError.fontConfiguration(reason: "cannot add font folder \(folder.path) (is it readable?)")
            }
        }
    }

    deinit {
        families.removeAll(); fallbacks.removeAll()
        FcConfigDestroy(config)
    }

    nonisolated(unsafe) private static var sharedLibrary: FontLibrary?
    private static let sharedLock = NSLock()

    /// The process-wide library over the system fonts and the `Fonts/` folder `FontsFolder.find()`
    /// locates. Made on first use.
    public static func shared() throws -> FontLibrary {
        sharedLock.lock(); defer { sharedLock.unlock() }
        if let l = sharedLibrary { return l }
        let l = try FontLibrary(fontsFolder: try FontsFolder.find())
        sharedLibrary = l
        return l
    }

    /// The font fontconfig gives for `family`, or nil when that family is not installed
    /// (fontconfig would silently substitute another; that is not accepted here, except for
    /// the generic names sans-serif, serif and monospace).
    public func font(family: String, weight: FontWeight = .regular) throws -> ResolvedFont? {
        try candidate(family: family, weight: weight)?.font
    }

    /// The first family of `families` whose font covers `character`, else any installed font
    /// that covers it, else nil.
    public func font(covering character: Unicode.Scalar, families: [String] = FontLibrary.defaultFamilies,
                     weight: FontWeight = .regular) throws -> ResolvedFont? {
        try candidate(covering: character.value, families: families, weight: weight)?.font
    }

    // MARK: - Internals (callers hold no lock; these take it)

    func candidate(family: String, weight: FontWeight) throws -> Candidate? {
        lock.lock(); defer { lock.unlock() }
        return try lockedCandidate(family: family, weight: weight)
    }

    func candidate(covering c: UInt32, families: [String], weight: FontWeight) throws -> Candidate? {
        lock.lock(); defer { lock.unlock() }
        for f in families {
            if let cand = try lockedCandidate(family: f, weight: weight), cand.covers(c) { return cand }
        }
        if uncoverable.contains(c) { return nil }
        if let cand = fallbacks[weight, default: []].first(where: { $0.covers(c) }) { return cand }
        if let cand = try lockedFallback(covering: c, weight: weight) {
            fallbacks[weight, default: []].append(cand)
            return cand
        }
        uncoverable.insert(c)
        return nil
    }

    private func lockedCandidate(family: String, weight: FontWeight) throws -> Candidate? {
        let key = "\(family.lowercased())|\(weight.rawValue)"
        if let cached = families[key] { return cached }
        let p = FcPatternCreate()!
        defer { FcPatternDestroy(p) }
        _ = fcString(family) { FcPatternAddString(p, FC_FAMILY, $0) }
        FcPatternAddInteger(p, FC_WEIGHT, weight.fcWeight)
        FcConfigSubstitute(config, p, FcMatchPattern)
        FcDefaultSubstitute(p)
        var result = FcResultNoMatch
        guard let m = FcFontMatch(config, p, &result) else { families[key] = .some(nil); return nil }
        let generic = ["sans-serif", "sans", "serif", "monospace"].contains(family.lowercased())
        guard generic || Self.strings(m, FC_FAMILY).contains(where: { $0.caseInsensitiveCompare(family) == .orderedSame }) else {
            FcPatternDestroy(m)
            families[key] = .some(nil)
            return nil
        }
        let cand = try makeCandidate(m)
        families[key] = cand
        return cand
    }

    private func lockedFallback(covering c: UInt32, weight: FontWeight) throws -> Candidate? {
        let p = FcPatternCreate()!
        defer { FcPatternDestroy(p) }
        _ = fcString("sans-serif") { FcPatternAddString(p, FC_FAMILY, $0) }
        FcPatternAddInteger(p, FC_WEIGHT, weight.fcWeight)
        let cs = FcCharSetCreate()!
        FcCharSetAddChar(cs, c)
        FcPatternAddCharSet(p, FC_CHARSET, cs)
        FcCharSetDestroy(cs)
        FcConfigSubstitute(config, p, FcMatchPattern)
        FcDefaultSubstitute(p)
        var result = FcResultNoMatch
        guard let set = FcFontSort(config, p, 1, nil, &result) else { return nil }
        defer { FcFontSetDestroy(set) }
        for i in 0 ..< Int(set.pointee.nfont) {
            guard let font = set.pointee.fonts[i] else { continue }
            var fcs: OpaquePointer? = nil
            guard FcPatternGetCharSet(font, FC_CHARSET, 0, &fcs) == FcResultMatch, let fcs, FcCharSetHasChar(fcs, c) != 0 else { continue }
            guard let prepared = FcFontRenderPrepare(config, p, font) else { continue }
            return try makeCandidate(prepared)
        }
        return nil
    }

    /// Takes ownership of a matched pattern.
    private func makeCandidate(_ m: OpaquePointer) throws -> Candidate? {
        var cs: OpaquePointer? = nil
        guard FcPatternGetCharSet(m, FC_CHARSET, 0, &cs) == FcResultMatch, let cs,
              let file = Self.strings(m, FC_FILE).first else {
            FcPatternDestroy(m)
            return nil
        }
        var index: Int32 = 0
        _ = FcPatternGetInteger(m, FC_INDEX, 0, &index)
        let font = ResolvedFont(family: Self.strings(m, FC_FAMILY).first ?? "?", style: Self.strings(m, FC_STYLE).first ?? "",
                                file: file, index: Int(index))
        do { return try Candidate(pattern: m, charset: cs, font: font) } catch { FcPatternDestroy(m); throw error }
    }

    static func strings(_ p: OpaquePointer, _ object: String) -> [String] {
        var out: [String] = []
        var i: Int32 = 0
        while true {
            var s: UnsafeMutablePointer<FcChar8>? = nil
            guard FcPatternGetString(p, object, i, &s) == FcResultMatch, let s else { break }
            out.append(String(cString: s))
            i += 1
        }
        return out
    }
}

/// Calls `body` with `s` as a NUL-terminated `FcChar8` string.
func fcString<R>(_ s: String, _ body: (UnsafePointer<FcChar8>) -> R) -> R {
    s.withCString { $0.withMemoryRebound(to: FcChar8.self, capacity: s.utf8.count + 1, body) }
}
