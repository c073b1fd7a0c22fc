import ArgumentParser
import Foundation
import Network

/// `lightbox send`: C-STORE files and folders, like DCMTK's storescu (PS3.4 Annex B).
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send DICOM files to a storage SCP (C-STORE).",
        discussion: """
        Folders are sent with everything under them. All files go over one association; each is \
        sent in its own transfer syntax when the peer accepts it (no recompression), else converted \
        between the uncompressed syntaxes. Exit status 0 when every file was stored, 1 when some \
        were not, 2 when the association failed.

        Examples:
          lightbox send pacs.local 104 -aec PACS study/
          lightbox send 127.0.0.1 11112 *.dcm --max-pdu 16384
        """)

    @Argument(help: "Peer host name or address.") var host: String
    @Argument(help: "Peer TCP port.") var port: Int
    @Argument(help: "Files or folders to send.", completion: .file()) var paths: [String]
    @OptionGroup var network: NetworkOptions
    @Flag(name: .shortAndLong, help: "Print only failures and the summary.") var quiet = false

    func run() async throws {
        var files: [StoreFile] = []
        var skipped = 0
        for p in StoreSCU.expand(paths) {
            do { files.append(try StoreFile.load(path: p)) } catch {
                printError("skipped \(p): \(error)")
                skipped += 1
            }
        }
        guard !files.isEmpty else { printError("error: no DICOM files to send"); throw ExitCode(1) }
        let client = try network.client(host: host, port: port)
        let start = Date()
        let results: [StoreProgress]
        do {
            let a = try await client.associate(contexts: StoreSCU.contexts(for: files))
            let quiet = self.quiet
            results = try await StoreSCU.send(files, on: a) { p in
                let ok = p.status?.isFailure == false && p.error == nil
                if !quiet || !ok {
                    print("[\(p.index)/\(p.total)] \(p.path): \(p.status.map { "\($0)" } ?? "not sent")\(p.error.map { " — \($0)" } ?? "")")
                }
            }
            try await a.release()
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        let stored = results.filter { $0.status.map { !$0.isFailure } ?? false }
        let bytes = stored.reduce(0) { $0 + $1.bytes }
        let seconds = Date().timeIntervalSince(start)
        print("sent \(stored.count) of \(files.count) files, \(bytes / 1_000_000) MB in \(String(format: "%.2f", seconds)) s")
        if stored.count < files.count || skipped > 0 { throw ExitCode(1) }
    }
}
