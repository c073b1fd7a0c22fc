import XCTest
@testable import Graphics

/// PDF and raster pages: physical sizes, mixed-script text checked with poppler, fitting, images.
final class CanvasTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try temporaryFolder("graphics") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testMixedChineseLatinPDFEmbedsBothFontsAndExtracts() throws {
        let path = dir.appendingPathComponent("mixed.pdf").path
        let pdf = try PDFDocument(path: path, fonts: try .shared(), title: "Test", creator: "Lightbox tests")
        try pdf.addPage(size: .disc) { c in
            c.strokeCircle(center: Point(x: 60, y: 60), radius: 60, width: 0.2)
            c.strokeCircle(center: Point(x: 60, y: 60), radius: 20.5, width: 0.2)
            try c.drawText("王小明 Wang Xiaoming", at: Point(x: 15, y: 30), style: TextStyle(size: 12))
        }
        try pdf.addPage(size: Size(width: 210, height: 297)) { c in
            try c.drawText("北京协和医院 PUMCH", in: Rect(x: 10, y: 10, width: 190, height: 10), style: TextStyle(size: 11, weight: .bold))
        }
        try pdf.finish()
        XCTAssertEqual(pdf.pageCount, 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["mixed.pdf"], "no temporary file left")

        let fonts = try Poppler.fonts(path)
        XCTAssertTrue(fonts.contains { $0.name.contains("DejaVuSans") && $0.embedded }, "\(fonts)")
        XCTAssertTrue(fonts.contains { $0.name.contains("WenQuanYi") && $0.embedded }, "\(fonts)")
        XCTAssertTrue(fonts.contains { $0.name.contains("DejaVuSans-Bold") }, "\(fonts)")

        let text = try Poppler.run("pdftotext", ["-enc", "UTF-8", path, "-"])
        XCTAssertTrue(text.contains("王小明"), text)
        XCTAssertTrue(text.contains("Wang Xiaoming"), text)
        XCTAssertTrue(text.contains("北京协和医院"), text)

