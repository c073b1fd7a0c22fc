import DICOM
import Foundation
import XCTest

/// Issue 16, must-show 2: faults of query/retrieve, against the pynetdicom Q/R SCP of
/// `Tests/Oracles/qr_pynetdicom_scp.py` and a TCP listener that never answers.
/// - A PACS that aborts the association in the middle of a C-MOVE: a clear report, exit 1, the
///   files completed before the abort whole (pydicom compares them with the originals), nothing
///   half-written under a final name and no hidden temporary file left.
/// - C-CANCEL during a C-GET: final status Cancel, then a C-ECHO on the same association.
/// - A C-FIND with 10,000 matches streams: every match printed, all but a stdio buffer's worth of
///   them before the PACS sends its final response, in bounded memory (max RSS by /usr/bin/time).
/// - A peer that never answers the A-ASSOCIATE-RQ, and one that never answers the C-FIND, hit the
///   ACSE and DIMSE timeouts: exit 2 with a message saying so, long before the 30 s default.
/// - A port nobody listens on: exit 2 with a message (no crash).
final class QueryRetrieveFaultTests: XCTestCase {
    var tmp: String!
    override func setUpWithError() throws { tmp = try NetworkTestSupport.temporaryDirectory("qr-fault") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: tmp) }

    /// A small study for the pynetdicom SCP to serve (one GB18030 patient, 2 series × 3 images).
    func smallStudy() throws -> [String: String] {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let folder = tmp + "/study"
        let r = try runCommand(lightbox, ["synth", folder, "--patients", "1", "--series", "2", "--images", "3", "--size", "32", "--no-noise", "--seed", "301"])
        XCTAssertEqual(r.status, 0, r.stderr)
        var out: [String: String] = [:]
        for p in Oracles.files(under: URL(fileURLWithPath: folder)) where p.hasSuffix(".dcm") {
            out[try XCTUnwrap(Part10Reader.read(path: p, options: .headerOnly).dataSet.string(.sopInstanceUID))] = p
        }
        XCTAssertEqual(out.count, 6)
        return out
    }

    func patientID(_ files: [String: String]) throws -> String {
        try XCTUnwrap(Part10Reader.read(path: files.values.first!, options: .headerOnly).dataSet.string(.patientID))
    }

    // MARK: abort during C-MOVE

    func testPeerAbortDuringMoveLeavesNoPartialFile() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let files = try smallStudy()
        let storePort = NetworkTestSupport.freePort()
        let scp = try PynetdicomQRPeer(folder: tmp + "/study", options: ["--dest", "LBMOVE=\(storePort)", "--abort-move-after", "3"], work: tmp)
        defer { scp.stop() }
        let dest = tmp + "/dest"
        let start = Date()
        let r = try runCommand(lightbox, ["retrieve", "127.0.0.1", "\(scp.port)", dest, "--call", scp.aeTitle, "--aet", "LBMOVE",
                                          "--move-to", "LBMOVE", "--store-port", "\(storePort)", "--patient-id", try patientID(files),
                                          "--plain-progress", "-td", "30"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 60)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue((r.stdout + r.stderr).contains("association aborted by the peer"), "no clear report of the abort:\n\(r.stdout)\(r.stderr)")
        XCTAssertTrue(scp.events.contains { $0["event"] as? String == "move-abort" }, "the SCP did not abort: \(scp.events)")
        // The three sub-operations completed before the abort are whole files; nothing else.
        let names = QRSupport.entries(dest)
        let written = Set(names.filter { $0.hasSuffix(".dcm") }.map { String($0.dropLast(4)) })
        XCTAssertEqual(written.count, 3, "files received before the abort: \(names)")
        XCTAssertTrue(written.isSubset(of: Set(files.keys)), "\(names)")
        QRSupport.assertDestination(dest, holds: written)
        try NetworkTestSupport.compareWithPydicom(originals: written.map { files[$0]! }, directory: dest)
    }

    /// In the middle of an object (64 MB; after 8 MB of it) the PACS aborts the C-MOVE association
    /// and cuts the storage sub-association's connection inside a PDU: the partial object must
    /// not stay in DEST, under its final name or a hidden temporary one; the two objects completed
    /// before it are whole.
    func testPeerAbortInTheMiddleOfAnObjectLeavesNothingHalfWritten() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let files = try smallStudy()
        let storePort = NetworkTestSupport.freePort()
        let scp = try PynetdicomQRPeer(folder: tmp + "/study", options: ["--dest", "LBMOVE=\(storePort)", "--abort-store-during", "2"], work: tmp)
        defer { scp.stop() }
        let dest = tmp + "/dest"
        let run = try QRSupport.StreamingRun(lightbox, ["retrieve", "127.0.0.1", "\(scp.port)", dest, "--call", scp.aeTitle, "--aet", "LBMOVE",
                                                        "--move-to", "LBMOVE", "--store-port", "\(storePort)", "--patient-id", try patientID(files),
                                                        "--plain-progress", "-td", "30"])
        // Watch DEST while the object arrives: the largest file seen that is not a finished one.
        var partialSeen = 0
        while run.process.isRunning {
            for name in QRSupport.entries(dest) where !name.hasSuffix(".dcm") || name.hasPrefix(".") {
                let size = (try? FileManager.default.attributesOfItem(atPath: dest + "/" + name)[.size] as? Int) ?? 0
                partialSeen = max(partialSeen, size)
            }
            usleep(5_000)
        }
        let r = run.finish()
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue((r.stdout + r.stderr).contains("association aborted by the peer"), "no clear report of the abort:\n\(r.stdout)\(r.stderr)")
        // The cut came in the middle of the object: its hidden temporary file (contract: received
        // under a hidden name, renamed when complete) held megabytes of it.
        XCTAssertGreaterThan(partialSeen, 1 << 20, "no partial object was seen in DEST during the transfer")
        let kinds = scp.events.compactMap { $0["event"] as? String }
        XCTAssertTrue(kinds.contains("store-abort"), "the SCP did not abort the storage sub-association: \(kinds)")
        let names = QRSupport.entries(dest)
        let written = Set(names.filter { $0.hasSuffix(".dcm") }.map { String($0.dropLast(4)) })
        XCTAssertEqual(written.count, 2, "files in DEST: \(names) (partial file of up to \(partialSeen) bytes seen during the transfer)")
        QRSupport.assertDestination(dest, holds: written)
        try NetworkTestSupport.compareWithPydicom(originals: written.map { files[$0]! }, directory: dest)
        // Every file in DEST is small: the 64 MB object is nowhere, whole or in part.
        for name in names {
            let size = (try FileManager.default.attributesOfItem(atPath: dest + "/" + name)[.size] as? Int) ?? 0
            XCTAssertLessThan(size, 1 << 20, "\(name) holds part of the aborted object")
        }
    }

    // MARK: C-CANCEL during C-GET

    func testCancelDuringGetThenEchoOnTheSameAssociation() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let files = try smallStudy()
        // 0.3 s between sub-operations: the C-CANCEL arrives long before the last one.
        let scp = try PynetdicomQRPeer(folder: tmp + "/study", options: ["--pace", "0.3"], work: tmp)
        defer { scp.stop() }
        let dest = tmp + "/dest"
        let r = try runCommand(lightbox, ["retrieve", "127.0.0.1", "\(scp.port)", dest, "--call", scp.aeTitle, "--get",
                                          "--patient-id", try patientID(files), "--cancel-after", "2", "--plain-progress"])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("retrieve (C-GET) from 127.0.0.1:\(scp.port): Cancel"), r.stdout)
        XCTAssertTrue(r.stdout.contains("association still usable after C-CANCEL: C-ECHO Success"), r.stdout)
        let events = scp.events
        let kinds = events.compactMap { $0["event"] as? String }
        XCTAssertTrue(kinds.contains("get-cancelled"), "pynetdicom saw no C-CANCEL: \(kinds)")
        // The C-ECHO came after the cancel and before the association ended, on that association.
        if let c = kinds.firstIndex(of: "get-cancelled") {
            let after = kinds[(c + 1)...]
            XCTAssertEqual(after.first, "echo", "after the cancel: \(kinds)")
            let getAssoc = events.first { $0["event"] as? String == "get" }?["assoc"] as? Int
            let echoAssoc = events.first { $0["event"] as? String == "echo" }?["assoc"] as? Int
            XCTAssertNotNil(getAssoc)
            XCTAssertEqual(getAssoc, echoAssoc, "the C-ECHO came on another association: \(events)")
        }
        let written = Set(QRSupport.entries(dest).filter { $0.hasSuffix(".dcm") }.map { String($0.dropLast(4)) })
        XCTAssertGreaterThanOrEqual(written.count, 2)
        XCTAssertLessThan(written.count, files.count, r.stdout)
        XCTAssertTrue(r.stdout.contains("completed \(written.count), failed 0, warning 0; \(written.count) file(s) written"), r.stdout)
        QRSupport.assertDestination(dest, holds: written)
        try NetworkTestSupport.compareWithPydicom(originals: written.map { files[$0]! }, directory: dest)
    }

    // MARK: 10,000 matches

    /// Runs `lightbox find` under /usr/bin/time -v against a pynetdicom SCP answering `count`
    /// generated matches of `commentBytes` each, holding its final response until the test has
    /// seen the lines. Returns (result, lines seen before the final response, max RSS in kB).
    func streamedFind(count: Int, commentBytes: Int) throws -> (CommandResult, Int, Int) {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let time = try Oracles.require("time", package: "time")
        let hold = tmp + "/hold-\(count)"
        let scp = try PynetdicomQRPeer(folder: tmp + "/none", options: ["--many", "\(count)", "--comment-bytes", "\(commentBytes)", "--hold", hold],
                                       work: tmp)
        defer { scp.stop() }
        let run = try QRSupport.StreamingRun(time, ["-v", lightbox, "find", "127.0.0.1", "\(scp.port)", "--call", scp.aeTitle, "--level", "patient",
                                                    "--no-default-keys", "-k", "PatientID", "-k", "PatientName", "-k", "PatientComments"])
        // The SCP has sent its last Pending response: wait for the lines to arrive (header + all
        // matches, less what stdio buffering may hold), then let it send the final response.
        XCTAssertTrue(QRSupport.wait(timeout: 90) { FileManager.default.fileExists(atPath: hold + ".held") || !run.process.isRunning },
                      "the SCP never finished sending matches")
        _ = QRSupport.wait(timeout: 30) { run.lines >= count + 1 }
        let before = run.lines
        XCTAssertTrue(FileManager.default.createFile(atPath: hold, contents: nil))
        let r = run.finish(timeout: 60)
        let rss = try XCTUnwrap(QRSupport.maxRSS(r.stderr), "no max RSS from /usr/bin/time: \(r.stderr.suffix(2000))")
        return (r, before, rss)
    }

    func testFindWithTenThousandMatchesStreamsInBoundedMemory() throws {
        let count = 10_000, commentBytes = 4_000
        let (r, before, rss) = try streamedFind(count: count, commentBytes: commentBytes)
        XCTAssertEqual(r.status, 0, String(r.stderr.suffix(3000)))
        XCTAssertTrue(r.stderr.contains("\(count) match(es); final status: Success"), String(r.stderr.suffix(3000)))
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.first, "PatientID\tPatientName\tPatientComments")
        XCTAssertEqual(lines.count, count + 1)
        // Every match, in order, whole.
        var bad = 0
        for (n, line) in lines.dropFirst().enumerated() {
            let cols = line.split(separator: "\t", omittingEmptySubsequences: false)
            let id = String(format: "ID%05d", n)
            if cols.count != 3 || cols[0] != id || cols[1] != "MANY^\(n)" || cols[2].count != commentBytes || !cols[2].hasPrefix(String(format: "C%05d", n)) {
                bad += 1
            }
        }
        XCTAssertEqual(bad, 0, "lines that are not the SCP's matches")
        // Streamed: the lines were out before the final response (a 64 kB stdio buffer holds
        // fewer than 20 of these 4 kB lines).
        XCTAssertGreaterThanOrEqual(before, count + 1 - 20, "only \(before) lines before the PACS's final response: not streamed")
        // Bounded: 10,000 × 4 kB = 40 MB of matches; a client that kept them would exceed this.
        XCTAssertLessThan(rss, 150_000, "max RSS \(rss) kB")
        let (small, _, smallRSS) = try streamedFind(count: 100, commentBytes: commentBytes)
        XCTAssertEqual(small.status, 0, small.stderr)
        print("lightbox find: max RSS \(smallRSS) kB for 100 matches, \(rss) kB for \(count) matches of \(commentBytes) bytes; \(before) lines before the final response")
        XCTAssertLessThan(rss - smallRSS, 30_000, "max RSS grows with the matches: \(smallRSS) kB for 100, \(rss) kB for \(count)")
    }

    /// `find --cancel-after 5` against 3,000 matches: pynetdicom's handler sees the C-CANCEL
    /// (`event.is_cancelled`) and answers Cancel; Lightbox prints what came and exits 1.
    func testFindCancelAfterStopsTheMatches() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let count = 3_000
        let scp = try PynetdicomQRPeer(folder: tmp + "/none", options: ["--many", "\(count)"], work: tmp)
        defer { scp.stop() }
        let r = try runCommand(lightbox, ["find", "127.0.0.1", "\(scp.port)", "--call", scp.aeTitle, "--level", "patient", "--no-default-keys",
                                          "-k", "PatientID", "--cancel-after", "5"])
        XCTAssertEqual(r.status, 1, r.stderr)
        let matches = r.stdout.split(separator: "\n").count - 1
        XCTAssertTrue(r.stderr.contains("\(matches) match(es); final status: Cancel"), r.stderr)
        XCTAssertGreaterThanOrEqual(matches, 5)
        XCTAssertLessThan(matches, count, "the C-CANCEL did not stop the matches")
        let cancelled = scp.events.first { $0["event"] as? String == "find-cancelled" }
        XCTAssertNotNil(cancelled, "pynetdicom saw no C-CANCEL: \(scp.events)")
        XCTAssertEqual(cancelled?["after"] as? Int, matches, "matches the SCP sent before the cancel")
    }

    // MARK: timeouts and refusals

    func testPeerThatNeverAnswersTheAssociationHitsTheACSETimeout() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let silent = try SilentListener()
        defer { silent.close() }
        for args in [["find", "127.0.0.1", "\(silent.port)", "--call", "SILENT", "--level", "patient", "-k", "PatientID", "-ta", "2"],
                     ["retrieve", "127.0.0.1", "\(silent.port)", tmp + "/dest", "--call", "SILENT", "--get", "--patient-id", "X", "-ta", "2"]] {
            let start = Date()
            let r = try runCommand(lightbox, args)
            let elapsed = Date().timeIntervalSince(start)
            XCTAssertEqual(r.status, 2, "\(args[0]): \(r.stdout)\(r.stderr)")
            XCTAssertTrue((r.stdout + r.stderr).lowercased().contains("timeout") || (r.stdout + r.stderr).lowercased().contains("timed out"),
                          "\(args[0]): no message saying timeout: \(r.stdout)\(r.stderr)")
            XCTAssertGreaterThanOrEqual(elapsed, 1.5, "\(args[0]): gave up before the timeout")
            XCTAssertLessThan(elapsed, 20, "\(args[0]): the 2 s ACSE timeout did not apply")
        }
        XCTAssertGreaterThanOrEqual(silent.connections, 2)
        XCTAssertEqual(QRSupport.entries(tmp + "/dest").filter { $0 != "receipts.log" }, [])
    }

    func testFindThatNeverGetsAnAnswerHitsTheDIMSETimeout() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let scp = try PynetdicomQRPeer(folder: tmp + "/none", options: ["--find-sleep", "60"], work: tmp)
        defer { scp.stop() }
        let start = Date()
        let r = try runCommand(lightbox, ["find", "127.0.0.1", "\(scp.port)", "--call", scp.aeTitle, "--level", "patient", "-k", "PatientID", "-td", "2"])
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue((r.stdout + r.stderr).lowercased().contains("timeout") || (r.stdout + r.stderr).lowercased().contains("timed out"),
                      "no message saying timeout: \(r.stdout)\(r.stderr)")
        XCTAssertTrue(scp.events.contains { $0["event"] as? String == "find" }, "the C-FIND never reached the SCP: \(scp.events)")
        XCTAssertGreaterThanOrEqual(elapsed, 1.5)
        XCTAssertLessThan(elapsed, 20, "the 2 s DIMSE timeout did not apply")
    }

    /// Nobody listens on the port: exit 2 and a message, for find and retrieve (in a debug build
    /// an unfulfilled NIO promise would crash the process instead).
    func testClosedPortIsAConnectionFailure() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let port = NetworkTestSupport.freePort()
        for args in [["find", "127.0.0.1", "\(port)", "--call", "NOBODY", "--level", "study", "-k", "PatientID"],
                     ["retrieve", "127.0.0.1", "\(port)", tmp + "/dest", "--call", "NOBODY", "--get", "--patient-id", "X"]] {
            let r = try runCommand(lightbox, args)
            XCTAssertEqual(r.status, 2, "\(args[0]): \(r.stdout)\(r.stderr.prefix(600))")
            XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("crashed"), "\(args[0]) crashed: \(r.stderr.prefix(600))")
            XCTAssertTrue(r.stderr.lowercased().contains("error"), "\(args[0]): \(r.stderr.prefix(600))")
        }
    }
}
