import ArgumentParser
import Network

/// Options every network command shares, with DCMTK's names (`-aet`, `-aec`, `-pdu`, `-ta`, `-td`).
struct NetworkOptions: ParsableArguments {
    @Option(name: [.customLong("aet"), .customLong("aetitle"), .customLong("aet", withSingleDash: true)], help: "Our AE title.")
    var aeTitle: String = "LIGHTBOX"

    @Option(name: [.customLong("call"), .customLong("aec", withSingleDash: true)], help: "The peer's (called) AE title.")
    var calledAETitle: String = "ANY-SCP"

    @Option(name: [.customLong("max-pdu"), .customLong("pdu", withSingleDash: true)],
            help: "Largest P-DATA PDU we receive, in bytes (4096-1048576).")
    var maxPDU: UInt32 = 131_072

    @Option(name: [.customLong("connection-timeout"), .customLong("to", withSingleDash: true)], help: "Seconds to wait for TCP connect.")
    var connectionTimeout: Double = 10

    @Option(name: [.customLong("acse-timeout"), .customLong("ta", withSingleDash: true)],
            help: "Seconds to wait for association and release answers (ARTIM).")
    var acseTimeout: Double = 30

    @Option(name: [.customLong("dimse-timeout"), .customLong("td", withSingleDash: true)], help: "Seconds to wait for a DIMSE response.")
    var dimseTimeout: Double = 120

    @Flag(name: .customLong("tls"), help: "Use TLS (PS3.15 BCP 195 profile).")
    var tls = false

    @Option(name: .customLong("tls-certificate"), help: "PEM certificate (chain) of this side; with --tls-key.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of this side.")
    var tlsKey: String?

    @Option(name: .customLong("tls-ca"), help: "PEM file of the CA certificates the peer's certificate must chain to.")
    var tlsCA: String?

    @Flag(name: .customLong("tls-no-verify"), help: "Do not verify the server's certificate (testing only).")
    var tlsNoVerify = false

    func validate() throws {
        guard (4096 ... 1 << 20).contains(maxPDU) else { throw ValidationError("--max-pdu must be between 4096 and 1048576") }
        guard aeTitle.utf8.count <= 16, calledAETitle.utf8.count <= 16, !aeTitle.isEmpty else {
            throw ValidationError("AE titles have 1 to 16 characters")
        }
        if (tlsCertificate == nil) != (tlsKey == nil) { throw ValidationError("--tls-certificate and --tls-key go together") }
    }

    func client(host: String, port: Int) throws -> DICOMClient {
        DICOMClient(host: host, port: port, callingAETitle: aeTitle, calledAETitle: calledAETitle, maxPDULength: maxPDU,
                    connectTimeout: connectionTimeout, associationTimeout: acseTimeout, dimseTimeout: dimseTimeout,
                    tls: tls ? try DICOMTLS.client(trustRootsPath: tlsCA, certificatePath: tlsCertificate, privateKeyPath: tlsKey,
                                                   verifyPeer: !tlsNoVerify) : nil)
    }
}
