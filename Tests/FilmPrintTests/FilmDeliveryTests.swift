import DICOM
import Foundation
import Synchronization
import XCTest
@testable import FilmPrint

/// The delivery machinery without a network: `AE@host:port` parsing, the retry delays, and
/// `FilmDelivery` with a destination that fails on command — the outbox entry is on disk while
/// the film waits, the job is PRINTING/QUEUED, and DONE once delivered.
final class FilmDeliveryTests: XCTestCase {
    func testAddressesParseStrictly() throws {
        let a = try DICOMPeerAddress(parsing: "ARCHIVE@pacs.example.org:104")
        XCTAssertEqual(a, DICOMPeerAddress(aeTitle: "ARCHIVE", host: "pacs.example.org", port: 104))
        XCTAssertEqual(try DICOMPeerAddress(parsing: "A@B@[::1]:11112"), DICOMPeerAddress(aeTitle: "A@B", host: "::1", port: 11112))
        XCTAssertEqual(try DICOMPeerAddress(parsing: "A@B@[::1]:11112").description, "A@B@[::1]:11112")
        for bad in ["ARCHIVE", "ARCHIVE@host", "@host:104", "ARCHIVE@:104", "ARCHIVE@host:0", "ARCHIVE@host:65536", "ARCHIVE@host:x",
                    "SEVENTEEN_CHARS_X@host:104", "A\\B@host:104", "   @host:104", "A@::1:104", "A@[::1:104"] {
            XCTAssertThrowsError(try DICOMPeerAddress(parsing: bad), bad) { e in
                XCTAssertTrue("\(e)".contains("AE@host:port"), "\(e)")
            }
        }
    }

    func testRetryDelaysDoubleUpToTheMaximum() {
        let r = RetryPolicy()
        XCTAssertEqual((1 ... 8).map { r.delay(afterFailures: $0) },
                       [.seconds(5), .seconds(10), .seconds(20), .seconds(40), .seconds(80), .seconds(160), .seconds(300), .seconds(300)])
        XCTAssertEqual(r.delay(afterFailures: 1000), .seconds(300))
    }

    func testFilmIdentityIsStablePerJobAndDistinctPerFilm() {
        let job = Self.job(uid: "1.2.3.4")
        XCTAssertEqual(FilmSecondaryCapture.identity(job: job, record: 1), FilmSecondaryCapture.identity(job: job, record: 1))
        let one = FilmSecondaryCapture.identity(job: job, record: 1), two = FilmSecondaryCapture.identity(job: job, record: 2)
        XCTAssertEqual(one.study, two.study); XCTAssertEqual(one.series, two.series); XCTAssertNotEqual(one.instance, two.instance)
        XCTAssertNotEqual(one.study, FilmSecondaryCapture.identity(job: Self.job(uid: "1.2.3.5"), record: 1).study)
        XCTAssertTrue([one.study, one.series, one.instance, two.instance].allSatisfy(UIDGenerator.isValid))
    }

    /// A destination that is unavailable `failures` times, then takes every film.
    final class FlakyDestination: FilmDestination {
        struct Down: FilmDeliveryFailure { var destinationUnavailable: Bool { true } }
        let failures: Int
        let calls = Mutex<[String]>([])
        init(failures: Int) { self.failures = failures }
        var name: String { "flaky" }
        var target: String { "FLAKY@nowhere:1" }
        func deliver(film: DataSet, rendered: RenderedFilm, job: PrintJob) async throws {
            let n = calls.withLock { $0.append(film.string(.sopInstanceUID) ?? ""); return $0.count }
            if n <= failures { throw Down() }
        }
    }

    static func job(uid: String) -> PrintJob {
        PrintJob(uid: uid, callingAETitle: "SCU", sessionName: "S", created: "2026-01-02T03:04:05Z", filmCount: 1, copies: 1, priority: "MED")
    }

