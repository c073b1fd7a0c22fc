import Foundation
import XCTest

/// Issue 17, faults: a print SCP must outlive its peers' mistakes and its own full disk. Each
/// fault below is followed by a normal print from pynetdicom 3 on a new association, which must
/// succeed and produce its film (read back by an outside PNG decoder) from the same server.
///
/// Statuses (PS3.4 H.4.1.2.4, H.4.2.2.4; PS3.7 C.4 for 0112): C601 "unable to create Print Job
/// SOP Instance; print queue is full" for a Film Session N-ACTION, C602 likewise for a Film Box
/// N-ACTION, B602/B603 (warnings) for an empty page, 0112 "no such SOP Instance". The statuses of
/// empty image boxes and of pixel data of the wrong size are in PrintOptionsConformanceTests'
/// table; here only the peer after them is checked.
final class PrintFaultConformanceTests: XCTestCase {
    static var image: [String: Any] { ["rows": 64, "cols": 64, "bits": 8, "pattern": "ramp"] }

    static func plan(_ label: String, images: [[String: Any]] = [image], extra: [String: Any] = [:]) -> [String: Any] {
        var p: [String: Any] = ["session": ["FilmSessionLabel": label],
                                "films": [["format": "STANDARD\\1,1", "size": "8INX10IN", "orientation": "PORTRAIT",
                                            "attrs": ["MagnificationType": "REPLICATE"], "images": images]]]
        for (k, v) in extra { p[k] = v }
        return p
    }

    /// A normal print on a new association (REPLICATE: each image pixel a flat square): every step
    /// Success and one 8INX10IN film whose
    /// density PNG has the film's size at 300 dpi, the printer's Border Density (BLACK = Max
    /// Density 3.00 OD) in its corner and the ramp's Min Density (0.20 OD) at its right edge.
    @discardableResult
    func printNormally(_ server: PrintServerPeer, label: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let report = try PrintFilms.runSCU(Self.plan(label), to: server)
        XCTAssertEqual(PrintFilms.nonSuccess(report), [], "\(label): the next peer prints normally", file: file, line: line)
        let png = try XCTUnwrap(PrintFilms.waitForFilms(label: label, count: 1, in: server.spool, server: server).first, file: file, line: line)
        // 64 × 64 ramp scaled to fit the single box: its last column is at the box's right edge,
        // vertically centred (film 2400 × 3000 pixels; margin 5 mm = 59 pixels).
        let s = try PrintFilms.sample(png, at: [(x: 2, y: 2), (x: 2400 - 59 - 5, y: 1500)])
        XCTAssertEqual([s.width, s.height], [2400, 3000], "\(label): 8 × 10 in at 300 dpi", file: file, line: line)
        XCTAssertEqual(s.samples, [30000, 2000], "\(label): border at 3.00 OD, ramp's white end at 0.20 OD", file: file, line: line)
        return png
    }

    /// Waits (generously) until SPOOL/queue holds nothing: the jobs accepted so far are rendered.
    func waitForEmptyQueue(_ server: PrintServerPeer, spool: String) throws {
        let deadline = Date().addingTimeInterval(120)
        while !PrintFilms.queueEntries(spool).isEmpty && Date() < deadline { usleep(50_000) }
        XCTAssertEqual(PrintFilms.queueEntries(spool), [], "the queue empties\n\(server.log.suffix(2000))")
    }

