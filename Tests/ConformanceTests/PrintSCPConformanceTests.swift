import Foundation
import XCTest

/// Issue 17, must-show 1 and 5 (in part): a foreign print SCU (pynetdicom 3) prints several films
/// of different sizes, orientations, formats, depths and polarities with a Presentation LUT and a
/// Chinese annotation; `pdfinfo` reports each film's exact physical size, `pdftotext` finds the
/// annotation, the Print Job reports PENDING → PRINTING → DONE. A server SIGKILLed right after an
/// N-ACTION answered Success renders the film when it starts again.
final class PrintSCPConformanceTests: XCTestCase {
    static var plan: [String: Any] { [
        "session": ["NumberOfCopies": 1, "MediumType": "BLUE FILM", "FilmSessionLabel": "CT 王伟"],
        "presentation_lut": "LIN OD", "print_job": true, "annotation": true,
        "films": [
            ["format": "STANDARD\\2,2", "size": "14INX17IN", "orientation": "PORTRAIT", "annotation_format": "LABEL",
             "images": [["rows": 64, "cols": 64, "bits": 12], ["rows": 32, "cols": 48, "bits": 8, "polarity": "REVERSE"]],
             "annotations": ["王伟 CT 2026"]],
            ["format": "ROW\\1,2", "size": "A4", "orientation": "LANDSCAPE", "images": [["bits": 8]]],
            ["format": "COL\\2", "size": "8INX10IN", "orientation": "PORTRAIT", "images": [["bits": 12, "pattern": "checker"]]],
        ],
    ] }
    /// Width × height in points (1/72 in) of each film above, from PS3.3 C.13.8's sizes.
    static let pageSizes: [(Double, Double)] = [(14 * 72, 17 * 72), (297 / 25.4 * 72, 210 / 25.4 * 72), (8 * 72, 10 * 72)]

    func print(_ plan: [String: Any], to server: PrintServerPeer) throws -> [String: Any] {
        let python = try Oracles.requirePython()
        let path = server.folder + "/plan-\(UUID().uuidString.prefix(6)).json"
        try JSONSerialization.data(withJSONObject: plan).write(to: URL(fileURLWithPath: path))
        let r = try runCommand(python, [Oracles.oracleScript("pynetdicom_print_scu.py"), "127.0.0.1", "\(server.port)", server.aeTitle, path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
    }

    func films(in spool: String) -> [String] {
        Oracles.files(under: URL(fileURLWithPath: spool + "/films")).filter { $0.hasSuffix(".pdf") }.sorted()
    }

    func pageSize(_ pdf: String) throws -> (Double, Double) {
        let pdfinfo = try Oracles.require("pdfinfo", package: "poppler-utils")
        let r = try runCommand(pdfinfo, [pdf])
        let line = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix("Page size:") }, r.stdout)
        let numbers = line.split(separator: " ").compactMap { Double($0) }
        XCTAssertGreaterThanOrEqual(numbers.count, 2, String(line))
        return (numbers[0], numbers[1])
    }

