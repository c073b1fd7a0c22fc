import DICOM
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// An SCU: opens associations (PS3.8 §7.1) and sends DIMSE requests on them.
public struct DICOMClient: Sendable {
    public var host: String
    public var port: Int
    public var callingAETitle: String
    public var calledAETitle: String
    /// This side's Maximum Length (largest P-DATA-TF PDU it receives).
    public var maxPDULength: UInt32
    public var connectTimeout: Double
    /// Seconds to wait for A-ASSOCIATE-AC/RJ and for A-RELEASE-RP.
    public var associationTimeout: Double
    /// Seconds to wait for a DIMSE response; nil waits indefinitely.
    public var dimseTimeout: Double?
    public var tls: TLSConfiguration?
    public var logger: Logger

    public init(host: String, port: Int, callingAETitle: String = "LIGHTBOX", calledAETitle: String = "ANY-SCP",
                maxPDULength: UInt32 = 131_072, connectTimeout: Double = 10, associationTimeout: Double = 30,
                dimseTimeout: Double? = 120, tls: TLSConfiguration? = nil, logger: Logger = Logger(label: "lightbox.network")) {
        self.host = host; self.port = port; self.callingAETitle = callingAETitle; self.calledAETitle = calledAETitle
        self.maxPDULength = maxPDULength; self.connectTimeout = connectTimeout; self.associationTimeout = associationTimeout
        self.dimseTimeout = dimseTimeout; self.tls = tls; self.logger = logger
    }

    /// Proposes `contexts` (IDs are assigned 1, 3, 5, … when 0) and waits for the answer.
    /// - Parameter operationsWindow: an Asynchronous Operations Window to propose (PS3.7 §D.3.3.3);
    ///   `send` then keeps up to the accepted number of requests outstanding. nil: one at a time.
    public func associate(contexts: [PresentationContextRQ], roleSelections: [RoleSelection] = [],
                          userIdentity: UserIdentityRQ? = nil, operationsWindow: AsyncOperationsWindow? = nil,
                          services: ServiceRegistry? = nil,
                          group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> DICOMAssociation {
        var numbered = contexts
        for i in numbered.indices where numbered[i].id == 0 { numbered[i].id = UInt8(truncatingIfNeeded: 2 * i + 1) }
        var info = UserInformation(maxPDULength: maxPDULength, implementationClassUID: Implementation.classUID,
                                   implementationVersionName: Implementation.versionName)
        info.roleSelections = roleSelections
        info.userIdentity = userIdentity
        info.asyncOperationsWindow = operationsWindow
        let rq = AssociateRQ(calledAETitle: calledAETitle, callingAETitle: callingAETitle, presentationContexts: numbered,
                             userInformation: info)
        let sslContext = try tls.map { try NIOSSLContext(configuration: $0) }
        let host = host, maxPDU = maxPDULength, logger = logger
        let loop = group.next()
        let established = loop.makePromise(of: NegotiatedAssociation.self)
        let channel: Channel
        do {
          channel = try await ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(connectTimeout * 1000)))
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1) // not socketOption: that is SOL_SOCKET, i.e. SO_DEBUG
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = AssociationHandler(role: .requestor(RequestorSetup(request: rq, established: established,
                                                                                     registry: services, logger: logger)))
                    let tlsHandler = try sslContext.map { try NIOSSLClientHandler(context: $0, serverHostname: host.first?.isLetter == true ? host : nil) }
                    try channel.pipeline.syncOperations.configureDICOMPipeline(tls: tlsHandler, maxPDULength: maxPDU, handler: handler)
                }
            }
            .connect(host: host, port: port).get()
        } catch {
            established.fail(error) // never leave the promise dangling when no connection was made
            throw AssociationError.cannotConnect(peer: "\(host):\(port)", reason: Self.connectionFailure(error))
        }
        let timeout = loop.scheduleTask(in: .milliseconds(Int64(associationTimeout * 1000))) {
            established.fail(AssociationError.timeout("A-ASSOCIATE-AC"))
            channel.close(promise: nil)
        }
        do {
            let negotiated = try await established.futureResult.get()
            timeout.cancel()
            let bound = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: AssociationHandler.self), eventLoop: channel.eventLoop)
            }.get()
            return DICOMAssociation(channel: channel, handler: bound,
                                    negotiated: negotiated, request: rq, client: self)
        } catch {
            timeout.cancel()
            channel.close(promise: nil)
            throw error
        }
    }

    /// The reason a connection failed, in words (NIO's errors name every attempted address).
    static func connectionFailure(_ error: Error) -> String {
        if let e = error as? NIOConnectionError, let first = e.connectionErrors.first {
            if let io = first.error as? IOError {
                switch io.errnoCode {
                case ECONNREFUSED: return "connection refused: nothing listens on that port"
                case EHOSTUNREACH, ENETUNREACH: return "host unreachable"
                default: return io.description
                }
            }
            return "\(first.error)"
        }
        if error is ChannelError { return "timed out connecting" }
        return "\(error)"
    }

    /// C-ECHO on a new association: associate, echo, release (PS3.4 Annex A).
    public func echo() async throws -> DIMSEStatus {
        let a = try await associate(contexts: [PresentationContextRQ(id: 1, abstractSyntax: UIDs.verification,
                                                                     transferSyntaxes: [TransferSyntax.implicitVRLittleEndian.uid])])
        do {
            let status = try await a.echo()
            try await a.release()
            return status
        } catch {
            a.abort()
            throw error
        }
    }
}

