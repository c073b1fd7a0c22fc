import NIOCore

/// A protocol data unit of the DICOM Upper Layer, PS3.8 §9.3.
///
/// One case per PDU type (PS3.8 Table 9-1 ff.), plus `unknown` for a type this implementation does
/// not know, which the state machine treats as Evt19 (unrecognised PDU).
public enum PDU: Equatable, Sendable {
    case associateRQ(AssociateRQ)
    case associateAC(AssociateAC)
    case associateRJ(AssociateRJ)
    case pData(PDataTF)
    case releaseRQ
    case releaseRP
    case abort(AbortPDU)
    case unknown(type: UInt8, length: UInt32)

    /// The PDU-type byte (PS3.8 §9.3.1).
    public var typeCode: UInt8 {
        switch self {
        case .associateRQ: return 0x01
        case .associateAC: return 0x02
        case .associateRJ: return 0x03
        case .pData: return 0x04
        case .releaseRQ: return 0x05
        case .releaseRP: return 0x06
        case .abort: return 0x07
        case .unknown(let t, _): return t
        }
    }

    public var name: String {
        switch self {
        case .associateRQ: return "A-ASSOCIATE-RQ"
        case .associateAC: return "A-ASSOCIATE-AC"
        case .associateRJ: return "A-ASSOCIATE-RJ"
        case .pData: return "P-DATA-TF"
        case .releaseRQ: return "A-RELEASE-RQ"
        case .releaseRP: return "A-RELEASE-RP"
        case .abort: return "A-ABORT"
        case .unknown(let t, _): return "unknown PDU type 0x\(String(t, radix: 16))"
        }
    }
}

/// The DICOM Application Context Name, PS3.7 Annex A.2.1.
public let dicomApplicationContextName = "1.2.840.10008.3.1.1.1"

/// A-ASSOCIATE-RQ PDU, PS3.8 §9.3.2.
public struct AssociateRQ: Equatable, Sendable {
    public var protocolVersion: UInt16 = 1
    /// Called AE Title (bytes 11-26), without padding.
    public var calledAETitle: String
    /// Calling AE Title (bytes 27-42), without padding.
    public var callingAETitle: String
    public var applicationContextName: String = dicomApplicationContextName
    public var presentationContexts: [PresentationContextRQ]
    public var userInformation: UserInformation

    public init(calledAETitle: String, callingAETitle: String, applicationContextName: String = dicomApplicationContextName,
                presentationContexts: [PresentationContextRQ], userInformation: UserInformation, protocolVersion: UInt16 = 1) {
        self.calledAETitle = calledAETitle; self.callingAETitle = callingAETitle
        self.applicationContextName = applicationContextName; self.presentationContexts = presentationContexts
        self.userInformation = userInformation; self.protocolVersion = protocolVersion
    }
}

/// A-ASSOCIATE-AC PDU, PS3.8 §9.3.3. The AE title fields are reserved but sent as in the request.
public struct AssociateAC: Equatable, Sendable {
    public var protocolVersion: UInt16 = 1
    public var calledAETitle: String
    public var callingAETitle: String
    public var applicationContextName: String = dicomApplicationContextName
    public var presentationContexts: [PresentationContextAC]
    public var userInformation: UserInformation

    public init(calledAETitle: String, callingAETitle: String, applicationContextName: String = dicomApplicationContextName,
                presentationContexts: [PresentationContextAC], userInformation: UserInformation, protocolVersion: UInt16 = 1) {
        self.calledAETitle = calledAETitle; self.callingAETitle = callingAETitle
        self.applicationContextName = applicationContextName; self.presentationContexts = presentationContexts
        self.userInformation = userInformation; self.protocolVersion = protocolVersion
    }
}

/// A-ASSOCIATE-RJ PDU, PS3.8 §9.3.4.
public struct AssociateRJ: Equatable, Sendable, CustomStringConvertible {
    /// 1 rejected-permanent, 2 rejected-transient.
    public var result: UInt8
    /// 1 service-user, 2 service-provider (ACSE), 3 service-provider (presentation).
    public var source: UInt8
    public var reason: UInt8

    public init(result: UInt8, source: UInt8, reason: UInt8) {
        self.result = result; self.source = source; self.reason = reason
    }

    public static let calledAETitleNotRecognized = AssociateRJ(result: 1, source: 1, reason: 7)
    public static let callingAETitleNotRecognized = AssociateRJ(result: 1, source: 1, reason: 3)
    public static let applicationContextNotSupported = AssociateRJ(result: 1, source: 1, reason: 2)
    public static let noReasonGiven = AssociateRJ(result: 1, source: 1, reason: 1)
    public static let protocolVersionNotSupported = AssociateRJ(result: 1, source: 2, reason: 2)
    public static let temporaryCongestion = AssociateRJ(result: 2, source: 3, reason: 1)
    public static let localLimitExceeded = AssociateRJ(result: 2, source: 3, reason: 2)

    public var description: String {
        let r = result == 1 ? "rejected-permanent" : result == 2 ? "rejected-transient" : "result \(result)"
        let why: String
        switch (source, reason) {
        case (1, 1): why = "no reason given"
        case (1, 2): why = "application context name not supported"
        case (1, 3): why = "calling AE title not recognized"
        case (1, 7): why = "called AE title not recognized"
        case (2, 1): why = "no reason given (ACSE)"
        case (2, 2): why = "protocol version not supported"
        case (3, 1): why = "temporary congestion"
        case (3, 2): why = "local limit exceeded"
        default: why = "source \(source) reason \(reason)"
        }
        return "\(r): \(why)"
    }
}

/// A-ABORT PDU, PS3.8 §9.3.8.
public struct AbortPDU: Equatable, Sendable, CustomStringConvertible {
    /// 0 service-user, 2 service-provider.
    public var source: UInt8
    /// For source 2: 0 not specified, 1 unrecognized PDU, 2 unexpected PDU, 4 unrecognized PDU
    /// parameter, 5 unexpected PDU parameter, 6 invalid PDU parameter value.
    public var reason: UInt8

    public init(source: UInt8, reason: UInt8) { self.source = source; self.reason = reason }

    public static let serviceUser = AbortPDU(source: 0, reason: 0)
    public static let unrecognizedPDU = AbortPDU(source: 2, reason: 1)
    public static let unexpectedPDU = AbortPDU(source: 2, reason: 2)
    public static let invalidPDUParameter = AbortPDU(source: 2, reason: 6)
    public static let providerNotSpecified = AbortPDU(source: 2, reason: 0)

    public var description: String { "A-ABORT (source \(source), reason \(reason))" }
}

/// P-DATA-TF PDU, PS3.8 §9.3.5: one or more presentation data values.
public struct PDataTF: Equatable, Sendable {
    public var values: [PresentationDataValue]
    public init(values: [PresentationDataValue]) { self.values = values }
}

/// A presentation data value item, PS3.8 §9.3.5.1 and Annex E.2 (message control header).
public struct PresentationDataValue: Equatable, Sendable {
    public var contextID: UInt8
    /// Bit 0 of the message control header: a command fragment (else data set).
    public var isCommand: Bool
    /// Bit 1: the last fragment of the command or data set.
    public var isLast: Bool
    public var data: ByteBuffer

    public init(contextID: UInt8, isCommand: Bool, isLast: Bool, data: ByteBuffer) {
        self.contextID = contextID; self.isCommand = isCommand; self.isLast = isLast; self.data = data
    }

    var controlHeader: UInt8 { (isCommand ? 1 : 0) | (isLast ? 2 : 0) }
}
