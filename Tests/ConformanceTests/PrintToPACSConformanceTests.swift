import Foundation
import XCTest

/// `print-server --to-pacs`: films printed by a foreign print SCU (pynetdicom) reach a real archive
/// (Orthanc) as Secondary Capture images, read back with pydicom: one instance per film, one
/// study and series per print job, the film's pixel grid, and pixels that are the GSDF P-Values
/// of the film's densities computed by the oracle itself (PS3.14). An archive that is not there
/// yet gets the film later: it waits in the spool's outbox, across a SIGKILL and restart too.
final class PrintToPACSConformanceTests: XCTestCase {
    /// 8INX10IN portrait at the lightbox-dry profile's STANDARD resolution, 300 dpi.
    static let columns = 8 * 300, rows = 10 * 300
    /// Min/Max Density (hundredths of OD), Illumination and Reflected Ambient Light (cd/m²) of every film box.
    static var viewing: [String: Any] { ["MinDensity": 20, "MaxDensity": 300, "Illumination": 2000, "ReflectedAmbientLight": 10] }
    static let sopClass = "1.2.840.10008.5.1.4.1.1.7.3"  // Multi-frame Grayscale Word Secondary Capture Image Storage

    static func plan(label: String, printJob: Bool, films: [[String: Any]]) -> [String: Any] {
        ["session": ["NumberOfCopies": 1, "FilmSessionLabel": label], "print_job": printJob,
         "films": films.map { f in f.merging(["size": "8INX10IN", "orientation": "PORTRAIT", "attrs": viewing]) { a, _ in a } }]
    }

    static var twoFilms: [[String: Any]] { [
        ["format": "STANDARD\\1,1", "images": [["rows": 64, "cols": 64, "bits": 12, "pattern": "ramp"]]],
        ["format": "STANDARD\\1,2", "images": [["bits": 8, "pattern": "checker"], ["rows": 32, "cols": 48, "bits": 12]]],
    ] }

    // MARK: Peers and oracles

    func print(_ plan: [String: Any], to server: PrintServerPeer) throws -> [String: Any] {
        let path = server.folder + "/plan-\(UUID().uuidString.prefix(6)).json"
        try JSONSerialization.data(withJSONObject: plan).write(to: URL(fileURLWithPath: path))
        let r = try runCommand(try Oracles.requirePython(),
                               [Oracles.oracleScript("pynetdicom_print_scu.py"), "127.0.0.1", "\(server.port)", server.aeTitle, path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
        let steps = try XCTUnwrap(out["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.compactMap { $0["status"] as? Int }.filter { $0 != 0 }, [], "\(steps)")
        return out
    }

    /// The Print Job's N-GET answer through pynetdicom.
    func printJob(_ uid: String, on server: PrintServerPeer) throws -> [String: Any] {
        let r = try runCommand(try Oracles.requirePython(),
                               [Oracles.oracleScript("pynetdicom_print_job_get.py"), "127.0.0.1", "\(server.port)", server.aeTitle, uid])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
    }

    /// Orthanc's instances once it holds `count` (what it holds after `timeout` seconds otherwise).
    func waitForInstances(_ orthanc: OrthancPeer, _ count: Int, timeout: Double = 120) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let uids = try orthanc.storedInstances()
            if uids.count >= count || Date() > deadline { return uids }
            usleep(500_000)
        }
    }

    /// Downloads an instance from Orthanc and reads it with pydicom; with `densityPNG` (may hold
    /// `{n}` for the Instance Number) the oracle also compares every pixel with its GSDF P-Value.
    func readFromOrthanc(_ orthanc: OrthancPeer, _ uid: String, into folder: String, densityPNG: String? = nil) throws -> [String: Any] {
        let file = folder + "/\(uid).dcm"
        try orthanc.downloadInstance(uid, to: file)
        var args = [Oracles.oracleScript("pydicom_film_sc.py"), file]
        if let densityPNG { args += [densityPNG, "0.20", "3.00", "2000", "10"] }
        let r = try runCommand(try Oracles.requirePython(), args)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
    }

    /// dciodvfy's (dicom3tools) error lines for a file Orthanc stored.
    func iodErrors(_ orthanc: OrthancPeer, _ uid: String, in folder: String) throws -> [String] {
        let dciodvfy = try Oracles.require("dciodvfy", package: "dicom3tools")
        let r = try runCommand(dciodvfy, [folder + "/\(uid).dcm"])
        XCTAssertFalse((r.stdout + r.stderr).isEmpty, "dciodvfy printed nothing")
        return (r.stdout + r.stderr).split(separator: "\n").map(String.init).filter { $0.hasPrefix("Error") }
    }

    func outboxEntries(_ spool: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: spool + "/outbox/pacs-ORTHANC")) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
    }