/// An established association, from the requestor's side.
public final class DICOMAssociation: Sendable {
    public let negotiated: NegotiatedAssociation
    public let request: AssociateRQ
    let channel: Channel
    let handler: NIOLoopBound<AssociationHandler>
    let client: DICOMClient

    init(channel: Channel, handler: NIOLoopBound<AssociationHandler>, negotiated: NegotiatedAssociation, request: AssociateRQ,
         client: DICOMClient) {
        self.channel = channel; self.handler = handler; self.negotiated = negotiated; self.request = request; self.client = client
    }

    /// Sends a request and waits for its final response (message ID assigned here). Concurrent
    /// calls keep up to the negotiated operations window outstanding; the rest wait their turn.
    /// `onPending` receives each Pending response (C-FIND matches, C-GET/C-MOVE progress, PS3.7
    /// §9.1.2-§9.1.4) on the association's event loop.
    public func send(_ command: DIMSECommand, dataSet: ByteBuffer? = nil, contextID: UInt8,
                     onPending: (@Sendable (DIMSEMessage) -> Void)? = nil) async throws -> DIMSEMessage {
        let promise = channel.eventLoop.makePromise(of: DIMSEMessage.self)
        let handler = self.handler, timeout = client.dimseTimeout
        channel.eventLoop.execute {
            handler.value.request(command, dataSet: dataSet, contextID: contextID, timeout: timeout, promise: promise, onPending: onPending)
        }
        return try await promise.futureResult.get()
    }

    /// C-CANCEL-RQ (PS3.7 §9.3.2.3) for the request with Message ID `messageID`, sent at once, with no response.
    public func cancel(messageID: UInt16, contextID: UInt8) {
        let handler = self.handler
        channel.eventLoop.execute {
            handler.value.sendMessage(.cCancelRQ(messageIDBeingRespondedTo: messageID), dataSet: nil, contextID: contextID)
        }
    }

    /// A request with an optional data set, encoded in the context's transfer syntax; returns the
    /// response command and its decoded data set.
    /// - Parameter abstractSyntax: the presentation context to use, when it is not the command's
    ///   SOP class: a meta SOP class whose member the command names (PS3.7 §D.3.3.1, e.g. Basic
    ///   Grayscale Print Management Meta for a Basic Film Session request).
    public func request(_ command: DIMSECommand, dataSet: DataSet? = nil,
                        on abstractSyntax: String? = nil) async throws -> (DIMSECommand, DataSet?) {
        let sopClass = abstractSyntax ?? command.sopClassUID ?? ""
        guard let pc = negotiated.context(for: sopClass) else { throw AssociationError.noPresentationContext(sopClassUID: sopClass) }
        let syntax = TransferSyntax.forUID(pc.transferSyntax)
        var command = command
        command.hasDataSet = dataSet != nil
        let bytes = try dataSet.map { ByteBuffer(bytes: try Part10Writer.encodeDataSet($0, as: syntax)) }
        let response = try await send(command, dataSet: bytes, contextID: pc.id)
        return (response.command, try response.dataSet?.decode(syntax: syntax))
    }

    /// C-ECHO (PS3.7 §9.1.5).
    public func echo() async throws -> DIMSEStatus {
        guard let pc = negotiated.context(for: UIDs.verification) else {
            throw AssociationError.noPresentationContext(sopClassUID: UIDs.verification)
        }
        let r = try await send(.cEchoRQ(messageID: 0), contextID: pc.id)
        return r.command.status ?? .processingFailure
    }

    /// C-STORE of an encoded data set on a given context (PS3.7 §9.1.1).
    public func store(sopClassUID: String, sopInstanceUID: String, dataSet: ByteBuffer, contextID: UInt8) async throws -> DIMSECommand {
        try await send(.cStoreRQ(messageID: 0, sopClassUID: sopClassUID, sopInstanceUID: sopInstanceUID), dataSet: dataSet,
                       contextID: contextID).command
    }

    /// A-RELEASE (PS3.8 §7.2); the connection closes afterwards.
    public func release() async throws {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        let handler = self.handler
        let loop = channel.eventLoop
        let timeout = client.associationTimeout
        loop.execute {
            handler.value.release(promise: promise)
            let task = loop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
                promise.fail(AssociationError.timeout("A-RELEASE-RP"))
                handler.value.abort()
            }
            promise.futureResult.whenComplete { _ in task.cancel() }
        }
        try await promise.futureResult.get()
        try? await channel.closeFuture.get()
    }

    /// A-ABORT (PS3.8 §7.3) and close.
    public func abort() {
        let handler = self.handler
        channel.eventLoop.execute { handler.value.abort() }
    }

    /// Completes when the connection closes.
    public var closeFuture: EventLoopFuture<Void> { channel.closeFuture }
}
