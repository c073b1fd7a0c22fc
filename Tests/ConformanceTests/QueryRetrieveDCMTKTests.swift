import DICOM
import Foundation
import XCTest

/// Issue 16, must-show 1 (and the C-CANCEL and A801 faults) against DCMTK `dcmqrscp`, started once
/// for the class with a generated configuration (one storage area, a HostTable with Lightbox's
/// move destination) and loaded with DCMTK `storescu`. dcmqrscp answers in the query's character
/// set, so an IR 58 query gets IR 58 answers, which `lightbox find` must decode (the oracle is
/// DCMTK's own conversion, `dcmconv +U8`). Counts are what findscu finds at IMAGE level.
final class QueryRetrieveDCMTKTests: XCTestCase {
    static let moveAE = "LBMOVE"

    final class Fixture: @unchecked Sendable {
        let scp: DCMQRSCPPeer
        let study: QRSupport.Study
        let movePort: Int
        let folder: String
        init(scp: DCMQRSCPPeer, study: QRSupport.Study, movePort: Int, folder: String) {
            self.scp = scp; self.study = study; self.movePort = movePort; self.folder = folder
        }
    }

    nonisolated(unsafe) static var shared: Result<Fixture, Error>?
    static let lock = NSLock()

    static func fixture() throws -> Fixture {
        lock.lock(); defer { lock.unlock() }
        if let shared { return try shared.get() }
        let r = Result { () throws -> Fixture in
            _ = try Oracles.requirePython()
            let folder = try NetworkTestSupport.temporaryDirectory("qr-dcmtk")
            let study = try QRSupport.makeStudy(in: folder + "/study", seeds: (201, 202))
            let movePort = NetworkTestSupport.freePort()
            let scp = try DCMQRSCPPeer(moveDestinations: [moveAE: movePort])
            do { try scp.load(study.folder) } catch { scp.stop(); throw error }
            return Fixture(scp: scp, study: study, movePort: movePort, folder: folder)
        }
        shared = r
        return try r.get()
    }

    override class func tearDown() {
        if case .success(let fx)? = shared {
            fx.scp.stop()
            try? FileManager.default.removeItem(atPath: fx.folder)
        }
        shared = nil
        super.tearDown()
    }

