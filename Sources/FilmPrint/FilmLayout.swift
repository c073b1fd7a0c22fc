import Graphics

/// Where everything goes on one film, in millimetres from the film's top-left corner as it lies
/// (PORTRAIT or LANDSCAPE): the image boxes of the Image Display Format (PS3.3 C.13.8) in Image
/// Position order (C.13.5.1) and the annotation boxes of the Annotation Display Format (C.13.7).
///
/// Geometry comes from the printer profile: `marginMM` unprinted border round the image area
/// (printed at Border Density), `gapMM` between neighbouring boxes; an annotation strip of the
/// format's height at the top or bottom edge takes its height plus one gap from the image area.
public struct FilmLayout: Sendable, Equatable {
    public var page: Size
    /// Image box rectangles, index = Image Position − 1.
    public var imageBoxes: [Rect]
    /// Annotation box rectangles, index = Annotation Position − 1.
    public var annotationBoxes: [Rect]
    /// The annotation format's text size, points.
    public var annotationFontSize: Double

    public init(filmSize: FilmSize, orientation: FilmOrientation, format: ImageDisplayFormat,
                annotationFormat: PrinterProfile.AnnotationFormat?, marginMM: Double, gapMM: Double) throws {
        page = filmSize.pageSize(orientation)
        var area = Rect(x: marginMM, y: marginMM, width: page.width - 2 * marginMM, height: page.height - 2 * marginMM)
        annotationBoxes = []
        annotationFontSize = annotationFormat?.fontSize ?? 10
        if let a = annotationFormat, a.boxes > 0, a.heightMM > 0 {
            let stripY = a.edge == .top ? area.minY : area.maxY - a.heightMM
            let n = Double(a.boxes)
            let w = (area.width - (n - 1) * gapMM) / n
            annotationBoxes = (0 ..< a.boxes).map { i in
                Rect(x: area.minX + Double(i) * (w + gapMM), y: stripY, width: w, height: a.heightMM)
            }
            area.height -= a.heightMM + gapMM
            if a.edge == .top { area.y += a.heightMM + gapMM }
        }
        guard area.width > 0, area.height > 0 else {
            throw FilmPrintError.displayFormatTooLarge(format.description, limit: "no image area left on \(filmSize.id) after margins and annotations")
        }
        let a = area
        imageBoxes = format.cells().map { c in
            // k boxes across a length W with gaps g: each (W − (k−1)g)/k, the i-th at i·(W + g)/k.
            Rect(x: a.minX + c.x * (a.width + gapMM), y: a.minY + c.y * (a.height + gapMM),
                 width: c.w * (a.width + gapMM) - gapMM, height: c.h * (a.height + gapMM) - gapMM)
        }
        guard imageBoxes.allSatisfy({ $0.width > 0 && $0.height > 0 }) else {
            throw FilmPrintError.displayFormatTooLarge(format.description, limit: "boxes would vanish on \(filmSize.id) with \(gapMM) mm gaps")
        }
    }
}

/// A rectangle on the printer's pixel grid: [x0, x1) × [y0, y1).
public struct PixelRect: Sendable, Hashable {
    public var x0: Int, y0: Int, x1: Int, y1: Int
    public init(x0: Int, y0: Int, x1: Int, y1: Int) { self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1 }
    public var width: Int { x1 - x0 }
    public var height: Int { y1 - y0 }

    /// The pixels whose centres lie in `r` (mm) at `dpi`: edges rounded to the nearest pixel boundary.
    public init(_ r: Rect, dpi: Double) {
        let k = dpi / Size.millimetresPerInch
        x0 = Int((r.minX * k).rounded()); x1 = Int((r.maxX * k).rounded())
        y0 = Int((r.minY * k).rounded()); y1 = Int((r.maxY * k).rounded())
    }

    func clamped(width w: Int, height h: Int) -> PixelRect {
        PixelRect(x0: max(0, min(x0, w)), y0: max(0, min(y0, h)), x1: max(0, min(x1, w)), y1: max(0, min(y1, h)))
    }
}

extension ImageDisplayFormat {
    /// The image box rectangles of this format on a film, mm, in Image Position order, with the
    /// profile's margin and gaps and no annotation strip (see `FilmLayout` for one with annotations).
    public func boxRects(filmSize: FilmSize, orientation: FilmOrientation, profile: PrinterProfile) throws -> [Rect] {
        try FilmLayout(filmSize: filmSize, orientation: orientation, format: self, annotationFormat: nil,
                       marginMM: profile.marginMM, gapMM: profile.gapMM).imageBoxes
    }
}
