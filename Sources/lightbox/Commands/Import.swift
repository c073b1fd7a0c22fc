import ArgumentParser
import Foundation
import Media

/// `lightbox import`: copies a received disc, USB stick or ISO image into a folder, safely.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Copy the DICOM files of a received medium (folder or ISO image) into a folder, by patient, study and series.",
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

        Exit status: 0 when every instance was imported or already there, 1 when some could not \
        be imported (or a --study is not on the medium), 2 when SOURCE cannot be read or DEST \
        cannot be written.

        Examples:
          lightbox import /media/cdrom ~/Received
          lightbox import received.iso ~/Received --dry-run
          lightbox import received.iso ~/Received --study 1.2.840.113619.2.55.3.1234
          lightbox import /media/usb ./all-files --flat
        """)

    @Argument(help: "A folder (mounted disc, USB stick) or an ISO image.", completion: .file())
    var source: String

    @Argument(help: "The folder to copy into; created when missing.", completion: .directory)
    var destination: String

    @Option(name: .customLong("study"), help: "Only this Study Instance UID (repeat for several).")
    var studies: [String] = []

    @Flag(name: .long, help: "Put every file directly in DEST (IMG00001.dcm, IMG00002.dcm, …).")
    var flat = false

    @Flag(name: .customLong("dry-run"), help: "Print where each file would go; write nothing.")
    var dryRun = false

    func run() throws {
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
        if !report.isComplete { throw ExitCode(1) }
    }
}
