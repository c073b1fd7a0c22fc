import Foundation
import XCTest

/// Issue 17, "beyond a dry imager": `print-server --forward AE@host:port` stores each film and
/// prints it again on a real DICOM printer, here DCMTK's `dcmprscp`. The hardcopy images the
/// printer stores equal, within one step, the P-Values pydicom computes from the images the
/// modality printed. When the printer is offline the film waits, the modality's Print Job says
/// so (PRINTING, not DONE), and the film is printed once the printer answers.
final class PrintForwardConformanceTests: XCTestCase {
    var folder = ""
    var sources = ""

    override func setUpWithError() throws {
        folder = try NetworkTestSupport.temporaryDirectory("print-forward")
        sources = folder + "/src"
        let r = try runCommand(try Oracles.requirePython(), [Oracles.oracleScript("print_pvalues.py"), "make", sources])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    /// Waits until dcmprscp's database holds `count` hardcopy images.
    func waitForHardcopies(_ config: DCMTKPrintConfig, _ count: Int, timeout: Double = 60) -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var found = config.stored(prefix: "HG_")
        while found.count < count && Date() < deadline { usleep(100_000); found = config.stored(prefix: "HG_") }
        usleep(300_000)   // let dcmprscp finish writing the Stored Print after the last image
        return config.stored(prefix: "HG_")
    }

    func checkPixels(_ config: DCMTKPrintConfig, bits: Int) throws {
        let check = try runCommand(try Oracles.requirePython(), [Oracles.oracleScript("print_pvalues.py"), "check", sources, config.database, "\(bits)"])
        let out = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any], check.stdout + check.stderr)
        XCTAssertEqual(out["matched"] as? [String: Int], ["ct.dcm": 1, "cr.dcm": 1, "mr.dcm": 1], check.stdout)
        XCTAssertEqual((out["errors"] as? [String]) ?? ["?"], [], check.stdout)
    }

    func testForwardToDcmprscpPrintsTheSamePixels() throws {
        let dcmprscp = try Oracles.require("dcmprscp", package: "dcmtk")
        let port = NetworkTestSupport.freePort()
        let config = try DCMTKPrintConfig(folder: folder + "/dcmtk", printer: "REALPRINTER", aeTitle: "REALPRINTER", port: port, localPrinter: true)
        let scp = try NetworkTestSupport.launch(dcmprscp, ["-c", config.path, "-p", "REALPRINTER"], log: config.folder + "/scp.log")
        defer { NetworkTestSupport.stop(scp) }
        try NetworkTestSupport.waitForListener(port: port, timeout: 20)
        let server = try PrintServerPeer(extraArguments: ["--forward", "REALPRINTER@127.0.0.1:\(port)", "--retry-delay", "0.5"])
        defer { server.stop() }
        let r = try runCommand(try RenderConformanceTests.lightboxBinary(),
                               ["print", "127.0.0.1", "\(server.port)", "--call", server.aeTitle, "--format", "STANDARD\\2,2",
                                "--size", "14INX17IN", sources + "/ct.dcm", sources + "/cr.dcm", sources + "/mr.dcm"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertEqual(server.waitForFilms(1).count, 1, "the film is also rendered here: \(server.log)")
        let hardcopies = waitForHardcopies(config, 3)
        XCTAssertEqual(hardcopies.count, 3, server.log)
        XCTAssertEqual(config.stored(prefix: "SP_").count, 1, "one film on the real printer")
        try checkPixels(config, bits: 12)
    }

    func testOfflinePrinterMakesTheFilmWaitThenPrintsIt() throws {
        let dcmprscp = try Oracles.require("dcmprscp", package: "dcmtk")
        let port = NetworkTestSupport.freePort()
        let config = try DCMTKPrintConfig(folder: folder + "/dcmtk", printer: "REALPRINTER", aeTitle: "REALPRINTER", port: port, localPrinter: true)
        let server = try PrintServerPeer(extraArguments: ["--forward", "REALPRINTER@127.0.0.1:\(port)", "--retry-delay", "0.5"])
        defer { server.stop() }
        // A modality prints and asks for its job's status: the printer is off, so it is not DONE.
        let plan: [String: Any] = ["print_job": true, "events_timeout": 3,
                                   "films": [["format": "STANDARD\\1,1", "images": [["bits": 12]]]]]
        let planPath = folder + "/plan.json"
        try JSONSerialization.data(withJSONObject: plan).write(to: URL(fileURLWithPath: planPath))
        let scu = try runCommand(try Oracles.requirePython(), [Oracles.oracleScript("pynetdicom_print_scu.py"), "127.0.0.1", "\(server.port)", server.aeTitle, planPath])
        XCTAssertEqual(scu.status, 0, scu.stderr)
        let out = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(scu.stdout.utf8)) as? [String: Any], scu.stdout)
        XCTAssertEqual(out["execution_status"] as? String, "PRINTING", "\(out)\n\(server.log)")
        XCTAssertEqual(out["execution_status_info"] as? String, "QUEUED", "PS3.3 C.13.9.1: waiting for the printer")
        XCTAssertFalse((out["events"] as? [Int] ?? []).contains(3), "no DONE while the printer is offline: \(out)")
        XCTAssertEqual(config.stored(prefix: "HG_"), [])
        // The printer comes on: the film is printed there without anyone printing again.
        let scp = try NetworkTestSupport.launch(dcmprscp, ["-c", config.path, "-p", "REALPRINTER"], log: config.folder + "/scp.log")
        defer { NetworkTestSupport.stop(scp) }
        XCTAssertEqual(waitForHardcopies(config, 1).count, 1, server.log)
        XCTAssertEqual(config.stored(prefix: "SP_").count, 1)
    }
}
