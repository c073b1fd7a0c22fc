import Foundation
import XCTest

/// Issue 17, calibration: "a printed P-value ramp has densities that follow GSDF within 1 JND of
/// the PS3.14 target, checked against DCMTK dcmdspfn/dcod2lum for the same Illumination,
/// Reflected Ambient Light, Min and Max Density. Polarity REVERSE and MONOCHROME1 input print
/// correctly." Everything goes through `lightbox print-server`: a foreign SCU (pynetdicom 3)
/// prints ramps holding every P-Value once, and the film's density PNG is read back by an outside
/// decoder at the centre of each image pixel (REPLICATE magnification, so each image pixel is a
/// flat square of printer pixels; the layout comes from the profile's data file).
///
/// The luminance model, the same on both sides: L = La + L0 · 10^−D (PS3.14 §7.2; PS3.4 Annex H's
/// Illumination L0 and Reflected Ambient Light La).
/// - Target: `dcmdspfn +Io Dmin Dmax +Ci L0 +Ca La +Cd 2^bits +Og` — DCMTK turns the OD range into
///   the luminance range with that formula (its header shows "Luminance w/o" = L0 · 10^−D, and the
///   curve adds La) and writes the GSDF luminance of every DDL (= P-Value).
/// - Film: the measured densities go through `dcod2lum` (its man page: L = La + L0 · 10^(−D)).
/// - Both luminances become JND indices by PS3.14's own equation (`PS314JND`, written here from
///   the standard, not Lightbox's GSDF code), and must agree within 1 JND at every P-Value.
final class PrintCalibrationConformanceTests: XCTestCase {
    /// Film Box viewing and density attributes (PS3.3 C.13.3): densities in hundredths of OD, light in cd/m².
    struct Viewing: CustomStringConvertible {
        var minDensity: Int, maxDensity: Int, illumination: Int, ambient: Int
        var description: String { "Dmin \(minDensity)/100, Dmax \(maxDensity)/100, L0 \(illumination), La \(ambient)" }
        var attributes: [String: Any] {
            ["MagnificationType": "REPLICATE", "MinDensity": minDensity, "MaxDensity": maxDensity,
             "Illumination": illumination, "ReflectedAmbientLight": ambient]
        }
    }

    /// PS3.4 H.4.2's defaults (also lightbox-dry's), a dimmer viewer with a narrower range, and a
    /// bright mammography light box in a lit room; all within the profile's 0.20–3.00 OD.
    static let viewings = [Viewing(minDensity: 20, maxDensity: 300, illumination: 2000, ambient: 10),
                           Viewing(minDensity: 30, maxDensity: 250, illumination: 1000, ambient: 5),
                           Viewing(minDensity: 25, maxDensity: 280, illumination: 4000, ambient: 40)]
    /// 8INX10IN (PS3.3 C.13.8), portrait, in mm.
    static let film = (203.2, 254.0)
    /// Every P-Value once: a 64 × 64 12-bit image and a 16 × 16 8-bit one, rising in raster order.
    static func ramp(bits: Int, polarity: String = "NORMAL", photometric: String = "MONOCHROME2") -> [String: Any] {
        let n = bits == 12 ? 64 : 16
        return ["rows": n, "cols": n, "bits": bits, "pattern": "raster_ramp", "polarity": polarity, "photometric": photometric]
    }

    func testPValueRampFollowsGSDFWithinOneJNDOfDcmtk() throws {
        try PS314JND.checkAgainstStandard()
        let server = try PrintServerPeer()
        defer { server.stop() }
        let films: [[String: Any]] = Self.viewings.map { v in
            ["format": "STANDARD\\2,1", "size": "8INX10IN", "orientation": "PORTRAIT", "attrs": v.attributes,
             "images": [Self.ramp(bits: 12), Self.ramp(bits: 8)]]
        }
        let report = try PrintFilms.runSCU(["session": ["FilmSessionLabel": "CALIBRATION"], "films": films], to: server)
        XCTAssertEqual(PrintFilms.nonSuccess(report), [], "every step succeeds (no B605: the densities are in range)")
        let pngs = try PrintFilms.waitForFilms(label: "CALIBRATION", count: Self.viewings.count, in: server.spool, server: server)
        let geometry = try FilmGeometry()
        for (png, v) in zip(pngs, Self.viewings) {
            for (position, bits) in [(1, 12), (2, 8)] {
                let d = try densities(png, geometry: geometry, columns: 2, rows: 1, position: position, bits: bits)
                let levels = 1 << bits
                // The ends of the ramp are the film's Max and Min Density (PS3.14 §7.2: P-Value 0 darkest).
                XCTAssertEqual(d[0], Double(v.maxDensity) / 100, accuracy: 1e-4, "\(v), \(bits)-bit P-Value 0")
                XCTAssertEqual(d[levels - 1], Double(v.minDensity) / 100, accuracy: 1e-4, "\(v), \(bits)-bit P-Value max")
                // Every P-Value its own density, darker to lighter (12 bits kept on film).
                XCTAssertEqual((1 ..< levels).filter { d[$0] >= d[$0 - 1] }, [], "\(v), \(bits)-bit: densities fall strictly")
                let target = try dcmdspfn(v, levels: levels)
                let measured = try dcod2lum(v, densities: d)
                var worst = (jnd: 0.0, p: 0)
                for p in 0 ..< levels {
                    let delta = abs(PS314JND.index(luminance: measured[p]) - PS314JND.index(luminance: target[p]))
                    if delta > worst.jnd { worst = (delta, p) }
                    if delta > 1 {
                        XCTFail("\(v), \(bits)-bit P-Value \(p): film \(d[p]) OD = \(measured[p]) cd/m², dcmdspfn \(target[p]) cd/m²: \(delta) JND")
                    }
                }
                Swift.print("calibration \(v), \(bits)-bit: worst \(String(format: "%.4f", worst.jnd)) JND (P-Value \(worst.p)) from dcmdspfn")
            }
        }
    }