    var tmp: String!
    override func setUpWithError() throws { tmp = try NetworkTestSupport.temporaryDirectory("qr-dcmtk-test") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: tmp) }

    /// SOP Instance UIDs dcmqrscp holds for a patient, as DCMTK findscu finds them (IMAGE level,
    /// Patient Root).
    func heldInstances(patient: String, _ fx: Fixture) throws -> Set<String> {
        let s = fx.study
        var held: Set<String> = []
        for study in s.studies(of: patient) {
            for series in s.series(of: study) {
                let q = QRSupport.Query(level: "image", model: "patient", charset: nil,
                                        keys: ["PatientID=\(patient)", "StudyInstanceUID=\(study)", "SeriesInstanceUID=\(series)", "SOPInstanceUID"],
                                        expected: 0)
                let dir = try QRSupport.findscu(q, port: fx.scp.port, calledAE: fx.scp.aeTitle, in: tmp)
                for obj in try QRSupport.findscuJSON(dir) {
                    if let v = (obj["00080018"] as? [String: Any])?["Value"] as? [String], let uid = v.first { held.insert(uid) }
                }
            }
        }
        return held
    }

    // MARK: find

    func testFindAtEveryLevelEqualsFindscu() throws {
        let fx = try Self.fixture()
        for q in QueryRetrieveOrthancTests.queries(fx.study) {
            try QRSupport.assertFindEqualsFindscu(q, port: fx.scp.port, calledAE: fx.scp.aeTitle, folder: tmp)
        }
    }

    /// dcmqrscp answers an IR 58 query in IR 58 (escape sequences and all), which Lightbox must
    /// decode; it reads a query's (0008,0005) as PS3.3 C.12.1.1.2 spells it ("\ISO 2022 IR 58").
    func testFindIR58NamesEqualsFindscu() throws {
        let fx = try Self.fixture()
        for q in QueryRetrieveOrthancTests.ir58Queries(fx.study) {
            try QRSupport.assertFindEqualsFindscu(q, port: fx.scp.port, calledAE: fx.scp.aeTitle, folder: tmp)
        }
    }

    // MARK: retrieve

    func testRetrieveByGet() throws {
        let fx = try Self.fixture()
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let patient = fx.study.gbPatients[0]
        let held = try heldInstances(patient: patient, fx)
        XCTAssertEqual(held, Set(fx.study.of(patient: patient).keys), "dcmqrscp holds the patient's instances")
        let dest = tmp + "/get"
        let r = try runCommand(lightbox, ["retrieve", "127.0.0.1", "\(fx.scp.port)", dest, "--call", fx.scp.aeTitle, "--aet", "LBGET", "--get",
                                          "--patient-id", patient, "--plain-progress"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr + fx.scp.log.suffix(2000))
        QRSupport.assertReport(r.stdout, verb: "C-GET", status: "Success", completed: held.count, written: held.count, dest: dest)
        QRSupport.assertDestination(dest, holds: held)
        try NetworkTestSupport.compareWithPydicom(originals: held.map { fx.study.instances[$0]!.path }, directory: dest)
    }

    func testRetrieveByMove() throws {
        let fx = try Self.fixture()
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let patient = fx.study.ir58Patient
        let held = try heldInstances(patient: patient, fx)
        XCTAssertEqual(held, Set(fx.study.of(patient: patient).keys))
        let dest = tmp + "/move"
        let r = try runCommand(lightbox, ["retrieve", "127.0.0.1", "\(fx.scp.port)", dest, "--call", fx.scp.aeTitle, "--aet", Self.moveAE,
                                          "--move-to", Self.moveAE, "--store-port", "\(fx.movePort)", "--study", fx.study.studies(of: patient)[0],
                                          "--plain-progress"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr + fx.scp.log.suffix(2000))
        XCTAssertTrue(r.stdout.contains("receiving C-STORE on port \(fx.movePort) as AE \(Self.moveAE)"), r.stdout)
        QRSupport.assertReport(r.stdout, verb: "C-MOVE", status: "Success", completed: held.count, written: held.count, dest: dest)
        QRSupport.assertDestination(dest, holds: held)
        try NetworkTestSupport.compareWithPydicom(originals: held.map { fx.study.instances[$0]!.path }, directory: dest)
    }

    // MARK: faults

    /// dcmqrscp answers A801 to a destination missing from its HostTable: exit 1, a message naming
    /// the AE, and nothing in DEST.
    func testUnknownMoveDestinationIsReportedClearly() throws {
        let fx = try Self.fixture()
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let dest = tmp + "/unknown"
        let r = try runCommand(lightbox, ["retrieve", "127.0.0.1", "\(fx.scp.port)", dest, "--call", fx.scp.aeTitle, "--aet", "NOWHERE",
                                          "--move-to", "NOWHERE", "--store-port", "\(NetworkTestSupport.freePort())",
                                          "--patient-id", fx.study.gbPatients[0]])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        let out = r.stdout + r.stderr
        XCTAssertTrue(out.contains("A801"), "the status is not reported: \(out)")
        XCTAssertTrue(out.split(separator: "\n").contains { $0.contains("NOWHERE") && $0.lowercased().contains("destination") },
                      "no message naming the unknown destination: \(out)")
        XCTAssertTrue(out.contains("completed 0, failed 0, warning 0; 0 file(s) written"), out)
        XCTAssertEqual(QRSupport.entries(dest).filter { $0 != "receipts.log" }, [], "DEST must hold nothing")
    }

    /// C-CANCEL once two sub-operations completed: dcmqrscp stops (final status Cancel, fewer
    /// files than the patient has), the files received are whole, and a C-ECHO on the same
    /// association succeeds.
    func testCancelDuringGetLeavesAssociationUsable() throws {
        let fx = try Self.fixture()
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let patient = fx.study.gbPatients[1]
        let all = Set(fx.study.of(patient: patient).keys)
        let dest = tmp + "/cancel"
        let logBefore = fx.scp.log.count
        let r = try runCommand(lightbox, ["retrieve", "127.0.0.1", "\(fx.scp.port)", dest, "--call", fx.scp.aeTitle, "--aet", "LBGET", "--get",
                                          "--patient-id", patient, "--cancel-after", "2", "--plain-progress"])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("retrieve (C-GET) from 127.0.0.1:\(fx.scp.port): Cancel"), r.stdout)
        XCTAssertTrue(r.stdout.contains("association still usable after C-CANCEL: C-ECHO Success"), r.stdout)
        let written = Set(QRSupport.entries(dest).filter { $0.hasSuffix(".dcm") }.map { String($0.dropLast(4)) })
        XCTAssertGreaterThanOrEqual(written.count, 2, r.stdout)
        XCTAssertLessThan(written.count, all.count, "the C-GET was not cancelled: \(r.stdout)")
        XCTAssertTrue(written.isSubset(of: all))
        XCTAssertTrue(r.stdout.contains("completed \(written.count), failed 0, warning 0; \(written.count) file(s) written"), r.stdout)
        QRSupport.assertDestination(dest, holds: written)
        try NetworkTestSupport.compareWithPydicom(originals: written.map { fx.study.instances[$0]!.path }, directory: dest)
        // dcmqrscp's log: after the C-GET, the Cancel response and then the C-ECHO, before that
        // association is released (a new association would log "Association Received" first).
        let log = String(fx.scp.log.dropFirst(logBefore))
        let get = try XCTUnwrap(log.range(of: "Received Get SCP"), "dcmqrscp saw no C-GET:\n\(log.suffix(3000))")
        let rest = log[get.upperBound...]
        let end = rest.range(of: "Association Release")?.lowerBound ?? rest.endIndex
        let thatAssociation = rest[..<end]
        XCTAssertTrue(thatAssociation.contains("[status: Cancel"), "dcmqrscp did not cancel:\n\(thatAssociation.suffix(3000))")
        XCTAssertTrue(thatAssociation.contains("Received Echo SCP RQ"), "no C-ECHO on the C-GET's association:\n\(log.suffix(3000))")
        XCTAssertFalse(thatAssociation.contains("Association Received"), log)
    }
}
