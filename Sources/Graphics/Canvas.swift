import CCairo

/// A drawing surface in millimetres (origin top-left, y down) over a Cairo context: one page of
/// a `PDFDocument` or a `RasterPage`. Shapes, text with per-run font fallback, images.
///
/// Thread-safety: a Cairo context is not thread-safe, so `Canvas` is not `Sendable`; it is
/// handed to a drawing closure and valid only inside it. Drawing errors are sticky in Cairo and
/// are reported when the page ends (`PDFDocument.addPage`, `RasterPage.draw`) or by `check()`.
public final class Canvas {
    let cr: OpaquePointer            // cairo_t*
    /// The page size in millimetres.
    public let size: Size
    public let fonts: FontLibrary

    /// `unitsPerMillimetre`: 72/25.4 for PDF points, pixels per mm for raster surfaces.
    init(surface: OpaquePointer, size: Size, unitsPerMillimetre: Double, fonts: FontLibrary, antialiasText: Bool) throws {
        guard let c = cairo_create(surface) else { throw GraphicsError.cairo(operation: "cairo_create", status: "no context") }
        cr = c
        self.size = size; self.fonts = fonts
        try GraphicsError.check(cairo_status(c), "cairo_create")
        cairo_scale(c, unitsPerMillimetre, unitsPerMillimetre)
        // Unhinted outlines and metrics: the same text measures the same in PDF and PNG.
        let o = cairo_font_options_create()
        cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_antialias(o, antialiasText ? CAIRO_ANTIALIAS_GRAY : CAIRO_ANTIALIAS_NONE)
        cairo_set_font_options(c, o)
        cairo_font_options_destroy(o)
    }

    deinit { cairo_destroy(cr) }

    /// Throws the context's sticky error, if any.
    public func check(_ operation: String = "drawing") throws {
        try GraphicsError.check(cairo_status(cr), operation)
    }

    // MARK: - Shapes

    func setColor(_ c: Color) { cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha) }

    /// Fills the whole page.
    public func fillPage(_ color: Color) {
        fillRect(Rect(x: 0, y: 0, width: size.width, height: size.height), color: color)
    }

    public func strokeLine(from a: Point, to b: Point, width: Double = 0.25, color: Color = .black) {
        cairo_new_path(cr)
        cairo_move_to(cr, a.x, a.y); cairo_line_to(cr, b.x, b.y)
        stroke(width: width, color: color)
    }

    public func fillRect(_ r: Rect, color: Color) {
        cairo_new_path(cr)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        setColor(color); cairo_fill(cr)
    }

    public func strokeRect(_ r: Rect, width: Double = 0.25, color: Color = .black) {
        cairo_new_path(cr)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        stroke(width: width, color: color)
    }

    public func fillCircle(center: Point, radius: Double, color: Color) {
        circlePath(center, radius)
        setColor(color); cairo_fill(cr)
    }

    public func strokeCircle(center: Point, radius: Double, width: Double = 0.25, color: Color = .black) {
        circlePath(center, radius)
        stroke(width: width, color: color)
    }

    /// Fills the ring between two radii (a disc with its hub hole), even-odd.
    public func fillRing(center: Point, outerRadius: Double, innerRadius: Double, color: Color) {
        cairo_new_path(cr)
        cairo_arc(cr, center.x, center.y, outerRadius, 0, 2 * Double.pi)
        cairo_new_sub_path(cr)
        cairo_arc(cr, center.x, center.y, innerRadius, 0, 2 * Double.pi)
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD)
        setColor(color); cairo_fill(cr)
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING)
    }

    /// Runs `body` with drawing clipped to a circle (e.g. the printable area of a disc).
    public func withClip<R>(circle center: Point, radius: Double, _ body: () throws -> R) rethrows -> R {
        cairo_save(cr)
        defer { cairo_restore(cr) }
        circlePath(center, radius)
        cairo_clip(cr)
        return try body()
    }

    /// Runs `body` with drawing clipped to a rectangle.
    public func withClip<R>(rect r: Rect, _ body: () throws -> R) rethrows -> R {
        cairo_save(cr)
        defer { cairo_restore(cr) }
        cairo_new_path(cr)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_clip(cr)
        return try body()
    }

    private func circlePath(_ c: Point, _ r: Double) {
        cairo_new_path(cr)
        cairo_arc(cr, c.x, c.y, r, 0, 2 * Double.pi)
        cairo_close_path(cr)
    }

    private func stroke(width: Double, color: Color) {
        cairo_set_line_width(cr, width)
        setColor(color)
        cairo_stroke(cr)
    }
}