    func testAFilmWaitsInTheOutboxUntilTheDestinationTakesIt() async throws {
        let folder = NSTemporaryDirectory() + "lightbox-delivery-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let spool = try PrintSpool(folder: folder)
        let job = Self.job(uid: "1.2.826.0.1.3680043.10.9.1")
        var film = DataSet()
        try film.set(.sopInstanceUID, .UI, "1.2.3.99")
        try spool.submit(job, films: [film])
        spool.finish(job)
        let destination = FlakyDestination(failures: 2)
        let lines = Mutex<[String]>([])
        let delivery = try FilmDelivery(spool: spool, destinations: [destination],
                                        retry: RetryPolicy(initial: .milliseconds(50)), log: { l in lines.withLock { $0.append(l) } })
        XCTAssertTrue(try delivery.enqueue(job: job, films: [RenderedFilm(record: 1, number: 1, files: [])]))
        let entry = folder + "/outbox/flaky/\(job.uid)-1.json"
        XCTAssertTrue(FileManager.default.fileExists(atPath: entry), "written before anything is sent")

        let board = PrintJobBoard()
        board.set(job.uid, .printing)
        let worker = Task { await delivery.run(board: board) }
        defer { worker.cancel() }
        let deadline = Date().addingTimeInterval(60)
        while board.entry(job.uid)?.status != .done, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        guard board.entry(job.uid)?.status == .done else { return XCTFail("not DONE within 60 s: \(lines.withLock { $0 })") }
        // The history is complete now: these return at once.
        let queued = await board.entry(job.uid, at: 1)
        XCTAssertEqual(queued, PrintJobBoard.Entry(status: .printing, info: "QUEUED"))
        XCTAssertEqual(queued.executionStatusInfo, "QUEUED")
        let done = await board.entry(job.uid, at: 2)
        XCTAssertEqual(done.status, .done)
        XCTAssertEqual(destination.calls.withLock { $0 }, ["1.2.3.99", "1.2.3.99", "1.2.3.99"], "two failures, then delivered")
        XCTAssertFalse(FileManager.default.fileExists(atPath: entry), "removed once delivered")
        XCTAssertEqual(lines.withLock { $0 }.filter { $0.contains("not delivered to FLAKY@nowhere:1") }.count, 2, "\(lines.withLock { $0 })")
    }

    /// A destination that is up and refuses one film every time (as a PACS answering A900).
    final class RefusingDestination: FilmDestination {
        struct Refused: FilmDeliveryFailure { var destinationUnavailable: Bool { false } }
        let calls = Mutex(0)
        var name: String { "refusing" }
        var target: String { "REFUSING@nowhere:1" }
        func deliver(film: DataSet, rendered: RenderedFilm, job: PrintJob) async throws {
            calls.withLock { $0 += 1 }
            throw Refused()
        }
    }

    func testAFilmRefusedEveryTimeIsGivenUpAndTheJobFails() async throws {
        let folder = NSTemporaryDirectory() + "lightbox-delivery-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let spool = try PrintSpool(folder: folder)
        let job = Self.job(uid: "1.2.826.0.1.3680043.10.9.2")
        var film = DataSet()
        try film.set(.sopInstanceUID, .UI, "1.2.3.98")
        try spool.submit(job, films: [film])
        spool.finish(job)
        let destination = RefusingDestination()
        let lines = Mutex<[String]>([])
        let delivery = try FilmDelivery(spool: spool, destinations: [destination],
                                        retry: RetryPolicy(initial: .milliseconds(20), maximum: .milliseconds(40), attemptsPerFilm: 3),
                                        log: { l in lines.withLock { $0.append(l) } })
        XCTAssertTrue(try delivery.enqueue(job: job, films: [RenderedFilm(record: 1, number: 1, files: [])]))
        let board = PrintJobBoard()
        board.set(job.uid, .printing)
        let worker = Task { await delivery.run(board: board) }
        defer { worker.cancel() }
        let deadline = Date().addingTimeInterval(60)
        while board.entry(job.uid)?.status != .failure, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertEqual(board.entry(job.uid)?.status, .failure, "\(lines.withLock { $0 })")
        XCTAssertEqual(board.entry(job.uid)?.executionStatusInfo, "PROC FAILURE")
        XCTAssertEqual(destination.calls.withLock { $0 }, 3)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/outbox/refusing/\(job.uid)-1.json"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/outbox/refusing/failed/\(job.uid)-1.json"), "kept for the operator")
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertEqual(destination.calls.withLock { $0 }, 3, "not tried again")
        XCTAssertTrue(lines.withLock { $0 }.contains { $0.contains("given up") })
    }

    func testDestinationNamesMustSuitAFolder() throws {
        struct Named: FilmDestination {
            let name: String
            var target: String { name }
            func deliver(film: DataSet, rendered: RenderedFilm, job: PrintJob) async throws {}
        }
        let folder = NSTemporaryDirectory() + "lightbox-delivery-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let spool = try PrintSpool(folder: folder)
        for bad in [[Named(name: "../x")], [Named(name: "")], [Named(name: "a"), Named(name: "a")]] {
            XCTAssertThrowsError(try FilmDelivery(spool: spool, destinations: bad))
        }
        XCTAssertEqual(PACSDestination(address: DICOMPeerAddress(aeTitle: "MY PACS/1", host: "h", port: 1), callingAETitle: "X",
                                       renderer: try ComposerRenderer(profile: Fixtures.profile(), catalog: Fixtures.catalog())).name,
                       "pacs-MY_PACS_1")
    }
}
