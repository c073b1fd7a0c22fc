import Foundation
import Graphics

/// Renders a `DiscLabel` as a PDF following a `DiscLabelLayout` (by default
/// `Layouts/disc-label.json`: page 1 the 120 mm disc with its 41 mm hub hole, page 2 the
/// 120 × 120 mm case insert), for `lightbox burn` (IHE PDI label content).
///
///     let composer = try DiscLabelComposer()                 // default layout, shared fonts
///     let report = try composer.render(label, to: "/out/LABEL.PDF")
///
/// Thread-safety: a `Sendable` value; `render` may run on any task (each call has its own PDF).
public struct DiscLabelComposer: Sendable {
    public var layout: DiscLabelLayout
    public var fonts: FontLibrary
    /// The zone the creation date is printed in.
    public var timeZone: TimeZone

    public init(layout: DiscLabelLayout, fonts: FontLibrary, timeZone: TimeZone = .current) {
        self.layout = layout; self.fonts = fonts; self.timeZone = timeZone
    }

    /// The default layout (`DiscLabelLayout.loadDefault()`) and the shared font library.
    public init(timeZone: TimeZone = .current) throws {
        let layout = try DiscLabelLayout.loadDefault()
        let fonts: FontLibrary
        do { fonts = try FontLibrary.shared() } catch let g as GraphicsError { throw DiscLabelError.graphics(g) }
        self.init(layout: layout, fonts: fonts, timeZone: timeZone)
    }

    /// What was drawn, for the burn report.
    public struct Report: Sendable, Equatable {
        public var pages: Int
        /// Every font used, e.g. DejaVu Sans and WenQuanYi Micro Hei.
        public var fonts: [ResolvedFont]
        /// Texts made smaller or cut to fit, as "page/element: text".
        public var adjusted: [String]
        /// Studies not listed for lack of space, per page.
        public var studiesNotListed: Int
    }

    /// Writes the PDF (through a temporary name) and reports what was drawn.
    @discardableResult
    public func render(_ label: DiscLabel, to path: String) throws -> Report {
        guard label.volumeCount >= 1, (1 ... label.volumeCount).contains(label.volume) else {
            throw DiscLabelError.invalidLabel(reason: "volume \(label.volume) of \(label.volumeCount); the volume must be 1…count")
        }
        do {
            return try draw(label, to: path)
        } catch let g as GraphicsError {
            throw DiscLabelError.graphics(g)
        }
    }

    private func draw(_ label: DiscLabel, to path: String) throws -> Report {
        let values = DiscLabelFields.values(for: label, timeZone: timeZone)
        let pdf = try PDFDocument(path: path, fonts: fonts, title: "\(label.patientName) — \(label.content.rawValue)",
                                  creator: values["application"])
        var used: [ResolvedFont] = [], adjusted: [String] = [], notListed = 0
        for page in layout.pages {
            try pdf.addPage(size: Size(width: page.width, height: page.height)) { c in
                for (i, e) in page.elements.enumerated() {
                    let tag = "\(page.name)/\(i + 1)"
                    switch e.type {
                    case .text:
                        guard let t = DiscLabelFields.fill(e.text ?? "", values), !t.isEmpty else { continue }
                        let d = try drawLine(t, e, in: rect(e.box), on: c)
                        used += d.fonts
                        if d.wasShrunk || d.wasEllipsized { adjusted.append("\(tag): \(t)") }
                    case .studies:
                        let r = rect(e.box)
                        let lh = e.lineHeight ?? 4, maxLines = e.maxLines ?? 1
                        var lines = label.studies.compactMap { DiscLabelFields.fill(e.text ?? "", DiscLabelFields.values(for: $0)) }
                        if lines.count > maxLines {
                            let hidden = lines.count - (maxLines - 1)
                            notListed = max(notListed, hidden)
                            lines = Array(lines.prefix(maxLines - 1)) + ["+ \(hidden) more \(hidden == 1 ? "study" : "studies")"]
                        }
                        for (n, line) in lines.enumerated() {
                            let box = Rect(x: r.x, y: r.y + Double(n) * lh, width: r.width, height: lh)
                            let d = try drawLine(line, e, in: box, on: c)
                            used += d.fonts
                            if d.wasShrunk || d.wasEllipsized { adjusted.append("\(tag): \(line)") }
                        }
                    case .circle:
                        let ctr = point(e.center), radius = (e.diameter ?? 0) / 2
                        if let f = e.fill { c.fillCircle(center: ctr, radius: radius, color: .gray(f)) }
                        if e.stroke != 0 { c.strokeCircle(center: ctr, radius: radius, width: e.stroke ?? 0.2, color: .gray(e.gray ?? 0)) }
                    case .rectangle:
                        let r = rect(e.box)
                        if let f = e.fill { c.fillRect(r, color: .gray(f)) }
                        if e.stroke != 0 { c.strokeRect(r, width: e.stroke ?? 0.2, color: .gray(e.gray ?? 0)) }
                    case .line:
                        c.strokeLine(from: point(e.from), to: point(e.to), width: e.stroke ?? 0.2, color: .gray(e.gray ?? 0))
                    }
                }
            }
        }
        try pdf.finish()
        var fontsSeen: [ResolvedFont] = []
        for f in used where !fontsSeen.contains(f) { fontsSeen.append(f) }
        return Report(pages: pdf.pageCount, fonts: fontsSeen, adjusted: adjusted, studiesNotListed: notListed)
    }

    private func drawLine(_ text: String, _ e: DiscLabelLayout.Element, in box: Rect, on c: Canvas) throws -> DrawnText {
        let size = e.size ?? 8
        let style = TextStyle(families: layout.fontFamilies.isEmpty ? FontLibrary.defaultFamilies : layout.fontFamilies,
                              size: size, weight: e.bold == true ? .bold : .regular, color: .gray(e.gray ?? 0))
        let fit: TextFit
        switch e.fit ?? .shrink {
        case .shrink: fit = .shrink(minimumSize: e.minSize ?? size * 0.6)
        case .ellipsize: fit = .ellipsize
        case .overflow: fit = .overflow
        }
        return try c.drawText(text, in: box, style: style, alignment: e.align ?? .left, fit: fit)
    }

    private func rect(_ a: [Double]?) -> Rect {
        guard let a, a.count == 4 else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        return Rect(x: a[0], y: a[1], width: a[2], height: a[3])
    }

    private func point(_ a: [Double]?) -> Point {
        guard let a, a.count == 2 else { return Point(x: 0, y: 0) }
        return Point(x: a[0], y: a[1])
    }
}
