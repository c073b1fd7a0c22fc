import ArgumentParser
import Foundation
import FilmPrint
import Media
import Network

/// `lightbox import`: copies a received disc, USB stick or ISO image into a folder, safely.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Copy the DICOM files of a received medium (folder, disc image or drive) into a folder, by patient, study and series.",
        discussion: """
        SOURCE is read as `lightbox ls` reads it (DICOMDIR followed tolerantly, other files \
        recognised by content). Each instance is copied byte for byte to
          DEST/<Patient name (ID)>/<date – study description>/<series number – description>/IMGnnnnn.dcm
        with names made safe for every file system (no "..", separators, control characters or \
        reserved Windows names; Chinese kept as it is). Nothing is ever written outside DEST. \
        Each file is written under a temporary name, synced and then renamed, so an interrupted \
        import leaves no half-written file: run the same command again to finish it.

        DEST keeps an index (.lightbox-import.json) of what it holds. An instance already there \
        (same SOP Instance UID, same bytes) is skipped; one with the same UID but different \
        bytes is kept beside it (IMG00001-2.dcm) and reported as a conflict.

        The closing report lists what was imported, skipped, kept beside, what could not be \
        imported, what the medium names but lacks or cannot be read, and the files that are not \
        DICOM (README, web pages, viewers; not imported).

        Each study folder gets an index.html (patient, study, each series with a JPEG preview of \
        its middle image under previews/, links to the files) and DEST gets an index.html listing \
        patients and studies; both are refreshed when a later import adds to a study. \
        --no-previews writes the pages without images. An image that cannot be rendered gets a \
        text placeholder.

        --send AE@host:port then sends the imported studies (the files this run imported, kept \
        beside or found already there) to a storage SCP with C-STORE, as `lightbox send` does.

        Exit status: 0 when every instance was imported or already there, 1 when some could not \
        be imported (or a --study is not on the medium, or --send could not store every file), 2 when SOURCE cannot be read or DEST \
        cannot be written.

        Examples:
          lightbox import /media/cdrom ~/Received
          lightbox import received.iso ~/Received --dry-run
          lightbox import received.iso ~/Received --study 1.2.840.113619.2.55.3.1234
          lightbox import /media/usb ./all-files --flat
          lightbox import received.iso ~/Received --send PACS@pacs.local:104
        """)

    @Argument(help: "A folder (mounted disc, USB stick), an ISO or UDF image, or an optical drive (/dev/sr0).", completion: .file())
    var source: String

    @Argument(help: "The folder to copy into; created when missing.", completion: .directory)
    var destination: String

    @Option(name: .customLong("study"), help: "Only this Study Instance UID (repeat for several).")
    var studies: [String] = []

    @Flag(name: .long, help: "Put every file directly in DEST (IMG00001.dcm, IMG00002.dcm, …).")
    var flat = false

    @Flag(name: .customLong("dry-run"), help: "Print where each file would go; write nothing.")
    var dryRun = false

    @Flag(name: .customLong("no-previews"), help: "Write the index.html pages without JPEG previews.")
    var noPreviews = false

    @Option(name: .customLong("send"), help: "After importing, send the imported studies to this storage SCP (AE@host:port).")
    var send: String?

    @Option(name: .customLong("aet"), help: "Our AE title for --send.")
    var aeTitle: String = "LIGHTBOX"

    func validate() throws {
        if let send {
            do { _ = try DICOMPeerAddress(parsing: send) } catch { throw ValidationError("--send \(send): \(error)") }
        }
        guard (1 ... 16).contains(aeTitle.utf8.count) else { throw ValidationError("--aet must have 1 to 16 characters") }
    }

    func run() async throws {
        let medium: MediaSource
        do { medium = try MediaSource.open(source) } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        let catalog = MediaCatalogReader().catalog(medium)
        var importer: Importer
        do {
            importer = try Importer(source: medium, catalog: catalog, destination: destination,
                                    options: .init(studies: Set(studies), flat: flat, dryRun: dryRun))
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        let total = importer.plan.items.count
        let bar = dryRun ? nil : ProgressBar(total: total, label: "import")
        let report = importer.run(progress: { bar?.advance(bytes: UInt64(max(0, $0))) }, plan: dryRun ? { item, action in
            switch action {
            case .imported(let d): writeOut("copy      \(item.instance.path) → \(d)\n")
            case .skipped(let d): writeOut("skip      \(item.instance.path) = \(d)\n")
            case .conflict(let d): writeOut("conflict  \(item.instance.path) → \(d)\n")
            case .failed(let why): writeOut("fail      \(item.instance.path): \(why)\n")
            }
        } : nil)
        bar?.finish()
        if dryRun { writeOut("(dry run: nothing was written)\n") }
        writeOut(report.text)
        var ok = report.isComplete
        let placed = (report.imported + report.skipped + report.conflicts).map(\.destination)
        if !dryRun && !flat {
            let pages = ImportPageWriter(root: destination, options: .init(previews: !noPreviews))
                .write(studies: ImportPageWriter.studyFolders(of: placed))
            writeOut("Pages: \(pages.pages.count) index.html, \(pages.previews.count) preview(s)\(pages.placeholders.isEmpty ? "" : ", \(pages.placeholders.count) placeholder(s)")\n")
            for p in pages.placeholders { writeOut("  no preview: \(p)\n") }
            for f in pages.failures { printError("warning: page not written: \(f)") }
        }
        if let send, !dryRun {
            ok = try await sendImported(placed, to: send) && ok
        }
        if !ok { throw ExitCode(1) }
    }

    /// C-STORE of the files placed in DEST (PS3.4 Annex B); false when some were not stored.
    private func sendImported(_ placed: [String], to address: String) async throws -> Bool {
        let peer: DICOMPeerAddress
        do { peer = try DICOMPeerAddress(parsing: address) } catch { printError("error: --send \(address): \(error)"); throw ExitCode(2) }
        var files: [StoreFile] = []
        var unreadable = 0
        for rel in placed {
            let path = destination + "/" + rel
            do { files.append(try StoreFile.load(path: path)) } catch { printError("not sent \(path): \(error)"); unreadable += 1 }
        }
        guard !files.isEmpty else { writeOut("Sent to \(peer): 0 (nothing to send)\n"); return unreadable == 0 }
        let client = DICOMClient(host: peer.host, port: peer.port, callingAETitle: aeTitle, calledAETitle: peer.aeTitle)
        let run: StoreRun
        do {
            run = try await StoreSCU.send(files, using: client) { p in
                if !p.stored || p.error != nil {
                    printError("not stored \(p.path): \(p.status.map { "\($0)" } ?? "no status")\(p.error.map { " — \($0)" } ?? "")")
                }
            }
        } catch {
            printError("error: --send \(peer): \(error)")
            throw ExitCode(1)
        }
        let stored = run.results.filter(\.stored).count
        let failed = run.results.count - stored + unreadable
        writeOut("Sent to \(peer): \(stored), failed: \(failed)\n")
        return failed == 0
    }
}
