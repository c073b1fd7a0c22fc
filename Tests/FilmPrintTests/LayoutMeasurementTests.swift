import XCTest
import Graphics
@testable import FilmPrint

/// Image boxes are where the layout says (PS3.3 C.13.8 display formats, C.13.5.1 positions):
/// each box gets an image of its own grey level whose Pixel Aspect Ratio makes it fill the box
/// exactly, the density PNG is written, and an outside decoder
/// (Tests/Oracles/png_measure.py) finds each level's bounding box.
final class LayoutMeasurementTests: XCTestCase {
    /// Composes `format` on `size` and returns, per position, the measured pixel box and the expected one.
    func measure(_ format: String, _ size: String, _ o: FilmOrientation) throws -> [(PixelRect, PixelRect)] {
        let composer = try Fixtures.composer()
        var sheet = try Fixtures.sheet(size, o, format: format, profile: composer.profile)
        let plan0 = try FilmPlan(sheet: sheet, profile: composer.profile)
        let n = sheet.displayFormat.boxCount
        // Distinct 8-bit values, far apart, so each box's density is distinct after calibration.
        sheet.images = plan0.layout.imageBoxes.enumerated().map { i, box in
            var img = Fixtures.flat(position: i + 1, rows: 16, columns: 16, value: UInt16(10 + i * 240 / n))
            img.pixelAspectRatio = box.height / box.width
            return img
        }
        let dir = try FilmOracle.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let png = "\(dir)/film.png"
        let plan = try composer.compose(sheet, to: .init(densityPNG: png))
        XCTAssertTrue(plan.placements.allSatisfy { $0.outcome == .fitted }, "\(plan.placements.map(\.outcome))")
        let m = try FilmOracle.measurePNG(png)
        XCTAssertEqual(m.width, plan.pixelWidth); XCTAssertEqual(m.height, plan.pixelHeight); XCTAssertEqual(m.depth, 16)
        let boxes = try XCTUnwrap(m.boxes)
        return try sheet.images.enumerated().map { i, img in
            let lut = try plan.calibration.densityCodes(bits: 8, polarity: .normal, lut: .identity)
            let code = lut[Int(img.samples[0])]
            let b = try XCTUnwrap(boxes[String(code)], "no pixels of box \(i + 1)'s density \(code)")
            XCTAssertEqual(b[4], (b[2] - b[0]) * (b[3] - b[1]), "box \(i + 1) is not a filled rectangle")
            return (PixelRect(x0: b[0], y0: b[1], x1: b[2], y1: b[3]), PixelRect(plan.layout.imageBoxes[i], dpi: plan.dpi))
        }
    }

    func testStandardFormatsAgainstMeasuredPixels() throws {
        for (format, size, o) in [("STANDARD\\2,2", "8INX10IN", FilmOrientation.portrait), ("STANDARD\\3,2", "24CMX30CM", .landscape),
                                  ("STANDARD\\5,6", "14INX17IN", .portrait)] {
            for (i, (got, want)) in try measure(format, size, o).enumerated() {
                XCTAssertEqual(got, want, "\(format) \(size) \(o) box \(i + 1)")
            }
        }
    }

    func testRowAndColumnFormats() throws {
        for (format, size) in [("ROW\\1,3", "8INX10IN"), ("COL\\2,1", "8INX10IN")] {
            for (i, (got, want)) in try measure(format, size, .portrait).enumerated() {
                XCTAssertEqual(got, want, "\(format) box \(i + 1)")
            }
        }
    }

    /// The layout itself against numbers worked out by hand: 8INX10IN portrait is 203.2 × 254 mm;
    /// lightbox-dry has a 5 mm margin and 2 mm gaps, so STANDARD\2,2 boxes are
    /// (203.2 − 10 − 2)/2 = 95.6 mm by (254 − 10 − 2)/2 = 121 mm, position 2 top-right at x = 102.6.
    func testStandardGeometryByHand() throws {
        let p = try Fixtures.profile()
        let plan = try FilmPlan(sheet: try Fixtures.sheet("8INX10IN", .portrait, format: "STANDARD\\2,2", profile: p), profile: p)
        let b = plan.layout.imageBoxes
        XCTAssertEqual(b.count, 4)
        XCTAssertEqual(b[0].x, 5, accuracy: 1e-9); XCTAssertEqual(b[0].y, 5, accuracy: 1e-9)
        XCTAssertEqual(b[0].width, 95.6, accuracy: 1e-9); XCTAssertEqual(b[0].height, 121, accuracy: 1e-9)
        XCTAssertEqual(b[1].x, 102.6, accuracy: 1e-9); XCTAssertEqual(b[1].y, 5, accuracy: 1e-9)
        XCTAssertEqual(b[2].x, 5, accuracy: 1e-9); XCTAssertEqual(b[2].y, 128, accuracy: 1e-9)
        // 300 dpi: 203.2 mm = 8 in = 2400 pixels.
        XCTAssertEqual(plan.pixelWidth, 2400); XCTAssertEqual(plan.pixelHeight, 3000)
    }

    /// ROW\1,3: one wide box on top, three below; COL\2,1: two stacked on the left (positions 1, 2,
    /// top to bottom), one tall on the right (position 3).
    func testRowAndColumnOrder() throws {
        let p = try Fixtures.profile()
        let row = try FilmPlan(sheet: try Fixtures.sheet(format: "ROW\\1,3", profile: p), profile: p).layout.imageBoxes
        XCTAssertGreaterThan(row[0].width, 2.9 * row[1].width)
        XCTAssertTrue(row[1].minX < row[2].minX && row[2].minX < row[3].minX && row[1].minY == row[3].minY)
        let col = try FilmPlan(sheet: try Fixtures.sheet(format: "COL\\2,1", profile: p), profile: p).layout.imageBoxes
        XCTAssertEqual(col[0].minX, col[1].minX); XCTAssertLessThan(col[0].minY, col[1].minY)
        XCTAssertGreaterThan(col[2].minX, col[0].maxX); XCTAssertGreaterThan(col[2].height, 1.9 * col[0].height)
    }

    func testAnnotationStripTakesItsHeight() throws {
        let p = try Fixtures.profile()
        var sheet = try Fixtures.sheet(format: "STANDARD\\1,1", profile: p)
        sheet.annotationFormatID = "BOTTOM3"
        let l = try FilmPlan(sheet: sheet, profile: p).layout
        XCTAssertEqual(l.annotationBoxes.count, 3)
        XCTAssertEqual(l.annotationBoxes[0].maxY, 254 - 5, accuracy: 1e-9)
        XCTAssertEqual(l.imageBoxes[0].maxY, 254 - 5 - 8 - 2, accuracy: 1e-9)
    }
}
