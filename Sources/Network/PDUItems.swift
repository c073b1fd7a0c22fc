/// Presentation Context item of an A-ASSOCIATE-RQ, PS3.8 §9.3.2.2 (item type 20H).
public struct PresentationContextRQ: Equatable, Sendable {
    /// Odd, 1-255.
    public var id: UInt8
    public var abstractSyntax: String
    public var transferSyntaxes: [String]

    public init(id: UInt8, abstractSyntax: String, transferSyntaxes: [String]) {
        self.id = id; self.abstractSyntax = abstractSyntax; self.transferSyntaxes = transferSyntaxes
    }
}

/// Result of a presentation context negotiation, PS3.8 Table 9-18.
public enum PresentationContextResult: UInt8, Sendable, CustomStringConvertible {
    case acceptance = 0
    case userRejection = 1
    case noReason = 2
    case abstractSyntaxNotSupported = 3
    case transferSyntaxesNotSupported = 4

    public var description: String {
        switch self {
        case .acceptance: return "accepted"
        case .userRejection: return "user rejection"
        case .noReason: return "no reason (provider rejection)"
        case .abstractSyntaxNotSupported: return "abstract syntax not supported"
        case .transferSyntaxesNotSupported: return "transfer syntaxes not supported"
        }
    }
}

/// Presentation Context item of an A-ASSOCIATE-AC, PS3.8 §9.3.3.2 (item type 21H).
public struct PresentationContextAC: Equatable, Sendable {
    public var id: UInt8
    /// Raw result/reason byte; see `PresentationContextResult`.
    public var resultCode: UInt8
    /// The accepted transfer syntax; "significant only when accepted" (PS3.8 Table 9-18).
    public var transferSyntax: String

    public init(id: UInt8, result: PresentationContextResult, transferSyntax: String) {
        self.id = id; self.resultCode = result.rawValue; self.transferSyntax = transferSyntax
    }

    public init(id: UInt8, resultCode: UInt8, transferSyntax: String) {
        self.id = id; self.resultCode = resultCode; self.transferSyntax = transferSyntax
    }

    public var result: PresentationContextResult? { PresentationContextResult(rawValue: resultCode) }
}

/// SCP/SCU Role Selection sub-item, PS3.7 §D.3.3.4 (type 54H).
public struct RoleSelection: Equatable, Sendable {
    public var sopClassUID: String
    public var scuRole: Bool
    public var scpRole: Bool
    public init(sopClassUID: String, scuRole: Bool, scpRole: Bool) {
        self.sopClassUID = sopClassUID; self.scuRole = scuRole; self.scpRole = scpRole
    }
}

/// SOP Class Extended Negotiation sub-item, PS3.7 §D.3.3.5 (type 56H).
public struct SOPClassExtendedNegotiation: Equatable, Sendable {
    public var sopClassUID: String
    public var serviceClassApplicationInformation: [UInt8]
    public init(sopClassUID: String, serviceClassApplicationInformation: [UInt8]) {
        self.sopClassUID = sopClassUID; self.serviceClassApplicationInformation = serviceClassApplicationInformation
    }
}

/// SOP Class Common Extended Negotiation sub-item, PS3.7 §D.3.3.6 (type 57H).
public struct SOPClassCommonExtendedNegotiation: Equatable, Sendable {
    public var sopClassUID: String
    public var serviceClassUID: String
    public var relatedGeneralSOPClassUIDs: [String]
    public init(sopClassUID: String, serviceClassUID: String, relatedGeneralSOPClassUIDs: [String] = []) {
        self.sopClassUID = sopClassUID; self.serviceClassUID = serviceClassUID
        self.relatedGeneralSOPClassUIDs = relatedGeneralSOPClassUIDs
    }
}

/// User Identity Negotiation sub-item (RQ), PS3.7 §D.3.3.7.1 (type 58H).
public struct UserIdentityRQ: Equatable, Sendable {
    /// 1 username, 2 username and passcode, 3 Kerberos, 4 SAML, 5 JWT.
    public var type: UInt8
    public var positiveResponseRequested: Bool
    public var primaryField: [UInt8]
    public var secondaryField: [UInt8]
    public init(type: UInt8, positiveResponseRequested: Bool, primaryField: [UInt8], secondaryField: [UInt8] = []) {
        self.type = type; self.positiveResponseRequested = positiveResponseRequested
        self.primaryField = primaryField; self.secondaryField = secondaryField
    }
}

/// User Information item, PS3.8 §9.3.2.3 and PS3.7 Annex D.3.3 (item type 50H).
public struct UserInformation: Equatable, Sendable {
    /// Maximum Length sub-item (51H, PS3.8 §D.1): the largest P-DATA-TF PDU length the sender
    /// receives; 0 means unlimited.
    public var maxPDULength: UInt32?
    /// Implementation Class UID (52H, PS3.7 §D.3.3.2).
    public var implementationClassUID: String?
    /// Implementation Version Name (55H).
    public var implementationVersionName: String?
    /// Asynchronous Operations Window (53H, PS3.7 §D.3.3.3): invoked, performed.
    public var asyncOperationsWindow: AsyncOperationsWindow?
    public var roleSelections: [RoleSelection] = []
    public var extendedNegotiations: [SOPClassExtendedNegotiation] = []
    public var commonExtendedNegotiations: [SOPClassCommonExtendedNegotiation] = []
    /// User Identity (58H) in a request.
    public var userIdentity: UserIdentityRQ?
    /// User Identity server response (59H) in an accept.
    public var userIdentityResponse: [UInt8]?

    public init(maxPDULength: UInt32? = nil, implementationClassUID: String? = nil, implementationVersionName: String? = nil) {
        self.maxPDULength = maxPDULength; self.implementationClassUID = implementationClassUID
        self.implementationVersionName = implementationVersionName
    }
}

public struct AsyncOperationsWindow: Equatable, Sendable {
    public var maxInvoked: UInt16
    public var maxPerformed: UInt16
    public init(maxInvoked: UInt16, maxPerformed: UInt16) { self.maxInvoked = maxInvoked; self.maxPerformed = maxPerformed }
    /// The default window, one operation at a time each way (PS3.7 §D.3.3.3.1).
    public static let synchronous = AsyncOperationsWindow(maxInvoked: 1, maxPerformed: 1)
}
