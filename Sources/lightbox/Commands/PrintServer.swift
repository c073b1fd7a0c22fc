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

        Examples:
          lightbox print-server --port 10400 --aet FILMS --spool /srv/print
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
    @Flag(name: [.customShort("v"), .long], help: "Print every association and request.") var verbose = false
    @Flag(name: .customLong("no-render"), help: ArgumentHelp("Spool jobs without rendering them (tests of crash recovery).", visibility: .hidden))
    var noRender = false

    func run() async throws {
        let filmPrinter: FilmPrinter
        let printer: PrintServerContext.Printer
        do {
            let spoolFolder = try PrintSpool(folder: spool)
            let loaded = try PrinterProfile.load(named: profile)
            let catalog = try FilmSizeCatalog.load()
            let display = try displayCurve.map { try DisplayCharacteristic(monitorFile: $0) } ?? .gsdf()
            printer = PrintServerContext.Printer(name: aeTitle, profile: loaded, catalog: catalog)
            filmPrinter = FilmPrinter(spool: spoolFolder, output: spool + "/films",
                                      renderer: try ComposerRenderer(profile: loaded, catalog: catalog, display: display))
        } catch {
            printError("error: \(error)"); throw ExitCode(2)
        }
        let context = PrintServerContext(printer: printer, filmPrinter: filmPrinter)
        let policy = AssociationPolicy(aeTitle: aeTitle, maxAssociations: maxAssociations)
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
        writeOut("print-server \(aeTitle) listening on port \(server.port), spool \(spool)\(pending > 0 ? ", \(pending) job(s) left from the last run" : "")\n")
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
