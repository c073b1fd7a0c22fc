import DICOM
import Network

/// The outcome of one print SCU run.
public struct PrintOutcome: Sendable {
    /// A warning status a request got (PS3.4 §H.4: B605 densities replaced, B604 demagnified, …).
    public struct Warning: Sendable, Equatable, CustomStringConvertible {
        public var step: String
        public var status: DIMSEStatus
        public var comment: String?
        public var description: String { "\(step): \(status)" + (comment.map { " (\($0))" } ?? "") }
    }
    public var filmsPrinted = 0
    public var imagesPrinted = 0
    public var warnings: [Warning] = []
    /// Printer Status (2110,0010) and Printer Status Info (2110,0020) from the Printer N-GET.
    public var printerStatus: String?
    public var printerStatusInfo: String?
    /// Print Job SOP Instance UIDs from the N-ACTION responses (Referenced Print Job Sequence).
    public var printJobs: [String] = []
    /// Annotation text not sent because the printer did not accept Basic Annotation Box.
    public var annotationsDropped = 0
}

/// A Basic Grayscale Print Management SCU (PS3.4 Annex H): one association, one film session,
/// one film box per film, each printed by its own N-ACTION, as a modality prints to a film imager.
///
/// Order of operations (PS3.4 §H.4): N-GET Printer (status); N-CREATE Basic Film Session; per
/// film, N-CREATE Basic Film Box, N-SET each Basic Grayscale Image Box (and Basic Annotation Box),
/// N-ACTION Print on the film box, N-DELETE the film box; N-DELETE the film session; release.
public enum PrintSCU {
    /// Progress: a film was printed (1-based) out of `total`.
    public typealias Progress = @Sendable (_ film: Int, _ total: Int) -> Void

    /// The presentation contexts proposed: the Grayscale Meta SOP Class, and Basic Annotation Box
    /// when there is annotation text (a printer may reject it; the films then print without text).
    public static func contexts(annotations: Bool) -> [PresentationContextRQ] {
        let syntaxes = [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid]
        var c = [PresentationContextRQ(id: 1, abstractSyntax: UIDs.basicGrayscalePrintManagementMeta, transferSyntaxes: syntaxes)]
        if annotations { c.append(PresentationContextRQ(id: 3, abstractSyntax: UIDs.basicAnnotationBox, transferSyntaxes: syntaxes)) }
        return c
    }

    /// Prints `films` in one film session on a new association with `client`'s printer.
    public static func print(session: FilmSessionRequest, films: [FilmRequest], using client: DICOMClient,
                             progress: Progress? = nil) async throws -> PrintOutcome {
        let hasText = films.contains { !$0.annotations.isEmpty }
        let association = try await client.associate(contexts: contexts(annotations: hasText))
        do {
            let outcome = try await print(session: session, films: films, on: association, progress: progress)
            try await association.release()
            return outcome
        } catch {
            association.abort()
            throw error
        }
    }

