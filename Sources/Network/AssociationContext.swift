import Logging
import NIOCore
import Synchronization

/// What a service knows about the association a request came on. Services never see a channel.
public struct AssociationContext: Sendable {
    public var associationID: Int
    public var callingAETitle: String
    public var calledAETitle: String
    public var peerAddress: String
    public var acceptedContexts: [UInt8: AcceptedPresentationContext]
    public var userIdentity: UserIdentityRQ?
    /// State the services of this association keep for it (e.g. a film session), under typed keys.
    public var state: AssociationState
    /// On the accepting side: sends requests back on this association where the negotiated roles
    /// allow (SCU role by role selection, or N-EVENT-REPORT); nil on the requesting side.
    public var requester: AssociationRequester? = nil
    /// The association's event loop: a sub-association opened with `openSubAssociation` runs on it.
    public var eventLoop: EventLoop? = nil

    /// Opens a second association from this side (PS3.4 §C.4.2: C-MOVE stores its matches on a new
    /// association to the move destination, with this side as requestor), on this association's
    /// event loop. The caller releases it.
    public func openSubAssociation(_ client: DICOMClient, contexts: [PresentationContextRQ],
                                   roleSelections: [RoleSelection] = []) async throws -> DICOMAssociation {
        if let eventLoop {
            return try await client.associate(contexts: contexts, roleSelections: roleSelections, group: eventLoop)
        }
        return try await client.associate(contexts: contexts, roleSelections: roleSelections)
    }
}

/// Why an association ended, as its services are told (PS3.8 §7.2-§7.4).
public enum AssociationEndReason: Sendable, Equatable {
    /// A-RELEASE completed (PS3.8 §7.2).
    case released
    /// A-ABORT or A-P-ABORT, sent or received, or the connection closed without a release (§7.3, §7.4).
    case aborted
    /// This side gave up waiting: ARTIM or the idle limit expired (PS3.8 §9.1.5).
    case timedOut
}

/// A key for a value kept in `AssociationState`: its type names the entry and fixes the type of
/// its value, e.g. `enum FilmSessionKey: AssociationStateKey { typealias Value = FilmSession }`.
public protocol AssociationStateKey {
    associatedtype Value: Sendable
}

/// Per-association state services keep (e.g. a print session), shared by the services of one
/// association and released with it. Entries are typed by their key (`AssociationStateKey`): a
/// service reads back the type it stored, without casts or string names.
public final class AssociationState: Sendable {
    // A Mutex lives inside the object: one allocation per association, not two as with NSLock.
    private let values = Mutex<[ObjectIdentifier: any Sendable]>([:])
    public init() {}

    public subscript<Key: AssociationStateKey>(key: Key.Type) -> Key.Value? {
        get { values.withLock { $0[ObjectIdentifier(key)] as? Key.Value } }
        set { values.withLock { $0[ObjectIdentifier(key)] = newValue } }
    }

    /// Drops every entry (the association ended).
    func removeAll() { values.withLock { $0.removeAll() } }
}
