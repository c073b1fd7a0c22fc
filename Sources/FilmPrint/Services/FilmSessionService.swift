import DICOM
import Foundation
import Network

/// Basic Film Session SOP Class SCP (PS3.4 §H.4.1), and the Basic Grayscale Print Management Meta
/// SOP Class it is negotiated under (§H.3.1). One film session per association, torn down when the
/// association ends however it ends.
public struct FilmSessionService: DIMSEService {
    let server: PrintServerContext
    public var sopClassUIDs: [String] { [UIDs.basicFilmSession] }
    public var metaSOPClasses: [MetaSOPClass] { [PrintSOPClasses.grayscaleMeta] }
    public var transferSyntaxes: [String]? { [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid] }

    public func nCreate(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        let attributes = try request.attributes()
        return context.printAssociation(server).session.withLock {
            $0.createSession(uid: request.command.affectedSOPInstanceUID, attributes: attributes)
        }
    }

    public func nSet(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        let attributes = try request.attributes()
        return context.printAssociation(server).session.withLock { $0.setSession(uid: request.command.sopInstanceUID ?? "", attributes: attributes) }
    }

    /// N-ACTION Print (§H.4.1.2.4): every film box, spooled durably before Success is answered.
    public func nAction(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        guard request.command.actionTypeID == 1 else { return DIMSEResponse(status: .noSuchActionType) }
        let association = context.printAssociation(server)
        let (response, films, session) = association.session.withLock { s in
            let (r, f) = s.printSession(uid: request.command.sopInstanceUID ?? "")
            return (r, f, s)
        }
        guard !response.status.isFailure else { return response }
        return try await PrintSubmission.submit(films: films, session: session, status: response.status, context: context,
                                                server: server, failure: PrintStatus.queueFull)
    }

    public func nDelete(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        context.printAssociation(server).session.withLock { $0.deleteSession(uid: request.command.sopInstanceUID ?? "") }
    }

    /// The association ended (released, aborted or timed out): its film session goes with it
    /// (PS3.4 §H.2.2); printed jobs are in the spool and go on.
    public func associationEnded(_ context: AssociationContext, reason: AssociationEndReason) {
        context.state[PrintAssociationKey.self] = nil
    }
}

/// Writing an N-ACTION's films into the spool and telling the SCU (PS3.4 §H.4.1.2.4, §H.4.2.2.4, §H.4.6).
enum PrintSubmission {
    static func submit(films: [PrintSession.FilmBox], session: PrintSession, status: DIMSEStatus, context: AssociationContext,
                       server: PrintServerContext, failure: DIMSEStatus) async throws -> DIMSEResponse {
        let jobUID = UIDGenerator.makeUID()
        let label = session.sessionAttributes.string(.filmSessionLabel)?.trimmingCharacters(in: .whitespaces) ?? ""
        let job = PrintJob(uid: jobUID, callingAETitle: context.callingAETitle,
                           sessionName: label.isEmpty ? (session.sessionUID ?? jobUID) : label,
                           created: StorageService.utcTimestamp(), filmCount: films.count,
                           copies: session.sessionAttributes.string(.numberOfCopies).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 1,
                           priority: session.sessionAttributes.string(.printPriority) ?? "MED",
                           sessionUID: session.sessionUID, firstFilmNumber: session.filmsPrinted - films.count + 1)
        do {
            let records = films.map { FilmRecord.make(filmBox: $0, session: session) }
            let spool = server.spool
            try await BlockingWork.run(on: BlockingWork.ioQueue) { try spool.submit(job, films: records) }
        } catch {
            return DIMSEResponse(status: failure, errorComment: "print job not accepted: \(error)")
        }
        server.printerRef.submitted(job)
        var response = DIMSEResponse(status: status)
        if context.acceptedContexts.values.contains(where: { $0.abstractSyntax == UIDs.printJob }) {
            var ds = DataSet()
            ds.set(.referencedPrintJobSequence, sequence: [PrintSession.reference(UIDs.printJob, jobUID)])
            response.dataSet = ds
            let board = server.board
            response.afterResponse = { PrintJobEvents.follow(jobUID, context: context, board: board) }
        }
        return response
    }
}
