import Foundation
import XCTest

/// Issue 17, must-show 1 (DCMTK's print path) and 4 (`lightbox print`):
/// - `lightbox print` against DCMTK `dcmprscp` succeeds, and every Hardcopy Grayscale Image it
///   stores equals, within one step, the P-Values pydicom computes from the source (Modality LUT,
///   PS3.3 C.11.2.1.2.1 window, MONOCHROME1 inverted), at 12 and at 8 bits.
/// - DCMTK's print SCU (`dcmpsprt` writes the Stored Print, `dcmprscu` sends it) prints on
///   `lightbox print-server`: one film at the true size of 14INX17IN, and in the film PNG the four
///   flat images of STANDARD\2,2 sit in two columns and two rows, in order, darker for lower P-Values.
/// - `lightbox print` prints on `lightbox print-server` with a Chinese annotation, films split by format.
final class PrintSCUConformanceTests: XCTestCase {
    var folder = ""
    var sources = ""

    override func setUpWithError() throws {
        folder = try NetworkTestSupport.temporaryDirectory("print-scu")
        sources = folder + "/src"
        let python = try Oracles.requirePython()
        let r = try runCommand(python, [Oracles.oracleScript("print_pvalues.py"), "make", sources])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func lightbox(_ arguments: [String]) throws -> CommandResult {
        try runCommand(try RenderConformanceTests.lightboxBinary(), arguments)
    }

    func testPrintOnDcmprscpStoresTheSentPixels() throws {
        let dcmprscp = try Oracles.require("dcmprscp", package: "dcmtk")
        let python = try Oracles.requirePython()
        for bits in [12, 8] {
            let port = NetworkTestSupport.freePort()
            let config = try DCMTKPrintConfig(folder: folder + "/dcmtk-\(bits)", printer: "PRINTSCP", aeTitle: "PRINTSCP", port: port, localPrinter: true)
            let scp = try NetworkTestSupport.launch(dcmprscp, ["-c", config.path, "-p", "PRINTSCP"], log: config.folder + "/scp.log")
            defer { NetworkTestSupport.stop(scp) }
            try NetworkTestSupport.waitForListener(port: port, timeout: 20)
            let r = try lightbox(["print", "127.0.0.1", "\(port)", "--call", "PRINTSCP", "--format", "STANDARD\\2,2", "--size", "14INX17IN",
                                  "--bits", "\(bits)", sources + "/ct.dcm", sources + "/cr.dcm", sources + "/mr.dcm"])
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            XCTAssertTrue(r.stdout.contains("printed 1 film(s), 3 image(s)"), r.stdout)
            XCTAssertEqual(config.stored(prefix: "SP_").count, 1, "one Stored Print per film")
            let check = try runCommand(python, [Oracles.oracleScript("print_pvalues.py"), "check", sources, config.database, "\(bits)"])
            XCTAssertEqual(check.status, 0, check.stderr)
            let out = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any], check.stdout)
            XCTAssertEqual(out["hardcopies"] as? Int, 3, check.stdout)
            XCTAssertEqual(out["matched"] as? [String: Int], ["ct.dcm": 1, "cr.dcm": 1, "mr.dcm": 1], check.stdout)
            XCTAssertEqual((out["errors"] as? [String]) ?? ["?"], [], "\(bits)-bit: " + check.stdout)
        }
    }

    func testDCMTKPrintSCUPrintsOnPrintServer() throws {
        let dcmpsprt = try Oracles.require("dcmpsprt", package: "dcmtk")
        let dcmprscu = try Oracles.require("dcmprscu", package: "dcmtk")
        let python = try Oracles.requirePython()
        let server = try PrintServerPeer()
        defer { server.stop() }
        let config = try DCMTKPrintConfig(folder: folder + "/dcmtk", aeTitle: server.aeTitle, port: server.port, localPrinter: false,
                                          annotation: "1\\LABEL")
        let flats = (1 ... 4).map { sources + "/flat\($0).dcm" }
        let sprt = try runCommand(dcmpsprt, ["-c", config.path, "-p", config.printer, "--layout", "2", "2", "--filmsize", "14INX17IN"] + flats)
        XCTAssertEqual(sprt.status, 0, sprt.stderr)
        let storedPrint = try XCTUnwrap(config.stored(prefix: "SP_").first, "dcmpsprt wrote no Stored Print: \(sprt.stderr)")
        let scu = try runCommand(dcmprscu, ["-c", config.path, "-p", config.printer, storedPrint])
        XCTAssertEqual(scu.status, 0, scu.stderr)
        XCTAssertFalse(scu.stderr.contains("E: "), "dcmprscu reported an error: \(scu.stderr)\n\(server.log)")

        let pdfs = server.waitForFilms(1)
        XCTAssertEqual(pdfs.count, 1, server.log)
        let pdf = try XCTUnwrap(pdfs.first)
        let pdfinfo = try Oracles.require("pdfinfo", package: "poppler-utils")
        let info = try runCommand(pdfinfo, [pdf]).stdout
        XCTAssertTrue(info.contains("Page size:       1008 x 1224 pts"), "14INX17IN is 1008 x 1224 pt: \(info)")

        // Four flat images: four regions of one density each, two columns by two rows, in order.
        let measure = try runCommand(python, [Oracles.oracleScript("png_measure.py"), String(pdf.dropLast(4)) + ".png"])
        let m = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(measure.stdout.utf8)) as? [String: Any], measure.stdout + measure.stderr)
        let boxes = try XCTUnwrap(m["boxes"] as? [String: [Int]], measure.stdout)
        let width = try XCTUnwrap(m["width"] as? Int), height = try XCTUnwrap(m["height"] as? Int)
        // The background (border, BLACK) covers the most; the image regions are the four next largest.
        let regions = boxes.sorted { $0.value[4] > $1.value[4] }.dropFirst().prefix(4)
            .map { (density: Int($0.key)!, box: $0.value) }
        XCTAssertEqual(regions.count, 4, "\(boxes.keys)")
        for r in regions { XCTAssertEqual(r.box[4], (r.box[2] - r.box[0]) * (r.box[3] - r.box[1]), "each image region is a filled rectangle: \(r)") }
        // Reading order: top-left, top-right, bottom-left, bottom-right (PS3.3 C.13.5.1 Image Box Position).
        let ordered = regions.sorted { ($0.box[1] / (height / 4), $0.box[0]) < ($1.box[1] / (height / 4), $1.box[0]) }
        XCTAssertLessThan(ordered[0].box[2], ordered[1].box[0], "two columns")
        XCTAssertLessThan(ordered[0].box[3], ordered[2].box[1], "two rows")
        XCTAssertEqual(ordered[0].box[0], ordered[2].box[0]); XCTAssertEqual(ordered[1].box[0], ordered[3].box[0])
        XCTAssertTrue(ordered.allSatisfy { $0.box[2] <= width && $0.box[3] <= height })
        // flat1…4 have P-Values rising, so densities fall in reading order.
        XCTAssertEqual(ordered.map(\.density), ordered.map(\.density).sorted(by: >), "\(ordered)")
    }

    func testPrintOnPrintServerSplitsFilmsAndSetsText() throws {
        let server = try PrintServerPeer()
        defer { server.stop() }
        let r = try lightbox(["print", "127.0.0.1", "\(server.port)", "--call", server.aeTitle, "--format", "STANDARD\\1,2",
                              "--size", "A4", "--orientation", "LANDSCAPE", "--label", "SCU 李娜", "--annotation", "李娜 CR 2026",
                              sources + "/ct.dcm", sources + "/cr.dcm", sources + "/mr.dcm"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("printed 2 film(s), 3 image(s)"), r.stdout)
        let pdfs = server.waitForFilms(2)
        XCTAssertEqual(pdfs.map { ($0 as NSString).lastPathComponent }, ["film-1.pdf", "film-2.pdf"], server.log)
        XCTAssertTrue(pdfs.allSatisfy { $0.contains("/SCU 李娜/") }, "\(pdfs)")
        let pdfinfo = try Oracles.require("pdfinfo", package: "poppler-utils")
        let pdftotext = try Oracles.require("pdftotext", package: "poppler-utils")
        for pdf in pdfs {
            let info = try runCommand(pdfinfo, [pdf]).stdout
            XCTAssertTrue(info.contains("841.89 x 595.276 pts (A4)"), "A4 landscape (297 x 210 mm): \(info)")
            XCTAssertTrue(try runCommand(pdftotext, [pdf, "-"]).stdout.contains("李娜 CR 2026"), pdf)
        }
    }

    func testPrintRefusesColourAndNamesTheFile() throws {
        let server = try PrintServerPeer()
        defer { server.stop() }
        let colour = try Oracles.corpusFile("pydicom", "SC_rgb_small_odd.dcm")
        let r = try lightbox(["print", "127.0.0.1", "\(server.port)", "--call", server.aeTitle, colour])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("SC_rgb_small_odd.dcm") && r.stderr.contains("colour"), r.stderr)
    }
}
