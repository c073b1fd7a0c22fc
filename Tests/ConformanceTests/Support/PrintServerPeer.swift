import Foundation
import XCTest

/// `lightbox print-server` started for a test on a free port with a temporary spool; stopped (and
/// its folder removed) by `stop()`.
final class PrintServerPeer {
    let port: Int
    let folder: String
    let aeTitle: String
    private let process: Process

    /// `spool`: an existing spool folder (a restart); default a new one in `folder`.
    init(aeTitle: String = "LIGHTBOX_PRINT", spool: String? = nil, extraArguments: [String] = []) throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        self.aeTitle = aeTitle
        port = NetworkTestSupport.freePort()
        folder = try NetworkTestSupport.temporaryDirectory("print")
        self.spool = spool ?? folder + "/spool"
        process = try NetworkTestSupport.launch(lightbox, ["print-server", "--port", "\(port)", "--aet", aeTitle, "--spool", self.spool, "-v"]
                                                + extraArguments, log: folder + "/server.log")
        do { try NetworkTestSupport.waitForListener(port: port, timeout: 30) } catch { stop(); throw error }
    }

    let spool: String
    var isRunning: Bool { process.isRunning }
    var log: String { (try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? "" }

    /// The film PDFs under SPOOL/films, sorted, once at least `count` exist and the queue is empty
    /// (every job's PDF, PNG and preview written); what there is after `timeout` seconds otherwise.
    func waitForFilms(_ count: Int, timeout: Double = 60) -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let pdfs = Oracles.files(under: URL(fileURLWithPath: spool + "/films")).filter { $0.hasSuffix(".pdf") }.sorted()
            let queued = ((try? FileManager.default.contentsOfDirectory(atPath: spool + "/queue")) ?? []).filter { !$0.hasPrefix(".") }
            if (pdfs.count >= count && queued.isEmpty) || Date() > deadline { return pdfs }
            usleep(50_000)
        }
    }

    func stop(keepFolder: Bool = false) {
        NetworkTestSupport.stop(process)
        // LIGHTBOX_KEEP_PRINT_LOGS=DIR keeps each server's log (for a failure that does not repeat).
        if let dir = ProcessInfo.processInfo.environment["LIGHTBOX_KEEP_PRINT_LOGS"] {
            try? FileManager.default.copyItem(atPath: folder + "/server.log", toPath: dir + "/server-\(port).log")
        }
        if !keepFolder { try? FileManager.default.removeItem(atPath: folder) }
    }
}
