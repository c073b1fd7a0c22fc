import DICOM
import Foundation
import Network
import Synchronization

/// Store-and-forward of rendered films to their destinations (an archive, later real printers),
/// through the durable `FilmOutbox` in the spool. `FilmPrinter` enqueues a job's films before the
/// job leaves `queue/`; `run` delivers them, oldest first, and retries a failed film after
/// `RetryPolicy`'s delays (when the destination itself is unavailable, all its films wait). A
/// restart takes the outbox up again. While films of a job wait, its Execution Status is PRINTING
/// with Execution Status Info QUEUED (PS3.3 C.13.9.1 defined term); DONE once every destination
/// has every film (PS3.4 §H.4.6).
public final class FilmDelivery: Sendable {
    public let outbox: FilmOutbox
    public let destinations: [any FilmDestination]
    public let retry: RetryPolicy
    public let spool: PrintSpool
    let log: @Sendable (String) -> Void
    private let wakeup: AsyncStream<Void>.Continuation
    private let stream: AsyncStream<Void>
    private struct Wait { var failures: Int; var until: ContinuousClock.Instant }
    private struct State {
        var films: [String: Wait] = [:]          // by outbox entry path: this film was refused
        var destinations: [String: Wait] = [:]   // by destination name: it is unavailable
        var timer: Task<Void, Never>?
    }
    private let state = Mutex(State())

    /// Execution Status Info (2100,0030) of a job whose films wait for a destination (PS3.3 C.13.9.1: "Print Job in Queue").
    public static let queued = "QUEUED"
    /// Characters of a destination name (it names a folder).
    public static let nameCharacters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._")