        let sizes = try Poppler.pageSizesMM(path, pages: 2)
        XCTAssertEqual(sizes.count, 2)
        XCTAssertEqual(sizes[0].0, 120, accuracy: 0.1); XCTAssertEqual(sizes[0].1, 120, accuracy: 0.1)
        XCTAssertEqual(sizes[1].0, 210, accuracy: 0.1); XCTAssertEqual(sizes[1].1, 297, accuracy: 0.1)
    }

    func testPNGSurfaceSizeAtDPI() throws {
        let page = try RasterPage(size: Size(width: 50.8, height: 25.4), dpi: 300, fonts: try .shared())
        XCTAssertEqual(page.pixelWidth, 600); XCTAssertEqual(page.pixelHeight, 300)
        try page.draw { c in
            c.fillRect(Rect(x: 0, y: 0, width: 25.4, height: 25.4), color: .black)
            try c.drawText("王 A", at: Point(x: 30, y: 15), style: TextStyle(size: 20))
        }
        let path = dir.appendingPathComponent("page.png").path
        try page.writePNG(to: path)
        let png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(Array(png[0 ..< 8]), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR width and height, big endian, at bytes 16…23.
        XCTAssertEqual(png[16 ..< 20].reduce(0) { $0 << 8 | Int($1) }, 600)
        XCTAssertEqual(png[20 ..< 24].reduce(0) { $0 << 8 | Int($1) }, 300)
        let grey = page.grayPixels()
        XCTAssertEqual(grey.count, 600 * 300)
        XCTAssertEqual(grey[150 * 600 + 150], 0, "inside the black square (first inch)")
        XCTAssertEqual(grey[10 * 600 + 590], 255, "white background")
        // Some text pixels are dark in the text area (x 30…50 mm = 354…590 px).
        let textDark = (100 ..< 200).contains { y in (360 ..< 590).contains { x in grey[y * 600 + x] < 100 } }
        XCTAssertTrue(textDark)
    }

    func testTextShrinksAndEllipsizesToFit() throws {
        let page = try RasterPage(size: Size(width: 100, height: 20), dpi: 72, fonts: try .shared())
        try page.draw { c in
            let style = TextStyle(size: 12)
            let long = "Wang Xiaoming 王小明 with a very long hospital name and description"
            let natural = try c.measure(long, style: style).width
            XCTAssertGreaterThan(natural, 60)
            let shrunk = try c.drawText(long, in: Rect(x: 0, y: 0, width: 60, height: 10), style: style, fit: .shrink(minimumSize: 4))
            XCTAssertTrue(shrunk.wasShrunk); XCTAssertFalse(shrunk.wasEllipsized)
            XCTAssertLessThanOrEqual(shrunk.width, 60.0001)
            XCTAssertLessThan(shrunk.size, 12)
            XCTAssertEqual(shrunk.text, long)
            let cut = try c.drawText(long, in: Rect(x: 0, y: 10, width: 40, height: 10), style: style, fit: .ellipsize)
            XCTAssertTrue(cut.wasEllipsized)
            XCTAssertTrue(cut.text.hasSuffix("…") && cut.text.hasPrefix("Wang"), cut.text)
            XCTAssertLessThanOrEqual(cut.width, 40.0001)
            let both = try c.drawText(long, in: Rect(x: 0, y: 0, width: 30, height: 10), style: style, fit: .shrink(minimumSize: 10))
            XCTAssertEqual(both.size, 10); XCTAssertTrue(both.wasEllipsized)
            let fits = try c.drawText("ID 12345", in: Rect(x: 0, y: 0, width: 90, height: 10), style: style, alignment: .right)
            XCTAssertFalse(fits.wasShrunk || fits.wasEllipsized)
            XCTAssertEqual(fits.fonts.map(\.family), ["DejaVu Sans"])
        }
    }

    func testImagesArePlacedInRect() throws {
        let page = try RasterPage(size: Size(width: 40, height: 20), dpi: 25.4, fonts: try .shared())  // 1 px per mm
        XCTAssertEqual(page.pixelWidth, 40)
        let gray = CanvasImage(width: 2, height: 2, pixels: .gray8([0, 255, 255, 0]))
        let rgb = CanvasImage(width: 1, height: 1, pixels: .rgb8([255, 0, 0]))
        try page.draw { c in
            try c.drawImage(gray, in: Rect(x: 0, y: 0, width: 20, height: 20), placement: .fill, interpolation: .nearest)
            try c.drawImage(rgb, in: Rect(x: 20, y: 0, width: 20, height: 10), placement: .aspectFit)
        }
        let px = page.rgbPixels()
        func at(_ x: Int, _ y: Int) -> [UInt8] { Array(px[(y * 40 + x) * 3 ..< (y * 40 + x) * 3 + 3]) }
        XCTAssertEqual(at(5, 5), [0, 0, 0]); XCTAssertEqual(at(15, 5), [255, 255, 255])
        XCTAssertEqual(at(5, 15), [255, 255, 255]); XCTAssertEqual(at(15, 15), [0, 0, 0])
        XCTAssertEqual(at(30, 5), [255, 0, 0], "aspect fit: 10×10 red square centred in 20×10")
        XCTAssertEqual(at(22, 5), [255, 255, 255])
        XCTAssertThrowsError(try page.draw { c in try c.drawImage(CanvasImage(width: 4, height: 4, pixels: .gray8([1])), in: Rect(x: 0, y: 0, width: 1, height: 1)) }) {
            XCTAssertEqual($0 as? GraphicsError, .imageBufferTooShort(expected: 16, actual: 1))
        }
    }

    func testWriteErrorsAreTypedAndLeaveNothing() throws {
        XCTAssertThrowsError(try PDFDocument(path: "/nonexistent-folder/x.pdf", fonts: try .shared())) { error in
            guard case GraphicsError.cannotWrite(let p, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(p, "/nonexistent-folder/x.pdf")
        }
        XCTAssertThrowsError(try RasterPage(size: Size(width: 0, height: 10), dpi: 300, fonts: try .shared()))
        // A page that throws while drawing: the document is abandoned, no file under either name.
        let path = dir.appendingPathComponent("abandoned.pdf").path
        do {
            let pdf = try PDFDocument(path: path, fonts: try .shared())
            XCTAssertThrowsError(try pdf.addPage(size: .disc) { c in try c.drawText("\u{E000}", at: Point(x: 1, y: 1), style: TextStyle(size: 10)) })
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }
}
