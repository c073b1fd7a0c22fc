import XCTest
import Graphics
import Imaging
@testable import FilmPrint

/// Composition of image boxes (PS3.3 C.13.5): polarity, magnification, requested size and
/// decimate/crop statuses, 12-bit depth kept to the PNG, annotations in CJK, densities.
final class CompositionTests: XCTestCase {
    /// Requested Image Size and Decimate/Crop Behavior → the statuses of PS3.4 H.4.3.1.2.1.
    func testPlacementStatuses() throws {
        let p = try Fixtures.profile()
        let box = Rect(x: 0, y: 0, width: 100, height: 100)     // 100 mm = 1181 pixels at 300 dpi
        func place(_ cols: Int, requested: Double? = nil, _ b: DecimateCropBehavior = .decimate, mag: MagnificationType? = nil) -> ImageBoxPlacement {
            var img = Fixtures.flat(position: 1, rows: cols, columns: cols, value: 0)
            img.requestedWidthMM = requested; img.decimateCrop = b; img.magnification = mag
            return ImageBoxPlacement.place(img, in: box, dpi: try! p.dpi(for: nil), filmMagnification: .cubic)
        }
        XCTAssertEqual(place(512).outcome, .fitted)
        XCTAssertEqual(place(512).image.width, 100, accuracy: 1e-9)
        XCTAssertEqual(place(2048).outcome, .demagnified); XCTAssertEqual(place(2048).outcome.status, 0xB604)
        XCTAssertEqual(place(512, requested: 50).outcome, .fitted)
        XCTAssertEqual(place(512, requested: 50).image.width, 50, accuracy: 1e-9)
        let big = place(512, requested: 150, .decimate)
        XCTAssertEqual(big.outcome.status, 0xB60A); XCTAssertEqual(big.image.width, 100, accuracy: 1e-9)
        let crop = place(512, requested: 150, .crop)
        XCTAssertEqual(crop.outcome.status, 0xB609); XCTAssertEqual(crop.image.width, 150, accuracy: 1e-9)
        XCTAssertEqual(crop.image.minX, -25, accuracy: 1e-9)
        XCTAssertEqual(place(512, requested: 150, .fail).outcome.status, 0xC613, "the combined print image (at its Requested Image Size) is larger")
        // NONE: one image pixel per printer pixel; 2048 pixels are 173 mm, larger than the box.
        XCTAssertEqual(place(512, mag: MagnificationType.none).image.width, 512 * 25.4 / 300, accuracy: 1e-9)
        XCTAssertEqual(place(2048, .fail, mag: MagnificationType.none).outcome.status, 0xC603)
    }

    /// A rejected image (C613: at its Requested Image Size larger than the box, FAIL) leaves its box at Empty Image Density.
    func testRejectedImageIsNotPrinted() throws {
        let c = try Fixtures.composer()
        var img = Fixtures.flat(position: 1, rows: 64, columns: 64, value: 128)
        img.requestedWidthMM = 1000; img.decimateCrop = .fail
        var sheet = try Fixtures.sheet(profile: c.profile, images: [img])
        sheet.emptyImageDensity = .hundredths(150)
        let r = try c.render(sheet)
        XCTAssertEqual(r.plan.placements[0].outcome, .rejectedCombined)
        let box = PixelRect(r.plan.layout.imageBoxes[0], dpi: r.plan.dpi)
        XCTAssertEqual(r.raster.density(x: (box.x0 + box.x1) / 2, y: (box.y0 + box.y1) / 2), 1.5, accuracy: 1e-4)
    }

    /// Polarity REVERSE prints the lowest value white (Min Density): left end of an 8-bit ramp.
    func testPolarityReverseInTheRaster() throws {
        let c = try Fixtures.composer()
        for polarity in Polarity.allCases {
            var img = Fixtures.ramp(position: 1, bits: 8, rows: 4)
            img.polarity = polarity
            let r = try c.render(try Fixtures.sheet(profile: c.profile, images: [img]))
            let p = r.plan.placements[0]
            let k = r.plan.dpi / 25.4
            let y = Int(((p.image.minY + p.image.maxY) / 2 * k).rounded(.down))
            let x0 = Int((p.image.minX * k).rounded()), x1 = Int((p.image.maxX * k).rounded()) - 1
            let (left, right) = (r.raster.density(x: x0, y: y), r.raster.density(x: x1, y: y))
            if polarity == .normal {
                XCTAssertEqual(left, 3.0, accuracy: 1e-4); XCTAssertEqual(right, 0.2, accuracy: 1e-4)
            } else {
                XCTAssertEqual(left, 0.2, accuracy: 1e-4); XCTAssertEqual(right, 3.0, accuracy: 1e-4)
            }
        }
    }

    /// A 12-bit ramp printed one image pixel per printer pixel keeps 4096 distinct densities in
    /// the 16-bit PNG, in order, as read back by an outside decoder.
    func testTwelveBitRampKeeps4096DensitiesInThePNG() throws {
        let c = try Fixtures.composer()
        var sheet = try Fixtures.sheet("14INX17IN", .landscape, profile: c.profile, images: [Fixtures.ramp(position: 1, bits: 12, rows: 8)])
        sheet.borderDensity = .black
        let dir = try FilmOracle.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plan = try c.compose(sheet, to: .init(densityPNG: "\(dir)/ramp.png"))
        XCTAssertEqual(plan.placements[0].outcome, .fitted)
        let p = plan.placements[0]
        let y = Int(((p.image.minY + p.image.maxY) / 2 * plan.dpi / 25.4).rounded(.down))
        let m = try FilmOracle.measurePNG("\(dir)/ramp.png", row: y)
        let row = try XCTUnwrap(m.row)
        let x0 = Int((p.image.minX * plan.dpi / 25.4).rounded())
        let ramp = Array(row[x0 ..< x0 + 4096])
        XCTAssertEqual(Set(ramp).count, 4096)
        XCTAssertEqual(ramp, ramp.sorted(by: >), "densities fall as P-Values rise")
        let expected = try plan.calibration.densityCodes(bits: 12, polarity: .normal, lut: .identity).map(Int.init)
        XCTAssertEqual(ramp, expected)
    }

