import DICOM
import NIOCore
import Synchronization

/// How a C-FIND ended (PS3.4 §C.4.1.1.4): the final status and how many matches came before it.
public struct QueryOutcome: Sendable {
    public var status: DIMSEStatus
    public var matches: Int
    public var errorComment: String?
    /// Matches whose identifier could not be decoded (reported, not passed on).
    public var undecodable: Int
    /// This side sent C-CANCEL-RQ (PS3.7 §9.3.2.3).
    public var cancelled: Bool
}

extension DICOMAssociation {
    /// C-FIND (PS3.4 §C.4.1): sends `identifier` on the model's FIND context and passes each match
    /// (a Pending response's identifier, PS3.7 §9.1.2.1.6) to `onMatch` as it arrives, on the
    /// association's event loop, so memory stays bounded however many match. With `cancelAfter`,
    /// sends C-CANCEL-RQ after that many matches.
    public func find(_ identifier: DataSet, model: QueryRetrieveModel, cancelAfter: Int? = nil,
                     onMatch: @escaping @Sendable (DataSet) -> Void) async throws -> QueryOutcome {
        let sopClass = model.findSOPClassUID
        guard let pc = negotiated.context(for: sopClass) else { throw AssociationError.noPresentationContext(sopClassUID: sopClass) }
        let syntax = TransferSyntax.forUID(pc.transferSyntax)
        let bytes = ByteBuffer(bytes: try Part10Writer.encodeDataSet(identifier, as: syntax))
        struct Tally { var matches = 0; var undecodable = 0; var cancelled = false }
        let tally = Mutex(Tally())
        let contextID = pc.id
        let final = try await send(.queryRQ(.cFindRQ, messageID: 0, sopClassUID: sopClass), dataSet: bytes, contextID: contextID,
                                   onPending: { [self] m in
            guard let ds = try? m.dataSet?.decode(syntax: syntax) else {
                tally.withLock { $0.undecodable += 1 }
                return
            }
            let cancelNow = tally.withLock { t -> Bool in
                t.matches += 1
                guard let limit = cancelAfter, !t.cancelled, t.matches >= limit else { return false }
                t.cancelled = true
                return true
            }
            onMatch(ds)
            if cancelNow, let id = m.command.messageIDBeingRespondedTo { self.cancel(messageID: id, contextID: contextID) }
        })
        let t = tally.withLock { $0 }
        return QueryOutcome(status: final.command.status ?? .processingFailure, matches: t.matches,
                            errorComment: final.command.errorComment, undecodable: t.undecodable, cancelled: t.cancelled)
    }
}

extension QueryRetrieveModel {
    /// The presentation context that carries this model's C-FIND, C-MOVE or C-GET.
    public func context(_ field: CommandField) -> PresentationContextRQ {
        let uid = field == .cGetRQ ? getSOPClassUID : field == .cMoveRQ ? moveSOPClassUID : findSOPClassUID
        return PresentationContextRQ(id: 0, abstractSyntax: uid,
                                     transferSyntaxes: [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid])
    }
}
