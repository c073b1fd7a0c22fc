import NIOSSL

/// TLS for DICOM associations: the BCP 195 profile of PS3.15 §B.9 (TLS 1.2 or later; for TLS 1.2
/// only forward-secret AEAD cipher suites, RFC 9325 §4.2; certificate verification when a CA is
/// given). swift-nio-ssl's default TLS 1.2 list also allows static-RSA key transport and CBC/SHA-1
/// suites, which BCP 195 advises against, so the list is set here. TLS 1.3 suites (all AEAD) are
/// fixed by BoringSSL.
public enum DICOMTLS {
    /// The TLS 1.2 cipher suites offered and accepted: ECDHE key exchange with AES-GCM or ChaCha20-Poly1305.
    public static let cipherSuites: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]

    /// A private key from a PEM or DER file, whatever its name. (`.file(path)` of swift-nio-ssl goes
    /// by the extension: it reads `*.key` as DER and refuses other names, so the usual PEM `server.key`
    /// failed to load.)
    static func privateKey(_ path: String) throws -> NIOSSLPrivateKeySource {
        if let key = try? NIOSSLPrivateKey(file: path, format: .pem) { return .privateKey(key) }
        return .privateKey(try NIOSSLPrivateKey(file: path, format: .der))
    }

    /// A server configuration from PEM files. With `trustRootsPath`, clients must present a
    /// certificate signed by it.
    public static func server(certificatePath: String, privateKeyPath: String, trustRootsPath: String? = nil) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        var c = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: try privateKey(privateKeyPath))
        c.minimumTLSVersion = .tlsv12
        c.cipherSuiteValues = cipherSuites
        if let trustRootsPath {
            c.trustRoots = .file(trustRootsPath)
            c.certificateVerification = .noHostnameVerification
        }
        return c
    }

    /// A client configuration. With `trustRootsPath` the server's certificate is verified against
    /// it (hostname not checked: DICOM peers are known by AE title and address); without, against
    /// the system roots. `certificatePath`/`privateKeyPath` give the client's own certificate.
    public static func client(trustRootsPath: String? = nil, certificatePath: String? = nil, privateKeyPath: String? = nil,
                              verifyPeer: Bool = true) throws -> TLSConfiguration {
        var c = TLSConfiguration.makeClientConfiguration()
        c.minimumTLSVersion = .tlsv12
        c.cipherSuiteValues = cipherSuites
        if let trustRootsPath { c.trustRoots = .file(trustRootsPath) }
        c.certificateVerification = verifyPeer ? .noHostnameVerification : .none
        if let certificatePath, let privateKeyPath {
            c.certificateChain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) }
            c.privateKey = try privateKey(privateKeyPath)
        }
        return c
    }
}
