import DICOM
import NIOCore

/// Lets the accepting side of an association invoke DIMSE operations on it (PS3.7 §D.3.3.4, PS3.8
/// §7.1): on a presentation context where SCP/SCU role selection gave the acceptor the SCU role
/// (the requestor accepted the SCP role), and N-EVENT-REPORT, which the SCP of a SOP class invokes
/// (PS3.7 §10.1.1; e.g. Printer status from a print SCP, PS3.4 §H.4.4). Services reach it through
/// `AssociationContext.requester`; responses come back on the same association.
public final class AssociationRequester: Sendable {
    let handler: NIOLoopBound<AssociationHandler>
    let eventLoop: EventLoop
    let contexts: [UInt8: AcceptedPresentationContext]

    init(handler: NIOLoopBound<AssociationHandler>, eventLoop: EventLoop, contexts: [UInt8: AcceptedPresentationContext]) {
        self.handler = handler; self.eventLoop = eventLoop; self.contexts = contexts
    }

    /// The context a request of `command` may go on, or nil when the acceptor may not invoke it.
    func context(for command: DIMSECommand) -> AcceptedPresentationContext? {
        guard let sopClass = command.sopClassUID else { return nil }
        let candidates = contexts.values.filter { $0.abstractSyntax == sopClass }.sorted { $0.id < $1.id }
        if command.field == .nEventReportRQ { return candidates.first }
        return candidates.first { $0.requestorIsSCP }
    }

    /// Sends a request (Message ID assigned here) and returns the final response command and its
    /// decoded data set. Throws `AssociationError.noPresentationContext` when the negotiated roles
    /// do not allow this side to invoke it, `.timeout` when no response comes within `timeout`.
    public func request(_ command: DIMSECommand, dataSet: DataSet? = nil, timeout: Double = 60) async throws -> (DIMSECommand, DataSet?) {
        guard let pc = context(for: command) else {
            throw AssociationError.noPresentationContext(sopClassUID: command.sopClassUID ?? "")
        }
        let syntax = TransferSyntax.forUID(pc.transferSyntax)
        var command = command
        command.hasDataSet = dataSet != nil
        let bytes = try dataSet.map { ByteBuffer(bytes: try Part10Writer.encodeDataSet($0, as: syntax)) }
        let promise = eventLoop.makePromise(of: DIMSEMessage.self)
        let handler = self.handler, sent = command
        eventLoop.execute { handler.value.request(sent, dataSet: bytes, contextID: pc.id, timeout: timeout, promise: promise) }
        let response = try await promise.futureResult.get()
        return (response.command, try response.dataSet?.decode(syntax: syntax))
    }
}
