import CCairo

extension Canvas {
    /// Measures `text` in `style` (runs by coverage, as drawn). Millimetres.
    public func measure(_ text: String, style: TextStyle) throws -> TextMetrics {
        try measure(runs: resolver(style).runs(for: text), size: style.size)
    }

    /// Draws `text` with its baseline starting at `baseline`; returns its metrics.
    @discardableResult
    public func drawText(_ text: String, at baseline: Point, style: TextStyle) throws -> TextMetrics {
        let runs = try resolver(style).runs(for: text)
        let m = measure(runs: runs, size: style.size)
        show(runs, at: baseline, style: style)
        return m
    }

    /// Draws one line of `text` in `box`: aligned horizontally, centred vertically on the fonts'
    /// extents, and made to fit the box's width as `fit` says.
    @discardableResult
    public func drawText(_ text: String, in box: Rect, style: TextStyle, alignment: TextAlignment = .left,
                         fit: TextFit = .shrink(minimumSize: 6)) throws -> DrawnText {
        let r = resolver(style)
        var size = style.size
        var shown = text
        var runs = try r.runs(for: shown)
        var m = measure(runs: runs, size: size)
        var shrunk = false, ellipsized = false
        if m.width > box.width, box.width > 0 {
            switch fit {
            case .overflow: break
            case .shrink(let minimum):
                // Exact scaling (advances are linear in size when unhinted), rounded down to 0.1 pt.
                let wanted = (size * box.width / m.width * 10).rounded(.down) / 10
                size = max(min(wanted, size), min(minimum, size))
                shrunk = size < style.size
                m = measure(runs: runs, size: size)
                if m.width > box.width {
                    (shown, runs, m) = try ellipsize(text, resolver: r, size: size, width: box.width)
                    ellipsized = true
                }
            case .ellipsize:
                (shown, runs, m) = try ellipsize(text, resolver: r, size: size, width: box.width)
                ellipsized = true
            }
        }
        let x: Double
        switch alignment {
        case .left: x = box.minX
        case .center: x = box.minX + (box.width - m.width) / 2
        case .right: x = box.maxX - m.width
        }
        let baseline = box.minY + (box.height + m.ascent - m.descent) / 2
        show(runs, at: Point(x: x, y: baseline), style: style.sized(size))
        return DrawnText(text: shown, size: size, width: m.width, fonts: runs.map(\.font),
                         wasShrunk: shrunk, wasEllipsized: ellipsized)
    }

    // MARK: - Internals

    func resolver(_ style: TextStyle) -> FontResolver {
        FontResolver(library: fonts, families: style.families, weight: style.weight)
    }

    /// The longest prefix (whole characters) that fits with "…" appended.
    private func ellipsize(_ text: String, resolver r: FontResolver, size: Double, width: Double) throws
        -> (String, [TextRun], TextMetrics) {
        let chars = Array(text)
        var lo = 0, hi = chars.count
        var best = "…"
        while lo <= hi {
            let mid = (lo + hi) / 2
            let candidate = String(chars[0 ..< mid]).trimmingTrailingSpaces() + "…"
            if measure(runs: try r.runs(for: candidate), size: size).width <= width {
                best = candidate; lo = mid + 1
            } else {
                hi = mid - 1
            }
        }
        let runs = try r.runs(for: best)
        return (best, runs, measure(runs: runs, size: size))
    }

    func measure(runs: [TextRun], size: Double) -> TextMetrics {
        cairo_save(cr)
        defer { cairo_restore(cr) }
        let mm = size * Size.millimetresPerPoint
        var width = 0.0, ascent = 0.0, descent = 0.0
        for run in runs {
            cairo_set_font_face(cr, run.face.pointer)
            cairo_set_font_size(cr, mm)
            var te = cairo_text_extents_t(), fe = cairo_font_extents_t()
            cairo_text_extents(cr, run.text, &te)
            cairo_font_extents(cr, &fe)
            width += te.x_advance
            ascent = max(ascent, fe.ascent); descent = max(descent, fe.descent)
        }
        if runs.isEmpty { ascent = mm * 0.8; descent = mm * 0.2 }
        return TextMetrics(width: width, ascent: ascent, descent: descent)
    }

    private func show(_ runs: [TextRun], at p: Point, style: TextStyle) {
        cairo_save(cr)
        defer { cairo_restore(cr) }
        setColor(style.color)
        cairo_new_path(cr)
        cairo_move_to(cr, p.x, p.y)
        for run in runs {
            cairo_set_font_face(cr, run.face.pointer)
            cairo_set_font_size(cr, style.size * Size.millimetresPerPoint)
            cairo_show_text(cr, run.text)   // advances the current point
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}
