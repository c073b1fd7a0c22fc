/// The services of one side by SOP class; drives presentation context acceptance (its SOP classes
/// and meta SOP classes are the abstract syntaxes accepted) and `DIMSEDispatcher`'s routing.
public struct ServiceRegistry: Sendable {
    private var bySOPClass: [String: any DIMSEService] = [:]
    private var order: [String] = []
    /// Member SOP classes by meta SOP class UID (PS3.4 §H.3.1).
    private var members: [String: Set<String>] = [:]
    /// Each registered service once, in registration order (for the association lifecycle calls).
    public private(set) var services: [any DIMSEService] = []

    public init(_ services: [any DIMSEService] = []) {
        for s in services { register(s) }
    }

    /// Registers a service for its SOP classes and meta SOP classes (a later registration replaces
    /// an earlier one for the same UID).
    public mutating func register(_ service: any DIMSEService) {
        func claim(_ uid: String) {
            if bySOPClass[uid] == nil { order.append(uid) }
            bySOPClass[uid] = service
        }
        for uid in service.sopClassUIDs { claim(uid) }
        for meta in service.metaSOPClasses {
            claim(meta.uid)
            members[meta.uid, default: []].formUnion(meta.memberSOPClassUIDs)
            for uid in meta.memberSOPClassUIDs where bySOPClass[uid] == nil { bySOPClass[uid] = service }
        }
        services.append(service)
    }

    public func service(for sopClassUID: String) -> (any DIMSEService)? { bySOPClass[sopClassUID] }
    /// The abstract syntaxes accepted: SOP classes and meta SOP classes.
    public var sopClassUIDs: [String] { order }
    public var isEmpty: Bool { order.isEmpty }

    /// Whether a request for `sopClassUID` may come on a presentation context whose abstract syntax
    /// is `abstractSyntax`: the same SOP class, or a member of that meta SOP class.
    public func sopClass(_ sopClassUID: String, belongsTo abstractSyntax: String) -> Bool {
        sopClassUID == abstractSyntax || members[abstractSyntax]?.contains(sopClassUID) == true
    }
}
