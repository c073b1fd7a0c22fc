import ArgumentParser
import Network

/// What to pull from a PACS and how (C-GET or C-MOVE): shared by `retrieve` and `burn --pacs`.
struct RetrieveOptions: ParsableArguments {
    @Option(name: .customLong("patient-id"), help: "Patient ID: every study of the patient (unless --study narrows it).")
    var patientID: String?
    @Option(name: .long, help: "Study Instance UID (repeatable).") var study: [String] = []
    @Option(name: .long, help: "Series Instance UID (repeatable; with one --study).") var series: [String] = []
    @Option(name: .long, help: "SOP Instance UID (repeatable; with one --study and one --series).") var instance: [String] = []
    @Option(name: .long, help: "Information model: patient (Patient Root) or study (Study Root). Default: Patient Root for a patient ID alone, else Study Root.")
    var model: String?
    @Flag(name: .long, help: "Retrieve by C-GET: the PACS sends the files back on the same association (the default).") var get = false
    @Option(name: .customLong("move-to"), help: "Retrieve by C-MOVE to this AE title, received by Lightbox's own storage SCP (--store-port).")
    var moveTo: String?
    @Option(name: .customLong("store-port"), help: "With --move-to: TCP port of the storage SCP started for the move (0: any free port; the PACS must know it).")
    var storePort: Int = 0
    @Flag(name: .long, help: "fsync every received file and the folder before counting it as received.") var durable = false
    @Option(name: .customLong("cancel-after"), help: ArgumentHelp("Send C-CANCEL once this many sub-operations completed.", visibility: .hidden))
    var cancelAfter: Int?

    var isSelectionEmpty: Bool { patientID == nil && study.isEmpty && series.isEmpty && instance.isEmpty }

    func validate() throws {
        if get && moveTo != nil { throw ValidationError("--get and --move-to are exclusive: C-GET or C-MOVE") }
        if let model, QueryRetrieveModel(rawValue: model.lowercased()) == nil { throw ValidationError("--model wants patient or study; got \(model)") }
        if !(0 ... 65535).contains(storePort) { throw ValidationError("--store-port must be 0-65535") }
        if let moveTo, moveTo.isEmpty || moveTo.utf8.count > 16 { throw ValidationError("--move-to wants an AE title of 1 to 16 characters") }
    }

    func request() throws(QueryKeyError) -> RetrieveRequest {
        try RetrieveRequest.selecting(patientID: patientID, studies: study, series: series, instances: instance,
                                      model: model.flatMap { QueryRetrieveModel(rawValue: $0.lowercased()) })
    }

    /// Runs the C-GET or C-MOVE into `folder` with a progress bar, and returns the report.
    func pull(_ request: RetrieveRequest, client: DICOMClient, into folder: String, plainProgress: Bool,
              quiet: Bool) async throws -> RetrieveReport {
        let bar = PhaseProgressBar(plain: plainProgress)
        let label = moveTo == nil ? "C-GET" : "C-MOVE"
        let progress: @Sendable (RetrieveProgress) -> Void = { p in
            let c = p.counts
            let total = Int(c.completed) + Int(c.failed) + Int(c.warning) + Int(c.remaining ?? 0)
            bar.update(phase: "retrieve \(label)", done: Int(c.completed) + Int(c.failed) + Int(c.warning), total: total,
                       detail: c.failed > 0 ? "failed \(c.failed)" : "")
        }
        defer { bar.finish() }
        if let moveTo {
            return try await RetrieveSCU.move(request, using: client, destination: moveTo,
                                              receiver: (host: "0.0.0.0", port: storePort, aeTitle: client.callingAETitle),
                                              into: folder, durable: durable, cancelAfter: cancelAfter,
                                              onListening: { port in writeOut("receiving C-STORE on port \(port) as AE \(client.callingAETitle)\n") },
                                              progress: progress)
        }
        let classes = await RetrieveSCU.sopClassesInStudies(of: request, using: client)
        return try await RetrieveSCU.get(request, using: client, into: folder, durable: durable, sopClasses: classes,
                                         cancelAfter: cancelAfter, progress: progress)
    }

    /// The report in plain words, one line each.
    func describe(_ r: RetrieveReport, host: String, port: Int, folder: String) -> [String] {
        let verb = moveTo == nil ? "C-GET" : "C-MOVE"
        var lines: [String] = []
        if let status = r.status {
            lines.append("retrieve (\(verb)) from \(host):\(port): \(status)\(r.errorComment.map { " — \($0)" } ?? "")")
        } else if let why = r.interruption {
            let cause: String
            switch why {
            case .aborted: cause = "association aborted by the peer before the retrieve finished (\(why))"
            case .connectionClosed: cause = "the peer closed the connection before the retrieve finished"
            case .timeout: cause = "the peer stopped answering: \(why)"
            default: cause = "\(why)"
            }
            lines.append("retrieve (\(verb)) from \(host):\(port) did not finish: \(cause)")
        }
        if let moveTo, let status = r.status, status.isFailure, r.counts.completed == 0, r.received.isEmpty {
            // A801 says so (PS3.4 §C.4.2.1.5); some PACS (Orthanc) answer a general failure instead.
            lines.append(status == .moveDestinationUnknown
                ? "the PACS does not know the move destination \(moveTo): add \(moveTo) to its DICOM nodes with this host and the port of --store-port"
                : "nothing was moved: check that the PACS knows the move destination \(moveTo) with this host and the port of --store-port")
        }
        let c = r.counts
        lines.append("completed \(c.completed), failed \(c.failed), warning \(c.warning); \(r.received.count) file(s) written to \(folder)")
        for uid in r.failedInstances { lines.append("failed instance: \(uid)") }
        if r.cancelled, let echo = r.echoAfterCancel { lines.append("association still usable after C-CANCEL: C-ECHO \(echo.name)") }
        return lines
    }
}
