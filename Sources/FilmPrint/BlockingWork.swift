import Dispatch

/// Runs blocking work — composing a film, writing the spool with fsync — on a GCD thread rather
/// than on Swift's cooperative pool. That pool has one thread per core (two on a small print
/// server): a film being rendered and a spool write stalled behind a busy disk would otherwise
/// hold both, and no DIMSE service could answer any association until they finished.
enum BlockingWork {
    /// Film composition, one film at a time (the spool is rendered oldest first).
    static let renderQueue = DispatchQueue(label: "lightbox.film-render", qos: .utility)
    /// Spool writes: concurrent, one per N-ACTION.
    static let ioQueue = DispatchQueue(label: "lightbox.print-spool-io", qos: .userInitiated, attributes: .concurrent)

    static func run<T: Sendable>(on queue: DispatchQueue, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { c in queue.async { c.resume(with: Result { try work() }) } }
    }

    static func run(on queue: DispatchQueue, _ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { c in queue.async { work(); c.resume() } }
    }
}