    func waitUntil(_ what: String, timeout: Double = 60, log: () -> String, _ condition: () throws -> Bool) rethrows {
        let deadline = Date().addingTimeInterval(timeout)
        while try !condition() {
            if Date() > deadline { XCTFail("timed out waiting until \(what)\n\(log())"); return }
            usleep(100_000)
        }
    }

    /// Checks what every film's SC must be, whatever the film.
    func assertSecondaryCapture(_ sc: [String: Any], label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(sc["SOPClassUID"] as? String, Self.sopClass, file: file, line: line)
        XCTAssertEqual(sc["Modality"] as? String, "OT", file: file, line: line)
        XCTAssertEqual(sc["ConversionType"] as? String, "WSD", file: file, line: line)
        XCTAssertEqual(sc["PhotometricInterpretation"] as? String, "MONOCHROME2", file: file, line: line)
        XCTAssertEqual(sc["PresentationLUTShape"] as? String, "IDENTITY", file: file, line: line)
        XCTAssertEqual(sc["BitsAllocated"] as? Int, 16, file: file, line: line)
        XCTAssertEqual(sc["BitsStored"] as? Int, 12, file: file, line: line)
        XCTAssertEqual(sc["shape"] as? [Int], [Self.rows, Self.columns], "pixel_array = the film's 300 dpi raster", file: file, line: line)
        XCTAssertNil(sc["NominalScannedPixelSpacing"] as? [String], "PS3.3 C.8.6.3: only for Conversion Type DF, SD, SI", file: file, line: line)
        XCTAssertEqual(sc["StudyDescription"] as? String, label, "the Film Session Label", file: file, line: line)
        // Basic Grayscale Image Boxes carry no patient data: Patient Name and ID present and empty (Type 2).
        XCTAssertEqual(sc["present"] as? [String: Bool], ["PatientName": true, "PatientID": true, "PatientBirthDate": true,
                                                          "PatientSex": true, "StudyDate": true, "StudyID": true], file: file, line: line)
        XCTAssertEqual(sc["PatientName"] as? String, "", file: file, line: line)
        XCTAssertEqual(sc["PatientID"] as? String, "", file: file, line: line)
    }

    // MARK: Tests

    func testPrintedFilmsArriveInOrthancAsSecondaryCaptureImages() throws {
        let orthanc = try OrthancPeer()
        defer { orthanc.stop() }
        let server = try PrintServerPeer(extraArguments: ["--to-pacs", "\(orthanc.aeTitle)@127.0.0.1:\(orthanc.dicomPort)"])
        defer { server.stop() }
        let label = "Röntgen Müller 王伟"
        let out = try print(Self.plan(label: label, printJob: true, films: Self.twoFilms), to: server)
        XCTAssertEqual(out["events"] as? [Int], [1, 2, 3], "Print Job PENDING, PRINTING, DONE\n\(server.log)")
        XCTAssertEqual(out["execution_status"] as? String, "DONE")
        // DONE is reported only once the archive has every film: no waiting here.
        let now = try orthanc.storedInstances()
        XCTAssertEqual(now.count, 2, "one instance per film when the job is DONE\n\(server.log)\n\(orthanc.log)")
        let uids = try waitForInstances(orthanc, 2)
        XCTAssertEqual(uids.count, 2, server.log)
        XCTAssertEqual(server.waitForFilms(2).count, 2, server.log)
        let pngs = server.waitForFilms(2).map { String($0.dropLast(4)) + ".png" }
        let pattern = (pngs[0] as NSString).deletingLastPathComponent + "/film-{n}.png"
        let scs = try uids.map { try readFromOrthanc(orthanc, $0, into: server.folder, densityPNG: pattern) }
        for sc in scs {
            assertSecondaryCapture(sc, label: label)
            XCTAssertEqual(sc["SpecificCharacterSet"] as? String, "ISO_IR 192", "non-ASCII text")
            XCTAssertEqual(sc["png_shape"] as? [Int], [Self.rows, Self.columns], "the density PNG's grid")
            XCTAssertEqual(sc["gsdf_max_diff"] as? Int, 0, "every pixel is round(4095 f) of its density (PS3.14), computed by the oracle")
            XCTAssertEqual(sc["min"] as? Int, 0, "the black border at Max Density is P-Value 0")
        }
        for uid in uids { XCTAssertEqual(try iodErrors(orthanc, uid, in: server.folder), [], "a valid Multi-frame Grayscale Word SC Image") }
        XCTAssertEqual(Set(scs.compactMap { $0["SOPInstanceUID"] as? String }), Set(uids))
        XCTAssertEqual(Set(scs.compactMap { $0["StudyInstanceUID"] as? String }).count, 1, "one study per print job")
        XCTAssertEqual(Set(scs.compactMap { $0["SeriesInstanceUID"] as? String }).count, 1, "one series per print job")
        XCTAssertEqual(scs.compactMap { $0["InstanceNumber"] as? String }.sorted(), ["1", "2"])
        let ramp = try XCTUnwrap(scs.first { $0["InstanceNumber"] as? String == "1" })
        XCTAssertGreaterThan(ramp["distinct_values"] as? Int ?? 0, 1024, "a 12-bit ramp keeps more than 8 bits of levels")
        XCTAssertEqual(ramp["max"] as? Int, 4095, "the ramp's top reaches Min Density, P-Value 4095")
        XCTAssertEqual(outboxEntries(server.spool), [], "delivered films leave the outbox")
    }

