import DICOM
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Where a `DIMSEDispatcher` sends its responses: the association handler, or a test.
protocol DIMSEDispatcherDelegate: AnyObject {
    /// Sends a response command and its encoded data set on presentation context `contextID`.
    func dispatcher(_ dispatcher: DIMSEDispatcher, send command: DIMSECommand, dataSet: ByteBuffer?, contextID: UInt8)
    /// A request started or finished: the queue or the running count changed (for backpressure and
    /// for an A-RELEASE waiting until nothing is performed).
    func dispatcherDidProgress(_ dispatcher: DIMSEDispatcher)
    /// Whether the channel takes more writes now (below its high-water mark).
    var dispatcherCanWrite: Bool { get }
}

/// Routes each DIMSE request of one association to its service and sends the service's answer
/// (PS3.7 §9.1, §10.1), without a channel: messages in, response commands out to its delegate.
///
/// - Routing: a request is routed only when its SOP class belongs to the presentation context it
///   came on (the context's abstract syntax, or a member of that meta SOP class, PS3.4 §H.3.1);
///   otherwise, or with no service for it, it is answered SOP Class Not Supported (0122H).
/// - The Asynchronous Operations Window (PS3.7 §D.3.3.3): up to `window` requests run at once,
///   the rest wait in order; each is answered as it completes.
/// - `.eventLoop` services answer at once (`immediateResponse`): no task, no allocation, no hop.
///   Others run as a task (on the event loop's executor for `.eventLoop` services), may send
///   Pending responses through their `DIMSEResponder`, and are cancelled by C-CANCEL-RQ.
/// - Errors: `DIMSEServiceError` answers its status; any other error the service's `failureStatus`.
/// - Lifecycle: `associationStarted()` and `associationEnded(_:)` tell every registered service.
///
/// Runs on the association's event loop.
final class DIMSEDispatcher {
    let registry: ServiceRegistry
    let context: AssociationContext
    let eventLoop: EventLoop
    /// For the tasks of `.eventLoop` services: run on this association's loop.
    let executor: EventLoopTaskExecutor
    /// Requests performed at once (PS3.7 §D.3.3.3); `Int.max` for unlimited.
    let window: Int
    var delegate: DIMSEDispatcherDelegate?

    private var queue: [DIMSEMessage] = []
    private(set) var inFlight = 0
    /// Operations running as tasks, by Message ID: C-CANCEL-RQ cancels them.
    private var running: [UInt16: Task<Void, Never>] = [:]
    private var ended = false
    /// Operations waiting to send a Pending response until the peer reads (`DIMSEResponder.stream`).
    private var writabilityWaiters: [EventLoopPromise<Void>] = []

    init(registry: ServiceRegistry, context: AssociationContext, eventLoop: EventLoop, executor: EventLoopTaskExecutor, window: Int) {
        self.registry = registry; self.context = context; self.eventLoop = eventLoop; self.executor = executor; self.window = window
    }

    /// Requests received and not yet started.
    var queuedCount: Int { queue.count }
    /// Nothing queued, nothing running.
    var isIdle: Bool { inFlight == 0 && queue.isEmpty }

    // MARK: Routing

    enum Route {
        case service(any DIMSEService)
        case refused(DIMSEResponse)
    }

    /// The service for a request of `command` on the accepted presentation context `pc`, or the answer refusing it.
    func route(_ command: DIMSECommand, on pc: AcceptedPresentationContext) -> Route {
        let sopClass = command.sopClassUID ?? pc.abstractSyntax
        guard registry.sopClass(sopClass, belongsTo: pc.abstractSyntax) else {
            return .refused(DIMSEResponse(status: .sopClassNotSupported,
                                          errorComment: "\(sopClass) not in presentation context \(pc.id)"))
        }
        guard let service = registry.service(for: sopClass) else {
            return .refused(DIMSEResponse(status: .sopClassNotSupported, errorComment: "no service for \(sopClass)"))
        }
        return .service(service)
    }

    /// Where the data set of a request goes, as its service asks; nil when it will be refused.
    func dataSetDestination(for command: DIMSECommand, contextID: UInt8) throws -> DataSetDestination? {
        guard let pc = context.acceptedContexts[contextID], case .service(let service) = route(command, on: pc) else { return nil }
        return try service.dataSetDestination(for: command, transferSyntax: .forUID(pc.transferSyntax), context: context)
    }

    // MARK: Requests

    /// A complete request from the peer. C-CANCEL-RQ reaches the operation it names at once;
    /// others are performed in order within the window.
    func receive(_ message: DIMSEMessage) {
        guard !ended else { return discard(message) }
        if message.command.field == .cCancelRQ {
            cancel(message.command.messageIDBeingRespondedTo)
            return
        }
        queue.append(message)
        processNext()
    }

    /// Starts queued requests while the window has room.
    private func processNext() {
        while inFlight < window, !queue.isEmpty {
            invoke(queue.removeFirst())
        }
        delegate?.dispatcherDidProgress(self)
    }

