import DICOM
import Foundation
import Logging
import Synchronization
import NIOCore

/// Runs one association over a channel (PS3.8 §9): turns channel events and PDUs into events of
/// `AssociationStateMachine` and performs its actions, the only part that does I/O. What it does
/// not decide itself it hands on: the A-ASSOCIATE-RQ to `AssociationNegotiator` (or the cached
/// answer of `AcceptorSetup`), P-DATA to `PDataAggregator`, complete requests to `DIMSEDispatcher`
/// (which routes them to services), responses to the requests this side sent to `RequestTracker`,
/// and outgoing messages through `PDataFragmenter`.
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
    /// Routes the peer's requests to services; set once the association is established (an
    /// acceptor always has one, a requestor when it has services, e.g. for C-GET's C-STOREs).
    private var dispatcher: DIMSEDispatcher?
    /// The requests this side sent and awaits answers to, in either role.
    private var tracker = RequestTracker()
    private var fragmenter = PDataFragmenter(peerMaxPDULength: 0)
    /// Set when the association's end is known (A-RELEASE, time-out); otherwise it was aborted.
    private var endReason: AssociationEndReason?
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
    private var releaseRequested = false
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
    /// (its context holds it, and so does the requester in the dispatcher's `AssociationContext`), or every
    /// association would leave its handler, context and buffers behind.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        dispatcher?.associationEnded(endReason ?? .aborted)
        dispatcher = nil
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
            if let abort = lastAbort {   // A-ABORT received from the peer (PS3.8 §7.3.1)
                a.emit(.aborted(id: associationID, peer: peer, reason: "the peer sent A-ABORT (source \(abort.source), reason \(abort.reason))"))
            }
            a.emit(.closed(id: associationID, peer: peer))
        }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        updateReading()
        dispatcher?.writabilityChanged()
        context.fireChannelWritabilityChanged()
    }

    /// Backpressure: stop reading from a peer that does not read our responses, or that queues
    /// requests faster than they are served.
    private func updateReading() {
        guard let context else { return }
        let pause = !context.channel.isWritable || (dispatcher?.queuedCount ?? 0) >= 8
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
        dispatcher?.associationEnded(endReason ?? .aborted)
        for p in tracker.removeAll() { p.fail(error) }
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
                established(n)
                if let registry = r.registry {
                    dispatcher = makeDispatcher(registry: registry, context: AssociationContext(
                        associationID: 0, callingAETitle: r.request.callingAETitle, calledAETitle: r.request.calledAETitle,
                        peerAddress: peer, acceptedContexts: n.contexts, userIdentity: nil, state: AssociationState(),
                        eventLoop: context.eventLoop))
                    dispatcher?.associationStarted()
                }
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
            if fsm.state == .sta9 || fsm.state == .sta12 || dispatcher?.isIdle ?? true {
                perform(event: .evt14)
            } else {
                releaseRequested = true
            }
        case .indicateReleaseConfirmed:
            endReason = endReason ?? .released
            releasePromise?.succeed(()); releasePromise = nil
            if fsm.state == .sta12 { perform(event: .evt14); return } // release collision, acceptor side
            if let id = associationID, case .acceptor(let a) = role { a.emit(.released(id: id)) }
        case .sendReleaseRP:
            endReason = endReason ?? .released
            write(.releaseRP, context: context)
            if let id = associationID, case .acceptor(let a) = role { a.emit(.released(id: id)) }
        case .sendAbort(let abort):
            endReason = endReason ?? .aborted
            write(.abort(abort), context: context)
            if case .acceptor(let a) = role { a.emit(.aborted(id: associationID, peer: peer, reason: "sent \(abort)")) }
        case .indicateAbort, .indicateProviderAbort:
            endReason = endReason ?? .aborted
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
            established(n)
            pendingAC = ac
            pendingRQ = rq
            perform(event: .evt7) // A-ASSOCIATE-AC first: what follows is not on the peer's critical path
            let requester = AssociationRequester(handler: NIOLoopBound(self, eventLoop: context.eventLoop),
                                                 eventLoop: context.eventLoop, contexts: n.contexts)
            dispatcher = makeDispatcher(registry: a.registry, context: AssociationContext(
                associationID: id ?? 0, callingAETitle: rq.callingAETitle, calledAETitle: rq.calledAETitle, peerAddress: peer,
                acceptedContexts: n.contexts, userIdentity: rq.userInformation.userIdentity, state: AssociationState(),
                requester: requester, eventLoop: context.eventLoop))
            dispatcher?.associationStarted()
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
        if due.artimExpired { endReason = endReason ?? .timedOut; perform(event: .evt18) }
        if due.checkIdle, fsm.state == .sta6, case .acceptor(let a) = role, dispatcher?.isIdle ?? true,
           now - lastRead > .milliseconds(Int64(a.policy.idleTimeout * 1000)) {
            logger.debug("association \(associationID ?? 0) idle for \(a.policy.idleTimeout) s; aborting")
            endReason = .timedOut
            perform(event: .evt15)
        }
        // The next wake-up `fired` armed, unless an action above scheduled one already.
        if closed { timer.cancelled() } else if wakeup == nil, let next = timer.wakeup { schedule(next, on: loop) }
    }

    // MARK: DIMSE

    /// The association is established: the negotiated values fix the fragment size and the window.
    private func established(_ n: NegotiatedAssociation) {
        negotiated = n
        fragmenter = PDataFragmenter(peerMaxPDULength: n.peerMaxPDULength)
        // The requestor invokes up to Maximum Number Operations Invoked; the acceptor up to what the
        // requestor performs, Maximum Number Operations Performed (PS3.7 §D.3.3.3.1).
        if case .acceptor = role {
            tracker.window = RequestTracker.window(for: n.operationsWindow.maxPerformed)
        } else {
            tracker.window = RequestTracker.window(for: n.operationsWindow.maxInvoked)
        }
    }

    private func makeDispatcher(registry: ServiceRegistry, context ctx: AssociationContext) -> DIMSEDispatcher? {
        guard let context else { return nil }
        // The peer's requests are performed up to Maximum Number Operations Invoked (PS3.7 §D.3.3.3).
        let window = negotiated.map { $0.operationsWindow.maxInvoked == 0 ? Int.max : Int($0.operationsWindow.maxInvoked) } ?? 1
        let d = DIMSEDispatcher(registry: registry, context: ctx, eventLoop: context.eventLoop,
                                executor: taskExecutor(for: context.eventLoop), window: window)
        d.delegate = self
        return d
    }

    private func makeSink(_ command: DIMSECommand, _ contextID: UInt8) throws -> DataSetSink {
        guard negotiated?.contexts[contextID] != nil else { return MemorySink(limit: 0) }
        if command.field.isRequest, let dispatcher, let destination = try dispatcher.dataSetDestination(for: command, contextID: contextID) {
            switch destination {
            case .memory(let limit): return MemorySink(limit: limit)
            case .file(let dir, let header): return try FileSink(directory: dir, header: header)
            }
        }
        return MemorySink(limit: 256 << 20)
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

    /// A complete DIMSE message: a request goes to the dispatcher, a response to the tracker.
    private func dispatch(_ message: DIMSEMessage) {
        if message.command.field.isRequest {
            if case .acceptor(let a) = role, let id = associationID { a.emit(.request(id: id, command: message.command)) }
            if let dispatcher {
                dispatcher.receive(message)
            } else {
                if case .file(let p, _, _)? = message.dataSet { unlink(p) }
                if message.command.field != .cCancelRQ {
                    let (command, _) = DIMSEDispatcher.responseCommand(
                        DIMSEResponse(status: .sopClassNotSupported, errorComment: "no services on this side"), to: message.command,
                        syntax: .implicitVRLittleEndian)
                    sendMessage(command, dataSet: nil, contextID: message.contextID)
                }
            }
            return
        }
        switch tracker.received(message) {
        case .pending(let handler, let m):
            handler?(m)
        case .final(let promise, let m):
            promise.succeed(m)
            while let next = tracker.nextToSend() { transmit(next) }
        case .unexpected:
            logger.debug("unexpected \(message.command.field) from \(peer); ignored")
        }
    }

    private func taskExecutor(for loop: EventLoop) -> EventLoopTaskExecutor {
        if case .acceptor(let a) = role { return a.executors.executor(for: loop) }
        return EventLoopTaskExecutor(loop)
    }

    /// Sends a command and its data set as P-DATA-TF PDUs no larger than the peer's Maximum Length
    /// (PS3.8 §9.3.5, Annex E). False when not allowed in the current state.
    @discardableResult
    func sendMessage(_ command: DIMSECommand, dataSet: ByteBuffer?, contextID: UInt8) -> Bool {
        guard let context, fsm.handle(.evt9) != nil else { return false }
        fragmenter.fragment(command: ByteBuffer(bytes: command.encoded()), dataSet: dataSet, contextID: contextID) { pdu in
            write(pdu, context: context, flush: false)
        }
        context.flush()
        return true
    }

    // MARK: Requests this side sends (either role; called on the event loop)

    /// Sends a request (Message ID assigned here), or holds it until the Asynchronous Operations
    /// Window has room (PS3.7 §D.3.3.3). `promise` gets the final response; `onPending` each Pending
    /// one. With `timeout`, the request fails with `AssociationError.timeout` and the association is
    /// aborted when no final response comes in time.
    func request(_ command: DIMSECommand, dataSet: ByteBuffer?, contextID: UInt8, timeout: Double?,
                 promise: EventLoopPromise<DIMSEMessage>, onPending: RequestTracker.PendingHandler? = nil) {
        let request = tracker.add(command, dataSet: dataSet, contextID: contextID, promise: promise, onPending: onPending)
        let id = tracker.lastMessageID
        if let timeout, let loop = context?.eventLoop {
            let task = loop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(timeout * 1000))) { [self] in timeOut(id) }
            tracker.setTimeout(task, for: id)
        }
        if tracker.admit(request) { transmit(request) }
    }

    private func transmit(_ request: RequestTracker.Request) {
        guard !sendMessage(request.command, dataSet: request.dataSet, contextID: request.contextID),
              let id = request.command.messageID, let removed = tracker.remove(id) else { return }
        removed.promise.fail(AssociationError.invalidState(stateDescription))
    }

    private func timeOut(_ id: UInt16) {
        guard let removed = tracker.remove(id) else { return }
        removed.promise.fail(AssociationError.timeout(removed.awaited))
        endReason = endReason ?? .timedOut
        abort()
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
}

extension AssociationHandler: DIMSEDispatcherDelegate {
    func dispatcher(_ dispatcher: DIMSEDispatcher, send command: DIMSECommand, dataSet: ByteBuffer?, contextID: UInt8) {
        if case .acceptor(let a) = role, let id = associationID { a.emit(.response(id: id, command: command)) }
        sendMessage(command, dataSet: dataSet, contextID: contextID)
    }

    var dispatcherCanWrite: Bool { context?.channel.isWritable ?? true }

    func dispatcherDidProgress(_ dispatcher: DIMSEDispatcher) {
        updateReading()
        if dispatcher.isIdle, releaseRequested, fsm.state == .sta8 { releaseRequested = false; perform(event: .evt14) }
    }
}
