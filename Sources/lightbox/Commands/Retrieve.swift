import ArgumentParser
import Network

/// `lightbox retrieve`: C-GET or C-MOVE into a folder, like DCMTK's getscu and movescu +P (PS3.4 Annex C).
struct Retrieve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pull studies, series or images from a PACS (C-GET or C-MOVE) into a folder.",
        discussion: """
        Selects by the most specific of --instance, --series, --study or --patient-id. With --get \
        (the default) the PACS sends the files back on the same association; with --move-to AE it \
        sends them to that AE title, which Lightbox receives itself with a storage SCP started for \
        the duration on --store-port (printed; the PACS must list the AE with this host and port).

        Every file lands in DEST as <SOP Instance UID>.dcm, written under a hidden temporary name \
        and renamed when complete, with a line in DEST/receipts.log (the store-server's rules): an \
        interrupted retrieve never leaves a partial file under a final name. Progress comes from the \
        PACS's sub-operation counts. The report at the end gives the completed, failed and warning \
        counts and every failed instance. Exit status 0 when everything arrived, 1 when something \
        failed or the PACS stopped early, 2 when no association could be made.

        Examples:
          lightbox retrieve pacs.local 104 inbox/ --call PACS --patient-id 12345
          lightbox retrieve pacs.local 104 inbox/ --call PACS --study 1.2.3 --study 1.2.4
          lightbox retrieve pacs.local 104 inbox/ --call PACS --aet DESK --move-to DESK --store-port 11113 --study 1.2.3
          lightbox retrieve pacs.local 104 inbox/ --call PACS --study 1.2.3 --series 1.2.3.4
        """)

    @Argument(help: "PACS host name or address.") var host: String
    @Argument(help: "PACS TCP port.") var port: Int
    @Argument(help: "Folder the files go into (created if needed).", completion: .directory) var destination: String
    @OptionGroup var network: NetworkOptions
    @OptionGroup var selection: RetrieveOptions
    @Flag(name: .customLong("plain-progress"), help: "Print progress as plain lines (for logs) instead of a bar.") var plainProgress = false
    @Flag(name: .shortAndLong, help: "Print only the report.") var quiet = false

    func validate() throws {
        if selection.isSelectionEmpty { throw ValidationError("say what to retrieve: --patient-id, --study, --series or --instance") }
    }

    func run() async throws {
        let request: RetrieveRequest
        do { request = try selection.request() } catch { printError("error: \(error)"); throw ExitCode(2) }
        let report: RetrieveReport
        do {
            report = try await selection.pull(request, client: try network.client(host: host, port: port), into: destination,
                                              plainProgress: plainProgress, quiet: quiet)
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        for line in selection.describe(report, host: host, port: port, folder: destination) { writeOut(line + "\n") }
        if !report.isComplete { throw ExitCode(1) }
    }
}
