import DICOM
import Foundation
@testable import Imaging
import XCTest

/// Colour rendering against DCMTK `dcmj2pnm` (PPM output) and pydicom: RGB (8 and 16 bits) and
/// PALETTE COLOR must be identical to dcmj2pnm; YBR_FULL and YBR_FULL_422 must match pydicom's
/// conversion and may differ from dcmj2pnm by up to 2 levels, every difference being DCMTK's
/// arithmetic, not ours (see `testYBRMatchesPydicomAndDcmj2pnmUpToItsTruncation`).
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
    /// Lightbox rounds (DCMTK even turns the neutral grey 128,128,128 into 128,127,128). So the
    /// reference for Lightbox is pydicom, and DCMTK is held to its own arithmetic:
    /// (1) dcmj2pnm equals that DCMTK arithmetic applied to the stored samples as pydicom reads them
    ///     (`pixel_array(as_rgb=False)`, chroma of 4:2:2 repeated), sample for sample;
    /// (2) Lightbox equals pydicom's `convert_color_space(…, "YBR_FULL", "RGB")` (the PS3.3
    ///     equations in float32, rounded) within `pydicomTolerance`;
    /// (3) Lightbox and dcmj2pnm differ by at most 2.
    func testYBRMatchesPydicomAndDcmj2pnmUpToItsTruncation() throws {
        let pd = try Oracles.requireCorpus("pydicom"), pdd = try Oracles.requireCorpus("pydicom-data")
        let python = try Oracles.requirePython()
        // YBR_FULL made from RGB by pydicom (native, interleaved); YBR_FULL_422 from the corpus.
        var files: [(String, Bool)] = [(try Oracles.corpusFile("pydicom", "SC_ybr_full_422_uncompressed.dcm"), true)]
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
            guard r.status == 0 else { throw TestFailure.oracleFailed("pydicom could not write \(out): \(r.stderr)") }
            files.append((out, false))
        }
        // pydicom's reading of each file: the stored YCbCr samples and its RGB conversion of them,
        // written to OUT.ybr and OUT.rgb in the test's folder (never next to a corpus file).
        let reference = """
        import sys, numpy as np
        from pydicom.pixels import pixel_array, convert_color_space
        args = sys.argv[1:]
        for path, out in zip(args[0::2], args[1::2]):
            ybr = pixel_array(path, as_rgb=False)
            assert ybr.dtype == np.uint8 and ybr.shape[-1] == 3, (path, ybr.dtype, ybr.shape)
            ybr.tofile(out + ".ybr")
            convert_color_space(ybr, "YBR_FULL", "RGB").astype(np.uint8).tofile(out + ".rgb")
        """
        let outputs = files.indices.map { tmp.appendingPathComponent("pydicom-\($0)").path }
        let ref = try runCommand(python, ["-c", reference] + zip(files, outputs).flatMap { [$0.0.0, $0.1] })
        guard ref.status == 0 else { throw TestFailure.oracleFailed("pydicom pixel_array/convert_color_space: \(ref.stderr)") }
        for ((path, is422), out) in zip(files, outputs) {
            let name = (path as NSString).lastPathComponent
            guard let (theirs, mine) = try renderBoth(path) else { continue }
            let ycc = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + ".ybr")))
            let pydicomRGB = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + ".rgb")))
            XCTAssertEqual(ycc.count, theirs.count, "\(name): pydicom's YCbCr samples")
            let dcmtkFormula = is422 ? Self.dcmtkDouble(ycc) : Self.dcmtkTables(ycc)
            XCTAssertEqual(theirs, dcmtkFormula, "\(name): dcmj2pnm is not DCMTK's arithmetic as understood here")
            XCTAssertEqual(mine.count, pydicomRGB.count, "\(name): Lightbox and pydicom sample counts")
            let fromPydicom = zip(mine, pydicomRGB).map { abs(Int($0) - Int($1)) }
            let worst = fromPydicom.max() ?? 0
            XCTAssertLessThanOrEqual(worst, Self.pydicomTolerance,
                                     "\(name): \(fromPydicom.filter { $0 > Self.pydicomTolerance }.count) samples differ from pydicom's convert_color_space by more than \(Self.pydicomTolerance) (max \(worst))")
            let maxDiff = zip(theirs, mine).map { abs(Int($0) - Int($1)) }.max() ?? 0
            XCTAssertLessThanOrEqual(maxDiff, 2, "\(name): more than DCMTK's truncation explains")
        }
    }

    /// Lightbox rounds the PS3.3 equations in double precision; pydicom evaluates them in float32
    /// (its coefficients are float32 and it adds 0.5 and floors), so a value within float32's error
    /// of .5 may round the other way: at most one level.
    static let pydicomTolerance = 1

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