    private func invoke(_ message: DIMSEMessage) {
        guard let pc = context.acceptedContexts[message.contextID] else { return discard(message) }
        let syntax = TransferSyntax.forUID(pc.transferSyntax)
        let service: any DIMSEService
        switch route(message.command, on: pc) {
        case .refused(let answer):
            discard(message)
            return respond(to: message.command, contextID: message.contextID, syntax: syntax, with: answer)
        case .service(let s):
            service = s
        }
        let request = DIMSERequest(command: message.command, contextID: message.contextID, transferSyntax: syntax, dataSet: message.dataSet)
        let context = self.context
        if service.execution == .eventLoop {
            let immediate: DIMSEResponse?
            do { immediate = try service.immediateResponse(to: request, context: context) }
            catch let e as DIMSEServiceError { immediate = DIMSEResponse(status: e.status, errorComment: e.comment) }
            catch { immediate = DIMSEResponse(status: service.failureStatus, errorComment: "\(error)") }
            if let immediate {
                discard(message) // the service moved the file if it keeps it
                return respond(to: message.command, contextID: message.contextID, syntax: syntax, with: immediate)
            }
        }
        inFlight += 1
        let id = message.command.messageID ?? 0
        let promise = eventLoop.makePromise(of: DIMSEResponse.self)
        let responder = DIMSEResponder(dispatcher: NIOLoopBound(self, eventLoop: eventLoop), request: message.command,
                                       contextID: message.contextID, transferSyntax: syntax)
        let task = Task(executorPreference: service.execution == .eventLoop ? executor : nil) {
            do { promise.succeed(try await service.handle(request, context: context, responder: responder)) }
            catch let e as DIMSEServiceError { promise.succeed(DIMSEResponse(status: e.status, errorComment: e.comment)) }
            catch { promise.succeed(DIMSEResponse(status: service.failureStatus, errorComment: "\(error)")) }
        }
        running[id] = task
        promise.futureResult.assumeIsolated().whenSuccess { [self] response in
            inFlight -= 1
            running[id] = nil
            discard(message) // the service moved the file if it keeps it
            respond(to: message.command, contextID: message.contextID, syntax: syntax, with: response)
            processNext()
        }
    }

    /// C-CANCEL-RQ (PS3.7 §9.3.2.3): cancels the running operation; one still queued is answered
    /// Cancel (FE00H) without starting. Unknown IDs are ignored (it may have completed).
    private func cancel(_ id: UInt16?) {
        guard let id else { return }
        if let task = running[id] {
            task.cancel()
        } else if let i = queue.firstIndex(where: { $0.command.messageID == id }) {
            let message = queue.remove(at: i)
            discard(message)
            let syntax = TransferSyntax.forUID(context.acceptedContexts[message.contextID]?.transferSyntax ?? "")
            respond(to: message.command, contextID: message.contextID, syntax: syntax, with: DIMSEResponse(status: .cancel))
            delegate?.dispatcherDidProgress(self)
        }
    }

    /// Removes the file a data set was streamed to, unless the service moved it.
    private func discard(_ message: DIMSEMessage) {
        if case .file(let p, _, _)? = message.dataSet { unlink(p) }
    }

    // MARK: Responses

    private func respond(to request: DIMSECommand, contextID: UInt8, syntax: TransferSyntax, with response: DIMSEResponse) {
        let (command, dataSet) = Self.responseCommand(response, to: request, syntax: syntax)
        send(command, dataSet: dataSet, contextID: contextID)
        if !ended, let after = response.afterResponse { after() }
    }

    func send(_ command: DIMSECommand, dataSet: ByteBuffer?, contextID: UInt8) {
        guard !ended else { return }
        delegate?.dispatcher(self, send: command, dataSet: dataSet, contextID: contextID)
    }

    /// The response command for a service's answer (PS3.7 §9.3, §10.3: Message ID Being Responded
    /// To, affected SOP class and instance from the request) and its data set encoded in `syntax`.
    static func responseCommand(_ response: DIMSEResponse, to request: DIMSECommand, syntax: TransferSyntax) -> (DIMSECommand, ByteBuffer?) {
        var command = request.response(status: response.status, hasDataSet: response.dataSet != nil)
        if response.status.category != .success { command.errorComment = response.errorComment }
        if let uid = response.affectedSOPInstanceUID { command.affectedSOPInstanceUID = uid }
        command.offendingElements = response.offendingElements
        command.subOperations = response.subOperations
        var data: ByteBuffer?
        if let ds = response.dataSet {
            do { data = ByteBuffer(bytes: try Part10Writer.encodeDataSet(ds, as: syntax)) } catch {
                command = request.response(status: .processingFailure)
                command.errorComment = "cannot encode the response data set: \(error)"
            }
        }
        return (command, data)
    }

    /// Succeeds once the channel is writable (at once if it is), or the association ended.
    func whenWritable() -> EventLoopFuture<Void> {
        if ended || delegate?.dispatcherCanWrite != false { return eventLoop.makeSucceededVoidFuture() }
        let p = eventLoop.makePromise(of: Void.self)
        writabilityWaiters.append(p)
        return p.futureResult
    }

    /// The channel's writability changed: releases the waiting operations when it is writable.
    func writabilityChanged() {
        guard delegate?.dispatcherCanWrite != false, !writabilityWaiters.isEmpty else { return }
        let waiters = writabilityWaiters
        writabilityWaiters.removeAll()
        for w in waiters { w.succeed() }
    }

    // MARK: Lifecycle

    /// The association was established: tells every service.
    func associationStarted() {
        for service in registry.services { service.associationStarted(context) }
    }

    /// The association ended: cancels running operations, drops queued requests, tells every
    /// service, and sends nothing more. Idempotent.
    func associationEnded(_ reason: AssociationEndReason) {
        guard !ended else { return }
        ended = true
        for w in writabilityWaiters { w.succeed() }
        writabilityWaiters.removeAll()
        for (_, task) in running { task.cancel() }
        for m in queue { discard(m) }
        queue.removeAll()
        for service in registry.services { service.associationEnded(context, reason: reason) }
        context.state.removeAll()
        delegate = nil
    }
}
