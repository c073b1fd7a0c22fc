import DICOM

/// Why a film could not be handed to a destination, or a destination could not be set up.
public enum FilmDeliveryError: FilmDeliveryFailure, Sendable, CustomStringConvertible, Equatable {
    /// An address that is not `AE@host:port`.
    case invalidAddress(String, reason: String)
    /// A destination name unfit for an outbox folder, or used twice.
    case invalidDestinationName(String)
    /// The outbox could not be written or read.
    case outbox(path: String, reason: String)
    /// The film's record is gone from the spool (`done/` or `queue/`).
    case filmRecordMissing(path: String, reason: String)
    /// No association: nothing listens, the host is unreachable, or the peer rejected or aborted.
    case unreachable(peer: String, reason: String)
    /// The peer accepted the association but not the SOP class of the film.
    case sopClassNotAccepted(peer: String, sopClassUID: String)
    /// The peer answered the C-STORE with a failure status (PS3.4 §B.2.3).
    case refused(peer: String, status: UInt16, comment: String?)

    public var destinationUnavailable: Bool {
        switch self {
        case .unreachable, .sopClassNotAccepted: return true
        // Refused: Out of Resources (A7xx) concerns every film; other refusals only this one.
        case .refused(_, let status, _): return status & 0xFF00 == 0xA700
        default: return false
        }
    }

    public var description: String {
        switch self {
        case let .invalidAddress(s, reason):
            return "'\(s)' is not a DICOM address of the form AE@host:port: \(reason)"
        case let .invalidDestinationName(n):
            return "'\(n)' cannot name a film destination: use 1-64 letters, digits, '-', '_' or '.', once each"
        case let .outbox(path, reason):
            return "cannot update the film outbox \(path): \(reason) (is the spool disk full or read-only?)"
        case let .filmRecordMissing(path, reason):
            return "the spooled film \(path) cannot be read (\(reason)); restore it from a backup, or delete its outbox entry to give up on it"
        // The three below follow the peer's name in log lines: "not delivered to AE@host:port: …".
        case let .unreachable(_, reason):
            return "no association: \(reason)"
        case let .sopClassNotAccepted(_, uid):
            return "the peer does not accept \(UIDRegistry.name(for: uid) ?? uid) (\(uid)); configure it to store Secondary Capture images"
        case let .refused(_, status, comment):
            let hex = String(status, radix: 16, uppercase: true)
            return "refused with status \(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)H"
                + (comment.map { ": \($0)" } ?? "") + " (PS3.4 §B.2.3); the archive's log says why"
        }
    }
}
