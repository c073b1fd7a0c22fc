import DICOM
import Foundation
import Logging
import Synchronization
import NIOCore

/// Server-wide bookkeeping shared by the associations of one SCP: the established-association count
/// that enforces `AssociationPolicy.maxAssociations`, association IDs, and the open channels.
final class ServerState: @unchecked Sendable {
    private let lock = NSLock()
    private var active = 0
    private var nextID = 0
    private var channels: [ObjectIdentifier: Channel] = [:]

    /// Runs `body` with the current count; if it returns true, one more association is counted.
    func admit(_ body: (Int) -> Bool) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard body(active) else { return nil }
        active += 1; nextID += 1
        return nextID
    }
    func release() { lock.lock(); active -= 1; lock.unlock() }
    var activeCount: Int { lock.lock(); defer { lock.unlock() }; return active }

    /// Counts an open connection; false (and not counted) when `limit` are open already.
    func add(_ channel: Channel, limit: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard channels.count < limit else { return false }
        channels[ObjectIdentifier(channel)] = channel
        return true
    }
    func remove(_ channel: Channel) { lock.lock(); channels[ObjectIdentifier(channel)] = nil; lock.unlock() }
    var openChannels: [Channel] { lock.lock(); defer { lock.unlock() }; return Array(channels.values) }
}

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