    /// Prints `films` in one film session on an established association.
    public static func print(session: FilmSessionRequest, films: [FilmRequest], on association: DICOMAssociation,
                             progress: Progress? = nil) async throws -> PrintOutcome {
        let meta = UIDs.basicGrayscalePrintManagementMeta
        guard association.negotiated.context(for: meta) != nil else {
            throw PrintSCUError.grayscalePrintNotAccepted(printer: association.request.calledAETitle)
        }
        let annotationsAccepted = association.negotiated.context(for: UIDs.basicAnnotationBox) != nil
        var outcome = PrintOutcome()
        var calls = Calls(association: association, outcome: outcome)

        // Printer status (PS3.4 §H.4.4.1.2.1): a printer in FAILURE prints nothing.
        let (_, printer) = try await calls.run("Printer N-GET",
            .nGetRQ(messageID: 0, sopClassUID: UIDs.printer, sopInstanceUID: UIDs.printerInstance,
                    attributes: [.printerStatus, .printerStatusInfo]), on: meta)
        calls.outcome.printerStatus = printer?.string(.printerStatus)?.trimmingCharacters(in: .whitespaces)
        calls.outcome.printerStatusInfo = printer?.string(.printerStatusInfo)?.trimmingCharacters(in: .whitespaces)
        if calls.outcome.printerStatus == "FAILURE" { throw PrintSCUError.printerFailure(info: calls.outcome.printerStatusInfo ?? "") }

        let proposedSession = UIDGenerator.makeUID()
        let (sessionResponse, _) = try await calls.run("Film Session N-CREATE",
            .nCreateRQ(messageID: 0, sopClassUID: UIDs.basicFilmSession, sopInstanceUID: proposedSession, hasDataSet: true),
            dataSet: session.dataSet(), on: meta)
        let sessionUID = sessionResponse.affectedSOPInstanceUID ?? proposedSession

        for (index, film) in films.enumerated() {
            let n = index + 1
            let proposedBox = UIDGenerator.makeUID()
            let (boxResponse, boxData) = try await calls.run("Film \(n): Film Box N-CREATE",
                .nCreateRQ(messageID: 0, sopClassUID: UIDs.basicFilmBox, sopInstanceUID: proposedBox, hasDataSet: true),
                dataSet: film.filmBox.dataSet(sessionUID: sessionUID), on: meta)
            let boxUID = boxResponse.affectedSOPInstanceUID ?? proposedBox
            let imageBoxes = boxData?.sequenceItems(.referencedImageBoxSequence)
                .compactMap { $0.string(.referencedSOPInstanceUID) } ?? []
            guard imageBoxes.count >= film.images.count else {
                throw PrintSCUError.tooFewImageBoxes(film: n, boxes: imageBoxes.count, images: film.images.count)
            }
            // Image boxes are listed in Image Box Position order (PS3.4 §H.4.2.2.1).
            for image in film.images {
                guard image.position >= 1, image.position <= imageBoxes.count else {
                    throw PrintSCUError.tooFewImageBoxes(film: n, boxes: imageBoxes.count, images: image.position)
                }
                _ = try await calls.run("Film \(n): Image Box \(image.position) N-SET",
                    .nSetRQ(messageID: 0, sopClassUID: UIDs.basicGrayscaleImageBox, sopInstanceUID: imageBoxes[image.position - 1]),
                    dataSet: image.imageBoxDataSet(), on: meta)
                calls.outcome.imagesPrinted += 1
            }
            let textBoxes = boxData?.sequenceItems(.referencedBasicAnnotationBoxSequence)
                .compactMap { $0.string(.referencedSOPInstanceUID) } ?? []
            for note in film.annotations {
                guard annotationsAccepted, note.position >= 1, note.position <= textBoxes.count else {
                    calls.outcome.annotationsDropped += 1; continue
                }
                var ds = DataSet()
                if !note.text.utf8.allSatisfy({ $0 < 0x80 }) { try? ds.set(.specificCharacterSet, .CS, "ISO_IR 192") }
                ds.set(.annotationPosition, uint16: UInt16(clamping: note.position))
                try? ds.set(.textString, .LO, note.text)
                _ = try await calls.run("Film \(n): Annotation Box \(note.position) N-SET",
                    .nSetRQ(messageID: 0, sopClassUID: UIDs.basicAnnotationBox, sopInstanceUID: textBoxes[note.position - 1]),
                    dataSet: ds, on: UIDs.basicAnnotationBox)
            }
            let (_, actionData) = try await calls.run("Film \(n): Film Box N-ACTION (print)",
                .nActionRQ(messageID: 0, sopClassUID: UIDs.basicFilmBox, sopInstanceUID: boxUID, actionTypeID: 1, hasDataSet: false),
                on: meta)
            calls.outcome.printJobs += actionData?.sequenceItems(.referencedPrintJobSequence)
                .compactMap { $0.string(.referencedSOPInstanceUID) } ?? []
            calls.outcome.filmsPrinted += 1
            _ = try await calls.run("Film \(n): Film Box N-DELETE",
                .nDeleteRQ(messageID: 0, sopClassUID: UIDs.basicFilmBox, sopInstanceUID: boxUID), on: meta)
            progress?(n, films.count)
        }
        _ = try await calls.run("Film Session N-DELETE",
            .nDeleteRQ(messageID: 0, sopClassUID: UIDs.basicFilmSession, sopInstanceUID: sessionUID), on: meta)
        outcome = calls.outcome
        return outcome
    }

    /// Sends requests one after another, collecting warnings and turning failures into errors.
    private struct Calls {
        let association: DICOMAssociation
        var outcome: PrintOutcome

        mutating func run(_ step: String, _ command: DIMSECommand, dataSet: DataSet? = nil,
                          on context: String) async throws -> (DIMSECommand, DataSet?) {
            let (response, data) = try await association.request(command, dataSet: dataSet, on: context)
            guard let status = response.status else { throw PrintSCUError.malformedResponse(step: step, reason: "no Status (0000,0900)") }
            if status.isFailure { throw PrintSCUError.failed(step: step, status: status, comment: response.errorComment) }
            if status.category == .warning {
                outcome.warnings.append(.init(step: step, status: status, comment: response.errorComment))
            }
            return (response, data)
        }
    }
}
