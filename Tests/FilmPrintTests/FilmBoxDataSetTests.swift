import XCTest
import DICOM
@testable import FilmPrint

/// Film Box N-CREATE data sets (PS3.4 H.4.2, PS3.3 C.13.8) to `FilmSheet`: a table of attribute
/// values, each valid one taken and each invalid one refused with its error (0106 at the SCP).
final class FilmBoxDataSetTests: XCTestCase {
    func sheet(_ attrs: [(Tag, VR, String)]) throws -> FilmSheet {
        var ds = DataSet()
        try ds.set(.imageDisplayFormat, .ST, "STANDARD\\2,2")
        for (t, vr, v) in attrs {
            if vr == .US { ds.set(t, uint16: UInt16(v)!) } else { try ds.set(t, vr, v) }
        }
        return try FilmSheet(filmBox: ds, profile: Fixtures.profile(), catalog: Fixtures.catalog())
    }

    func testDefaultsComeFromTheProfile() throws {
        let s = try sheet([])
        XCTAssertEqual(s.filmSize.id, "14INX17IN"); XCTAssertEqual(s.orientation, .portrait)
        XCTAssertEqual(s.magnification, .cubic); XCTAssertEqual(s.borderDensity, .black)
        XCTAssertEqual(s.calibration.minDensity, 0.2); XCTAssertEqual(s.calibration.maxDensity, 3.0)
        XCTAssertEqual(s.calibration.hardcopy.illumination, 2000); XCTAssertEqual(s.calibration.hardcopy.reflectedAmbientLight, 10)
        XCTAssertFalse(s.trim)
    }

    func testValidValues() throws {
        let s = try sheet([(.filmSizeID, .CS, "24CMX30CM"), (.filmOrientation, .CS, "LANDSCAPE"), (.magnificationType, .CS, "REPLICATE"),
                           (.smoothingType, .CS, "MEDIUM"), (.borderDensity, .CS, "WHITE"), (.emptyImageDensity, .CS, "150"),
                           (.minDensity, .US, "25"), (.maxDensity, .US, "280"), (.trim, .CS, "YES"), (.illumination, .US, "4000"),
                           (.reflectedAmbientLight, .US, "5"), (.requestedResolutionID, .CS, "HIGH"),
                           (.annotationDisplayFormatID, .CS, "BOTTOM3"), (.configurationInformation, .ST, "GAMMA=1")])
        XCTAssertEqual(s.filmSize.id, "24CMX30CM"); XCTAssertEqual(s.orientation, .landscape); XCTAssertEqual(s.magnification, .replicate)
        XCTAssertEqual(s.smoothingType, "MEDIUM"); XCTAssertEqual(s.borderDensity, .white); XCTAssertEqual(s.emptyImageDensity, .hundredths(150))
        XCTAssertEqual(s.calibration.minDensity, 0.25); XCTAssertEqual(s.calibration.maxDensity, 2.8); XCTAssertTrue(s.trim)
        XCTAssertEqual(s.calibration.hardcopy.illumination, 4000); XCTAssertEqual(s.resolutionID, "HIGH")
        XCTAssertEqual(s.annotationFormatID, "BOTTOM3"); XCTAssertEqual(s.configurationInformation, "GAMMA=1")
    }

    func testInvalidValues() throws {
        let rows: [(Tag, VR, String)] = [
            (.imageDisplayFormat, .ST, "Standard \\ 2.3"), (.filmSizeID, .CS, "35CMX43CM"), (.filmOrientation, .CS, "SIDEWAYS"),
            (.magnificationType, .CS, "LANCZOS"), (.smoothingType, .CS, "ULTRA"), (.borderDensity, .CS, "GREY"),
            (.emptyImageDensity, .CS, "-5"), (.trim, .CS, "MAYBE"), (.requestedResolutionID, .CS, "ULTRA"),
            (.annotationDisplayFormatID, .CS, "NONE_SUCH"), (.imageDisplayFormat, .ST, "STANDARD\\9,9"),
        ]
        for (t, vr, v) in rows {
            XCTAssertThrowsError(try sheet([(t, vr, v)]), "\(t) \(v)") { e in XCTAssertTrue(e is FilmPrintError, "\(e)") }
        }
        XCTAssertThrowsError(try sheet([(.minDensity, .US, "300"), (.maxDensity, .US, "100")]))
        XCTAssertThrowsError(try FilmSheet(filmBox: DataSet(), profile: Fixtures.profile(), catalog: Fixtures.catalog()))
    }
}