    /// Polarity REVERSE (PS3.3 C.13.5: printed with the polarity opposite to the Photometric
    /// Interpretation's) prints the ramp mirrored (P → Pmax − P); a MONOCHROME1 image (PS3.3 C.13.5 allows it in the Basic Grayscale Image
    /// Sequence; PS3.3 C.7.6.3.1.2: minimum value white) prints inverted against MONOCHROME2 with
    /// the same pixel values. Same film, same calibration: the densities must match exactly.
    func testReverseAndMonochrome1PrintMirrored() throws {
        let server = try PrintServerPeer()
        defer { server.stop() }
        let v = Self.viewings[1]
        let images = [12, 8].flatMap { bits in
            [Self.ramp(bits: bits), Self.ramp(bits: bits, polarity: "REVERSE"), Self.ramp(bits: bits, photometric: "MONOCHROME1")]
        }
        let film: [String: Any] = ["format": "STANDARD\\3,2", "size": "8INX10IN", "orientation": "PORTRAIT",
                                   "attrs": v.attributes, "images": images]
        let report = try PrintFilms.runSCU(["session": ["FilmSessionLabel": "POLARITY"], "films": [film]], to: server)
        XCTAssertEqual(PrintFilms.nonSuccess(report), [], "REVERSE and MONOCHROME1 are accepted")
        let png = try XCTUnwrap(PrintFilms.waitForFilms(label: "POLARITY", count: 1, in: server.spool, server: server).first)
        let geometry = try FilmGeometry()
        for (row, bits) in [(0, 12), (1, 8)] {
            func at(_ column: Int) throws -> [Double] {
                try densities(png, geometry: geometry, columns: 3, rows: 2, position: row * 3 + column + 1, bits: bits)
            }
            let normal = try at(0), reverse = try at(1), monochrome1 = try at(2)
            let maxP = (1 << bits) - 1
            XCTAssertEqual(normal[0], Double(v.maxDensity) / 100, accuracy: 1e-4, "\(bits)-bit NORMAL: value 0 at Max Density")
            XCTAssertEqual(reverse[0], Double(v.minDensity) / 100, accuracy: 1e-4, "\(bits)-bit REVERSE: value 0 at Min Density")
            XCTAssertEqual(monochrome1[0], Double(v.minDensity) / 100, accuracy: 1e-4, "\(bits)-bit MONOCHROME1: value 0 is white")
            let badReverse = (0 ... maxP).filter { abs(reverse[$0] - normal[maxP - $0]) > 1e-9 }
            let badMono1 = (0 ... maxP).filter { abs(monochrome1[$0] - normal[maxP - $0]) > 1e-9 }
            XCTAssertEqual(badReverse.count, 0, "\(bits)-bit REVERSE differs from NORMAL mirrored at values \(badReverse.prefix(10))")
            XCTAssertEqual(badMono1.count, 0, "\(bits)-bit MONOCHROME1 differs from MONOCHROME2 mirrored at values \(badMono1.prefix(10))")
        }
    }

    // MARK: Reading the film and the oracles