    func testFilmWaitsForAnArchiveThatIsNotThereYetAcrossARestart() throws {
        let python = try Oracles.requirePython()
        let archivePort = NetworkTestSupport.freePort()   // nothing listens there yet
        let arguments = ["--to-pacs", "ORTHANC@127.0.0.1:\(archivePort)", "--retry-delay", "0.5"]
        let first = try PrintServerPeer(extraArguments: arguments)
        defer { first.stop() }
        _ = try print(Self.plan(label: "LATE", printJob: false, films: [Self.twoFilms[0]]), to: first)
        try waitUntil("the first delivery attempt failed", log: { first.log }) {
            outboxEntries(first.spool).count == 1 && first.log.contains("not delivered to ORTHANC@127.0.0.1:\(archivePort)")
        }
        XCTAssertTrue(first.log.contains("waiting in \(first.spool)/outbox/pacs-ORTHANC"), first.log)
        let entry = try XCTUnwrap(outboxEntries(first.spool).first)
        let jobUID = String(entry[..<entry.lastIndex(of: "-")!])
        XCTAssertEqual(try printJob(jobUID, on: first)["execution_status"] as? String, "PRINTING", "not DONE while the film waits")

        // SIGKILL; a new server on the same spool takes the film up again, and still cannot deliver it.
        first.stop(keepFolder: true)
        XCTAssertEqual(outboxEntries(first.spool), [entry], "the outbox survives the kill")
        let second = try PrintServerPeer(spool: first.spool, extraArguments: arguments)
        defer { second.stop() }
        try waitUntil("the restarted server retried", log: { second.log }) {
            second.log.contains("1 film(s) from an earlier run wait in") && second.log.contains("not delivered to ORTHANC@127.0.0.1:\(archivePort)")
        }
        XCTAssertEqual(try printJob(jobUID, on: second)["execution_status"] as? String, "PRINTING")

        // The archive appears at its address: the next retry delivers the film.
        let orthanc = try OrthancPeer()
        defer { orthanc.stop() }
        let relay = try NetworkTestSupport.launch(python, [Oracles.oracleScript("tcp_relay.py"), "\(archivePort)", "\(orthanc.dicomPort)"],
                                                  log: second.folder + "/relay.log")
        defer { NetworkTestSupport.stop(relay) }
        try NetworkTestSupport.waitForListener(port: archivePort, timeout: 30)
        let uids = try waitForInstances(orthanc, 1)
        XCTAssertEqual(uids.count, 1, "\(second.log)\n\(orthanc.log)")
        try waitUntil("the outbox is empty", log: { second.log }) { outboxEntries(first.spool).isEmpty }
        XCTAssertEqual(try printJob(jobUID, on: second)["execution_status"] as? String, "DONE", second.log)
        let sc = try readFromOrthanc(orthanc, try XCTUnwrap(uids.first), into: second.folder)
        assertSecondaryCapture(sc, label: "LATE")
        XCTAssertNil(sc["SpecificCharacterSet"] as? String, "ASCII only: the default repertoire")
        XCTAssertEqual(try orthanc.storedInstances().count, 1, "delivered once")
    }
}
