import DICOM
import Foundation
import Network
import Synchronization
import XCTest

/// Issue 16, must-show 3: pynetdicom on both sides.
/// - pynetdicom as SCP (C-FIND, C-GET and C-MOVE handlers serving a folder,
///   Tests/Oracles/qr_pynetdicom_scp.py) with `lightbox find` and `lightbox retrieve` as SCU:
///   find equals DCMTK findscu against the same SCP; retrieve's counts equal the SCP's and every
///   file is intact (pydicom).
/// - pynetdicom as SCU (Tests/Oracles/qr_pynetdicom_find_scu.py) against a C-FIND SCP built in
///   the test on the Network module's service contract (`DIMSEService.cFind` with a
///   `DIMSEResponder`): it streams Pending responses that pydicom decodes to the values sent, and
///   honours C-CANCEL (final status Cancel FE00H, fewer than all matches).
final class QueryRetrievePynetdicomTests: XCTestCase {
    var tmp: String!
    override func setUpWithError() throws { tmp = try NetworkTestSupport.temporaryDirectory("qr-pynetdicom") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: tmp) }

    // MARK: pynetdicom as SCP

    func testFindAgainstPynetdicomSCPEqualsFindscu() throws {
        let study = try QRSupport.makeStudy(in: tmp + "/study", seeds: (401, 402))
        let scp = try PynetdicomQRPeer(folder: study.folder, work: tmp)
        defer { scp.stop() }
        let gb1 = study.gbPatients[0]
        let study1 = study.studies(of: gb1)[0]
        let series = study.series(of: study1)
        let gbName = study.instances.values.first { $0.patientID == gb1 }!.name
        let queries: [QRSupport.Query] = [
            .init(level: "patient", model: "patient", charset: nil, keys: ["PatientName=*", "PatientID", "PatientBirthDate", "PatientSex"], expected: 3),
            .init(level: "study", model: "study", charset: nil, keys: ["PatientID=\(gb1)", "StudyInstanceUID", "StudyDate", "StudyDescription"], expected: 1),
            .init(level: "series", model: "study", charset: nil, keys: ["StudyInstanceUID=\(study1)", "SeriesInstanceUID", "Modality", "SeriesNumber"],
                  expected: 2),
            .init(level: "image", model: "study", charset: nil,
                  keys: ["StudyInstanceUID=\(study1)", "SeriesInstanceUID=\(series[0])\\\(series[1])", "SOPInstanceUID", "InstanceNumber"], expected: 6),
            .init(level: "patient", model: "patient", charset: "GB18030", keys: ["PatientName=\(gbName)", "PatientID"], expected: 1),
        ]
        for q in queries {
            try QRSupport.assertFindEqualsFindscu(q, port: scp.port, calledAE: scp.aeTitle, folder: tmp)
        }
    }

    func testGetAndMoveFromPynetdicomSCP() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let study = try QRSupport.makeStudy(in: tmp + "/study", seeds: (403, 404))
        let storePort = NetworkTestSupport.freePort()
        let scp = try PynetdicomQRPeer(folder: study.folder, options: ["--dest", "LBMOVE=\(storePort)"], work: tmp)
        defer { scp.stop() }
        let cases: [(String, [String], Set<String>)] = [
            ("get", ["--get", "--patient-id", study.gbPatients[1]], Set(study.of(patient: study.gbPatients[1]).keys)),
            ("move", ["--aet", "LBMOVE", "--move-to", "LBMOVE", "--store-port", "\(storePort)", "--study", study.studies(of: study.ir58Patient)[0]],
             Set(study.of(patient: study.ir58Patient).keys)),
        ]
        for (verb, selection, expected) in cases {
            let dest = tmp + "/\(verb)"
            let r = try runCommand(lightbox, ["retrieve", "127.0.0.1", "\(scp.port)", dest, "--call", scp.aeTitle, "--plain-progress"] + selection)
            XCTAssertEqual(r.status, 0, "\(verb): \(r.stdout)\(r.stderr)")
            // The SCP's own count of sub-operations for the request.
            let served = scp.events.last { $0["event"] as? String == verb }?["count"] as? Int
            XCTAssertEqual(served, expected.count, "\(verb): the SCP's count: \(scp.events)")
            QRSupport.assertReport(r.stdout, verb: verb == "get" ? "C-GET" : "C-MOVE", status: "Success", completed: expected.count,
                                   written: expected.count, dest: dest)
            QRSupport.assertDestination(dest, holds: expected)
            try NetworkTestSupport.compareWithPydicom(originals: expected.map { study.instances[$0]!.path }, directory: dest)
        }
    }

    /// One instance of the patient has a SOP class Lightbox cannot have proposed (a private UID):
    /// pynetdicom finds no presentation context for that C-STORE sub-operation and counts it
    /// failed. The report lists it (`failed instance: UID`), exit 1, the other files are written;
    /// `burn --pacs` stops before burning.
    func testFailedSubOperationsAreListedAndStopTheBurn() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let folder = tmp + "/study"
        let synth = try runCommand(lightbox, ["synth", folder, "--patients", "1", "--series", "1", "--images", "4", "--size", "32", "--no-noise",
                                              "--seed", "405"])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        let paths = Oracles.files(under: URL(fileURLWithPath: folder)).filter { $0.hasSuffix(".dcm") }
        XCTAssertEqual(paths.count, 4)
        var odd = try Part10Reader.read(path: paths[3], options: .loadAll)
        let oddUID = "1.2.826.0.1.3680043.2.1143.16.\(UInt32.random(in: 1 ... .max))"
        try odd.dataSet.set(Tag(0x0008, 0x0016), .UI, "1.2.826.0.1.3680043.2.1143.16.999")
        try odd.dataSet.set(.sopInstanceUID, .UI, oddUID)
        odd.meta = DataSet()
        try Part10Writer.write(odd, to: paths[3], as: odd.transferSyntax)
        var good: [String: String] = [:]
        for p in paths.prefix(3) { good[try XCTUnwrap(Part10Reader.read(path: p, options: .headerOnly).dataSet.string(.sopInstanceUID))] = p }
        let patient = try XCTUnwrap(Part10Reader.read(path: paths[0], options: .headerOnly).dataSet.string(.patientID))

        let scp = try PynetdicomQRPeer(folder: folder, work: tmp)
        defer { scp.stop() }
        let dest = tmp + "/get"
        let r = try runCommand(lightbox, ["retrieve", "127.0.0.1", "\(scp.port)", dest, "--call", scp.aeTitle, "--get", "--patient-id", patient,
                                          "--plain-progress"])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertEqual(scp.events.last { $0["event"] as? String == "get" }?["count"] as? Int, 4)
        XCTAssertTrue(r.stdout.contains("completed 3, failed 1, warning 0; 3 file(s) written to \(dest)"), r.stdout)
        XCTAssertTrue(r.stdout.split(separator: "\n").contains("failed instance: \(oddUID)"), r.stdout)
        XCTAssertFalse(r.stdout.contains("retrieve (C-GET) from 127.0.0.1:\(scp.port): Success"), r.stdout)
        QRSupport.assertDestination(dest, holds: Set(good.keys))
        try NetworkTestSupport.compareWithPydicom(originals: Array(good.values), directory: dest)

        // burn --pacs: the retrieve report, then no disc.
        let iso = tmp + "/disc.iso"
        let burn = try runCommand(lightbox, ["burn", "--pacs", "127.0.0.1:\(scp.port)", "--call", scp.aeTitle, "--patient-id", patient,
                                             "-o", iso, "--no-web", "--work-dir", tmp])
        XCTAssertEqual(burn.status, 1, burn.stdout + burn.stderr)
        XCTAssertTrue(burn.stdout.contains("failed instance: \(oddUID)"), burn.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: iso), "a disc was burnt from a partial retrieve")
    }

    // MARK: pynetdicom as SCU against a Lightbox service

    static let findModel = "1.2.840.10008.5.1.4.1.2.2.1" // Study Root Query/Retrieve Information Model - FIND

    /// A Study Root C-FIND SCP on the service contract: `count` matches, one Pending response
    /// each, `pace` apart, stopping with Cancel when the peer's C-CANCEL reaches it.
    final class StreamingFind: DIMSEService {
        let count: Int
        let pace: Duration
        struct Record { var sent = 0; var cancelled = false; var finds = 0; var identifierLevel = "" }
        let record = Mutex(Record())
        init(count: Int, pace: Duration) { self.count = count; self.pace = pace }
        var sopClassUIDs: [String] { [QueryRetrievePynetdicomTests.findModel] }

        static func name(_ n: Int) -> String { n % 2 == 0 ? "Wang^Wei\(n)=王^伟" : "Li^Na\(n)=李^娜" }

        func cFind(_ request: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse {
            let level = (try? request.decodedDataSet()?.string(Tag(0x0008, 0x0052))) ?? nil
            record.withLock { $0.finds += 1; $0.identifierLevel = level ?? "" }
            for n in 0 ..< count {
                if responder.isCancelled {
                    record.withLock { $0.cancelled = true }
                    return DIMSEResponse(status: .cancel)
                }
                var match = DataSet()
                try match.set(Tag(0x0008, 0x0005), .CS, "GB18030")
                try match.set(Tag(0x0008, 0x0052), .CS, "STUDY")
                try match.set(Tag(0x0010, 0x0010), .PN, Self.name(n))
                try match.set(Tag(0x0010, 0x0020), .LO, String(format: "PID%04d", n))
                try match.set(Tag(0x0020, 0x000D), .UI, "1.2.826.0.1.3680043.2.1143.16.\(n)")
                responder.pending(DIMSEResponse(status: .pending, dataSet: match))
                record.withLock { $0.sent += 1 }
                try? await Task.sleep(for: pace)
            }
            if responder.isCancelled {
                record.withLock { $0.cancelled = true }
                return DIMSEResponse(status: .cancel)
            }
            return .success
        }
    }

    func runFindSCU(port: Int, cancelAfter: Int?) throws -> [String: Any] {
        var args = [Oracles.oracleScript("qr_pynetdicom_find_scu.py"), "\(port)", "LBFIND"]
        if let cancelAfter { args += ["--cancel-after", "\(cancelAfter)"] }
        let r = try runCommand(try Oracles.requirePython(), args)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
    }

    func testPynetdicomFindSCUReceivesStreamedMatchesAndCancels() async throws {
        _ = try Oracles.requirePython()
        let count = 200
        let service = StreamingFind(count: count, pace: .milliseconds(10))
        let server = try await DICOMServer.start(.init(host: "127.0.0.1", port: 0, policy: AssociationPolicy(aeTitle: "LBFIND")),
                                                 services: ServiceRegistry([service]))
        do {
            // Uncancelled: every match as a Pending response, decoded by pydicom to what was sent,
            // then Success.
            let all = try runFindSCU(port: server.port, cancelAfter: nil)
            XCTAssertEqual(all["final_status"] as? Int, 0x0000, "\(all)")
            XCTAssertEqual(all["pending"] as? Int, count)
            XCTAssertEqual(all["ids"] as? [String], (0 ..< count).map { String(format: "PID%04d", $0) })
            XCTAssertEqual(all["names"] as? [String], (0 ..< count).map(StreamingFind.name))
            XCTAssertEqual(service.record.withLock { $0.identifierLevel }, "STUDY")

            // C-CANCEL after 5 matches: the service stops, the final status is Cancel (FE00H).
            service.record.withLock { $0 = .init() }
            let cancelled = try runFindSCU(port: server.port, cancelAfter: 5)
            XCTAssertEqual(cancelled["cancel_sent_after"] as? Int, 5, "\(cancelled)")
            XCTAssertEqual(cancelled["final_status"] as? Int, 0xFE00, "\(cancelled)")
            let got = try XCTUnwrap(cancelled["pending"] as? Int)
            XCTAssertGreaterThanOrEqual(got, 5)
            XCTAssertLessThan(got, count, "the C-CANCEL did not stop the matches")
            let record = service.record.withLock { $0 }
            XCTAssertTrue(record.cancelled, "the service never saw the C-CANCEL")
            XCTAssertLessThan(record.sent, count)
            XCTAssertEqual(record.sent, got, "Pending responses sent and received")
        } catch {
            await server.close()
            throw error
        }
        await server.close()
    }
}
