import XCTest
@testable import Imaging

/// GSDF (PS3.14 §7) and hardcopy calibration (PS3.14 §7.2, PS3.4 Annex H).
final class GSDFTests: XCTestCase {
    /// Relative agreement to 4 significant digits.
    func assert4(_ a: Double, _ b: Double, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThan(abs(a - b) / abs(b), 5e-4, "\(a) vs \(b)", file: file, line: line)
    }

    /// PS3.14 Table B-1 (Barten's model) end points: j = 1 → 0.0500 cd/m², j = 1023 → 3993.4040
    /// cd/m². Eq. 1 fits the table to within 0.3 % in log luminance (§7.1), so 4 significant digits.
    func testLuminanceMatchesTableB1EndPoints() {
        assert4(GSDF.luminance(jnd: 1), 0.0500)
        assert4(GSDF.luminance(jnd: 1023), 3993.4040)
    }

    /// Eq. 1 itself, as colour-science evaluates it in double precision (its `eotf_DICOMGSDF` unit
    /// tests and documentation: L(1) = 0.049981846913482, L(512) = 130.065284012159790,
    /// L(1023) = 3993.329585887327100): the same formula, so to 1e-9 relative.
    func testLuminanceMatchesPublishedEquation1Values() {
        for (j, l) in [(1.0, 0.049981846913482), (512, 130.065284012159790), (1023, 3993.329585887327100)] {
            XCTAssertEqual(GSDF.luminance(jnd: j), l, accuracy: l * 1e-9, "j = \(j)")
        }
    }

    /// Eq. 2 (the inverse, PS3.14 §7.1 note 1) against values published for it by colour-science
    /// (`eotf_inverse_DICOMGSDF` unit tests, which give j / 1023): L = 0.05 → j = 1.030448821855101,
    /// L = 130.0662 → 511.997447497532, L = 4000 → 1023.164001954036; and L(512) → 511.9964806
    /// (its `oetf_DICOMGSDF` example). An independent evaluation of the standard's polynomial, not
    /// a round trip through Lightbox's own Eq. 1.
    func testInverseMatchesPublishedEquation2Values() {
        let published: [(luminance: Double, jnd: Double)] = [
            (0.05, 0.001007281350787 * 1023), (130.0662, 0.500486263438448 * 1023), (4000, 1.000160314715578 * 1023),
            (130.065284012159790, 511.9964806),
        ]
        for (l, j) in published {
            XCTAssertEqual(GSDF.jnd(luminance: l), j, accuracy: 1e-6, "L = \(l)")
        }
        // The Table B-1 end points map back to their indices to within 0.1 JND (Eq. 2 gives 1.030
        // and 1022.911: the fit's deviation from Barten's table there).
        XCTAssertEqual(GSDF.jnd(luminance: 0.0500), 1, accuracy: 0.1)
        XCTAssertEqual(GSDF.jnd(luminance: 3993.4040), 1023, accuracy: 0.1)
    }

    func testLuminancesAreMonotonic() {
        let ls = GSDF.luminances(levels: 256, minLuminance: 0.5, maxLuminance: 300)
        XCTAssertEqual(ls.count, 256)
        for i in 1 ..< ls.count { XCTAssertGreaterThan(ls[i], ls[i - 1]) }
    }

    func testHardcopyDensityRoundTrip() {
        let h = HardcopyCalibration(minDensity: 0.2, maxDensity: 3.0, illumination: 2000, reflectedAmbientLight: 10)
        XCTAssertEqual(h.luminance(opticalDensity: 3.0), 12, accuracy: 1e-9)
        XCTAssertEqual(h.luminance(opticalDensity: 0.2), 10 + 2000 * pow(10, -0.2), accuracy: 1e-9)
        for d in stride(from: 0.2, through: 3.0, by: 0.1) {
            XCTAssertEqual(h.opticalDensity(luminance: h.luminance(opticalDensity: d)), d, accuracy: 1e-9)
        }
        // P-Value 0 is black (Max Density), the top P-Value white (Min Density).
        XCTAssertEqual(h.opticalDensity(pValue: 0, bits: 12), 3.0, accuracy: 0.01)
        XCTAssertEqual(h.opticalDensity(pValue: 4095, bits: 12), 0.2, accuracy: 0.01)
        let t = h.densityTable(bits: 8)
        for i in 1 ..< t.count { XCTAssertLessThan(t[i], t[i - 1]) }
    }
}
