import NIOCore

/// Runs Swift tasks on one NIO event loop: a service's `handle` started with this executor as
/// its preference runs on the association's own thread, so answering a request costs no thread
/// hop (a wake-up of another thread is the dominant cost of a short association on a busy machine).
/// Used only for services that declare `DIMSEServiceExecution.eventLoop`, i.e. that do not block.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: EventLoop

    init(_ eventLoop: EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // On the loop's own thread, `execute` only appends to its task queue (no wake-up).
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// One `EventLoopTaskExecutor` per event loop of a group, made once per server.
struct EventLoopTaskExecutors: Sendable {
    private let byLoop: [ObjectIdentifier: EventLoopTaskExecutor]

    init(_ loops: [EventLoop]) {
        var m: [ObjectIdentifier: EventLoopTaskExecutor] = [:]
        for l in loops { m[ObjectIdentifier(l)] = EventLoopTaskExecutor(l) }
        byLoop = m
    }

    /// The executor of `loop` (made on the spot for a loop outside the group).
    func executor(for loop: EventLoop) -> EventLoopTaskExecutor {
        byLoop[ObjectIdentifier(loop)] ?? EventLoopTaskExecutor(loop)
    }
}
