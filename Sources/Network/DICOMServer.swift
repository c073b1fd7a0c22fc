import Logging
import NIOCore
import NIOPosix
import NIOSSL
#if canImport(Glibc)
import Glibc
#endif

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
    private let listeners: [Channel]
    private let state: ServerState
    private let continuation: AsyncStream<AssociationEvent>.Continuation

    private init(port: Int, listeners: [Channel], state: ServerState, events: AsyncStream<AssociationEvent>,
                 continuation: AsyncStream<AssociationEvent>.Continuation) {
        self.port = port; self.listeners = listeners; self.state = state; self.events = events; self.continuation = continuation
    }

    /// Established associations right now.
    public var activeAssociations: Int { state.activeCount }

    /// Listens on every event loop of `group` with its own socket (SO_REUSEPORT): the kernel spreads
    /// connections over the loops and each association stays on the loop that accepted it, so
    /// setting one up hands nothing to another thread.
    public static func start(_ configuration: Configuration, services: ServiceRegistry,
                             group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> DICOMServer {
        let state = ServerState()
        let (events, continuation) = AsyncStream<AssociationEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let sslContext = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        var loops: [EventLoop] = []
        for loop in group.makeIterator() { loops.append(loop) }
        let setup = AcceptorSetup(policy: configuration.policy, registry: services, server: state, events: continuation,
                                  logger: configuration.logger, eventFilter: configuration.eventFilter,
                                  executors: EventLoopTaskExecutors(loops), clocks: AssociationClocks(loops))
        let maxConnections = configuration.maxConnections
        func bootstrap(on loop: EventLoop, reusePort: Bool) -> ServerBootstrap {
            ServerBootstrap(group: loop, childGroup: loop)
                .serverChannelOption(ChannelOptions.backlog, value: 256)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(reusePortOption, value: reusePort ? 1 : 0)
                // Accepted sockets inherit TCP_NODELAY from the listener (IPPROTO_TCP level; NIO sets
                // it by default), so the child needs no setsockopt of its own.
                .serverChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
                // One accept per wake-up: epoll is level-triggered, so a backlog is still drained
                // (a connection per loop turn), and the lone connection of a modality's association
                // costs no second accept4 that fails with EAGAIN.
                .serverChannelOption(ChannelOptions.maxMessagesPerRead, value: 1)
                .childChannelInitializer { channel in
                    // Options and handlers are set synchronously: the bootstrap's child options are
                    // applied through a chain of futures per connection.
                    channel.eventLoop.makeCompletedFuture {
                        guard state.add(channel, limit: maxConnections) else {
                            channel.close(promise: nil)
                            return
                        }
                        // No child options: NIO's defaults (4 reads per wake-up, 32/64 KiB write
                        // water marks) suit an acceptor, whose writes are responses, and each
                        // setOption costs a chain of dynamic casts per connection.
                        do {
                            // The handler takes the channel off `state` when it closes.
                            let handler = AssociationHandler(role: .acceptor(setup))
                            try channel.pipeline.syncOperations.configureDICOMPipeline(
                                tls: sslContext.map { NIOSSLServerHandler(context: $0) },
                                maxPDULength: setup.policy.maxPDULength, handler: handler)
                        } catch {
                            state.remove(channel)
                            throw error
                        }
                    }
                }
        }
        var port = configuration.port
        if loops.count > 1, port != 0 {
            // SO_REUSEPORT would also let us share a port another server of this user already holds:
            // a plain bind first fails with "address in use" as a single listener would.
            let probe = try await bootstrap(on: loops[0], reusePort: false).bind(host: configuration.host, port: port).get()
            try await probe.close()
        }
        var listeners: [Channel] = []
        do {
            for loop in loops {
                let channel = try await bootstrap(on: loop, reusePort: loops.count > 1).bind(host: configuration.host, port: port).get()
                if port == 0 { port = channel.localAddress?.port ?? 0 }
                listeners.append(channel)
            }
        } catch {
            for c in listeners { try? await c.close() }
            throw error
        }
        return DICOMServer(port: port, listeners: listeners, state: state, events: events, continuation: continuation)
    }

    /// Stops listening and closes every open association.
    public func close() async {
        for c in listeners { try? await c.close() }
        for c in state.openChannels { try? await c.close() }
        continuation.finish()
    }

    /// Waits until the server is closed.
    public func wait() async throws {
        for c in listeners { try await c.closeFuture.get() }
    }
}

/// SO_REUSEPORT (Linux 3.9+), which `ChannelOptions` does not name.
private let reusePortOption = ChannelOptions.Types.SocketOption(level: .socket, name: .init(rawValue: SO_REUSEPORT))
