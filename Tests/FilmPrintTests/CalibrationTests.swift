import XCTest
import Imaging
@testable import FilmPrint

/// P-Value → density (PS3.14 §7.2): a printed ramp follows the GSDF within 1 JND of DCMTK's
/// `dcmdspfn` for the same Illumination, Reflected Ambient Light, Min and Max Density; the
/// density → luminance step agrees with `dcod2lum`.
final class CalibrationTests: XCTestCase {
    struct Condition { var dMin, dMax, l0, la: Double }
    let conditions = [
        Condition(dMin: 0.20, dMax: 3.00, l0: 2000, la: 10),   // PS3.4 defaults, lightbox-dry
        Condition(dMin: 0.10, dMax: 2.00, l0: 150, la: 1),     // paper profile
        Condition(dMin: 0.25, dMax: 3.60, l0: 4000, la: 20),   // mammography light box
    ]

    /// dcmdspfn's GSDF target luminance for each DDL (= P-Value) of `levels`.
    func dcmdspfn(_ c: Condition, levels: Int) throws -> [Double] {
        let dir = try FilmOracle.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = "\(dir)/gsdf.txt"
        try FilmOracle.run("dcmdspfn", package: "dcmtk", ["+Io", "\(c.dMin)", "\(c.dMax)", "+Ca", "\(c.la)", "+Ci", "\(c.l0)",
                                                          "+Cd", "\(levels)", "+Og", out])
        let text = try String(contentsOfFile: out, encoding: .utf8)
        var lum = [Double](repeating: .nan, count: levels)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: "\t")
            if f.count == 2, let d = Int(f[0]), let l = Double(f[1]), d < levels { lum[d] = l }
        }
        XCTAssertFalse(lum.contains { $0.isNaN }, "dcmdspfn left DDLs out: \(text.prefix(400))")
        return lum
    }

    func check(bits: Int) throws {
        for c in conditions {
            let cal = DensityCalibration(minDensity: c.dMin, maxDensity: c.dMax, illumination: c.l0, reflectedAmbientLight: c.la)
            let codes = try cal.densityCodes(bits: bits, polarity: .normal, lut: .identity)
            let reference = try dcmdspfn(c, levels: 1 << bits)
            var worst = 0.0
            for p in 0 ..< (1 << bits) {
                // Through the density as stored (1/10000 OD), as the film PNG holds it.
                let l = cal.hardcopy.luminance(opticalDensity: DensityCode.decode(codes[p]))
                worst = max(worst, abs(GSDF.jnd(luminance: l) - GSDF.jnd(luminance: reference[p])))
            }
            XCTAssertLessThanOrEqual(worst, 1, "\(bits)-bit \(c): worst \(worst) JND from dcmdspfn")
        }
    }

    func testEightBitRampFollowsDcmdspfn() throws { try check(bits: 8) }
    func testTwelveBitRampFollowsDcmdspfn() throws { try check(bits: 12) }

    /// dcod2lum turns a printer characteristic file (DDL → OD, with lum/amb) into luminances:
    /// our L = La + L0·10^−D must match it.
    func testDensityToLuminanceMatchesDcod2lum() throws {
        let c = conditions[0]
        let cal = DensityCalibration(minDensity: c.dMin, maxDensity: c.dMax, illumination: c.l0, reflectedAmbientLight: c.la)
        let codes = try cal.densityCodes(bits: 8, polarity: .normal, lut: .identity)
        let dir = try FilmOracle.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var file = "# printer characteristic written by CalibrationTests\nmax 255\nlum \(c.l0)\namb \(c.la)\n"
        for p in 0 ..< 256 { file += "\(p) \(String(format: "%.4f", DensityCode.decode(codes[p])))\n" }
        try file.write(toFile: "\(dir)/printer.lut", atomically: true, encoding: .utf8)
        try FilmOracle.run("dcod2lum", package: "dcmtk", ["\(dir)/printer.lut", "\(dir)/monitor.lut"])
        let out = try String(contentsOfFile: "\(dir)/monitor.lut", encoding: .utf8)
        var n = 0
        var inTable = false
        for line in out.split(separator: "\n") {
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard f.count == 2, !line.hasPrefix("#") else { continue }
            if f[0] == "max" { inTable = true; continue }
            guard inTable, let p = Int(f[0]), let l = Double(f[1]) else { continue }
            // dcod2lum's luminances include the illumination and the ambient light ("already included").
            let ours = cal.hardcopy.luminance(opticalDensity: DensityCode.decode(codes[p]))
            XCTAssertEqual(l, ours, accuracy: max(0.001, ours * 1e-4), "DDL \(p)")
            n += 1
        }
        XCTAssertEqual(n, 256, out)
    }

    /// LIN OD (PS3.3 C.11.6.1.2): equal steps of value are equal steps of density, 0 → Dmax.
    func testLinearOD() throws {
        let cal = try Fixtures.profile().defaultCalibration
        let d = try cal.densityCodes(bits: 8, polarity: .normal, lut: .linearOD).map(DensityCode.decode)
        XCTAssertEqual(d[0], 3.0, accuracy: 1e-4); XCTAssertEqual(d[255], 0.2, accuracy: 1e-4)
        for p in 1 ..< 256 { XCTAssertEqual(d[p - 1] - d[p], 2.8 / 255, accuracy: 2e-4) }
    }

    /// An explicit Presentation LUT: a 256-entry, 12-bit inverting table sends value v to P-Value
    /// 4095 − 16·v, i.e. prints as REVERSE would.
    func testExplicitLUTAndPolarity() throws {
        let cal = try Fixtures.profile().defaultCalibration
        let entries = (0 ..< 256).map { UInt16(4095 - 16 * $0) }
        let lut = FilmPresentationLUT.table(LookupTable(firstMapped: 0, bitsPerEntry: 12, entries: entries))
        let viaLUT = try cal.densityCodes(bits: 8, polarity: .normal, lut: lut)
        let normal = try cal.densityCodes(bits: 8, polarity: .normal, lut: .identity)
        let reverse = try cal.densityCodes(bits: 8, polarity: .reverse, lut: .identity)
        for v in 0 ..< 256 {
            XCTAssertEqual(reverse[v], normal[255 - v])
            XCTAssertEqual(DensityCode.decode(viaLUT[v]), cal.density(normalizedPValue: Double(4095 - 16 * v) / 4095), accuracy: 1e-4)
        }
        XCTAssertEqual(DensityCode.decode(normal[0]), 3.0, accuracy: 1e-4)
        XCTAssertEqual(DensityCode.decode(reverse[0]), 0.2, accuracy: 1e-4)
        XCTAssertThrowsError(try cal.densityCodes(bits: 12, polarity: .normal, lut: lut)) { e in
            guard case FilmPrintError.invalidPresentationLUT = e else { return XCTFail("\(e)") }
        }
    }

    /// 12-bit P-Values keep their 12 bits: 4096 distinct densities from calibration on.
    func testTwelveBitTableHas4096DistinctDensities() throws {
        let cal = try Fixtures.profile().defaultCalibration
        XCTAssertEqual(Set(try cal.densityCodes(bits: 12, polarity: .normal, lut: .identity)).count, 4096)
    }
}
