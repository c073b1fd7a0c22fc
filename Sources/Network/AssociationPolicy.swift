import DICOM

/// How an SCP answers A-ASSOCIATE-RQ (PS3.8 §7.1.1, PS3.7 Annex D): declarative, checked by
/// `AssociationNegotiator` without any I/O.
public struct AssociationPolicy: Sendable {
    /// This application entity's title.
    public var aeTitle: String
    /// Called AE titles answered; nil accepts any. Default: only `aeTitle`.
    public var calledAETitles: Set<String>?
    /// Calling AE titles allowed; nil allows any caller.
    public var callingAETitles: Set<String>?
    /// Maximum Length announced (largest P-DATA-TF PDU this side receives), PS3.8 §D.1.
    public var maxPDULength: UInt32
    /// Associations served at once; further ones are rejected (transient, local limit exceeded).
    public var maxAssociations: Int
    /// Transfer syntaxes accepted, most preferred first, for services that do not name their own.
    public var transferSyntaxes: [String]
    /// SOP classes for which this side also takes the SCU role when a requestor proposes role
    /// reversal (PS3.7 §D.3.3.4).
    public var scuRoleSOPClasses: Set<String>
    /// Operations a requestor may have outstanding at once on one association when it proposes an
    /// Asynchronous Operations Window (PS3.7 §D.3.3.3); they are performed concurrently and each
    /// answered when done. 1 answers every proposal 1/1 (synchronous). Without a proposal the
    /// association is synchronous, as the default window is 1/1.
    public var maxOperationsInvoked: Int
    /// ARTIM timeout (PS3.8 §9.1.5): seconds to wait for A-ASSOCIATE-RQ and for the peer to close.
    public var artimTimeout: Double
    /// An established association with no inbound data for this long is aborted.
    public var idleTimeout: Double
    /// Reject an association that proposes nothing this side accepts, with A-ASSOCIATE-RJ
    /// (permanent, service user, no reason given; PS3.8 §7.1.1.9), instead of accepting it with
    /// no usable context. A print SCP answers a Color Print Management-only proposal so.
    public var rejectsWhenNothingAccepted = false

    public init(aeTitle: String, calledAETitles: Set<String>? = nil, callingAETitles: Set<String>? = nil,
                maxPDULength: UInt32 = 131_072, maxAssociations: Int = 64,
                transferSyntaxes: [String] = [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid],
                scuRoleSOPClasses: Set<String> = [], maxOperationsInvoked: Int = 16, artimTimeout: Double = 30,
                idleTimeout: Double = 300) {
        self.aeTitle = aeTitle
        self.calledAETitles = calledAETitles ?? [aeTitle]
        self.callingAETitles = callingAETitles
        self.maxPDULength = maxPDULength
        self.maxAssociations = maxAssociations
        self.transferSyntaxes = transferSyntaxes
        self.scuRoleSOPClasses = scuRoleSOPClasses
        self.maxOperationsInvoked = maxOperationsInvoked
        self.artimTimeout = artimTimeout
        self.idleTimeout = idleTimeout
    }

    /// Answers any called AE title.
    public var acceptingAnyCalledAETitle: AssociationPolicy {
        var p = self; p.calledAETitles = nil; return p
    }
}

/// A presentation context both sides agreed on.
public struct AcceptedPresentationContext: Equatable, Sendable {
    public var id: UInt8
    public var abstractSyntax: String
    public var transferSyntax: String
    /// The requestor may act as SCU / SCP on this context (PS3.7 §D.3.3.4).
    public var requestorIsSCU: Bool
    public var requestorIsSCP: Bool

    public init(id: UInt8, abstractSyntax: String, transferSyntax: String, requestorIsSCU: Bool = true, requestorIsSCP: Bool = false) {
        self.id = id; self.abstractSyntax = abstractSyntax; self.transferSyntax = transferSyntax
        self.requestorIsSCU = requestorIsSCU; self.requestorIsSCP = requestorIsSCP
    }
}

/// The outcome of negotiation for the association's lifetime.
public struct NegotiatedAssociation: Equatable, Sendable {
    public var callingAETitle: String
    public var calledAETitle: String
    /// Accepted contexts by ID.
    public var contexts: [UInt8: AcceptedPresentationContext]
    /// The peer's Maximum Length (0: unlimited); what this side's P-DATA-TF PDUs must not exceed.
    public var peerMaxPDULength: UInt32
    /// This side's Maximum Length.
    public var localMaxPDULength: UInt32
    public var peerImplementationClassUID: String?
    public var peerImplementationVersionName: String?
    public var userIdentity: UserIdentityRQ?
    /// The Asynchronous Operations Window in force (PS3.7 §D.3.3.3): how many operations the
    /// requestor may invoke, and perform, at once; 0 is unlimited. 1/1 when none was negotiated.
    public var operationsWindow: AsyncOperationsWindow = .synchronous

    /// The first accepted context for `abstractSyntax`, preferring `transferSyntax` when given.
    public func context(for abstractSyntax: String, transferSyntax: String? = nil) -> AcceptedPresentationContext? {
        let candidates = contexts.values.filter { $0.abstractSyntax == abstractSyntax }.sorted { $0.id < $1.id }
        if let ts = transferSyntax, let exact = candidates.first(where: { $0.transferSyntax == ts }) { return exact }
        return candidates.first
    }
}