/// Runs one association over a channel: feeds PDUs to `AssociationStateMachine`, performs its
/// actions, reassembles DIMSE messages and dispatches them. The only part that does I/O.
final class AssociationHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Role {
        case acceptor(AcceptorSetup)
        case requestor(RequestorSetup)
    }

    private let role: Role
    /// PDU framing of the inbound bytes; `configureDICOMPipeline` sets the limits.
    var framer = PDUFramer(parser: PDUParser())
    private var fsm: AssociationStateMachine
    private var context: ChannelHandlerContext?
    private var logger: Logger
    /// ARTIM and the idle check share one scheduled wake-up (`AssociationTimer`).
    private var timer: AssociationTimer
    private var wakeup: Scheduled<Void>?
    /// The event loop's clock this association has joined (acceptors only).
    private var clock: AssociationClock?
    private var closed = false
    private var lastRead = NIODeadline.now()
    /// The peer's address, formatted only when something reports it.
    private lazy var peer: String = PeerAddress.format(context?.channel.remoteAddress)
    /// The logger's level is read once: asking it is an existential call per message otherwise.
    private let tracing: Bool
    private let debugging: Bool

    private(set) var negotiated: NegotiatedAssociation?
    private var associationContext: AssociationContext?
    private var associationID: Int?
    private var counted = false
    private var pendingAC: AssociateAC?
    /// The A-ASSOCIATE-RQ being evaluated: its bytes, and the cached answer when they match.
    private var rqBytes: ByteBuffer?
    private var cachedAnswer: AcceptorSetup.AcceptedRequest?
    private var pendingRQ: AssociateRQ?
    private var pendingRJ: AssociateRJ?
    private var lastAbort: AbortPDU?

    private lazy var aggregator = PDataAggregator { [unowned self] command, contextID in try self.makeSink(command, contextID) }
    private var queue: [DIMSEMessage] = []
    /// Requests being performed now; at most the negotiated window (PS3.7 §D.3.3.3).
    private var inFlight = 0
    private var releaseRequested = false
    private var nextMessageID: UInt16 = 0
    private var pendingResponses: [UInt16: EventLoopPromise<DIMSEMessage>] = [:]
    /// Requests waiting for room in the operations window (their promises are in `pendingResponses`).
    private var heldRequests: [(command: DIMSECommand, dataSet: ByteBuffer?, contextID: UInt8)] = []
    private var releasePromise: EventLoopPromise<Void>?
    private var readingPaused = false

    init(role: Role) {
        self.role = role
        switch role {
        case .acceptor(let a):
            fsm = AssociationStateMachine(isRequestor: false); logger = a.logger
            timer = AssociationTimer(idleTimeout: a.policy.idleTimeout)
        case .requestor(let r):
            fsm = AssociationStateMachine(isRequestor: true); logger = r.logger
            timer = AssociationTimer(idleTimeout: nil)
        }
        tracing = logger.logLevel <= .trace
        debugging = logger.logLevel <= .debug
    }

    var stateDescription: String { "Sta\(fsm.state.rawValue)" }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    /// The pipeline is gone with the channel: drop the references that point back at this handler
    /// (its context holds it, and so does the requester in `associationContext`), or every
    /// association would leave its handler, context and buffers behind.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        associationContext = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private var started = false
    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        switch role {
        case .acceptor:
            perform(event: .evt5)
        case .requestor:
            perform(event: .evt1)
            perform(event: .evt2)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = .now()
        framer.append(unwrapInboundIn(data))
        // An action may close the channel (teardown sets `closed`): stop there.
        while !closed {
            if fsm.state == .sta2, case .acceptor(let a) = role, let raw = framer.peek(type: 0x01) {
                rqBytes = raw
                if let hit = a.lastAccepted.withLock({ $0.flatMap { $0.rqBytes == raw ? $0 : nil } }) {
                    framer.skip(raw.readableBytes)
                    cachedAnswer = hit
                    received(.associateRQ(hit.rq))
                    continue
                }
            }
            let pdu: PDU
            do {
                guard let next = try framer.next() else { return }
                pdu = next
            } catch {
                invalidPDU(error)
                return
            }
            received(pdu)
        }
    }

    /// One PDU from the peer, as the state machine's event (PS3.8 Table 9-2).
    private func received(_ pdu: PDU) {
        if tracing { logger.trace("received \(pdu.name) in \(stateDescription)") }
        switch pdu {
        case .associateRQ(let rq): perform(event: .evt6, rq: rq)
        case .associateAC(let ac): perform(event: .evt3, ac: ac)
        case .associateRJ(let rj): pendingRJ = rj; perform(event: .evt4)
        case .pData(let p): perform(event: .evt10, pData: p)
        case .releaseRQ: perform(event: .evt12)
        case .releaseRP: perform(event: .evt13)
        case .abort(let a): lastAbort = a; perform(event: .evt16)
        case .unknown: perform(event: .evt19)
        }
    }

    private func invalidPDU(_ error: Error) {
        logger.debug("invalid PDU from \(peer): \(error)")
        perform(event: .evt19)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if error is PDUDecodingError || error is ByteToMessageDecoderError {
            invalidPDU(error)
        } else {
            logger.debug("connection error from \(peer): \(error)")
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(event: .evt17)
        teardown(error: lastAbort.map { AssociationError.aborted($0) } ?? .connectionClosed)
        if case .acceptor(let a) = role {
            a.server.remove(context.channel)
            a.emit(.closed(id: associationID, peer: peer))
        }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        updateReading()
        context.fireChannelWritabilityChanged()
    }

    /// Backpressure: stop reading from a peer that does not read our responses, or that queues
    /// requests faster than they are served.
    private func updateReading() {
        guard let context else { return }
        let pause = !context.channel.isWritable || queue.count >= 8
        if pause != readingPaused {
            readingPaused = pause
            _ = context.channel.setOption(ChannelOptions.autoRead, value: !pause)
        }
    }

    private func teardown(error: AssociationError) {
        closed = true
        wakeup?.cancel(); wakeup = nil; timer.cancelled()
        clock?.remove(self); clock = nil
        aggregator.cancel()
        for m in queue { if case .file(let p, _, _)? = m.dataSet { unlink(p) } }
        queue.removeAll()
        let pending = pendingResponses
        pendingResponses.removeAll()
        heldRequests.removeAll()
        for (_, p) in pending { p.fail(error) }
        releasePromise?.fail(error); releasePromise = nil
        if case .requestor(let r) = role, negotiated == nil { r.established.fail(error) }
        if counted, case .acceptor(let a) = role { counted = false; a.server.release() }
    }

    // MARK: State machine

    private func perform(event: AssociationStateMachine.Event, rq: AssociateRQ? = nil, ac: AssociateAC? = nil, pData: PDataTF? = nil) {
        guard let actions = fsm.handle(event) else {
            if tracing { logger.trace("event \(event) ignored in \(stateDescription)") }
            return
        }
        for action in actions { run(action, rq: rq, ac: ac, pData: pData) }
    }

    private func run(_ action: AssociationStateMachine.Action, rq: AssociateRQ?, ac: AssociateAC?, pData: PDataTF?) {
        guard let context else { return }
        switch action {
        case .openTransport:
            break // The bootstrap opened it; Evt2 follows.
        case .sendAssociateRQ:
            if case .requestor(let r) = role { write(.associateRQ(r.request), context: context) }
        case .indicateAccepted:
            if case .requestor(let r) = role, let ac {
                let n = AssociationNegotiator.accepted(ac, for: r.request)
                negotiated = n
                r.established.succeed(n)
            }
        case .indicateRejected:
            if case .requestor(let r) = role { r.established.fail(AssociationError.rejected(pendingRJ ?? .noReasonGiven)) }
        case .evaluateAssociateRQ:
            evaluate(rq)
        case .sendAssociateAC:
            if let cached = cachedAnswer {
                context.writeAndFlush(wrapOutboundOut(cached.acBytes), promise: nil)
            } else if let ac = pendingAC {
                var out = context.channel.allocator.buffer(capacity: 512)
                PDUSerializer.encode(.associateAC(ac), into: &out)
                if case .acceptor(let a) = role, let raw = rqBytes, let n = negotiated, let rq = pendingRQ {
                    // A copy: the request's bytes are a slice of a larger read buffer.
                    let entry = AcceptorSetup.AcceptedRequest(rqBytes: ByteBuffer(bytes: raw.readableBytesView), rq: rq,
                                                              acBytes: out, negotiated: n)
                    a.lastAccepted.withLock { $0 = entry }
                }
                context.writeAndFlush(wrapOutboundOut(out), promise: nil)
            }
            pendingAC = nil; pendingRQ = nil; rqBytes = nil; cachedAnswer = nil
        case .sendAssociateRJ:
            write(.associateRJ(pendingRJ ?? .noReasonGiven), context: context)
            rqBytes = nil; cachedAnswer = nil
        case .sendPData:
            break // sendMessage writes the PDUs itself.
        case .indicatePData:
            if let pData { receive(pData) }
        case .sendReleaseRQ:
            write(.releaseRQ, context: context)
        case .indicateRelease:
            if fsm.state == .sta9 || fsm.state == .sta12 || inFlight == 0 && queue.isEmpty {
                perform(event: .evt14)
            } else {
                releaseRequested = true
            }
        case .indicateReleaseConfirmed:
            releasePromise?.succeed(()); releasePromise = nil
            if fsm.state == .sta12 { perform(event: .evt14); return } // release collision, acceptor side
            if let id = associationID, case .acceptor(let a) = role { a.emit(.released(id: id)) }
        case .sendReleaseRP:
            write(.releaseRP, context: context)
            if let id = associationID, case .acceptor(let a) = role { a.emit(.released(id: id)) }
        case .sendAbort(let abort):
            write(.abort(abort), context: context)
            if case .acceptor(let a) = role { a.emit(.aborted(id: associationID, peer: peer, reason: "sent \(abort)")) }
        case .indicateAbort, .indicateProviderAbort:
            teardown(error: lastAbort.map { AssociationError.aborted($0) } ?? .aborted(.providerNotSpecified))
        case .startARTIM:
            let timeout: Double
            switch role {
            case .acceptor(let a): timeout = a.policy.artimTimeout
            case .requestor: timeout = 10
            }
            schedule(timer.startARTIM(timeout: timeout, now: .now()), on: context.eventLoop)
        case .stopARTIM:
            timer.stopARTIM()
        case .closeTransport:
            context.close(promise: nil)
        case .ignore:
            break
        }
    }

    /// Encodes a PDU (PS3.8 §9.3) and writes it.
    private func write(_ pdu: PDU, context: ChannelHandlerContext, flush: Bool = true) {
        var out = context.channel.allocator.buffer(capacity: pdu.encodedSizeHint)
        PDUSerializer.encode(pdu, into: &out)
        if flush { context.writeAndFlush(wrapOutboundOut(out), promise: nil) } else { context.write(wrapOutboundOut(out), promise: nil) }
    }

    // MARK: Acceptor

    private func evaluate(_ rq: AssociateRQ?) {
        guard case .acceptor(let a) = role, let rq, let context else { return }
        let supported = a.supportedSyntaxes
        var outcome: AssociationNegotiator.Outcome = .reject(.noReasonGiven)
        let cached = cachedAnswer
        let id = a.server.admit { active in
            if let cached, active < a.policy.maxAssociations {
                // The A-ASSOCIATE-AC goes out as the cached bytes; this value is not sent.
                outcome = .accept(AssociateAC(calledAETitle: rq.calledAETitle, callingAETitle: rq.callingAETitle, presentationContexts: [],
                                              userInformation: UserInformation(maxPDULength: a.policy.maxPDULength)), cached.negotiated)
            } else {
                outcome = AssociationNegotiator.negotiate(rq, policy: a.policy, supported: supported, activeAssociations: active)
            }
            if case .accept = outcome { return true }
            return false
        }
        if case .reject = outcome { cachedAnswer = nil }
        switch outcome {
        case .accept(let ac, let n):
            counted = true
            associationID = id
            negotiated = n
            pendingAC = ac
            pendingRQ = rq
            perform(event: .evt7) // A-ASSOCIATE-AC first: what follows is not on the peer's critical path
            associationContext = AssociationContext(associationID: id ?? 0, callingAETitle: rq.callingAETitle,
                                                    calledAETitle: rq.calledAETitle, peerAddress: peer,
                                                    acceptedContexts: n.contexts, userIdentity: rq.userInformation.userIdentity,
                                                    state: AssociationState(),
                                                    requester: AssociationRequester(handler: NIOLoopBound(self, eventLoop: context.eventLoop),
                                                                                    eventLoop: context.eventLoop, contexts: n.contexts))
            a.emit(.accepted(id: id ?? 0, callingAETitle: rq.callingAETitle, calledAETitle: rq.calledAETitle,
                                      peer: peer, acceptedContexts: n.contexts.count))
            if debugging { logger.debug("accepted association \(id ?? 0) from \(rq.callingAETitle)@\(peer): \(n.contexts.count) contexts") }
            schedule(timer.startIdleChecks(now: .now()), on: context.eventLoop)
        case .reject(let rj):
            pendingRJ = rj
            a.emit(.rejected(peer: peer, callingAETitle: rq.callingAETitle, calledAETitle: rq.calledAETitle, reason: rj))
            logger.debug("rejected association from \(rq.callingAETitle)@\(peer): \(rj)")
            perform(event: .evt8)
        }
    }

    /// Schedules the association's one wake-up (nil: the pending one comes soon enough). An
    /// acceptor joins its event loop's `AssociationClock`, which calls `timerDue` once
    /// `timerWakeup` has passed; a requestor schedules its own task.
    private func schedule(_ deadline: NIODeadline?, on loop: EventLoop) {
        guard let deadline, !closed else { return }
        if case .acceptor(let a) = role, let clock = clock ?? a.clocks.clock(for: loop) {
            if self.clock == nil { self.clock = clock; clock.add(self) }
            return
        }
        wakeup?.cancel()
        wakeup = loop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in timerFired(on: loop) }
    }

    /// When this association's timer wants to run next (for `AssociationClock`).
    var timerWakeup: NIODeadline? { closed ? nil : timer.wakeup }

    /// Called by `AssociationClock` once `timerWakeup` has passed.
    func timerDue() {
        guard let context, !closed else { return }
        timerFired(on: context.eventLoop)
    }

    private func timerFired(on loop: EventLoop) {
        wakeup = nil
        let now = NIODeadline.now()
        let due = timer.fired(now: now)
        if due.artimExpired { perform(event: .evt18) }
        if due.checkIdle, fsm.state == .sta6, case .acceptor(let a) = role, inFlight == 0, queue.isEmpty,
           now - lastRead > .milliseconds(Int64(a.policy.idleTimeout * 1000)) {
            logger.debug("association \(associationID ?? 0) idle for \(a.policy.idleTimeout) s; aborting")
            perform(event: .evt15)
        }
        // The next wake-up `fired` armed, unless an action above scheduled one already.
        if closed { timer.cancelled() } else if wakeup == nil, let next = timer.wakeup { schedule(next, on: loop) }
    }

    // MARK: DIMSE

    private func makeSink(_ command: DIMSECommand, _ contextID: UInt8) throws -> DataSetSink {
        guard let accepted = negotiated?.contexts[contextID] else { return MemorySink(limit: 0) }
        let registry: ServiceRegistry?
        switch role {
        case .acceptor(let a): registry = a.registry
        case .requestor(let r): registry = r.registry
        }
        if command.field.isRequest, let registry, let ctx = associationContext ?? requestorContext(),
           let service = registry.service(for: command.sopClassUID ?? accepted.abstractSyntax) {
            switch try service.dataSetDestination(for: command, transferSyntax: .forUID(accepted.transferSyntax), context: ctx) {
            case .memory(let limit): return MemorySink(limit: limit)
            case .file(let dir, let header): return try FileSink(directory: dir, header: header)
            }
        }
        return MemorySink(limit: 256 << 20)
    }

    private func requestorContext() -> AssociationContext? {
        guard case .requestor(let r) = role, let n = negotiated else { return nil }
        return AssociationContext(associationID: 0, callingAETitle: r.request.callingAETitle, calledAETitle: r.request.calledAETitle,
                                  peerAddress: peer, acceptedContexts: n.contexts, userIdentity: nil, state: AssociationState())
    }

    private func receive(_ p: PDataTF) {
        for pdv in p.values {
            guard negotiated?.contexts[pdv.contextID] != nil else {
                protocolAbort("P-DATA on presentation context \(pdv.contextID), which was not accepted")
                return
            }
            do {
                if let message = try aggregator.append(pdv) { dispatch(message) }
            } catch {
                protocolAbort("\(error)")
                return
            }
        }
    }

    private func protocolAbort(_ reason: String) {
        logger.debug("aborting association with \(peer): \(reason)")
        aggregator.cancel()
        perform(event: .evt15)
    }

    private func dispatch(_ message: DIMSEMessage) {
        if message.command.field.isRequest {
            if case .acceptor(let a) = role, let id = associationID { a.emit(.request(id: id, command: message.command)) }
            queue.append(message)
            updateReading()
            processNext()
        } else if let id = message.command.messageIDBeingRespondedTo, let p = pendingResponses[id] {
            if message.command.status?.category == .pending { return }
            pendingResponses[id] = nil
            p.succeed(message)
            sendHeldRequest()
        } else {
            logger.debug("unexpected \(message.command.field) from \(peer); ignored")
        }
    }

    /// Starts queued requests while the Asynchronous Operations Window has room (PS3.7 §D.3.3.3):
    /// one at a time by default; with a negotiated window, up to that many run concurrently and
    /// each is answered as it completes, with its own Message ID Being Responded To.
    private func processNext() {
        guard let context else { return }
        let window = negotiated.map { $0.operationsWindow.maxInvoked == 0 ? Int.max : Int($0.operationsWindow.maxInvoked) } ?? 1
        while inFlight < window, !queue.isEmpty {
            invoke(queue.removeFirst(), context: context)
        }
        updateReading()
        if queue.isEmpty, inFlight == 0, releaseRequested, fsm.state == .sta8 { releaseRequested = false; perform(event: .evt14) }
    }

    private func invoke(_ message: DIMSEMessage, context: ChannelHandlerContext) {
        let registry: ServiceRegistry?
        switch role {
        case .acceptor(let a): registry = a.registry
        case .requestor(let r): registry = r.registry
        }
        guard let accepted = negotiated?.contexts[message.contextID], let ctx = associationContext ?? requestorContext() else { return }
        let syntax = TransferSyntax.forUID(accepted.transferSyntax)
        let sopClass = message.command.sopClassUID ?? accepted.abstractSyntax
        guard let service = registry?.service(for: sopClass), message.command.field != .cCancelRQ else {
            if case .file(let p, _, _)? = message.dataSet { unlink(p) }
            if message.command.field != .cCancelRQ {
                respond(to: message, syntax: syntax, with: DIMSEResponse(status: .sopClassNotSupported, errorComment: "no service for \(sopClass)"))
            }
            return
        }
        let request = DIMSERequest(command: message.command, contextID: message.contextID, transferSyntax: syntax, dataSet: message.dataSet)
        if service.execution == .eventLoop {
            let immediate: DIMSEResponse?
            do { immediate = try service.immediateResponse(to: request, context: ctx) }
            catch let e as DIMSEServiceError { immediate = DIMSEResponse(status: e.status, errorComment: e.comment) }
            catch { immediate = DIMSEResponse(status: service.failureStatus, errorComment: "\(error)") }
            if let immediate {
                if case .file(let p, _, _)? = message.dataSet { unlink(p) } // the service moved it if it keeps it
                respond(to: message, syntax: syntax, with: immediate)
                return
            }
        }
        inFlight += 1
        let promise = context.eventLoop.makePromise(of: DIMSEResponse.self)
        Task(executorPreference: service.execution == .eventLoop ? taskExecutor(for: context.eventLoop) : nil) {
            do { promise.succeed(try await service.handle(request, context: ctx)) }
            catch let e as DIMSEServiceError { promise.succeed(DIMSEResponse(status: e.status, errorComment: e.comment)) }
            catch { promise.succeed(DIMSEResponse(status: service.failureStatus, errorComment: "\(error)")) }
        }
        promise.futureResult.assumeIsolated().whenSuccess { [self] response in
            inFlight -= 1
            if case .file(let p, _, _)? = message.dataSet { unlink(p) } // the service moved it if it keeps it
            respond(to: message, syntax: syntax, with: response)
            processNext()
        }
    }

    private func taskExecutor(for loop: EventLoop) -> EventLoopTaskExecutor {
        if case .acceptor(let a) = role { return a.executors.executor(for: loop) }
        return EventLoopTaskExecutor(loop)
    }

    private func respond(to message: DIMSEMessage, syntax: TransferSyntax, with response: DIMSEResponse) {
        var command = message.command.response(status: response.status, hasDataSet: response.dataSet != nil)
        if response.status.category != .success { command.errorComment = response.errorComment }
        if let uid = response.affectedSOPInstanceUID { command.affectedSOPInstanceUID = uid }
        command.offendingElements = response.offendingElements
        var data: [UInt8]?
        if let ds = response.dataSet {
            do { data = try Part10Writer.encodeDataSet(ds, as: syntax) } catch {
                command = message.command.response(status: .processingFailure)
                command.errorComment = "cannot encode the response data set: \(error)"
            }
        }
        if case .acceptor(let a) = role, let id = associationID { a.emit(.response(id: id, command: command)) }
        _ = sendMessage(command, dataSet: data.map { ByteBuffer(bytes: $0) }, contextID: message.contextID)
    }

    /// Sends a command and its data set as P-DATA-TF PDUs no larger than the peer's Maximum Length
    /// (PS3.8 §9.3.5, Annex E). False when not allowed in the current state.
    @discardableResult
    func sendMessage(_ command: DIMSECommand, dataSet: ByteBuffer?, contextID: UInt8) -> Bool {
        guard let context, fsm.handle(.evt9) != nil else { return false }
        let peerMax = negotiated?.peerMaxPDULength ?? 0
        let chunk = peerMax == 0 ? 1 << 20 : max(1, Int(peerMax) - 6)
        func fragments(_ buffer: ByteBuffer, isCommand: Bool) {
            var b = buffer
            repeat {
                let n = min(chunk, b.readableBytes)
                let slice = b.readSlice(length: n)!
                let pdv = PresentationDataValue(contextID: contextID, isCommand: isCommand, isLast: b.readableBytes == 0, data: slice)
                write(.pData(PDataTF(values: [pdv])), context: context, flush: false)
            } while b.readableBytes > 0
        }
        fragments(ByteBuffer(bytes: command.encoded()), isCommand: true)
        if let dataSet { fragments(dataSet, isCommand: false) }
        context.flush()
        return true
    }

    // MARK: Requestor operations (called on the event loop)

    /// Sends a request, or holds it until the Asynchronous Operations Window has room (PS3.7
    /// §D.3.3.3: at most `maxInvoked` requests outstanding; 1 unless a larger window was negotiated).
    func request(_ command: DIMSECommand, dataSet: ByteBuffer?, contextID: UInt8, promise: EventLoopPromise<DIMSEMessage>) {
        var command = command
        nextMessageID &+= 1
        if nextMessageID == 0 { nextMessageID = 1 }
        command.messageID = nextMessageID
        pendingResponses[nextMessageID] = promise
        // The requestor invokes up to Maximum Number Operations Invoked; the acceptor up to what the
        // requestor performs, Maximum Number Operations Performed (PS3.7 §D.3.3.3.1).
        let limit: UInt16?
        if case .acceptor = role { limit = negotiated?.operationsWindow.maxPerformed } else { limit = negotiated?.operationsWindow.maxInvoked }
        let window = limit.map { $0 == 0 ? Int.max : Int($0) } ?? 1
        if pendingResponses.count - heldRequests.count > window {
            heldRequests.append((command, dataSet, contextID))
        } else {
            transmit(command, dataSet: dataSet, contextID: contextID)
        }
    }

    private func transmit(_ command: DIMSECommand, dataSet: ByteBuffer?, contextID: UInt8) {
        guard let id = command.messageID, let promise = pendingResponses[id] else { return } // timed out while held
        if !sendMessage(command, dataSet: dataSet, contextID: contextID) {
            pendingResponses[id] = nil
            promise.fail(AssociationError.invalidState(stateDescription))
        }
    }

    /// A response arrived: send the next held request.
    private func sendHeldRequest() {
        while !heldRequests.isEmpty {
            let (command, dataSet, contextID) = heldRequests.removeFirst()
            if let id = command.messageID, pendingResponses[id] != nil {
                transmit(command, dataSet: dataSet, contextID: contextID)
                return
            }
        }
    }

    func release(promise: EventLoopPromise<Void>) {
        guard fsm.state == .sta6 else { promise.fail(AssociationError.invalidState(stateDescription)); return }
        releasePromise = promise
        perform(event: .evt11)
    }

    func abort() {
        perform(event: .evt15)
        context?.close(promise: nil)
    }

    func timeOut(_ what: String, promise id: UInt16) {
        guard let p = pendingResponses.removeValue(forKey: id) else { return }
        p.fail(AssociationError.timeout(what))
        abort()
    }

    var currentMessageID: UInt16 { nextMessageID }
}
