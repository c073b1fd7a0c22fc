import XCTest
@testable import FilmPrint

/// Film Size ID (2010,0050), PS3.3 C.13.8: every enumerated size, both orientations, at its
/// physical size as pdfinfo (poppler) reports the PDF page.
final class FilmSizeTests: XCTestCase {
    /// The enumerated values of PS3.3 C.13.8 with their sizes in mm (inches × 25.4; the note's
    /// 25.7 × 36.4 cm for 10INX14IN; ISO 216 for A4/A3).
    static let standard: [(String, Double, Double)] = [
        ("8INX10IN", 203.2, 254), ("8_5INX11IN", 215.9, 279.4), ("10INX12IN", 254, 304.8),
        ("10INX14IN", 257, 364), ("11INX14IN", 279.4, 355.6), ("11INX17IN", 279.4, 431.8),
        ("14INX14IN", 355.6, 355.6), ("14INX17IN", 355.6, 431.8), ("24CMX24CM", 240, 240),
        ("24CMX30CM", 240, 300), ("A4", 210, 297), ("A3", 297, 420),
    ]

    func testCatalogHoldsExactlyTheStandardSizes() throws {
        let c = try Fixtures.catalog()
        XCTAssertEqual(c.ids, Self.standard.map(\.0))
        for (id, w, h) in Self.standard {
            let s = try c.size(id)
            XCTAssertEqual(s.widthMM, w, accuracy: 1e-9, id); XCTAssertEqual(s.heightMM, h, accuracy: 1e-9, id)
        }
        XCTAssertThrowsError(try c.size("35CMX43CM")) { e in
            guard case FilmPrintError.unknownFilmSize = e else { return XCTFail("\(e)") }
        }
    }

    func testDefaultProfileTakesEverySize() throws {
        XCTAssertEqual(Set(try Fixtures.profile().filmSizes), Set(Self.standard.map(\.0)))
    }

    func testPDFPageIsTheFilmSizeInBothOrientations() throws {
        let dir = try FilmOracle.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let composer = try Fixtures.composer()
        for (id, w, h) in Self.standard {
            for o in FilmOrientation.allCases {
                let pdf = "\(dir)/\(id)-\(o.rawValue).pdf"
                var sheet = try Fixtures.sheet(id, o, format: "STANDARD\\2,2", profile: composer.profile)
                sheet.images = [Fixtures.flat(position: 1, rows: 8, columns: 8, value: 128)]
                try composer.compose(sheet, to: .init(pdf: pdf))
                let (pw, ph) = try FilmOracle.pdfPageSizePoints(pdf)
                let (ew, eh) = o == .portrait ? (w, h) : (h, w)
                // pdfinfo prints 6 significant digits (%g); 1 pt = 25.4/72 mm.
                XCTAssertEqual(pw, ew * 72 / 25.4, accuracy: 0.006, "\(id) \(o) width")
                XCTAssertEqual(ph, eh * 72 / 25.4, accuracy: 0.006, "\(id) \(o) height")
            }
        }
    }

    func testOrientationParsing() {
        XCTAssertEqual(try FilmOrientation(dicom: "LANDSCAPE "), .landscape)
        XCTAssertThrowsError(try FilmOrientation(dicom: "landscape"))
    }
}
