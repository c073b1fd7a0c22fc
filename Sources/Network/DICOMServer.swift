import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// An SCP: listens, negotiates each association by its policy and serves the registered services.
/// Each association runs on its own channel; a slow or broken peer holds only its own.
public final class DICOMServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port; see `DICOMServer.port`.
        public var port: Int
        public var policy: AssociationPolicy
        public var tls: TLSConfiguration?
        /// TCP connections held at once (associations or not); more are closed on accept.
        public var maxConnections: Int
        public var logger: Logger
        /// Which association events `DICOMServer.events` delivers (all by default). Delivering an
        /// event wakes its consumer on another thread, so filtering out the frequent ones a
        /// consumer ignores keeps association set-up cheap.
        public var eventFilter: @Sendable (AssociationEvent) -> Bool

        public init(host: String = "0.0.0.0", port: Int, policy: AssociationPolicy, tls: TLSConfiguration? = nil,
                    maxConnections: Int = 1024, logger: Logger = Logger(label: "lightbox.network"),
                    eventFilter: @escaping @Sendable (AssociationEvent) -> Bool = { _ in true }) {
            self.host = host; self.port = port; self.policy = policy; self.tls = tls
            self.maxConnections = maxConnections; self.logger = logger; self.eventFilter = eventFilter
        }
    }

    public let port: Int
    /// What happens on the server's associations.
    public let events: AsyncStream<AssociationEvent>
    private let channel: Channel
    private let state: ServerState
    private let continuation: AsyncStream<AssociationEvent>.Continuation

    private init(port: Int, channel: Channel, state: ServerState, events: AsyncStream<AssociationEvent>,
                 continuation: AsyncStream<AssociationEvent>.Continuation) {
        self.port = port; self.channel = channel; self.state = state; self.events = events; self.continuation = continuation
    }

    /// Established associations right now.
    public var activeAssociations: Int { state.activeCount }

    public static func start(_ configuration: Configuration, services: ServiceRegistry,
                             group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> DICOMServer {
        let state = ServerState()
        let (events, continuation) = AsyncStream<AssociationEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let sslContext = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        let setup = AcceptorSetup(policy: configuration.policy, registry: services, server: state, events: continuation,
                                  logger: configuration.logger, eventFilter: configuration.eventFilter).prepared()
        let maxConnections = configuration.maxConnections
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 4)
            .childChannelOption(ChannelOptions.writeBufferWaterMark, value: .init(low: 64 * 1024, high: 1 << 20))
            .childChannelInitializer { channel in
                if state.add(channel) > maxConnections {
                    state.remove(channel)
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in state.remove(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    let handler = AssociationHandler(role: .acceptor(setup))
                    try channel.pipeline.syncOperations.configureDICOMPipeline(
                        tls: sslContext.map { NIOSSLServerHandler(context: $0) },
                        maxPDULength: setup.policy.maxPDULength, handler: handler)
                }
            }
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        let port = channel.localAddress?.port ?? configuration.port
        return DICOMServer(port: port, channel: channel, state: state, events: events, continuation: continuation)
    }

    /// Stops listening and closes every open association.
    public func close() async {
        try? await channel.close()
        for c in state.openChannels { try? await c.close() }
        continuation.finish()
    }

    /// Waits until the listening channel closes.
    public func wait() async throws {
        try await channel.closeFuture.get()
    }
}
