/// Failures of an association as a whole, PS3.8 §7 (one error type for the association layer).
public enum AssociationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The acceptor answered A-ASSOCIATE-RJ.
    case rejected(AssociateRJ)
    /// The peer sent A-ABORT, or the provider aborted on a protocol error.
    case aborted(AbortPDU)
    /// The transport closed before the operation completed.
    case connectionClosed
    /// No TCP connection could be made to the peer.
    case cannotConnect(peer: String, reason: String)
    /// No answer in time (association establishment, DIMSE response, release).
    case timeout(String)
    /// No accepted presentation context for a SOP class / transfer syntax.
    case noPresentationContext(sopClassUID: String)
    /// The operation is not allowed in the current state (PS3.8 Table 9-10 blank cell).
    case invalidState(String)
    /// A protocol violation detected locally; the association was aborted.
    case protocolError(String)

    public var description: String {
        switch self {
        case .rejected(let rj): return "association rejected: \(rj)"
        case .aborted(let a): return "association aborted: \(a)"
        case .connectionClosed: return "connection closed by peer"
        case .cannotConnect(let peer, let reason): return "cannot connect to \(peer): \(reason)"
        case .timeout(let what): return "timed out waiting for \(what)"
        case .noPresentationContext(let uid): return "no accepted presentation context for \(uid)"
        case .invalidState(let s): return "not allowed in state \(s)"
        case .protocolError(let s): return "protocol error: \(s)"
        }
    }
}

/// Something that happened on a server's associations, for logging and monitoring.
public enum AssociationEvent: Sendable {
    case accepted(id: Int, callingAETitle: String, calledAETitle: String, peer: String, acceptedContexts: Int)
    case rejected(peer: String, callingAETitle: String, calledAETitle: String, reason: AssociateRJ)
    case request(id: Int, command: DIMSECommand)
    case response(id: Int, command: DIMSECommand)
    case released(id: Int)
    case aborted(id: Int?, peer: String, reason: String)
    case closed(id: Int?, peer: String)
}
