import NIOSSL

/// TLS for DICOM associations: the BCP 195 profile of PS3.15 §B.9 (TLS 1.2 or later, the
/// default strong cipher suites of swift-nio-ssl, certificate verification when a CA is given).
public enum DICOMTLS {
    /// A server configuration from PEM files. With `trustRootsPath`, clients must present a
    /// certificate signed by it.
    public static func server(certificatePath: String, privateKeyPath: String, trustRootsPath: String? = nil) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        var c = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .file(privateKeyPath))
        c.minimumTLSVersion = .tlsv12
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
        if let trustRootsPath { c.trustRoots = .file(trustRootsPath) }
        c.certificateVerification = verifyPeer ? .noHostnameVerification : .none
        if let certificatePath, let privateKeyPath {
            c.certificateChain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) }
            c.privateKey = .file(privateKeyPath)
        }
        return c
    }
}
