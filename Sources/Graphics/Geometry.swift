/// Page geometry in millimetres: canvases draw in millimetres from the top-left corner, y down,
/// whatever the surface (PDF points or pixels at a DPI).
public struct Point: Sendable, Hashable, Codable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) { self.x = x; self.y = y }
}

public struct Size: Sendable, Hashable, Codable {
    public var width: Double
    public var height: Double
    public init(width: Double, height: Double) { self.width = width; self.height = height }

    /// 1 inch = 25.4 mm; 1 PostScript point = 1/72 inch.
    public static let millimetresPerPoint = 25.4 / 72
    public static let millimetresPerInch = 25.4

    /// Sizes from the standards and disc media.
    public static let a4 = Size(width: 210, height: 297)
    public static let usLetter = Size(width: 215.9, height: 279.4)
    /// A 120 mm disc (CD, DVD, BD: ECMA-130 / ECMA-267) on a square page.
    public static let disc = Size(width: 120, height: 120)
    /// The front insert of a standard CD jewel case.
    public static let caseInsert = Size(width: 120, height: 120)
}

public struct Rect: Sendable, Hashable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    public var minX: Double { x }
    public var minY: Double { y }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var center: Point { Point(x: x + width / 2, y: y + height / 2) }

    /// The rectangle shrunk by `d` on every side.
    public func insetBy(_ d: Double) -> Rect { Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }
}

/// A colour with components 0…1 (device RGB; grey when all three are equal).
public struct Color: Sendable, Hashable, Codable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double
    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha
    }

    /// Grey: 0 black, 1 white.
    public static func gray(_ v: Double, alpha: Double = 1) -> Color { Color(red: v, green: v, blue: v, alpha: alpha) }
    public static let black = Color.gray(0)
    public static let white = Color.gray(1)
}
