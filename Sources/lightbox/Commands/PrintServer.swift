import ArgumentParser
import FilmPrint
import Foundation
import Network

/// `lightbox print-server`: a Basic Grayscale Print Management SCP (PS3.4 Annex H), a virtual film printer.
struct PrintServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print-server",
        abstract: "A virtual DICOM film printer: Basic Grayscale Print Management SCP with a durable spool.",
        discussion: """
        Modalities print to it as to a dry laser imager (Basic Grayscale Print Management Meta, \
        Presentation LUT, Basic Annotation Box, Print Job, Printer Configuration Retrieval). Every \
        association has its own film session; any number print at once. When a film session or \
        film box is printed (N-ACTION), its films are written to SPOOL/queue and fsynced before \
        the modality hears Success; a worker then renders each film into \
        SPOOL/films/<date>/<calling AE>/<film session label>/film-N.pdf and .png. Jobs left by a \
        crash are rendered at the next start.

        With --to-pacs, each rendered film is also sent by C-STORE to an archive as a Secondary \
        Capture image (12-bit P-Values at the printer's resolution; docs/film-output.md). Until \
        the archive has it, the film waits in SPOOL/outbox/pacs-<AE> (kept across restarts) and \
        is retried after 5 s, 10 s, 20 s … up to 5 minutes (--retry-delay); meanwhile its Print \
        Job stays PRINTING, and is DONE once delivered.

        With --forward, the print server stores and forwards: each film is also printed on a real         DICOM printer by Lightbox's print SCU, with the image boxes, film box settings and         annotation text the modality sent (not this printer's Configuration Information or         Presentation LUT). While that printer is offline or its queue is full, the films wait in         SPOOL/outbox/printer-<AE> and are retried in the same way; the modality's Print Job says         PRINTING (Execution Status Info QUEUED) until the printer took them.

        Examples:
          lightbox print-server --port 10400 --aet FILMS --spool /srv/print
          lightbox print-server --aet FILMS --spool /srv/print --to-pacs ARCHIVE@pacs.example.org:104
          lightbox print-server --aet FILMS --spool /srv/print --forward DRYVIEW@imager.local:104
        """)

    @Option(name: [.long, .customShort("p")], help: "TCP port to listen on (0 picks one and prints it).") var port: Int = 10400
    @Option(name: [.customLong("aet"), .customLong("aetitle"), .customLong("aet", withSingleDash: true)], help: "Our AE title.")
    var aeTitle: String = "LIGHTBOX_PRINT"
    @Option(name: .long, help: "Spool folder: queue/, done/, failed/ and the films.") var spool: String
    @Option(name: .long, help: "Address to listen on.") var host: String = "0.0.0.0"
    @Option(name: .customLong("max-associations"), help: "Associations served at once.") var maxAssociations = 64
    @Option(name: .long, help: "Printer profile in Layouts/printers (lightbox-dry: film on a light box; paper).") var profile = "lightbox-dry"
    @Option(name: .customLong("display-curve"), help: "Preview PNGs for this display: a characteristic curve file as dcmdspfn reads (default: an ideal GSDF display).")
    var displayCurve: String?
    @Option(name: .customLong("to-pacs"), help: ArgumentHelp(
        "Also send each film to this archive as a Secondary Capture image (C-STORE), retried until it has it.",
        valueName: "AE@host:port"))
    var toPACS: String?
    @Option(name: .customLong("forward"), help: ArgumentHelp(
        "Also print each film on this DICOM printer (store and forward), retried until it has it.",
        valueName: "AE@host:port"))
    var forward: String?
    @Option(name: .customLong("calling-aet"), help: "Our AE title towards the archive and the printer (default: --aet).") var callingAETitle: String?
    @Option(name: .customLong("retry-delay"), help: ArgumentHelp(
        "Seconds before the first retry of a film the archive or printer did not take; doubles after each failure, up to 300.",
        valueName: "seconds"))
    var retryDelay: Double = 5
    @Flag(name: [.customShort("v"), .long], help: "Print every association and request.") var verbose = false
    @Flag(name: .customLong("no-render"), help: ArgumentHelp("Spool jobs without rendering them (tests of crash recovery).", visibility: .hidden))
    var noRender = false

    func validate() throws {
        if let toPACS {
            do { _ = try DICOMPeerAddress(parsing: toPACS) } catch {
                let reason = if case .invalidAddress(_, let r) = error { r } else { "\(error)" }
                throw ValidationError("--to-pacs expects AE@host:port (e.g. ARCHIVE@pacs.example.org:104), not '\(toPACS)': \(reason)")
            }
        }
        if let forward {
            do { _ = try DICOMPeerAddress(parsing: forward) } catch {
                let reason = if case .invalidAddress(_, let r) = error { r } else { "\(error)" }
                throw ValidationError("--forward expects AE@host:port (e.g. DRYVIEW@imager.local:104), not '\(forward)': \(reason)")
            }
        }
        if let callingAETitle, callingAETitle.isEmpty || callingAETitle.utf8.count > 16 {
            throw ValidationError("--calling-aet must have 1 to 16 characters")
        }
        guard retryDelay > 0, retryDelay <= 300 else { throw ValidationError("--retry-delay must be more than 0 and at most 300 seconds") }
    }

    func run() async throws {
        let filmPrinter: FilmPrinter
        let printer: PrintServerContext.Printer
        do {
            let spoolFolder = try PrintSpool(folder: spool)
            let loaded = try PrinterProfile.load(named: profile)
            let catalog = try FilmSizeCatalog.load()
            let display = try displayCurve.map { try DisplayCharacteristic(monitorFile: $0) } ?? .gsdf()
            printer = PrintServerContext.Printer(name: aeTitle, profile: loaded, catalog: catalog)
            let renderer = try ComposerRenderer(profile: loaded, catalog: catalog, display: display)
            var destinations: [any FilmDestination] = []
            if let toPACS {
                destinations.append(PACSDestination(address: try DICOMPeerAddress(parsing: toPACS),
                                                    callingAETitle: callingAETitle ?? aeTitle, renderer: renderer))
            }
            if let forward {
                destinations.append(PrinterDestination(address: try DICOMPeerAddress(parsing: forward), callingAETitle: callingAETitle ?? aeTitle))
            }
            let delivery = destinations.isEmpty ? nil
                : try FilmDelivery(spool: spoolFolder, destinations: destinations,
                                   retry: RetryPolicy(initial: .milliseconds(Int((retryDelay * 1000).rounded()))),
                                   log: { writeOut($0 + "\n") })
            filmPrinter = FilmPrinter(spool: spoolFolder, output: spool + "/films", renderer: renderer, delivery: delivery)
        } catch {
            printError("error: \(error)"); throw ExitCode(2)
        }
        let context = PrintServerContext(printer: printer, filmPrinter: filmPrinter)
        var policy = AssociationPolicy(aeTitle: aeTitle, maxAssociations: maxAssociations)
        policy.rejectsWhenNothingAccepted = true   // e.g. Color Print Management only: A-ASSOCIATE-RJ, not an empty AC
        let server: DICOMServer
        do {
            let verbose = self.verbose
            server = try await DICOMServer.start(.init(host: host, port: port, policy: policy, eventFilter: { e in
                if verbose { return true }
                switch e { case .rejected, .aborted: return true; case .response(_, let c): return c.status?.isFailure == true; default: return false }
            }), services: ServiceRegistry([VerificationService()] + context.services()))
        } catch {
            printError("error: \(error)"); throw ExitCode(2)
        }
        let pending = filmPrinter.spool.pending().count
        let destinations = filmPrinter.delivery?.destinations.map { ", films to \($0.target)" }.joined() ?? ""
        writeOut("print-server \(aeTitle) listening on port \(server.port), spool \(spool)\(destinations)\(pending > 0 ? ", \(pending) job(s) left from the last run" : "")\n")
        let noRender = self.noRender
        let worker = Task { if !noRender { await filmPrinter.run() } }
        Task {
            for await e in server.events {
                switch e {
                case let .accepted(id, calling, _, peer, n): writeOut("association \(id) from \(calling) at \(peer): \(n) contexts accepted\n")
                case let .rejected(peer, calling, called, reason): writeOut("rejected \(calling) → \(called) from \(peer): \(reason)\n")
                case let .response(id, c): writeOut("association \(id): \(c.field) \(c.status.map { "\($0)" } ?? "")\(c.errorComment.map { " — \($0)" } ?? "")\n")
                case let .aborted(id, peer, reason): writeOut("association \(id.map(String.init) ?? "-") with \(peer) aborted: \(reason)\n")
                default: break
                }
            }
        }
        try await server.wait()
        worker.cancel()
    }
}
