import Graphics

/// Annotation Box text (Text String (2030,0020), PS3.3 C.13.7) rendered to coverage at printer
/// resolution, through Graphics' font resolution (Latin and CJK fonts by glyph coverage, so a
/// Chinese name prints as characters). One line, centred, shrunk or cut with "…" to fit.
enum AnnotationText {
    /// Coverage 0…255 (255 = ink) of `text` in a `width` × `height` pixel box.
    static func coverage(_ text: String, width: Int, height: Int, dpi: Double, style: TextStyle, fonts: FontLibrary) throws -> [UInt8] {
        guard width > 0, height > 0 else { return [] }
        let mm = Size.millimetresPerInch / dpi
        let page = try RasterPage(size: Size(width: Double(width) * mm, height: Double(height) * mm), dpi: dpi, fonts: fonts)
        try page.draw { c in
            let box = Rect(x: 0, y: 0, width: c.size.width, height: c.size.height).insetBy(min(1, c.size.height / 10))
            try c.drawText(text, in: box, style: style, alignment: .center, fit: .shrink(minimumSize: 5))
        }
        let g = page.grayPixels()
        var out = [UInt8](repeating: 0, count: width * height)
        // The page is width × height pixels give or take rounding; copy what overlaps.
        for y in 0 ..< min(height, page.pixelHeight) {
            for x in 0 ..< min(width, page.pixelWidth) { out[y * width + x] = 255 - g[y * page.pixelWidth + x] }
        }
        return out
    }
}