    func testForeignSCUPrintsFilmsAtTrueSize() throws {
        let server = try PrintServerPeer()
        defer { server.stop() }
        let out = try print(Self.plan, to: server)
        let steps = try XCTUnwrap(out["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.compactMap { $0["status"] as? Int }.filter { $0 != 0 }, [], "\(steps)")
        XCTAssertEqual(out["image_boxes"] as? [Int], [4, 3, 2])
        XCTAssertEqual(out["events"] as? [Int], [1, 2, 3], "Print Job N-EVENT-REPORT PENDING, PRINTING, DONE")
        XCTAssertEqual(out["execution_status"] as? String, "DONE")
        let pdfs = server.waitForFilms(3)
        XCTAssertEqual(pdfs.map { ($0 as NSString).lastPathComponent }, ["film-1.pdf", "film-2.pdf", "film-3.pdf"], server.log)
        XCTAssertTrue(pdfs.allSatisfy { $0.contains("/PYNETDICOM/CT 王伟/") }, "\(pdfs)")
        for (pdf, expected) in zip(pdfs, Self.pageSizes) {
            let (w, h) = try pageSize(pdf)
            XCTAssertEqual(w, expected.0, accuracy: 0.5, pdf)
            XCTAssertEqual(h, expected.1, accuracy: 0.5, pdf)
        }
        let pdftotext = try Oracles.require("pdftotext", package: "poppler-utils")
        let text = try runCommand(pdftotext, [pdfs[0], "-"])
        XCTAssertTrue(text.stdout.contains("王伟 CT 2026"), "annotation as characters: \(text.stdout)")
        for pdf in pdfs {
            let png = String(pdf.dropLast(4)) + ".png"
            XCTAssertTrue(FileManager.default.fileExists(atPath: png) && FileManager.default.fileExists(atPath: String(pdf.dropLast(4)) + "-preview.png"), png)
        }
    }

    /// Colour printing is not served: an association that offers only Basic Color Print Management
    /// Meta gets A-ASSOCIATE-RJ (permanent, service user, no reason given), and the server serves
    /// the next grayscale peer.
    func testColorOnlyAssociationIsRejectedCleanly() throws {
        let server = try PrintServerPeer()
        defer { server.stop() }
        let python = try Oracles.requirePython()
        let script = """
        import json, sys
        from pynetdicom import AE
        ae = AE(ae_title='COLOR_SCU')
        ae.add_requested_context('1.2.840.10008.5.1.1.18')
        a = ae.associate('127.0.0.1', int(sys.argv[1]), ae_title=sys.argv[2])
        rj = a.acceptor.primitive if a.is_rejected else None
        print(json.dumps({'rejected': a.is_rejected, 'established': a.is_established,
                          'result': rj.result if rj else None, 'source': rj.result_source if rj else None,
                          'reason': rj.diagnostic if rj else None}))
        if a.is_established: a.release()
        """
        let r = try runCommand(python, ["-c", script, "\(server.port)", server.aeTitle])
        let out = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
        XCTAssertEqual(out["rejected"] as? Bool, true, r.stdout)
        XCTAssertEqual(out["result"] as? Int, 1, "permanent"); XCTAssertEqual(out["source"] as? Int, 1, "service user")
        XCTAssertEqual(out["reason"] as? Int, 1, "no reason given")
        let plan: [String: Any] = ["films": [["format": "STANDARD\\1,1", "images": [["bits": 8]]]], "action": "filmbox"]
        let steps = try XCTUnwrap(print(plan, to: server)["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.compactMap { $0["status"] as? Int }.filter { $0 != 0 }, [], "\(steps)")
        XCTAssertEqual(server.waitForFilms(1).count, 1, server.log)
    }

    func testFilmSurvivesSIGKILLAfterSuccess() throws {
        // The first server spools but does not render; it is killed right after N-ACTION Success.
        let first = try PrintServerPeer(extraArguments: ["--no-render"])
        let plan: [String: Any] = ["session": ["FilmSessionLabel": "KILLED"], "films": [["format": "STANDARD\\1,1", "images": [["bits": 8]]]]]
        let out = try print(plan, to: first)
        XCTAssertEqual((out["steps"] as? [[String: Any]])?.last(where: { $0["step"] as? String == "session n-action" })?["status"] as? Int, 0)
        first.stop(keepFolder: true)
        defer { try? FileManager.default.removeItem(atPath: first.folder) }
        XCTAssertEqual(films(in: first.spool), [], "nothing rendered before the kill")
        let queued = try FileManager.default.contentsOfDirectory(atPath: first.spool + "/queue").filter { !$0.hasPrefix(".") }
        XCTAssertEqual(queued.count, 1, "the job is in the spool")
        // A new server on the same spool renders it.
        let second = try PrintServerPeer(spool: first.spool)
        defer { second.stop() }
        var rendered: [String] = []
        for _ in 0 ..< 600 where rendered.isEmpty {
            rendered = films(in: first.spool)
            if rendered.isEmpty { usleep(50_000) }
        }
        XCTAssertEqual(rendered.map { ($0 as NSString).lastPathComponent }, ["film-1.pdf"], second.log)
        XCTAssertTrue(rendered.first?.contains("/KILLED/") == true, "\(rendered)")
    }
}
