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
        between the uncompressed syntaxes. Values of odd length, which PS3.5 §7.1.1 forbids and \
        DCMTK-based receivers refuse, are padded to even length on the way (reported per file). \
        When the peer aborts the association during a file, that file is reported as failed and a \
        new association carries on with the rest. Exit status 0 when every file was stored, 1 when \
        some were not, 2 when no association could be made.

        Examples:
          lightbox send pacs.local 104 --call PACS study/
          lightbox send pacs.local 104 -aec PACS --aet DESK study/
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
        let run: StoreRun
        do {
            let quiet = self.quiet
            run = try await StoreSCU.send(files, using: client) { p in
                if !quiet || !p.stored || p.error != nil {
                    print("[\(p.index)/\(p.total)] \(p.path): \(p.status.map { "\($0)" } ?? "not stored")\(p.error.map { " — \($0)" } ?? "")")
                }
                if p.paddedValues > 0 {
                    print("[\(p.index)/\(p.total)] \(p.path): \(p.paddedValues) value(s) of odd length padded to even length (PS3.5 §7.1.1)")
                }
            }
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        let stored = run.results.filter(\.stored)
        let failed = run.results.count - stored.count
        let bytes = stored.reduce(0) { $0 + $1.bytes }
        let seconds = Date().timeIntervalSince(start)
        let associations = run.associations > 1 ? " over \(run.associations) associations" : ""
        print("sent \(stored.count) of \(files.count) files, \(bytes / 1_000_000) MB in \(String(format: "%.2f", seconds)) s\(associations)")
        if failed > 0 { printError("\(failed) file(s) were not stored (listed above)") }
        if skipped > 0 { printError("\(skipped) file(s) were skipped as unreadable (listed above)") }
        if failed > 0 || skipped > 0 { throw ExitCode(1) }
    }
}