    /// The densities (OD) of the image at `position`, one per image pixel in raster order (= per
    /// P-Value for the ramps), each read at the centre of its printer-pixel square, which must be flat.
    func densities(_ png: String, geometry: FilmGeometry, columns: Int, rows: Int, position: Int, bits: Int) throws -> [Double] {
        let n = bits == 12 ? 64 : 16
        let points = geometry.imagePixelCentres(filmMM: Self.film, columns: columns, rows: rows, position: position,
                                                imageColumns: n, imageRows: n)
        let s = try PrintFilms.sample(png, at: points)
        XCTAssertEqual(s.depth, 16, png)
        XCTAssertEqual([s.width, s.height], [Int((Self.film.0 / 25.4 * geometry.dpi).rounded()), Int((Self.film.1 / 25.4 * geometry.dpi).rounded())], png)
        let rough = s.spread.enumerated().filter { $0.element != 0 }.map(\.offset)
        XCTAssertEqual(rough.count, 0, "image \(position): the points \(rough.prefix(5)) are not inside flat image pixels: is the layout right?")
        return s.samples.map { Double($0) / 10000 }
    }

    /// dcmdspfn's GSDF luminance (cd/m², La included) for each of `levels` DDLs over the film's OD range.
    func dcmdspfn(_ v: Viewing, levels: Int) throws -> [Double] {
        let tool = try Oracles.require("dcmdspfn", package: "dcmtk")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("gsdf-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try runCommand(tool, ["+Io", "\(Double(v.minDensity) / 100)", "\(Double(v.maxDensity) / 100)",
                                      "+Ci", "\(v.illumination)", "+Ca", "\(v.ambient)", "+Cd", "\(levels)", "+Og", out])
        guard r.status == 0 else { throw TestFailure.oracleFailed("dcmdspfn: \(r.stderr)") }
        return try table(String(contentsOfFile: out, encoding: .utf8), levels: levels, from: "dcmdspfn")
    }

    /// dcod2lum's luminance (cd/m², La included) of each measured density, from a printer
    /// characteristic file (DDL → OD, with `lum` L0 and `amb` La) in DCMTK's format.
    func dcod2lum(_ v: Viewing, densities: [Double]) throws -> [Double] {
        let tool = try Oracles.require("dcod2lum", package: "dcmtk")
        let dir = try NetworkTestSupport.temporaryDirectory("dcod2lum")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var file = "# densities measured on a Lightbox film\nmax \(densities.count - 1)\nlum \(v.illumination)\namb \(v.ambient)\n"
        for (p, d) in densities.enumerated() { file += "\(p)\t\(String(format: "%.4f", d))\n" }
        try file.write(toFile: dir + "/printer.lut", atomically: true, encoding: .utf8)
        let r = try runCommand(tool, [dir + "/printer.lut", dir + "/monitor.lut"])
        guard r.status == 0 else { throw TestFailure.oracleFailed("dcod2lum: \(r.stderr)") }
        return try table(String(contentsOfFile: dir + "/monitor.lut", encoding: .utf8), levels: densities.count, from: "dcod2lum")
    }

    /// "DDL <tab> value" lines of a DCMTK table, all `levels` of them.
    func table(_ text: String, levels: Int, from tool: String) throws -> [Double] {
        var values = [Double](repeating: .nan, count: levels)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            if f.count == 2, let ddl = Int(f[0]), let value = Double(f[1]), (0 ..< levels).contains(ddl) { values[ddl] = value }
        }
        guard !values.contains(where: \.isNaN) else { throw TestFailure.oracleFailed("\(tool) left DDLs out: \(text.prefix(500))") }
        return values
    }
}

/// The JND index of a luminance by the Grayscale Standard Display Function, PS3.14 §7.1 Equation
/// (2): j(L) = A + B·log10(L) + C·log10(L)² + … + I·log10(L)⁸, with the standard's coefficients.
/// Written from the standard for this test, independently of Lightbox's `GSDF`.
enum PS314JND {
    static let coefficients = [71.498068, 94.593053, 41.912053, 9.8247004, 0.28175407,
                               -1.1878455, -0.18014349, 0.14710899, -0.017046845]

    static func index(luminance l: Double) -> Double {
        let x = log10(l)
        var sum = 0.0, power = 1.0
        for c in coefficients { sum += c * power; power *= x }
        return sum
    }

    /// Anchors the equation to the standard's table (PS3.14 Annex B): L(1) = 0.0500,
    /// L(512) = 130.0653 and L(1023) = 3993.4040 cd/m². Eq. (2) is a fit of Eq. (1)'s inverse,
    /// good to about 0.1 JND.
    static func checkAgainstStandard() throws {
        for (j, l) in [(1.0, 0.05), (512.0, 130.065284), (1023.0, 3993.4040)] where abs(index(luminance: l) - j) > 0.1 {
            throw TestFailure.unusable("PS3.14 Eq. 2 as written gives j(\(l)) = \(index(luminance: l)), the standard's table says \(j)")
        }
    }
}
