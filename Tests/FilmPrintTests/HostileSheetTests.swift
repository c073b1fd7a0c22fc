import XCTest
@testable import FilmPrint

/// Inputs a peer controls never crash the composer: each is a typed error the SCP can answer.
final class HostileSheetTests: XCTestCase {
    func testBadImagesAreRefused() throws {
        let c = try Fixtures.composer()
        var tooFew = Fixtures.flat(position: 1, rows: 4, columns: 4, value: 1); tooFew.samples.removeLast()
        var tenBits = Fixtures.flat(position: 1, rows: 4, columns: 4, value: 1); tenBits.bits = 10
        let above = Fixtures.flat(position: 1, rows: 4, columns: 4, value: 256)
        let noRows = FilmImage(position: 1, rows: 0, columns: 4, bits: 8, samples: [])
        var huge = Fixtures.flat(position: 1, rows: 4, columns: 4, value: 1); huge.requestedWidthMM = 1e300
        var nan = Fixtures.flat(position: 1, rows: 4, columns: 4, value: 1); nan.requestedWidthMM = .nan
        var aspect = Fixtures.flat(position: 1, rows: 4, columns: 4, value: 1); aspect.pixelAspectRatio = .infinity
        for (name, img) in [("too few samples", tooFew), ("10 bits", tenBits), ("value above 8 bits", above), ("no rows", noRows),
                            ("requested 1e300 mm", huge), ("requested NaN", nan), ("infinite aspect", aspect)] {
            XCTAssertThrowsError(try c.render(try Fixtures.sheet(profile: c.profile, images: [img])), name) { e in
                guard case FilmPrintError.invalidImagePixels = e else { return XCTFail("\(name): \(e)") }
            }
        }
        let outside = Fixtures.flat(position: 2, rows: 4, columns: 4, value: 1)
        XCTAssertThrowsError(try c.render(try Fixtures.sheet(profile: c.profile, images: [outside]))) { e in
            guard case FilmPrintError.imagePositionOutOfRange = e else { return XCTFail("\(e)") }
        }
    }

    func testSheetLevelErrors() throws {
        let c = try Fixtures.composer()
        var s = try Fixtures.sheet(profile: c.profile)
        s.annotationFormatID = "NOPE"
        XCTAssertThrowsError(try c.render(s)) { e in guard case FilmPrintError.unknownAnnotationFormat = e else { return XCTFail("\(e)") } }
        s.annotationFormatID = nil; s.annotations = [FilmAnnotation(position: 1, text: "x")]
        XCTAssertThrowsError(try c.render(s)) { e in guard case FilmPrintError.annotationPositionOutOfRange = e else { return XCTFail("\(e)") } }
        s.annotations = []; s.resolutionID = "ULTRA"
        XCTAssertThrowsError(try c.render(s)) { e in guard case FilmPrintError.unknownResolution = e else { return XCTFail("\(e)") } }
        s.resolutionID = nil; s.calibration = DensityCalibration(minDensity: 2, maxDensity: 1, illumination: 2000, reflectedAmbientLight: 10)
        XCTAssertThrowsError(try c.render(s)) { e in guard case FilmPrintError.invalidDensityRange = e else { return XCTFail("\(e)") } }
        let paper = try Fixtures.profile("paper")
        XCTAssertThrowsError(try FilmPlan(sheet: try Fixtures.sheet("14INX17IN", profile: paper), profile: paper)) { e in
            guard case FilmPrintError.unknownFilmSize = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try PrinterProfile.load(named: "../etc/passwd"))
        XCTAssertThrowsError(try PrinterProfile.load(named: "no-such-printer")) { e in
            guard case FilmPrintError.layoutData = e else { return XCTFail("\(e)") }
        }
    }
}
