import ArgumentParser
import Foundation
import Network

/// `lightbox store-server`: a Storage and Verification SCP writing into an inbox folder.
struct StoreServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-server",
        abstract: "Receive DICOM objects (C-STORE) into an inbox folder.",
        discussion: """
        Accepts every storage SOP class and C-ECHO. Each object is written to a hidden temporary \
        file while it arrives and renamed to INBOX/<SOP Instance UID>.dcm when complete; \
        INBOX/receipts.log gets one tab-separated line per object (time, calling AE, peer, SOP \
        class, SOP instance, transfer syntax, bytes, file).

        Examples:
          lightbox store-server --port 11112 -aet INBOX --inbox /srv/inbox
          lightbox store-server --port 11112 --inbox in --allow MODALITY1 --allow MODALITY2
        """)

    @Option(name: [.long, .customShort("p")], help: "TCP port to listen on (0 picks one and prints it).") var port: Int = 11112
    @Option(name: [.customLong("aet"), .customLong("aetitle"), .customLong("aet", withSingleDash: true)], help: "Our AE title.") var aeTitle: String = "LIGHTBOX"
    @Option(name: .long, help: "Folder the received objects go into.") var inbox: String
    @Option(name: .long, help: "Address to listen on.") var host: String = "0.0.0.0"
    @Option(name: .customLong("allow"), help: "Accept only these calling AE titles (repeatable).") var allowed: [String] = []
    @Flag(name: .customLong("any-called"), help: "Answer any called AE title, not only --aet.") var anyCalled = false
    @Option(name: [.customLong("max-pdu"), .customLong("pdu", withSingleDash: true)], help: "Largest P-DATA PDU we receive.")
    var maxPDU: UInt32 = 131_072
    @Option(name: .customLong("max-associations"), help: "Associations served at once; more are rejected.") var maxAssociations = 64
    @Option(name: .customLong("artim"), help: "ARTIM timeout in seconds.") var artim: Double = 30
    @Option(name: .customLong("idle-timeout"), help: "Abort associations idle this many seconds.") var idleTimeout: Double = 300
    @Flag(name: .customLong("durable"), help: "fsync each file before it appears in the inbox, and the inbox folder after, before answering Success.") var durable = false
    @Option(name: .customLong("tls-certificate"), help: "PEM certificate: serve TLS (with --tls-key).") var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key for TLS.") var tlsKey: String?
    @Option(name: .customLong("tls-ca"), help: "Require client certificates signed by these CAs (PEM).") var tlsCA: String?
    @Flag(name: [.customShort("v"), .long], help: "Print every association and object.") var verbose = false

    func validate() throws {
        guard (4096 ... 1 << 20).contains(maxPDU) else { throw ValidationError("--max-pdu must be between 4096 and 1048576") }
        if (tlsCertificate == nil) != (tlsKey == nil) { throw ValidationError("--tls-certificate and --tls-key go together") }
        guard maxAssociations > 0 else { throw ValidationError("--max-associations must be positive") }
    }

    func run() async throws {
        var policy = AssociationPolicy(aeTitle: aeTitle, callingAETitles: allowed.isEmpty ? nil : Set(allowed), maxPDULength: maxPDU,
                                       maxAssociations: maxAssociations, artimTimeout: artim, idleTimeout: idleTimeout)
        if anyCalled { policy = policy.acceptingAnyCalledAETitle }
        let tls = try tlsCertificate.map { try DICOMTLS.server(certificatePath: $0, privateKeyPath: tlsKey!, trustRootsPath: tlsCA) }
        let server: DICOMServer
        do {
            let registry = ServiceRegistry([VerificationService(), try StorageService(inbox: inbox, durable: durable)])
            // Without --verbose only rejections, aborts and failed operations are printed: the
            // other events are not delivered at all.
            let verbose = self.verbose
            let filter: @Sendable (AssociationEvent) -> Bool = { event in
                if verbose { return true }
                switch event {
                case .rejected, .aborted: return true
                case .response(_, let c): return c.status?.isFailure == true
                default: return false
                }
            }
            server = try await DICOMServer.start(.init(host: host, port: port, policy: policy, tls: tls, eventFilter: filter),
                                                 services: registry)
        } catch {
            printError("error: \(error)"); throw ExitCode(2)
        }
        say("store-server \(aeTitle) listening on port \(server.port), inbox \(inbox)")
        let verbose = self.verbose
        Task {
            for await e in server.events {
                switch e {
                case let .accepted(id, calling, _, peer, n):
                    if verbose { say("association \(id) from \(calling) at \(peer): \(n) contexts accepted") }
                case let .rejected(peer, calling, called, reason):
                    say("rejected \(calling) → \(called) from \(peer): \(reason)")
                case let .response(id, c) where verbose || c.status?.isFailure == true:
                    say("association \(id): \(c.field) \(c.affectedSOPInstanceUID ?? "") \(c.status.map { "\($0)" } ?? "")")
                case let .aborted(id, peer, reason):
                    say("association \(id.map(String.init) ?? "-") with \(peer) aborted: \(reason)")
                default: break
                }
            }
        }
        try await server.wait()
    }
}

/// Writes a line to standard output at once (the server runs until killed; no buffering).
private func say(_ message: String) {
    let bytes = Array((message + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}
