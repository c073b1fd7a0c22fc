import ArgumentParser
import Network

/// `lightbox echo`: C-ECHO, like DCMTK's echoscu (PS3.4 Annex A).
struct Echo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a DICOM peer with C-ECHO (Verification).",
        discussion: """
        Opens an association, sends C-ECHO, releases. Exit status 0 when the peer answers Success.

        Examples:
          lightbox echo pacs.local 104 -aec PACS
          lightbox echo 127.0.0.1 11112 --repeat 10
        """)

    @Argument(help: "Peer host name or address.") var host: String
    @Argument(help: "Peer TCP port.") var port: Int
    @OptionGroup var network: NetworkOptions

    @Option(name: [.customLong("repeat"), .customShort("r")], help: "C-ECHO this many times on the association.")
    var repeatCount: Int = 1

    @Flag(name: .shortAndLong, help: "Print nothing on success.") var quiet = false

    func run() async throws {
        let client = try network.client(host: host, port: port)
        do {
            let a = try await client.associate(contexts: [PresentationContextRQ(id: 1, abstractSyntax: "1.2.840.10008.1.1",
                                                                              transferSyntaxes: ["1.2.840.10008.1.2"])])
            var failed = false
            for _ in 0 ..< max(1, repeatCount) {
                let status = try await a.echo()
                if !quiet || !status.isSuccess { print("C-ECHO \(host):\(port) (\(network.calledAETitle)): \(status)") }
                if !status.isSuccess { failed = true }
            }
            try await a.release()
            if failed { throw ExitCode(1) }
        } catch let e as ExitCode {
            throw e
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
    }
}