    func jobs(_ spool: String, _ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: spool + "/" + folder)) ?? []).sorted()
    }

    // MARK: A peer that aborts

    /// A-ABORT after the image box N-SET, before any N-ACTION (PS3.4 H.2.2: the film session ends
    /// with its association): no job, no film, and the next peer prints.
    func testPeerAbortingMidSessionLeavesNothingBehind() throws {
        let server = try PrintServerPeer()
        defer { server.stop() }
        let report = try PrintFilms.runSCU(Self.plan("ABORTED", extra: ["abort_after": "filmbox"]), to: server)
        XCTAssertEqual(PrintFilms.steps(report).map { $0.0 }, ["printer n-get", "session n-create", "filmbox n-create", "imagebox n-set"],
                       "the SCU aborted before any N-ACTION")
        XCTAssertEqual(PrintFilms.nonSuccess(report), [])
        try printNormally(server, label: "AFTER-ABORT")
        try waitForEmptyQueue(server, spool: server.spool)
        XCTAssertEqual(PrintFilms.films(label: "ABORTED", in: server.spool), [], "no film from the aborted session")
        XCTAssertEqual(jobs(server.spool, "done").count, 1, "only the normal print became a job")
        XCTAssertEqual(jobs(server.spool, "failed"), [])
        XCTAssertTrue(server.isRunning)
    }

    // MARK: A full spool disk

    /// The spool on a 2 MB tmpfs filled to a few KB: a film (a 128 KB 12-bit image) cannot be
    /// spooled, so N-ACTION answers C601 (Film Session) or C602 (Film Box) — never a false Success
    /// — and leaves nothing in queue/ (not even the hidden `.incoming-…` folder). Once space is
    /// freed, the same server prints again.
    func testFullSpoolDiskFailsTheActionAndRecovers() throws {
        let mountPoint = try NetworkTestSupport.temporaryDirectory("print-tmpfs")
        let mount = Oracles.which("mount") ?? "/bin/mount", umount = Oracles.which("umount") ?? "/bin/umount"
        let mounted = try runCommand(mount, ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint])
        guard mounted.status == 0 else {
            try? FileManager.default.removeItem(atPath: mountPoint)
            // Not a skip: this test needs root (it mounts a tmpfs); run it as root.
            throw TestFailure.unusable("mount -t tmpfs on \(mountPoint) failed (\(mounted.status)): \(mounted.stderr)")
        }
        defer {
            if (try? runCommand(umount, [mountPoint]))?.status != 0 { _ = try? runCommand(umount, ["-l", mountPoint]) }
            try? FileManager.default.removeItem(atPath: mountPoint)
        }
        let server = try PrintServerPeer(spool: mountPoint)
        defer { server.stop() }

        let free = try freeBytes(mountPoint)
        let filler = mountPoint + "/filler"
        try Data(count: Int(free) - 8192).write(to: URL(fileURLWithPath: filler))
        let left = try freeBytes(mountPoint)
        XCTAssertLessThanOrEqual(left, 16384, "the spool disk is full but for a few KB")
        Swift.print("spool tmpfs: \(free) bytes free before the filler, \(left) after")

        let big: [String: Any] = ["rows": 256, "cols": 256, "bits": 12, "pattern": "ramp"]
        for (action, step, expected) in [("session", "session n-action", 0xC601), ("filmbox", "filmbox n-action", 0xC602)] {
            let report = try PrintFilms.runSCU(Self.plan("FULL-\(action)", images: [big], extra: ["action": action]), to: server)
            let status = PrintFilms.status(report, step)
            XCTAssertEqual(status, expected, "\(step) on a full spool: \(status.map { String($0, radix: 16) } ?? "none"); \(PrintFilms.steps(report))")
            XCTAssertEqual(PrintFilms.queueEntries(mountPoint), [], "nothing half-written stays in queue/ after the \(action) N-ACTION")
            XCTAssertTrue(server.isRunning)
        }
        XCTAssertTrue(server.log.contains("C601") && server.log.contains("C602"), "the log says why\n\(server.log.suffix(2000))")

        try FileManager.default.removeItem(atPath: filler)
        try printNormally(server, label: "AFTER-FULL")
        try waitForEmptyQueue(server, spool: mountPoint)
        XCTAssertEqual(PrintFilms.films(label: "FULL-session", in: mountPoint) + PrintFilms.films(label: "FULL-filmbox", in: mountPoint), [])
        XCTAssertEqual(jobs(mountPoint, "done").count, 1, "only the print after the disk was freed became a job")
    }

    func freeBytes(_ path: String) throws -> Int64 {
        let a = try FileManager.default.attributesOfFileSystem(forPath: path)
        return (a[.systemFreeSize] as? NSNumber)?.int64Value ?? 0
    }

    // MARK: Refused or empty requests

    /// Each peer makes one mistake; the next peer prints. Empty image boxes (B603 Film Box, B602
    /// Film Session) and pixel data of the wrong size (N-SET 0106, then B602 for the page left
    /// empty) have their statuses in PrintOptionsConformanceTests too; N-ACTION on a Film Session
    /// or Film Box UID the SCP never created answers 0112 and prints nothing.
    func testRefusedRequestsLeaveTheServerServing() throws {
        let server = try PrintServerPeer()
        defer { server.stop() }
        let cases: [(label: String, plan: [String: Any], expected: [String: Int])] = [
            ("EMPTY-FILMBOX", Self.plan("EMPTY-FILMBOX", images: [], extra: ["action": "filmbox"]), ["filmbox n-action": 0xB603]),
            ("EMPTY-SESSION", Self.plan("EMPTY-SESSION", images: []), ["session n-action": 0xB602]),
            ("WRONG-SIZE", Self.plan("WRONG-SIZE", images: [["bits": 12, "wrong_size": true]]),
             ["imagebox n-set": 0x0106, "session n-action": 0xB602]),
            ("UNKNOWN-SESSION", Self.plan("UNKNOWN-SESSION", extra: ["action_uid": "unknown"]), ["session n-action": 0x0112]),
            ("UNKNOWN-FILMBOX", Self.plan("UNKNOWN-FILMBOX", extra: ["action": "filmbox", "action_uid": "unknown"]),
             ["filmbox n-action": 0x0112]),
        ]
        for c in cases {
            let report = try PrintFilms.runSCU(c.plan, to: server)
            for (step, status) in c.expected {
                let got = PrintFilms.status(report, step)
                XCTAssertEqual(got, status, "\(c.label): \(step) answered \(got.map { String($0, radix: 16) } ?? "nothing"), expected \(String(status, radix: 16))")
            }
            XCTAssertEqual(PrintFilms.status(report, "session n-delete"), 0, "\(c.label): the session is still there to delete")
            try printNormally(server, label: "AFTER-\(c.label)")
        }
        try waitForEmptyQueue(server, spool: server.spool)
        XCTAssertEqual(PrintFilms.films(label: "UNKNOWN-SESSION", in: server.spool), [], "no film for an N-ACTION on an unknown session")
        XCTAssertEqual(PrintFilms.films(label: "UNKNOWN-FILMBOX", in: server.spool), [], "no film for an N-ACTION on an unknown film box")
        XCTAssertEqual(jobs(server.spool, "failed"), [], "no job failed to render")
        XCTAssertTrue(server.isRunning)
    }

    // MARK: A stuck peer

    /// One peer opens its film session and then waits; meanwhile a second peer prints to the end
    /// (each association has its own session, PS3.4 H.2.2). Released, the first prints too.
    func testSecondPeerPrintsWhileFirstIsStuck() throws {
        let python = try Oracles.requirePython()
        let server = try PrintServerPeer()
        defer { server.stop() }
        let ready = server.folder + "/stuck.ready", release = server.folder + "/stuck.release"
        let planPath = server.folder + "/stuck.json"
        try JSONSerialization.data(withJSONObject: Self.plan("STUCK", extra: [
            "hold_after_session": ["ready_file": ready, "release_file": release, "timeout": 120]])).write(to: URL(fileURLWithPath: planPath))
        let stuck = try NetworkTestSupport.launch(python, [Oracles.oracleScript("pynetdicom_print_scu.py"), "127.0.0.1", "\(server.port)",
                                                           server.aeTitle, planPath], log: server.folder + "/stuck.log")
        defer {
            FileManager.default.createFile(atPath: release, contents: nil)
            NetworkTestSupport.stop(stuck)
        }
        var deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: ready) && stuck.isRunning && Date() < deadline { usleep(20_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: ready), "the first peer opened its session")

        try printNormally(server, label: "SECOND")
        XCTAssertTrue(stuck.isRunning, "the first peer was still holding its session while the second printed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: release))

        FileManager.default.createFile(atPath: release, contents: nil)
        deadline = Date().addingTimeInterval(120)
        while stuck.isRunning && Date() < deadline { usleep(50_000) }
        XCTAssertFalse(stuck.isRunning, "the first peer finished after its release")
        let log = (try? String(contentsOfFile: server.folder + "/stuck.log", encoding: .utf8)) ?? ""
        let report = try PrintFilms.report(log)
        XCTAssertEqual(report["held"] as? Bool, true, "the first peer waited for its release")
        XCTAssertEqual(PrintFilms.nonSuccess(report), [], "the first peer's session still prints")
        XCTAssertEqual(try PrintFilms.waitForFilms(label: "STUCK", count: 1, in: server.spool, server: server).count, 1)
    }
}
