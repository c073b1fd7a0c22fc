import DICOM
import Foundation
@testable import Imaging
import XCTest

/// Colour rendering against DCMTK `dcmj2pnm` (PPM output) and, where DCMTK 3.6.7 cannot, pydicom:
/// RGB (8 and 16 bits) and PALETTE COLOR must be identical; YBR_FULL and YBR_FULL_422 may differ by
/// up to 2 levels, and every difference must be DCMTK's arithmetic, not ours (see
/// `testYBRMatchesDcmj2pnmUpToItsTruncation`).
final class RenderColorConformanceTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-render-colour-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    /// `dcmj2pnm +op FILE` and `lightbox render FILE -o x.ppm`: both images' pixels.
    func renderBoth(_ file: String, line: UInt = #line) throws -> (dcmtk: [UInt8], lightbox: [UInt8])? {
        let dcmj2pnm = try Oracles.require("dcmj2pnm", package: "dcmtk")
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let name = (file as NSString).lastPathComponent
        let theirs = tmp.appendingPathComponent("\(name).dcmtk.ppm").path, mine = tmp.appendingPathComponent("\(name).lightbox.ppm").path
        let r1 = try runCommand(dcmj2pnm, ["+op", file, theirs])
        XCTAssertEqual(r1.status, 0, "dcmj2pnm \(name): \(r1.stderr)", line: line)
        let r2 = try runCommand(lightbox, ["render", file, "-o", mine])
        XCTAssertEqual(r2.status, 0, "lightbox render \(name): \(r2.stderr)", line: line)
        guard r1.status == 0, r2.status == 0 else { return nil }
        let a = try RenderConformanceTests.readPNM(theirs), b = try RenderConformanceTests.readPNM(mine)
        XCTAssertEqual(a.maxval, 255, line: line)
        XCTAssertEqual([a.width, a.height], [b.width, b.height], name, line: line)
        XCTAssertEqual(a.pixels.count, a.width * a.height * 3, "\(name): dcmj2pnm wrote no PPM", line: line)
        return (a.pixels, b.pixels)
    }

    func testRGBAndPaletteMatchDcmj2pnmExactly() throws {
        let pd = try Oracles.requireCorpus("pydicom"), pdd = try Oracles.requireCorpus("pydicom-data")
        let files = [pdd.appendingPathComponent("SC_rgb.dcm"), pd.appendingPathComponent("examples_rgb_color.dcm"),
                     pdd.appendingPathComponent("SC_rgb_16bit.dcm"), pdd.appendingPathComponent("SC_rgb_expb_2frame.dcm"),
                     pd.appendingPathComponent("examples_palette.dcm"), pdd.appendingPathComponent("OBXXXX1A.dcm"),
                     pdd.appendingPathComponent("OT-PAL-8-face.dcm")]
        for f in files {
            guard let (theirs, mine) = try renderBoth(f.path) else { continue }
            let differing = zip(theirs, mine).filter { $0 != $1 }.count
            XCTAssertEqual(differing, 0, "\(f.lastPathComponent): \(differing) of \(theirs.count) samples differ from dcmj2pnm")
        }
    }

    /// DCMTK's YCbCr → RGB (dcmimage diybrpxt.h for 8-bit YBR_FULL: per-term tables truncated to
    /// integers, e.g. G = Y − ⌊0.3441·Cb⌋ − trunc(0.7141·Cr − 0.5291·255); diyf2pxt.h for
    /// YBR_FULL_422: the same four-digit coefficients in double, truncated once). Truncation toward
    /// zero moves a value by up to 2 levels from the exact PS3.3 §C.7.6.3.1.2 result, which
    /// Lightbox rounds (DCMTK even turns the neutral grey 128,128,128 into 128,127,128). So the test
    /// asserts (1) dcmj2pnm equals that DCMTK arithmetic on the stored samples, sample for sample,
    /// (2) Lightbox equals the rounded exact conversion, (3) the two differ by at most 2.
    func testYBRMatchesDcmj2pnmUpToItsTruncation() throws {
        let pd = try Oracles.requireCorpus("pydicom"), pdd = try Oracles.requireCorpus("pydicom-data")
        let python = try Oracles.requirePython()
        // YBR_FULL made from RGB by pydicom (native, interleaved); YBR_FULL_422 from the corpus.
        var files: [(String, Bool)] = [(pd.appendingPathComponent("SC_ybr_full_422_uncompressed.dcm").path, true)]
        for src in [pdd.appendingPathComponent("SC_rgb.dcm").path, pd.appendingPathComponent("examples_rgb_color.dcm").path] {
            let out = tmp.appendingPathComponent("ybr_" + (src as NSString).lastPathComponent).path
            let script = """
            import sys, numpy as np, pydicom
            from pydicom.pixels import convert_color_space
            ds = pydicom.dcmread(sys.argv[1])
            ds.PixelData = convert_color_space(ds.pixel_array, "RGB", "YBR_FULL").astype(np.uint8).tobytes()
            ds.PhotometricInterpretation = "YBR_FULL"
            ds.save_as(sys.argv[2])
            """
            let r = try runCommand(python, ["-c", script, src, out])
            XCTAssertEqual(r.status, 0, r.stderr)
            files.append((out, false))
        }
        for (path, is422) in files {
            let name = (path as NSString).lastPathComponent
            guard let (theirs, mine) = try renderBoth(path) else { continue }
            let px = try ImagePixelData(file: try Part10Reader.read(path: path))
            let frame = try px.decodeFrame(0)
            guard case .uint8(var ycc) = frame.samples else { XCTFail("\(name): 8-bit YCbCr expected"); continue }
            let pixels = frame.description.rows * frame.description.columns
            if ycc.count == pixels * 2 { ycc = Self.upsample422(ycc) }
            XCTAssertEqual(ycc.count, pixels * 3, name)
            let dcmtkFormula = is422 ? Self.dcmtkDouble(ycc) : Self.dcmtkTables(ycc)
            XCTAssertEqual(theirs, dcmtkFormula, "\(name): dcmj2pnm is not DCMTK's arithmetic as understood here")
            var exact: [UInt8] = []
            for p in 0 ..< pixels {
                let (r, g, b) = ColorConversion.ybrFullToRGB(y: Int(ycc[3 * p]), cb: Int(ycc[3 * p + 1]), cr: Int(ycc[3 * p + 2]))
                exact += [r, g, b]
            }
            XCTAssertEqual(mine, exact, "\(name): Lightbox is not the rounded PS3.3 conversion")
            let maxDiff = zip(theirs, mine).map { abs(Int($0) - Int($1)) }.max() ?? 0
            XCTAssertLessThanOrEqual(maxDiff, 2, "\(name): more than DCMTK's truncation explains")
        }
    }

    /// DCMTK 3.6.7 cannot render segmented palettes ("segmented palettes not yet supported"), so
    /// the ALOKA ultrasound's segmented 16-bit palette (PS3.3 §C.7.9.2) is checked against pydicom's
    /// `apply_color_lut`, reduced to 8 bits the way dcmj2pnm reduces unsegmented 16-bit palettes
    /// (the high byte), exactly.
    func testSegmentedPaletteMatchesPydicom() throws {
        let pdd = try Oracles.requireCorpus("pydicom-data")
        let python = try Oracles.requirePython()
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let file = pdd.appendingPathComponent("gdcm-US-ALOKA-16.dcm").path
        let mine = tmp.appendingPathComponent("aloka.ppm").path, ref = tmp.appendingPathComponent("aloka.rgb").path
        let r1 = try runCommand(lightbox, ["render", file, "-o", mine])
        XCTAssertEqual(r1.status, 0, r1.stderr)
        let script = """
        import sys, numpy as np, pydicom
        from pydicom.pixels import apply_color_lut
        ds = pydicom.dcmread(sys.argv[1])
        assert "SegmentedRedPaletteColorLookupTableData" in ds
        rgb = apply_color_lut(ds.pixel_array, ds)
        (rgb.astype(np.uint32) >> 8).astype(np.uint8).tofile(sys.argv[2])
        """
        let r2 = try runCommand(python, ["-c", script, file, ref])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        let theirs = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ref)))
        let ours = try RenderConformanceTests.readPNM(mine)
        XCTAssertEqual(ours.width * ours.height * 3, theirs.count)
        XCTAssertEqual(ours.pixels, theirs, "segmented palette differs from pydicom")
        XCTAssertGreaterThan(Set(theirs).count, 50, "the palette must map to many colours")
    }

    static func upsample422(_ s: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count / 2 * 3)
        var i = 0
        while i + 3 < s.count { out += [s[i], s[i + 2], s[i + 3], s[i + 1], s[i + 2], s[i + 3]]; i += 4 }
        return out
    }

    /// dcmimage diybrpxt.h, unsigned 8-bit: Sint16 tables of truncated terms.
    static func dcmtkTables(_ ycc: [UInt8]) -> [UInt8] {
        func t(_ v: Double) -> Int { Int(Int16(v)) }   // C cast: truncation toward zero
        let rcr = (0 ..< 256).map { t(1.4020 * Double($0) - 0.7010 * 255) }
        let gcb = (0 ..< 256).map { t(0.3441 * Double($0)) }
        let gcr = (0 ..< 256).map { t(0.7141 * Double($0) - 0.5291 * 255) }
        let bcb = (0 ..< 256).map { t(1.7720 * Double($0) - 0.8859 * 255) }
        func c(_ v: Int) -> UInt8 { UInt8(min(max(v, 0), 255)) }
        var out: [UInt8] = []
        out.reserveCapacity(ycc.count)
        for p in stride(from: 0, to: ycc.count - 2, by: 3) {
            let y = Int(ycc[p]), cb = Int(ycc[p + 1]), cr = Int(ycc[p + 2])
            out += [c(y + rcr[cr]), c(y - gcb[cb] - gcr[cr]), c(y + bcb[cb])]
        }
        return out
    }

    /// dcmimage diyf2pxt.h `convertValue`: double arithmetic, clamped, truncated.
    static func dcmtkDouble(_ ycc: [UInt8]) -> [UInt8] {
        func c(_ v: Double) -> UInt8 { v < 0 ? 0 : v > 255 ? 255 : UInt8(v) }
        var out: [UInt8] = []
        out.reserveCapacity(ycc.count)
        for p in stride(from: 0, to: ycc.count - 2, by: 3) {
            let y = Double(ycc[p]), cb = Double(ycc[p + 1]), cr = Double(ycc[p + 2])
            out += [c(y + 1.4020 * cr - 0.7010 * 255), c(y - 0.3441 * cb - 0.7141 * cr + 0.5291 * 255), c(y + 1.7720 * cb - 0.8859 * 255)]
        }
        return out
    }
}
