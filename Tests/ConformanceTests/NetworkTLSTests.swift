import DICOM
import Foundation
import Network
import XCTest

/// DICOM over TLS (PS3.15 Annex B.9, BCP 195 profile): Lightbox against itself and against DCMTK
/// 3.6.7 built with OpenSSL, with a throwaway CA, server and client certificate made by `openssl`.
final class NetworkTLSTests: XCTestCase {
    var dir = ""
    var caCert = "", serverKey = "", serverCert = "", clientKey = "", clientCert = ""
    /// A certificate and key signed by an unrelated CA (must be refused).
    var strangerKey = "", strangerCert = ""
    var openssl = ""

    /// Bounds every external peer run: a hang fails the test instead of stalling the suite.
    static let timeoutTool = "/usr/bin/timeout"

    override func setUpWithError() throws {
        openssl = try Oracles.require("openssl", package: "openssl")
        dir = try NetworkTestSupport.temporaryDirectory("tls")
        func run(_ args: [String]) throws {
            let r = try runCommand(openssl, args)
            guard r.status == 0 else { throw AssociationError.protocolError("openssl \(args.joined(separator: " ")): \(r.stderr)") }
        }
        func makeCA(_ name: String) throws {
            try run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Lightbox Test \(name)",
                     "-keyout", "\(dir)/\(name).key", "-out", "\(dir)/\(name).pem",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        }
        func makeLeaf(_ name: String, ca: String) throws {
            let ext = "\(dir)/\(name).ext"
            try """
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth,clientAuth
            subjectAltName=IP:127.0.0.1,DNS:localhost

            """.write(toFile: ext, atomically: true, encoding: .utf8)
            try run(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(name)",
                     "-keyout", "\(dir)/\(name).key", "-out", "\(dir)/\(name).csr"])
            try run(["x509", "-req", "-in", "\(dir)/\(name).csr", "-CA", "\(dir)/\(ca).pem", "-CAkey", "\(dir)/\(ca).key",
                     "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", "\(dir)/\(name).pem"])
        }
        try makeCA("ca")
        try makeCA("otherca")
        try makeLeaf("server", ca: "ca")
        try makeLeaf("client", ca: "ca")
        try makeLeaf("stranger", ca: "otherca")
        caCert = "\(dir)/ca.pem"
        serverKey = "\(dir)/server.key"; serverCert = "\(dir)/server.pem"
        clientKey = "\(dir)/client.key"; clientCert = "\(dir)/client.pem"
        strangerKey = "\(dir)/stranger.key"; strangerCert = "\(dir)/stranger.pem"
    }

    override func tearDownWithError() throws {
        if !dir.isEmpty { try? FileManager.default.removeItem(atPath: dir) }
    }

    /// A Verification + Storage SCP on loopback serving TLS; with `requireClientCertificate`,
    /// clients must present a certificate signed by the test CA.
    func startTLSServer(inbox: String, requireClientCertificate: Bool = true) async throws -> DICOMServer {
        let tls = try DICOMTLS.server(certificatePath: serverCert, privateKeyPath: serverKey,
                                      trustRootsPath: requireClientCertificate ? caCert : nil)
        let registry = ServiceRegistry([VerificationService(), try StorageService(inbox: inbox)])
        return try await DICOMServer.start(.init(host: "127.0.0.1", port: 0, policy: AssociationPolicy(aeTitle: "LIGHTBOX"), tls: tls),
                                           services: registry)
    }

    func tlsClient(port: Int, calledAETitle: String = "LIGHTBOX", certificate: Bool = true) throws -> DICOMClient {
        DICOMClient(host: "127.0.0.1", port: port, callingAETitle: "TLSSCU", calledAETitle: calledAETitle,
                    connectTimeout: 5, associationTimeout: 10, dimseTimeout: 30,
                    tls: try DICOMTLS.client(trustRootsPath: caCert, certificatePath: certificate ? clientCert : nil,
                                             privateKeyPath: certificate ? clientKey : nil))
    }

    /// Runs a DCMTK tool bounded by `seconds`, with TCP_NODELAY.
    func dcmtk(_ tool: String, _ arguments: [String], seconds: Int = 60) throws -> CommandResult {
        let path = try Oracles.require(tool, package: "dcmtk")
        return try runCommand(Self.timeoutTool, ["-s", "KILL", "\(seconds)", path] + arguments, environment: NetworkTestSupport.nodelay)
    }

    /// Seconds a refused echo may take: the clients' own connect and association timeouts are 5 s;
    /// this only catches a hang (TLS in a debug build on a busy machine can take seconds).
    static let refusalLimit = 30.0

    /// Expects an echo by `client` to be refused by the other side: the association must end in
    /// `AssociationError.connectionClosed` or `.aborted` (the peer, or the TLS layer under the
    /// association, dropped it). Any other error fails the test: a certificate that does not load,
    /// a TLS context that cannot be made or a timeout would mean the refusal was never tested. The
    /// client and its TLS configuration are made by the caller, so their errors fail there.
    func expectRefusal(_ what: String, by client: DICOMClient, file: StaticString = #filePath, line: UInt = #line) async {
        let start = Date()
        do {
            let status = try await client.echo()
            XCTFail("\(what) succeeded (\(status))", file: file, line: line)
        } catch let e as AssociationError {
            switch e {
            case .connectionClosed, .aborted: break
            default: XCTFail("\(what): \(e); expected the connection to be closed or aborted by the other side", file: file, line: line)
            }
        } catch {
            XCTFail("\(what): \(String(reflecting: error)) is not a refusal by the other side", file: file, line: line)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), Self.refusalLimit, "\(what) took too long", file: file, line: line)
    }

    // MARK: (a) Lightbox ↔ Lightbox

    func testLightboxSCUToLightboxSCPOverTLS() async throws {
        let inbox = try NetworkTestSupport.temporaryDirectory("tls-inbox")
        let server = try await startTLSServer(inbox: inbox)
        defer { Task { await server.close() } }
        let client = try tlsClient(port: server.port)
        let status = try await client.echo()
        XCTAssertEqual(status, .success)

        // C-STORE over the same kind of association.
        let files = NetworkTestSupport.unique(NetworkTestSupport.distinct(try NetworkTestSupport.corpusFiles(),
                                                                          syntax: "1.2.840.10008.1.2.1", limit: 3))
        XCTAssertFalse(files.isEmpty)
        let a = try await client.associate(contexts: StoreSCU.contexts(for: files))
        let results = try await StoreSCU.send(files, on: a)
        try await a.release()
        XCTAssertEqual(results.filter { $0.status == .success }.count, files.count, "\(results.map { "\($0.path): \($0.error ?? "")" })")
        try NetworkTestSupport.compareWithPydicom(originals: files.map(\.path), directory: inbox)
    }

    func testTLSServerRefusesPlainAndUntrustedPeersCleanly() async throws {
        let server = try await startTLSServer(inbox: try NetworkTestSupport.temporaryDirectory("tls-refuse"))
        defer { Task { await server.close() } }
        let port = server.port

        // Plain TCP: the A-ASSOCIATE-RQ is not a TLS record; the server drops the connection.
        await expectRefusal("plain TCP against TLS",
                            by: DICOMClient(host: "127.0.0.1", port: port, calledAETitle: "LIGHTBOX", connectTimeout: 5, associationTimeout: 5))
        // TLS without a client certificate, while the server requires one.
        await expectRefusal("TLS without client certificate", by: try tlsClient(port: port, certificate: false))
        // A client certificate from another CA.
        await expectRefusal("client certificate from an unknown CA",
                            by: DICOMClient(host: "127.0.0.1", port: port, calledAETitle: "LIGHTBOX", connectTimeout: 5, associationTimeout: 5,
                                            tls: try DICOMTLS.client(trustRootsPath: caCert, certificatePath: strangerCert,
                                                                     privateKeyPath: strangerKey)))
        // The client refuses a server whose certificate does not chain to its trust roots.
        await expectRefusal("server certificate from an unknown CA",
                            by: DICOMClient(host: "127.0.0.1", port: port, calledAETitle: "LIGHTBOX", connectTimeout: 5, associationTimeout: 5,
                                            tls: try DICOMTLS.client(trustRootsPath: "\(dir)/otherca.pem", certificatePath: clientCert,
                                                                     privateKeyPath: clientKey)))
        // The server still works afterwards.
        let status = try await tlsClient(port: port).echo()
        XCTAssertEqual(status, .success)
    }

    func testTLSClientAgainstPlainServerFailsCleanly() async throws {
        let server = try await NetworkTestSupport.startStoreServer(inbox: try NetworkTestSupport.temporaryDirectory("tls-plain"))
        defer { Task { await server.close() } }
        let port = server.port
        await expectRefusal("TLS against plain TCP",
                            by: DICOMClient(host: "127.0.0.1", port: port, calledAETitle: "LIGHTBOX", connectTimeout: 5, associationTimeout: 5,
                                            tls: try DICOMTLS.client(trustRootsPath: caCert, certificatePath: clientCert, privateKeyPath: clientKey)))
    }

    /// BCP 195 (RFC 9325): TLS 1.2 or later, and for TLS 1.2 only forward-secret AEAD suites. A
    /// refusal must be the server's: `openssl s_client` must have sent its hello and received the
    /// server's alert (70, protocol version, for TLS 1.0/1.1; 40, handshake failure, for a suite
    /// the server does not take). A client that fails on its own ("no cipher match": OpenSSL 3
    /// cannot even offer 3DES) proves nothing, so such suites are not in the list.
    func testBCP195ProfileWithOpenSSLClient() async throws {
        let server = try await startTLSServer(inbox: try NetworkTestSupport.temporaryDirectory("tls-bcp195"),
                                              requireClientCertificate: false)
        defer { Task { await server.close() } }
        func handshake(_ options: String) throws -> CommandResult {
            try runCommand("/bin/sh", ["-c", "\(Self.timeoutTool) -s KILL 20 \(openssl) s_client -connect 127.0.0.1:\(server.port) "
                    + "-CAfile \(caCert) -verify_return_error \(options) </dev/null"])
        }
        for ok in ["-tls1_3", "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256", "-tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384",
                   "-tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305"] {
            let r = try handshake(ok)
            XCTAssertEqual(r.status, 0, "\(ok) must be accepted: \(r.stderr)")
        }
        let refusals: [(options: String, alert: Int)] = [
            ("-tls1_1 -cipher DEFAULT:@SECLEVEL=0", 70), ("-tls1 -cipher DEFAULT:@SECLEVEL=0", 70),
            ("-tls1_2 -cipher AES128-GCM-SHA256", 40), ("-tls1_2 -cipher AES256-SHA256", 40), ("-tls1_2 -cipher AES128-SHA", 40),
            ("-tls1_2 -cipher ECDHE-RSA-AES128-SHA", 40), ("-tls1_2 -cipher ECDHE-RSA-AES256-SHA384", 40),
        ]
        for (refused, alert) in refusals {
            let r = try handshake(refused)
            XCTAssertNotEqual(r.status, 0, "\(refused) must be refused")
            XCTAssertTrue((r.stdout + r.stderr).contains("SSL alert number \(alert)"),
                          "\(refused): the server must refuse with alert \(alert), not the client on its own:\n\(r.stderr.prefix(600))")
        }
    }

    /// `lightbox store-server` with TLS, `lightbox echo --tls` and `lightbox send --tls`, as processes.
    func testCommandLineTLS() async throws {
        let binary = try RenderConformanceTests.lightboxBinary()
        let inbox = try NetworkTestSupport.temporaryDirectory("tls-cli")
        let port = NetworkTestSupport.freePort()
        let server = try NetworkTestSupport.launch(binary, ["store-server", "--port", "\(port)", "-aet", "INBOX", "--inbox", inbox,
                                                            "--tls-certificate", serverCert, "--tls-key", serverKey, "--tls-ca", caCert],
                                                   log: "\(dir)/store-server.log")
        defer { NetworkTestSupport.stop(server) }
        try NetworkTestSupport.waitForListener(port: port)
        let tlsArgs = ["--tls", "--tls-ca", caCert, "--tls-certificate", clientCert, "--tls-key", clientKey]
        func lightbox(_ args: [String]) throws -> CommandResult {
            try runCommand(Self.timeoutTool, ["-s", "KILL", "60", binary] + args)
        }
        var r = try lightbox(["echo", "127.0.0.1", "\(port)", "-aec", "INBOX"] + tlsArgs)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let files = NetworkTestSupport.distinct(try NetworkTestSupport.corpusFiles(), syntax: "1.2.840.10008.1.2.1", limit: 2)
        r = try lightbox(["send", "127.0.0.1", "\(port)", "-aec", "INBOX"] + tlsArgs + files.map(\.path))
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        try NetworkTestSupport.compareWithPydicom(originals: files.map(\.path), directory: inbox)
        // Without --tls the echo fails, within the ACSE timeout: the server answers the plain
        // A-ASSOCIATE-RQ with a TLS alert record, which the plain client takes for an unknown PDU
        // and aborts on (or the server just closes).
        r = try lightbox(["echo", "127.0.0.1", "\(port)", "-aec", "INBOX", "-ta", "5", "-to", "5"])
        XCTAssertNotEqual(r.status, 0, "plain echo against a TLS server must fail")
        XCTAssertNotEqual(r.status, 137, "plain echo hung until killed")
        XCTAssertTrue(r.stderr.contains("association aborted") || r.stderr.contains("connection closed"),
                      "plain echo must be refused by the server, not fail on its own: \(r.stderr)")
    }

    // MARK: (b) DCMTK SCU → Lightbox TLS SCP

    func testEchoscuTLSAgainstLightbox() async throws {
        let server = try await startTLSServer(inbox: try NetworkTestSupport.temporaryDirectory("tls-echoscu"))
        defer { Task { await server.close() } }
        var r = try dcmtk("echoscu", ["+tls", clientKey, clientCert, "-pem", "-pw", "+cf", caCert,
                                      "-aet", "ECHOSCU", "-aec", "LIGHTBOX", "--repeat", "2", "127.0.0.1", "\(server.port)"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        // Non-downgrading BCP 195 (+py, the default) and plain BCP 195 (+px) profiles.
        r = try dcmtk("echoscu", ["+tls", clientKey, clientCert, "-pw", "+cf", caCert, "+px",
                                  "-aec", "LIGHTBOX", "127.0.0.1", "\(server.port)"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        // Plain TCP echoscu against the TLS server fails, and does not hang.
        r = try dcmtk("echoscu", ["-to", "5", "-ta", "5", "-td", "5", "-aec", "LIGHTBOX", "127.0.0.1", "\(server.port)"], seconds: 20)
        XCTAssertNotEqual(r.status, 0, "plain echoscu against TLS must fail")
        XCTAssertNotEqual(r.status, 137, "plain echoscu hung until killed")
        // The server's TLS alert record (type 0x15) reaches echoscu as an unknown PDU type.
        XCTAssertTrue(r.stderr.contains("Association Request Failed"), "echoscu must fail at the association, not on its own: \(r.stderr)")
        // echoscu whose certificate is not from the server's CA is refused.
        r = try dcmtk("echoscu", ["+tls", strangerKey, strangerCert, "-pw", "+cf", caCert, "-aec", "LIGHTBOX",
                                  "127.0.0.1", "\(server.port)"], seconds: 20)
        XCTAssertNotEqual(r.status, 0, "untrusted client certificate must be refused")
        XCTAssertNotEqual(r.status, 137, "echoscu hung until killed")
        XCTAssertTrue(r.stderr.contains("Association Request Failed"), "echoscu must be refused at the association: \(r.stderr)")
    }

    func testStorescuTLSAgainstLightbox() async throws {
        let inbox = try NetworkTestSupport.temporaryDirectory("tls-storescu")
        let server = try await startTLSServer(inbox: inbox)
        defer { Task { await server.close() } }
        let files = NetworkTestSupport.unique(NetworkTestSupport.distinct(try NetworkTestSupport.corpusFiles(), syntax: "1.2.840.10008.1.2.1", limit: 2)
            + NetworkTestSupport.distinct(try NetworkTestSupport.corpusFiles(), syntax: "1.2.840.10008.1.2", limit: 1))
        XCTAssertFalse(files.isEmpty)
        let r = try dcmtk("storescu", ["+tls", clientKey, clientCert, "-pem", "-pw", "+cf", caCert,
                                       "-aet", "STORESCU", "-aec", "LIGHTBOX", "127.0.0.1", "\(server.port)"] + files.map(\.path))
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let stored = try FileManager.default.contentsOfDirectory(atPath: inbox).filter { $0.hasSuffix(".dcm") }
        XCTAssertEqual(stored.count, files.count)
        try NetworkTestSupport.compareWithPydicom(originals: files.map(\.path), directory: inbox, exactBytes: false)
    }

    // MARK: (c) Lightbox TLS SCU → DCMTK TLS SCP

    func testLightboxSCUTLSAgainstStorescp() async throws {
        let storescp = try Oracles.require("storescp", package: "dcmtk")
        let out = try NetworkTestSupport.temporaryDirectory("tls-storescp")
        let port = NetworkTestSupport.freePort()
        let p = try NetworkTestSupport.launch(storescp, ["+tls", serverKey, serverCert, "-pem", "-pw", "+cf", caCert,
                                                         "-aet", "STORESCP", "+xa", "-od", out, "\(port)"],
                                              environment: NetworkTestSupport.nodelay, log: "\(dir)/storescp.log")
        defer { NetworkTestSupport.stop(p) }
        try NetworkTestSupport.waitForListener(port: port)
        let client = try tlsClient(port: port, calledAETitle: "STORESCP")
        let echoStatus = try await client.echo()
        XCTAssertEqual(echoStatus, .success)
        let files = NetworkTestSupport.unique(NetworkTestSupport.distinct(try NetworkTestSupport.corpusFiles(), syntax: "1.2.840.10008.1.2.1", limit: 2)
            + NetworkTestSupport.distinct(try NetworkTestSupport.corpusFiles(), syntax: "1.2.840.10008.1.2", limit: 2))
        let a = try await client.associate(contexts: StoreSCU.contexts(for: files))
        let results = try await StoreSCU.send(files, on: a)
        try await a.release()
        let log = (try? String(contentsOfFile: "\(dir)/storescp.log", encoding: .utf8)) ?? ""
        XCTAssertEqual(results.filter { $0.status.map { !$0.isFailure } ?? false }.count, files.count,
                       "\(results.map { "\($0.path): \($0.error ?? "")" })\n\(log)")
        try NetworkTestSupport.compareWithPydicom(originals: files.map(\.path), directory: out, exactBytes: false)
        // A client without a certificate is refused by storescp (peer certificate required by default).
        await expectRefusal("no client certificate against storescp", by: try tlsClient(port: port, calledAETitle: "STORESCP", certificate: false))
    }
}