    /// B605: densities outside the printer's range are replaced by its own.
    func testDensityRangeOutsideThePrinterIsAdjusted() throws {
        let p = try Fixtures.profile()
        var sheet = try Fixtures.sheet(profile: p)
        sheet.calibration = DensityCalibration(minDensity: 0.05, maxDensity: 4.5, illumination: 2000, reflectedAmbientLight: 10)
        let plan = try FilmPlan(sheet: sheet, profile: p)
        XCTAssertTrue(plan.densityRangeAdjusted)
        XCTAssertEqual(plan.calibration.minDensity, 0.2); XCTAssertEqual(plan.calibration.maxDensity, 3.0)
        sheet.calibration = DensityCalibration(minDensity: 0.3, maxDensity: 2.5, illumination: 2000, reflectedAmbientLight: 10)
        XCTAssertFalse(try FilmPlan(sheet: sheet, profile: p).densityRangeAdjusted)
    }

    /// Border, empty image densities and trim.
    func testBorderEmptyAndTrimDensities() throws {
        let c = try Fixtures.composer()
        var sheet = try Fixtures.sheet(format: "STANDARD\\2,1", profile: c.profile)
        sheet.borderDensity = .white; sheet.emptyImageDensity = .hundredths(120); sheet.trim = true
        let r = try c.render(sheet)
        XCTAssertEqual(r.raster.density(x: 2, y: 2), 0.2, accuracy: 1e-4)
        let b = PixelRect(r.plan.layout.imageBoxes[1], dpi: r.plan.dpi)
        XCTAssertEqual(r.raster.density(x: (b.x0 + b.x1) / 2, y: (b.y0 + b.y1) / 2), 1.2, accuracy: 1e-4)
        XCTAssertEqual(r.raster.density(x: b.x0, y: (b.y0 + b.y1) / 2), 3.0, accuracy: 1e-4, "trim contrasts with a white border")
        XCTAssertThrowsError(try FilmDensity(dicom: "GREY", attribute: "Border Density"))
        XCTAssertThrowsError(try FilmDensity(dicom: "1.5", attribute: "Border Density"))
    }

    /// Annotation text in Chinese is set in a CJK font (pdffonts) and extracts as characters (pdftotext).
    func testChineseAnnotationRendersAsCharacters() throws {
        let c = try Fixtures.composer()
        var sheet = try Fixtures.sheet(format: "STANDARD\\1,1", profile: c.profile, images: [Fixtures.flat(position: 1, rows: 8, columns: 8, value: 100)])
        sheet.annotationFormatID = "BOTTOM3"
        sheet.annotations = [FilmAnnotation(position: 1, text: "王小明 CHEST"), FilmAnnotation(position: 3, text: "2026-12-07")]
        let dir = try FilmOracle.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try c.render(sheet)
        try c.compose(sheet, to: .init(pdf: "\(dir)/a.pdf", densityPNG: "\(dir)/a.png", previewPNG: "\(dir)/p.png"))
        let fonts = try FilmOracle.run("pdffonts", package: "poppler-utils", ["\(dir)/a.pdf"])
        XCTAssertTrue(fonts.contains("WenQuanYi"), fonts)
        let text = try FilmOracle.run("pdftotext", package: "poppler-utils", ["\(dir)/a.pdf", "-"])
        XCTAssertTrue(text.contains("王小明"), text); XCTAssertTrue(text.contains("2026-12-07"), text)
        // Ink in the raster: the annotation box has pixels at the text density (Min Density on a black border).
        let box = PixelRect(r.plan.layout.annotationBoxes[0], dpi: r.plan.dpi)
        var light = 0
        for y in box.y0 ..< box.y1 { for x in box.x0 ..< box.x1 where r.raster.density(x: x, y: y) < 0.5 { light += 1 } }
        XCTAssertGreaterThan(light, 500)
        XCTAssertThrowsError(try c.render({ var s = sheet; s.annotations = [FilmAnnotation(position: 4, text: "x")]; return s }()))
    }

    /// Outputs appear whole under their names, nothing else is left, and a missing folder is an error.
    func testOutputsAreAtomic() throws {
        let c = try Fixtures.composer()
        let sheet = try Fixtures.sheet(profile: c.profile, images: [Fixtures.flat(position: 1, rows: 8, columns: 8, value: 9)])
        let dir = try FilmOracle.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try c.compose(sheet, to: .init(pdf: "\(dir)/f.pdf", densityPNG: "\(dir)/f.png", previewPNG: "\(dir)/f-preview.png"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["f-preview.png", "f.pdf", "f.png"])
        XCTAssertThrowsError(try c.compose(sheet, to: .init(densityPNG: "\(dir)/missing/f.png"))) { e in
            guard case FilmPrintError.output = e else { return XCTFail("\(e)") }
        }
    }
}
