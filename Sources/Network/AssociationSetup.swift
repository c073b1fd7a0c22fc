import Logging
import NIOCore
import Synchronization

/// What the acceptor side of an association needs: one instance per server, shared by its
/// associations (a class, so each association holds one reference rather than a copy).
final class AcceptorSetup: Sendable {
    let policy: AssociationPolicy
    let registry: ServiceRegistry
    let server: ServerState
    let events: AsyncStream<AssociationEvent>.Continuation?
    let logger: Logger
    /// Which events reach `events`: each one delivered wakes the consumer on another thread,
    /// so a server that does not need the frequent ones (accepted, released, every response)
    /// filters them here, on the event loop.
    let eventFilter: @Sendable (AssociationEvent) -> Bool
    /// Task executors of the server's event loops, for services run on their association's loop.
    let executors: EventLoopTaskExecutors
    /// The timer sweep of each event loop, which its associations' ARTIM and idle checks join.
    let clocks: AssociationClocks
    /// The transfer syntaxes each registered SOP class accepts, computed once per server rather
    /// than for every association.
    let supportedSyntaxes: [String: [String]]

    init(policy: AssociationPolicy, registry: ServiceRegistry, server: ServerState, events: AsyncStream<AssociationEvent>.Continuation?,
         logger: Logger, eventFilter: @escaping @Sendable (AssociationEvent) -> Bool = { _ in true },
         executors: EventLoopTaskExecutors = EventLoopTaskExecutors([]), clocks: AssociationClocks = AssociationClocks([])) {
        self.policy = policy; self.registry = registry; self.server = server; self.events = events
        self.logger = logger; self.eventFilter = eventFilter; self.executors = executors; self.clocks = clocks
        var supported: [String: [String]] = [:]
        for uid in registry.sopClassUIDs {
            supported[uid] = registry.service(for: uid)?.transferSyntaxes ?? policy.transferSyntaxes
        }
        supportedSyntaxes = supported
    }

    func emit(_ event: AssociationEvent) {
        if let events, eventFilter(event) { events.yield(event) }
    }

    /// The last A-ASSOCIATE-RQ accepted, byte for byte, with its answer. A peer that associates
    /// again with the same request (as a modality or `echoscu` does) gets its A-ASSOCIATE-AC
    /// without the request being parsed, negotiated or the answer encoded again: the answer
    /// depends only on the request and this server's fixed policy and services (the association
    /// limit is still checked each time).
    let lastAccepted = Mutex<AcceptedRequest?>(nil)

    struct AcceptedRequest: Sendable {
        var rqBytes: ByteBuffer
        var rq: AssociateRQ
        var acBytes: ByteBuffer
        var negotiated: NegotiatedAssociation
    }
}

/// What the requestor side needs.
struct RequestorSetup {
    var request: AssociateRQ
    var established: EventLoopPromise<NegotiatedAssociation>
    var registry: ServiceRegistry?
    var logger: Logger
}
