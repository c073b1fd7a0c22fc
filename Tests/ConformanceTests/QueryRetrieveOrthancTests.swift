import DICOM
import Foundation
import XCTest

/// Issue 16, must-show 1 against Orthanc (Debian's `orthanc`, a real PACS): started once for the
/// class with a generated configuration (Q/R allowed for any calling AE, answers in GB18030, one
/// move destination) and a temporary storage folder, loaded by C-STORE (`lightbox send`) with a
/// synthetic study of two GB18030-named patients and one ISO 2022 IR 58-named patient.
/// - `lightbox find` at every level and in both information models, with wildcards, date ranges,
///   UID lists and Chinese names, equals DCMTK `findscu` with the same keys (every element of
///   every match, values compared in UTF-8 as DCMTK converts them).
/// - `lightbox retrieve` by C-GET and by C-MOVE: the completed count equals what Orthanc's REST
///   API says it holds, every file is intact (pydicom compares data sets with the originals).
/// - `lightbox burn --pacs` makes a disc that passes the burn conformance checks.
/// - A C-MOVE to a destination Orthanc does not know fails clearly with nothing in DEST.
final class QueryRetrieveOrthancTests: XCTestCase {
    static let moveAE = "LBMOVE"

    final class Fixture: @unchecked Sendable {
        let orthanc: OrthancPeer
        let study: QRSupport.Study
        let movePort: Int
        let folder: String
        init(orthanc: OrthancPeer, study: QRSupport.Study, movePort: Int, folder: String) {
            self.orthanc = orthanc; self.study = study; self.movePort = movePort; self.folder = folder
        }
    }

    nonisolated(unsafe) static var shared: Result<Fixture, Error>?
    static let lock = NSLock()

    static func fixture() throws -> Fixture {
        lock.lock(); defer { lock.unlock() }
        if let shared { return try shared.get() }
        let r = Result { try buildFixture() }
        shared = r
        return try r.get()
    }

    static func buildFixture() throws -> Fixture {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        _ = try Oracles.requirePython()
        let folder = try NetworkTestSupport.temporaryDirectory("qr-orthanc")
        let study = try QRSupport.makeStudy(in: folder + "/study")
        let movePort = NetworkTestSupport.freePort()
        let orthanc = try OrthancPeer.queryRetrieve(moveDestinations: [moveAE: movePort])
        let send = try runCommand(lightbox, ["send", "127.0.0.1", "\(orthanc.dicomPort)", "--call", orthanc.aeTitle, "--aet", "LOADER", study.folder])
        guard send.status == 0, Set(try orthanc.storedInstances()) == Set(study.instances.keys) else {
            orthanc.stop()
            throw TestFailure.unusable("loading Orthanc by C-STORE failed: \(send.stdout)\(send.stderr)")
        }
        return Fixture(orthanc: orthanc, study: study, movePort: movePort, folder: folder)
    }

    override class func tearDown() {
        if case .success(let fx)? = shared {
            fx.orthanc.stop()
            try? FileManager.default.removeItem(atPath: fx.folder)
        }
        shared = nil
        super.tearDown()
    }

