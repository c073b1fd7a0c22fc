import CCairo

/// Font weight asked of fontconfig (FC_WEIGHT). A family without a bold face gets its regular
/// face, emboldened by Cairo when fontconfig's configuration says so.
public enum FontWeight: String, Sendable, Codable, Hashable {
    case regular, bold

    var fcWeight: Int32 { self == .bold ? Int32(FC_WEIGHT_BOLD) : Int32(FC_WEIGHT_REGULAR) }
}

/// A font file that fontconfig chose: what was drawn with, for reports and tests.
public struct ResolvedFont: Sendable, Hashable, CustomStringConvertible {
    /// The family name as the font states it, e.g. "DejaVu Sans", "WenQuanYi Micro Hei".
    public var family: String
    /// e.g. "Book", "Bold", "Regular".
    public var style: String
    /// The font file and face index inside it (collections such as `.ttc` hold several).
    public var file: String
    public var index: Int

    public var description: String { "\(family) \(style) (\(file)#\(index))" }
}

/// A Cairo FreeType font face made from a fontconfig pattern. Cairo font faces are reference
/// counted and locked internally, so one face may be used by canvases on different threads.
final class FontFace: @unchecked Sendable {
    let pointer: OpaquePointer   // cairo_font_face_t*

    init(pattern: OpaquePointer) throws {
        guard let f = cairo_ft_font_face_create_for_pattern(pattern) else {
            throw GraphicsError.cairo(operation: "cairo_ft_font_face_create_for_pattern", status: "no face")
        }
        pointer = f
        try GraphicsError.check(cairo_font_face_status(f), "cairo_ft_font_face_create_for_pattern")
    }

    deinit { cairo_font_face_destroy(pointer) }
}

/// A stretch of text drawn with one font: what `FontResolver` splits text into.
public struct TextRun: Sendable {
    public var text: String
    public var font: ResolvedFont
    let face: FontFace
}
