import DICOM
import Network

/// Basic Film Box SOP Class SCP (PS3.4 §H.4.2), a member of the grayscale print meta SOP class.
public struct FilmBoxService: DIMSEService {
    let server: PrintServerContext
    public var sopClassUIDs: [String] { [UIDs.basicFilmBox] }

    /// N-CREATE (§H.4.2.2.1): image boxes for every position of the format; densities outside the
    /// printer's range are replaced by its own, with warning B605.
    public func nCreate(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        var attributes = try request.attributes()
        let clamped = clampDensities(&attributes)
        var r = context.printAssociation(server).session.withLock {
            $0.createFilmBox(uid: request.command.affectedSOPInstanceUID, attributes: attributes, defaults: server.printer.filmBoxDefaults,
                             check: server.printer.check(filmBox:))
        }
        if clamped && r.status.isSuccess { r.status = PrintStatus.densityOutOfRange; r.errorComment = "Min/Max Density outside the printer's range: its own are used" }
        return r
    }

    public func nSet(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        var attributes = try request.attributes()
        let clamped = clampDensities(&attributes)
        var r = context.printAssociation(server).session.withLock { $0.setFilmBox(uid: request.command.sopInstanceUID ?? "", attributes: attributes,
                                                                                    check: server.printer.check(filmBox:)) }
        if clamped && r.status.isSuccess { r.status = PrintStatus.densityOutOfRange }
        return r
    }

    /// N-ACTION Print (§H.4.2.2.4): this film box, spooled durably before Success is answered.
    public func nAction(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        guard request.command.actionTypeID == 1 else { return DIMSEResponse(status: .noSuchActionType) }
        let (response, film, session) = context.printAssociation(server).session.withLock { s in
            let (r, f) = s.printFilmBox(uid: request.command.sopInstanceUID ?? "")
            return (r, f, s)
        }
        guard let film, !response.status.isFailure else { return response }
        return try await PrintSubmission.submit(films: [film], session: session, status: response.status, context: context,
                                                server: server, failure: PrintStatus.filmBoxQueueFull)
    }

    public func nDelete(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        context.printAssociation(server).session.withLock { $0.deleteFilmBox(uid: request.command.sopInstanceUID ?? "") }
    }

    /// Replaces a Min or Max Density outside the printer's range by the range's end; true when it did.
    func clampDensities(_ ds: inout DataSet) -> Bool {
        var clamped = false
        let range = server.printer.densityRange
        for tag in [Tag.minDensity, .maxDensity] {
            guard let v = ds.int(tag), !range.contains(v) else { continue }
            ds.set(tag, uint16: UInt16(v < range.lowerBound ? range.lowerBound : range.upperBound))
            clamped = true
        }
        return clamped
    }
}
