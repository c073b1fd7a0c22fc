/// How text is drawn: fonts (by family preference), size in points, weight, colour.
public struct TextStyle: Sendable, Hashable {
    public var families: [String]
    /// Font size in PostScript points (1/72 inch), as in word processors.
    public var size: Double
    public var weight: FontWeight
    public var color: Color

    public init(families: [String] = FontLibrary.defaultFamilies, size: Double, weight: FontWeight = .regular, color: Color = .black) {
        self.families = families; self.size = size; self.weight = weight; self.color = color
    }

    /// The same style at another size.
    public func sized(_ s: Double) -> TextStyle { var t = self; t.size = s; return t }
}

public enum TextAlignment: String, Sendable, Hashable, Codable {
    case left, center, right
}

/// What to do when text is wider than its box.
public enum TextFit: Sendable, Hashable {
    /// Draw it anyway (it overflows).
    case overflow
    /// Shrink the font down to `minimumSize` points, then cut it with "…".
    case shrink(minimumSize: Double)
    /// Cut it with "…" at the end at the given size.
    case ellipsize
}

/// Measured text: width of the advance and the fonts' vertical extents, in millimetres.
public struct TextMetrics: Sendable, Hashable {
    public var width: Double
    public var ascent: Double
    public var descent: Double
}

/// What `Canvas.drawText(_:in:…)` actually drew.
public struct DrawnText: Sendable, Hashable {
    /// The text drawn (shorter than asked, ending in "…", when it was ellipsized).
    public var text: String
    /// The size used, in points (smaller than asked when it was shrunk).
    public var size: Double
    public var width: Double
    /// The fonts used, one per run.
    public var fonts: [ResolvedFont]
    public var wasShrunk: Bool
    public var wasEllipsized: Bool
}
