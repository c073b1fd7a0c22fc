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
/// loses no film). Statuses are published on `board` (PS3.4 §H.4.6 Execution Status).
public final class FilmPrinter: Sendable {
    public let spool: PrintSpool
    public let output: String
    public let renderer: any FilmRenderer
    public let board = PrintJobBoard()
    private let wakeup: AsyncStream<Void>.Continuation
    private let stream: AsyncStream<Void>

    public init(spool: PrintSpool, output: String, renderer: any FilmRenderer) {
        self.spool = spool; self.output = output; self.renderer = renderer
        (stream, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A job was spooled: render it soon.
    public func submitted(_ job: PrintJob) {
        board.set(job.uid, .pending)
        wakeup.yield()
    }

    /// Runs until cancelled: renders every queued job, then waits for the next.
    public func run() async {
        wakeup.yield()
        for await _ in stream {
            for job in spool.pending() {
                if Task.isCancelled { return }
                renderNow(job)
            }
        }
    }

    /// Renders one queued job synchronously (also used by tests).
    public func renderNow(_ job: PrintJob) {
        board.set(job.uid, .printing)
        let folder = outputFolder(for: job)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let films = try spool.films(of: job)
            for (i, film) in films.enumerated() { _ = try renderer.render(film: film, index: i + 1, job: job, into: folder) }
            spool.finish(job)
            board.set(job.uid, .done, info: "\(films.count) film(s) in \(folder)")
        } catch {
            spool.finish(job, error: "\(error)")
            board.set(job.uid, .failure, info: "\(error)")
        }
    }

    /// `OUTPUT/<yyyy-mm-dd>/<calling AE>/<session name>`, each component made safe for a file name.
    public func outputFolder(for job: PrintJob) -> String {
        output + "/" + String(job.created.prefix(10)) + "/" + Self.safe(job.callingAETitle) + "/" + Self.safe(job.sessionName)
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
    public struct Entry: Sendable, Equatable { public var status: PrintJobStatus; public var info: String }
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
