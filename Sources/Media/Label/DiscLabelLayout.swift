import Foundation
import Graphics

/// A disc label / case insert layout as data (`Layouts/disc-label.json`, format in
/// Layouts/README.md): pages of a physical size in millimetres, each a list of elements (text
/// boxes with `{field}` templates, a study list, circles, rectangles, lines). Font sizes are in
/// points, everything else in millimetres from the page's top-left corner.
public struct DiscLabelLayout: Codable, Sendable, Equatable {
    public var version: Int
    /// Font families in order of preference; text is split into runs by coverage.
    public var fontFamilies: [String]
    public var pages: [Page]

    public struct Page: Codable, Sendable, Equatable {
        public var name: String
        public var width: Double
        public var height: Double
        public var elements: [Element]
    }

    public enum ElementType: String, Codable, Sendable {
        /// One line of text in `box` from the `text` template; skipped when every field in it is empty.
        case text
        /// One line per study from the `text` template, `lineHeight` apart, at most `maxLines`
        /// (the last line then says how many more studies there are).
        case studies
        case circle, rectangle, line
    }

    public enum Fit: String, Codable, Sendable {
        case shrink, ellipsize, overflow
    }

    public struct Element: Codable, Sendable, Equatable {
        public var type: ElementType
        /// [x, y, width, height] for text, studies and rectangle.
        public var box: [Double]?
        /// [x, y] centre of a circle; start of a line.
        public var center: [Double]?
        public var diameter: Double?
        public var from: [Double]?
        public var to: [Double]?
        /// Template with `{field}` placeholders (DiscLabelFields lists them).
        public var text: String?
        /// Font size in points.
        public var size: Double?
        /// Smallest size `fit: shrink` may use (default: 60% of `size`).
        public var minSize: Double?
        public var bold: Bool?
        public var align: TextAlignment?
        public var fit: Fit?
        public var lineHeight: Double?
        public var maxLines: Int?
        /// Line width in mm for circle, rectangle and line (default 0.2).
        public var stroke: Double?
        /// Grey level 0 (black) … 1 (white) of text or strokes (default 0).
        public var gray: Double?
        /// Grey level to fill a circle or rectangle with.
        public var fill: Double?
    }

    /// Reads and checks a layout file.
    public static func load(from url: URL) throws -> DiscLabelLayout {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DiscLabelError.layoutMissing(path: url.path, searched: [])
        }
        let layout: DiscLabelLayout
        do {
            layout = try JSONDecoder().decode(DiscLabelLayout.self, from: Data(contentsOf: url))
        } catch let e as DecodingError {
            throw DiscLabelError.layoutMalformed(path: url.path, reason: Self.describe(e))
        } catch {
            throw DiscLabelError.layoutMalformed(path: url.path, reason: "\(error)")
        }
        if let problem = layout.problems().first { throw DiscLabelError.layoutMalformed(path: url.path, reason: problem) }
        return layout
    }

    /// `Layouts/disc-label.json` from the folder `LayoutsFolder` finds.
    public static func loadDefault(environment: [String: String] = ProcessInfo.processInfo.environment,
                                   executable: String? = CommandLine.arguments.first) throws -> DiscLabelLayout {
        let url: URL
        do { url = try LayoutsFolder.locate("disc-label.json", environment: environment, executable: executable) } catch GraphicsError.layoutNotFound(let f, let s) {
            throw DiscLabelError.layoutMissing(path: f, searched: s)
        }
        return try load(from: url)
    }

    /// Rule violations, each naming the page and element.
    public func problems() -> [String] {
        var out: [String] = []
        if version != 1 { out.append("version \(version) is not supported (expected 1)") }
        if pages.isEmpty { out.append("no pages") }
        for (pi, p) in pages.enumerated() {
            let at = "page \(pi + 1) (\(p.name))"
            if !(p.width > 0 && p.height > 0 && p.width < 2000 && p.height < 2000) {
                out.append("\(at): width and height must be 0…2000 mm")
            }
            for (ei, e) in p.elements.enumerated() {
                let where_ = "\(at) element \(ei + 1) (\(e.type.rawValue))"
                func need(_ ok: Bool, _ what: String) { if !ok { out.append("\(where_): \(what)") } }
                switch e.type {
                case .text, .studies:
                    need(e.box?.count == 4, "needs box [x, y, width, height]")
                    need(e.text != nil, "needs a text template")
                    need((e.size ?? 0) > 0, "needs a positive font size in points")
                    if e.type == .studies {
                        need((e.lineHeight ?? 0) > 0, "needs a positive lineHeight in mm")
                        need((e.maxLines ?? 0) > 0, "needs maxLines ≥ 1")
                    }
                    if let t = e.text {
                        let allowed = e.type == .studies ? DiscLabelFields.studyFields : DiscLabelFields.labelFields
                        for f in DiscLabelFields.placeholders(in: t) where !allowed.contains(f) {
                            out.append("\(where_): unknown field {\(f)}; known: \(allowed.sorted().joined(separator: ", "))")
                        }
                    }
                case .circle:
                    need(e.center?.count == 2, "needs center [x, y]")
                    need((e.diameter ?? 0) > 0, "needs a positive diameter in mm")
                case .rectangle:
                    need(e.box?.count == 4, "needs box [x, y, width, height]")
                case .line:
                    need(e.from?.count == 2 && e.to?.count == 2, "needs from [x, y] and to [x, y]")
                }
            }
        }
        return out
    }

    static func describe(_ e: DecodingError) -> String {
        func path(_ c: [CodingKey]) -> String {
            c.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch e {
        case .dataCorrupted(let c): return "not valid JSON at \(path(c.codingPath)): \(c.underlyingError.map { "\($0)" } ?? c.debugDescription)"
        case .keyNotFound(let k, let c): return "missing \"\(k.stringValue)\" at \(path(c.codingPath))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "\(c.debugDescription) at \(path(c.codingPath))"
        @unknown default: return "\(e)"
        }
    }
}