    var tmp: String!
    override func setUpWithError() throws { tmp = try NetworkTestSupport.temporaryDirectory("qr-orthanc-test") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: tmp) }

    // MARK: find

    /// The queries of the find comparisons, with the number of matches the study holds for each.
    static func queries(_ s: QRSupport.Study) -> [QRSupport.Query] {
        let gb1 = s.gbPatients[0], gb2 = s.gbPatients[1], ir = s.ir58Patient
        let study1 = s.studies(of: gb1)[0], study2 = s.studies(of: gb2)[0]
        let series1 = s.series(of: study1)
        let images1 = s.of(series: series1[0]).keys.sorted()
        // Date ranges from the study dates (three studies, distinct dates).
        let dates = Array(Set(s.instances.values.map(\.studyDate))).sorted()
        let nameOf = { (p: String) in s.instances.values.first { $0.patientID == p }!.name }
        let gbName = nameOf(gb1)
        let lastIdeograph = String(gbName.last!)
        let gbSharing = s.gbPatients.filter { nameOf($0).hasSuffix(lastIdeograph) }.count
        let wildID = String(gb1.dropLast(2)) + "?" + String(gb1.last!)
        let patientKeys = ["PatientName", "PatientID", "PatientBirthDate", "PatientSex"]
        return [
            .init(level: "patient", model: "patient", charset: nil, keys: ["PatientName=*", "PatientID", "PatientBirthDate", "PatientSex"], expected: 3),
            .init(level: "patient", model: "patient", charset: nil, keys: ["PatientID=\(wildID)", "PatientName", "PatientSex"], expected: 1),
            .init(level: "study", model: "study", charset: nil,
                  keys: ["StudyDate=\(dates[1])-\(dates[2])", "StudyInstanceUID", "PatientID", "AccessionNumber", "StudyDescription"], expected: 2),
            .init(level: "study", model: "study", charset: nil, keys: ["StudyDate=-\(dates[0])", "StudyInstanceUID", "StudyTime"], expected: 1),
            .init(level: "study", model: "patient", charset: nil,
                  keys: ["PatientID=\(gb2)", "StudyInstanceUID", "StudyDate", "StudyDescription", "StudyID"], expected: 1),
            .init(level: "series", model: "study", charset: nil,
                  keys: ["StudyInstanceUID=\(study1)", "SeriesInstanceUID", "Modality", "SeriesNumber", "SeriesDescription"], expected: 2),
            .init(level: "series", model: "patient", charset: nil,
                  keys: ["PatientID=\(gb2)", "StudyInstanceUID=\(study2)", "SeriesInstanceUID", "Modality=C?"], expected: 2),
            .init(level: "image", model: "study", charset: nil,
                  keys: ["StudyInstanceUID=\(study1)", "SeriesInstanceUID=\(series1[0])\\\(series1[1])", "SOPInstanceUID", "InstanceNumber", "SOPClassUID"],
                  expected: 6),
            .init(level: "image", model: "study", charset: nil,
                  keys: ["StudyInstanceUID=\(study1)", "SeriesInstanceUID=\(series1[0])", "SOPInstanceUID=\(images1[0])\\\(images1[2])", "InstanceNumber"],
                  expected: 2),
            .init(level: "image", model: "patient", charset: nil,
                  keys: ["PatientID=\(ir)", "StudyInstanceUID=\(s.studies(of: ir)[0])", "SeriesInstanceUID=\(s.series(of: s.studies(of: ir)[0])[0])",
                         "SOPInstanceUID", "InstanceNumber"], expected: 3),
            // Chinese names in the query's character set.
            .init(level: "patient", model: "patient", charset: "GB18030", keys: ["PatientName=*\(lastIdeograph)"] + patientKeys.dropFirst(), expected: gbSharing),
            .init(level: "study", model: "study", charset: "GB18030", keys: ["PatientName=\(gbName)", "PatientID", "StudyDescription", "StudyInstanceUID"],
                  expected: 1),
        ]
    }

    /// Queries with an ISO 2022 IR 58 name, in the two spellings of `--charset`: the contract's
    /// "ISO 2022 IR 58" and the (0008,0005) value itself, "\ISO 2022 IR 58" (PS3.3 C.12.1.1.2:
    /// the multi-byte terms of Table C.12-4 are for value 2 and later, value 1 empty = IR 6).
    /// findscu's query always carries "\ISO 2022 IR 58" and ESC $ ) A before the GB 2312 bytes.
    static func ir58Queries(_ s: QRSupport.Study) -> [QRSupport.Query] {
        let ir = s.ir58Patient
        let name = s.instances.values.first { $0.patientID == ir }!.name
        return ["ISO 2022 IR 58", "\\ISO 2022 IR 58"].flatMap { charset -> [QRSupport.Query] in [
            .init(level: "patient", model: "patient", charset: charset, keys: ["PatientName=\(name)", "PatientID", "PatientBirthDate", "PatientSex"],
                  expected: 1),
            .init(level: "study", model: "study", charset: charset, keys: ["PatientName=*\(String(name.last!))", "PatientID", "StudyDescription"],
                  expected: 1),
            // An ASCII key: the answers come in IR 58 all the same.
            .init(level: "study", model: "study", charset: charset, keys: ["PatientID=\(ir)", "PatientName", "StudyDescription"], expected: 1),
        ] }
    }

    func testFindAtEveryLevelEqualsFindscu() throws {
        let fx = try Self.fixture()
        for q in Self.queries(fx.study) {
            try QRSupport.assertFindEqualsFindscu(q, port: fx.orthanc.dicomPort, calledAE: fx.orthanc.aeTitle, folder: tmp)
        }
    }

    func testFindIR58NamesEqualsFindscu() throws {
        let fx = try Self.fixture()
        for q in Self.ir58Queries(fx.study) {
            try QRSupport.assertFindEqualsFindscu(q, port: fx.orthanc.dicomPort, calledAE: fx.orthanc.aeTitle, folder: tmp)
        }
    }

    /// Without --json: a header line of the keys' keywords, then one tab-separated line per match
    /// with the values in UTF-8, equal to findscu's answers (PN as "Alphabetic=Ideographic").
    func testFindTableOutputEqualsFindscu() throws {
        let fx = try Self.fixture()
        let q = QRSupport.Query(level: "study", model: "study", charset: nil,
                                keys: ["PatientName=*", "PatientID", "StudyDescription", "StudyDate", "StudyInstanceUID"], expected: 3)
        let dir = try QRSupport.findscu(q, port: fx.orthanc.dicomPort, calledAE: fx.orthanc.aeTitle, in: tmp)
        let theirs = try QRSupport.findscuJSON(dir)
        XCTAssertEqual(theirs.count, 3)
        let r = try QRSupport.lightboxFind(q, port: fx.orthanc.dicomPort, calledAE: fx.orthanc.aeTitle, json: false)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "PatientName\tPatientID\tStudyDescription\tStudyDate\tStudyInstanceUID")
        let tags = ["00100010", "00100020", "00081030", "00080020", "0020000D"]
        let expected = theirs.map { obj in
            tags.map { tag -> String in
                guard let e = obj[tag] as? [String: Any], let values = e["Value"] as? [Any] else { return "" }
                return values.map { v -> String in
                    if let pn = v as? [String: String] {
                        return [pn["Alphabetic"], pn["Ideographic"], pn["Phonetic"]].map { $0 ?? "" }.joined(separator: "=")
                            .replacingOccurrences(of: #"=+$"#, with: "", options: .regularExpression)
                    }
                    return "\(v)"
                }.joined(separator: "\\")
            }.joined(separator: "\t")
        }
        XCTAssertEqual(Array(lines.dropFirst()).sorted(), expected.sorted(), r.stdout)
        // Every Chinese name came back decoded (no replacement characters, no escape sequences).
        XCTAssertFalse(r.stdout.contains("\u{FFFD}") || r.stdout.contains("\u{1B}"), r.stdout)
        XCTAssertTrue(r.stderr.contains("3 match(es); final status: Success"), r.stderr)
    }

    // MARK: retrieve

    func testRetrieveByGetAtPatientSeriesAndImageLevel() throws {
        let fx = try Self.fixture()
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let s = fx.study
        let patient = s.gbPatients[0]
        let study = s.studies(of: patient)[0]
        let series = s.series(of: study)[1]
        let instance = s.of(series: series).keys.sorted()[1]
        let cases: [(String, [String], Set<String>)] = [
            ("patient", ["--patient-id", patient], try fx.orthanc.instances(ofPatient: patient)),
            ("series", ["--study", study, "--series", series], Set(s.of(series: series).keys)),
            ("image", ["--study", study, "--series", series, "--instance", instance], [instance]),
        ]
        XCTAssertEqual(cases[0].2, Set(s.of(patient: patient).keys), "Orthanc holds the patient's instances")
        for (level, selection, expected) in cases {
            let dest = tmp + "/get-\(level)"
            let r = try runCommand(lightbox, ["retrieve", "127.0.0.1", "\(fx.orthanc.dicomPort)", dest, "--call", fx.orthanc.aeTitle,
                                              "--aet", "LBGET", "--get", "--plain-progress"] + selection)
            XCTAssertEqual(r.status, 0, "\(level): \(r.stdout)\(r.stderr)")
            QRSupport.assertReport(r.stdout, verb: "C-GET", status: "Success", completed: expected.count, written: expected.count, dest: dest)
            QRSupport.assertDestination(dest, holds: expected)
            try NetworkTestSupport.compareWithPydicom(originals: expected.map { s.instances[$0]!.path }, directory: dest)
        }
    }

    func testRetrieveByMoveToOwnReceiver() throws {
        let fx = try Self.fixture()
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let s = fx.study
        for (name, selection, expected) in [
            ("study", ["--study", s.studies(of: s.gbPatients[1])[0]], Set(s.of(patient: s.gbPatients[1]).keys)),
            ("patient", ["--patient-id", s.ir58Patient], try fx.orthanc.instances(ofPatient: s.ir58Patient)),
        ] {
            XCTAssertFalse(expected.isEmpty)
            let dest = tmp + "/move-\(name)"
            let r = try runCommand(lightbox, ["retrieve", "127.0.0.1", "\(fx.orthanc.dicomPort)", dest, "--call", fx.orthanc.aeTitle,
                                              "--aet", Self.moveAE, "--move-to", Self.moveAE, "--store-port", "\(fx.movePort)", "--plain-progress"] + selection)
            XCTAssertEqual(r.status, 0, "\(name): \(r.stdout)\(r.stderr)\n\(fx.orthanc.log.suffix(2000))")
            XCTAssertTrue(r.stdout.contains("receiving C-STORE on port \(fx.movePort) as AE \(Self.moveAE)"), r.stdout)
            QRSupport.assertReport(r.stdout, verb: "C-MOVE", status: "Success", completed: expected.count, written: expected.count, dest: dest)
            QRSupport.assertDestination(dest, holds: expected)
            try NetworkTestSupport.compareWithPydicom(originals: expected.map { s.instances[$0]!.path }, directory: dest)
        }
    }

    /// Orthanc does not know the destination (it answers a failure, C000 in 1.10): exit 1, the
    /// report says the C-MOVE failed, and DEST holds nothing at all.
    func testMoveToUnknownDestinationFailsWithNothingWritten() throws {
        let fx = try Self.fixture()
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let dest = tmp + "/unknown"
        let r = try runCommand(lightbox, ["retrieve", "127.0.0.1", "\(fx.orthanc.dicomPort)", dest, "--call", fx.orthanc.aeTitle,
                                          "--aet", "NOWHERE", "--move-to", "NOWHERE", "--store-port", "\(NetworkTestSupport.freePort())",
                                          "--patient-id", fx.study.gbPatients[0]])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(fx.orthanc.log.contains("NOWHERE"), "Orthanc did not refuse the destination:\n\(fx.orthanc.log.suffix(1500))")
        let out = r.stdout + r.stderr
        XCTAssertTrue(out.contains("retrieve (C-MOVE) from 127.0.0.1:") && !out.contains(": Success"), out)
        XCTAssertTrue(out.contains("completed 0,"), out)
        XCTAssertTrue(out.split(separator: "\n").contains { $0.contains("NOWHERE") && $0.lowercased().contains("destination") },
                      "no message naming the destination: \(out)")
        XCTAssertEqual(QRSupport.entries(dest).filter { $0 != "receipts.log" }, [], "DEST must hold nothing")
    }

    // MARK: burn --pacs

    func testBurnFromPACSPassesTheBurnChecks() throws {
        let fx = try Self.fixture()
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let patient = fx.study.gbPatients[1]
        let held = try fx.orthanc.instances(ofPatient: patient)
        XCTAssertEqual(held, Set(fx.study.of(patient: patient).keys))
        let iso = tmp + "/disc.iso"
        let r = try runCommand(lightbox, ["burn", "--pacs", "127.0.0.1:\(fx.orthanc.dicomPort)", "--call", fx.orthanc.aeTitle, "--aet", "LBBURN",
                                          "--patient-id", patient, "-o", iso, "--no-web", "--plain-progress", "--work-dir", tmp])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("completed \(held.count), failed 0"), "the retrieve report: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains("done: \(held.count) instance(s)"), r.stdout)
        var sources: [String: String] = [:]
        for uid in held { sources[uid] = fx.study.instances[uid]!.path }
        try QRSupport.checkDisc(iso, sources: sources, work: URL(fileURLWithPath: tmp))
    }
}
