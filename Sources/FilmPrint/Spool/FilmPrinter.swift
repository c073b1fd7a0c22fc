import DICOM
import Foundation
import Synchronization

/// Renders one film of the spool (a `FilmRecord` data set) into files: the composer of this
/// module (PDF at true size, PNG of densities, screen preview), or a forwarder to a real printer.
public protocol FilmRenderer: Sendable {
    /// Writes film number `index` (1-based) of a job into `folder`; returns the files written.
    func render(film: DataSet, index: Int, job: PrintJob, into folder: String) throws -> [String]
}

/// The spool's worker: renders queued jobs one after another, oldest first, into
/// `OUTPUT/<date>/<calling AE>/<film session label or UID>/film-N.*`, then moves each job out of
/// the queue. On start it takes up the jobs a previous run left (a SIGKILL after N-ACTION success
/// loses no film). Statuses are published on `board` (PS3.4 §H.4.6 Execution Status). With a
/// `delivery`, a job's films then go to its destinations (e.g. an archive) through the spool's
/// durable outbox, and the job is DONE once they all have them.
public final class FilmPrinter: Sendable {
    public let spool: PrintSpool
    public let output: String
    public let renderer: any FilmRenderer
    /// Where rendered films go next (nil: nowhere; the job is done once rendered).
    public let delivery: FilmDelivery?
    public let board = PrintJobBoard()
    private let wakeup: AsyncStream<Void>.Continuation
    private let stream: AsyncStream<Void>

    public init(spool: PrintSpool, output: String, renderer: any FilmRenderer, delivery: FilmDelivery? = nil) {
        self.spool = spool; self.output = output; self.renderer = renderer; self.delivery = delivery
        (stream, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A job was spooled: render it soon.
    public func submitted(_ job: PrintJob) {
        board.set(job.uid, .pending)
        wakeup.yield()
    }

    /// Runs until cancelled: renders every queued job, then waits for the next; delivers the
    /// rendered films meanwhile.
    public func run() async {
        let board = self.board
        let deliveries = delivery.map { d in Task { await d.run(board: board) } }
        defer { deliveries?.cancel() }
        wakeup.yield()
        for await _ in stream {
            for job in spool.pending() {
                if Task.isCancelled { return }
                await BlockingWork.run(on: BlockingWork.renderQueue) { self.renderNow(job) }
            }
        }
    }

    /// Renders one queued job synchronously (also used by tests).
    public func renderNow(_ job: PrintJob) {
        board.set(job.uid, .printing)
        var folder = outputFolder(for: job)
        do {
            folder = try claimOutputFolder(for: job)
            let films = try spool.films(of: job)
            let first = job.firstFilmNumber ?? 1
            var rendered: [RenderedFilm] = []
            for (i, film) in films.enumerated() {
                let files = try renderer.render(film: film, index: first + i, job: job, into: folder)
                rendered.append(RenderedFilm(record: i + 1, number: first + i, files: files))
            }
            // Queued for delivery (durably) before the job leaves the queue: a crash in between renders it again.
            let delivering = try delivery?.enqueue(job: job, films: rendered) ?? false
            spool.finish(job)
            if delivering { delivery?.wake() } else { board.set(job.uid, .done, info: "\(films.count) film(s) in \(folder)") }
        } catch {
            spool.finish(job, error: "\(error)")
            board.set(job.uid, .failure, info: "\(error)")
        }
    }

    /// `OUTPUT/<yyyy-mm-dd>/<calling AE>/<session name>`, each component made safe for a file name.
    public func outputFolder(for job: PrintJob) -> String {
        output + "/" + String(job.created.prefix(10)) + "/" + Self.safe(job.callingAETitle) + "/" + Self.safe(job.sessionName)
    }

    /// The job's output folder, created: `outputFolder(for:)`, or `… (2)`, `… (3)`, … when that
    /// folder holds the films of another film session with the same label. A folder records its
    /// session in `.film-session`, so that the jobs of one session (one per film box N-ACTION)
    /// and a job taken up again after a restart find the same folder.
    public func claimOutputFolder(for job: PrintJob) throws -> String {
        let base = outputFolder(for: job)
        guard let session = job.sessionUID else {
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
            return base
        }
        for n in 1 ... 10_000 {
            let folder = n == 1 ? base : base + " (\(n))"
            let marker = folder + "/.film-session"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if let owner = try? String(contentsOfFile: marker, encoding: .utf8) {
                if owner == session { return folder }
                continue
            }
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            if !files.isEmpty { continue }   // films of an earlier run without a marker
            try Data(session.utf8).write(to: URL(fileURLWithPath: marker))
            return folder
        }
        return base
    }

    static func safe(_ s: String) -> String {
        let cleaned = s.unicodeScalars.map { c -> String in
            (c.value < 0x20 || "/\\:*?\"<>|".unicodeScalars.contains(c)) ? "_" : String(c)
        }.joined().trimmingCharacters(in: .whitespaces)
        return cleaned.isEmpty || cleaned == "." || cleaned == ".." ? "_" : cleaned
    }
}

/// Execution Status (2100,0020) and Execution Status Info (2100,0030) of every print job of this
/// run, with the history of each (PENDING, PRINTING, DONE or FAILURE) so that a listener that comes
/// late still reports every step (N-GET and N-EVENT-REPORT of Print Job, PS3.4 §H.4.6).
public final class PrintJobBoard: Sendable {
    public struct Entry: Sendable, Equatable {
        public var status: PrintJobStatus
        public var info: String
        /// Execution Status Info (2100,0030) as a PS3.3 C.13.9.1 defined term: PROC FAILURE for a
        /// failure, QUEUED while films wait for a destination (`FilmDelivery.queued`), else NORMAL.
        public var executionStatusInfo: String {
            status == .failure ? "PROC FAILURE" : info == FilmDelivery.queued ? FilmDelivery.queued : "NORMAL"
        }
    }
    private struct State {
        var history: [String: [Entry]] = [:]
        var waiters: [String: [(index: Int, continuation: CheckedContinuation<Entry, Never>)]] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    public func set(_ uid: String, _ status: PrintJobStatus, info: String = "NORMAL") {
        let entry = Entry(status: status, info: info)
        let ready = state.withLock { s -> [CheckedContinuation<Entry, Never>] in
            s.history[uid, default: []].append(entry)
            let count = s.history[uid]!.count
            let waiting = s.waiters[uid] ?? []
            s.waiters[uid] = waiting.filter { $0.index >= count }
            return waiting.filter { $0.index < count }.map(\.continuation)
        }
        for c in ready { c.resume(returning: entry) }
    }

    /// The latest status of a job.
    public func entry(_ uid: String) -> Entry? { state.withLock { $0.history[uid]?.last } }

    /// The job's `index`-th status (0: PENDING), waiting until it exists.
    public func entry(_ uid: String, at index: Int) async -> Entry {
        await withCheckedContinuation { c in
            let now = state.withLock { s -> Entry? in
                if let h = s.history[uid], index < h.count { return h[index] }
                s.waiters[uid, default: []].append((index, c))
                return nil
            }
            if let now { c.resume(returning: now) }
        }
    }
}