    /// - Parameter log: receives one line per delivery, failure and restart finding.
    public init(spool: PrintSpool, destinations: [any FilmDestination], retry: RetryPolicy = RetryPolicy(),
                log: @escaping @Sendable (String) -> Void = { _ in }) throws(FilmDeliveryError) {
        var seen: Set<String> = []
        for d in destinations {
            guard !d.name.isEmpty, d.name.count <= 64, d.name.allSatisfy(Self.nameCharacters.contains), !d.name.hasPrefix("."),
                  seen.insert(d.name).inserted else { throw .invalidDestinationName(d.name) }
        }
        self.spool = spool; self.destinations = destinations; self.retry = retry; self.log = log
        outbox = try FilmOutbox(folder: spool.folder + "/outbox", destinations: destinations.map(\.name))
        (stream, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues every film of a rendered job for every destination, durably (all or none). Returns
    /// false when there is nothing to deliver (no destination, no film).
    public func enqueue(job: PrintJob, films: [RenderedFilm]) throws(FilmDeliveryError) -> Bool {
        guard !films.isEmpty, !destinations.isEmpty else { return false }
        let queued = StorageService.utcTimestamp()
        do {
            for d in destinations {
                try outbox.add(films.map { FilmOutbox.Entry(job: job, film: $0, queued: queued) }, destination: d.name)
            }
        } catch {
            // All or nothing: the job fails, and no destination waits for a part of it.
            for d in destinations { for f in films { try? outbox.remove(outbox.path(destination: d.name, job: job.uid, record: f.record)) } }
            throw error
        }
        return true
    }

    /// Films were queued: deliver them soon.
    public func wake() { wakeup.yield() }

    /// Runs until cancelled: delivers what the outbox holds (also what a previous run left), then
    /// waits for new films or the next retry. Statuses go to `board`.
    public func run(board: PrintJobBoard) async {
        for d in destinations {
            let left = outbox.entries(destination: d.name)
            guard !left.isEmpty else { continue }
            log("\(left.count) film(s) from an earlier run wait in \(outbox.folder)/\(d.name) for \(d.target)")
            for uid in Set(left.map(\.entry.job.uid)) where board.entry(uid) == nil { board.set(uid, .printing, info: Self.queued) }
        }
        wakeup.yield()
        for await _ in stream {
            if Task.isCancelled { break }
            await deliverDue(board: board)
        }
        state.withLock { $0.timer?.cancel() }
    }

    /// One pass over the outbox: every film whose wait is over is tried once.
    func deliverDue(board: PrintJobBoard) async {
        let names = destinations.map(\.name)
        for d in destinations {
            if let w = state.withLock({ $0.destinations[d.name] }), w.until > .now { continue }
            for (path, entry) in outbox.entries(destination: d.name) {
                if Task.isCancelled { return }
                if let w = state.withLock({ $0.films[path] }), w.until > .now { continue }
                let what = "print job \(entry.job.uid) film \(entry.film.number)"
                do {
                    let film = try spool.filmRecord(job: entry.job.uid, record: entry.film.record)
                    try await d.deliver(film: film, rendered: entry.film, job: entry.job)
                    state.withLock { $0.films[path] = nil; $0.destinations[d.name] = nil }
                    try outbox.remove(path)
                    log("\(what): delivered to \(d.target)")
                    if !outbox.holds(job: entry.job.uid, destinations: names), board.entry(entry.job.uid)?.status != .failure {
                        board.set(entry.job.uid, .done, info: "delivered to " + destinations.map(\.target).joined(separator: ", "))
                    }
                } catch {
                    let whole = (error as? FilmDeliveryFailure)?.destinationUnavailable ?? false
                    let (delay, failures) = state.withLock { s -> (Duration, Int) in
                        let failures = ((whole ? s.destinations[d.name] : s.films[path])?.failures ?? 0) + 1
                        let delay = retry.delay(afterFailures: failures)
                        let w = Wait(failures: failures, until: .now + delay)
                        if whole { s.destinations[d.name] = w } else { s.films[path] = w }
                        return (delay, failures)
                    }
                    if !whole, failures >= retry.attemptsPerFilm {
                        // Refused this many times by a destination that is up: it will not take this film.
                        state.withLock { _ = $0.films.removeValue(forKey: path) }
                        do {
                            try outbox.giveUp(path)
                            log("\(what): not delivered to \(d.target) after \(failures) attempts: \(error); given up, kept in \(outbox.folder)/\(d.name)/failed (move it back to try again)")
                        } catch {
                            log("\(what): \(error)")
                        }
                        board.set(entry.job.uid, .failure, info: "film \(entry.film.number) not delivered to \(d.target): \(error)")
                        continue
                    }
                    log("\(what): not delivered to \(d.target): \(error); waiting in \(outbox.folder)/\(d.name), next attempt in \(String(format: "%g", delay.seconds)) s")
                    if whole { break }
                    markQueued(entry.job.uid, board: board)
                }
            }
            // Every film still waiting here (for this destination's availability or its own retry) has a queued job.
            if state.withLock({ $0.destinations[d.name].map { $0.until > .now } ?? false }) {
                for (_, entry) in outbox.entries(destination: d.name) { markQueued(entry.job.uid, board: board) }
            }
        }
        scheduleNextAttempt()
    }

    private func markQueued(_ uid: String, board: PrintJobBoard) {
        if let e = board.entry(uid), e.status == .failure || (e.status == .printing && e.info == Self.queued) { return }
        board.set(uid, .printing, info: Self.queued)
    }

    /// Wakes `run` when the earliest wait ends.
    private func scheduleNextAttempt() {
        state.withLock { s in
            s.films = s.films.filter { FileManager.default.fileExists(atPath: $0.key) }
            s.timer?.cancel()
            let now = ContinuousClock.now
            guard let next = (s.films.values.map(\.until) + s.destinations.values.map(\.until)).filter({ $0 > now }).min() else {
                s.timer = nil; return
            }
            let wakeup = self.wakeup
            s.timer = Task {
                try? await Task.sleep(until: next, clock: .continuous)
                if !Task.isCancelled { wakeup.yield() }
            }
        }
    }
}

extension PrintSpool {
    /// Film `record` of a job: in `done/` once rendered, else still in `queue/`.
    func filmRecord(job: String, record: Int) throws(FilmDeliveryError) -> DataSet {
        let rendered = done + "/\(job)/film-\(record).dcm", queued = queue + "/\(job)/film-\(record).dcm"
        let path = FileManager.default.fileExists(atPath: rendered) ? rendered : queued
        do { return try Part10Reader.read(path: path, options: .loadAll).dataSet } catch {
            throw .filmRecordMissing(path: rendered, reason: "\(error)")
        }
    }
}
