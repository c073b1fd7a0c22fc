/// A DIMSE status code, PS3.7 Annex C, with the standard's names.
public struct DIMSEStatus: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// Status classes, PS3.7 §C.1.
    public enum Category: Sendable { case success, warning, failure, cancel, pending }

    public var category: Category {
        switch rawValue {
        case 0x0000: return .success
        case 0x0001, 0x0107, 0x0116, 0xB000 ... 0xBFFF: return .warning
        case 0xFE00: return .cancel
        case 0xFF00, 0xFF01: return .pending
        default: return .failure
        }
    }

    public var isSuccess: Bool { category == .success }
    public var isFailure: Bool { category == .failure }

    // PS3.7 §C.1 and C.3 (general), C.4 ff. (per service)
    public static let success = DIMSEStatus(0x0000)
    public static let cancel = DIMSEStatus(0xFE00)
    public static let pending = DIMSEStatus(0xFF00)
    public static let pendingWarning = DIMSEStatus(0xFF01)
    public static let attributeListError = DIMSEStatus(0x0107)
    public static let attributeValueOutOfRange = DIMSEStatus(0x0116)
    public static let coercionOfDataElements = DIMSEStatus(0xB000)
    public static let dataSetDoesNotMatchSOPClassWarning = DIMSEStatus(0xB007)
    public static let elementsDiscarded = DIMSEStatus(0xB006)
    public static let noSuchAttribute = DIMSEStatus(0x0105)
    public static let invalidAttributeValue = DIMSEStatus(0x0106)
    public static let processingFailure = DIMSEStatus(0x0110)
    public static let duplicateSOPInstance = DIMSEStatus(0x0111)
    public static let noSuchObjectInstance = DIMSEStatus(0x0112)
    public static let noSuchEventType = DIMSEStatus(0x0113)
    public static let noSuchArgument = DIMSEStatus(0x0114)
    public static let invalidArgumentValue = DIMSEStatus(0x0115)
    public static let invalidObjectInstance = DIMSEStatus(0x0117)
    public static let noSuchSOPClass = DIMSEStatus(0x0118)
    public static let classInstanceConflict = DIMSEStatus(0x0119)
    public static let missingAttribute = DIMSEStatus(0x0120)
    public static let missingAttributeValue = DIMSEStatus(0x0121)
    public static let sopClassNotSupported = DIMSEStatus(0x0122)
    public static let noSuchActionType = DIMSEStatus(0x0123)
    public static let notAuthorized = DIMSEStatus(0x0124)
    public static let duplicateInvocation = DIMSEStatus(0x0210)
    public static let unrecognizedOperation = DIMSEStatus(0x0211)
    public static let mistypedArgument = DIMSEStatus(0x0212)
    public static let resourceLimitation = DIMSEStatus(0x0213)
    /// C-STORE: Refused: Out of Resources (A7xx), PS3.4 §B.2.3.
    public static let outOfResources = DIMSEStatus(0xA700)
    /// C-MOVE: Refused: Move Destination unknown (PS3.4 §C.4.2.1.5).
    public static let moveDestinationUnknown = DIMSEStatus(0xA801)
    /// C-STORE: Error: Data Set does not match SOP Class (A9xx).
    public static let dataSetDoesNotMatchSOPClass = DIMSEStatus(0xA900)
    /// C-STORE: Error: Cannot understand (Cxxx).
    public static let cannotUnderstand = DIMSEStatus(0xC000)

    static let names: [UInt16: String] = [
        0x0000: "Success", 0xFE00: "Cancel", 0xFF00: "Pending", 0xFF01: "Pending (warning)",
        0x0107: "Attribute List Error", 0x0116: "Attribute Value Out of Range", 0xB000: "Coercion of Data Elements",
        0xB007: "Data Set does not match SOP Class", 0xB006: "Elements Discarded",
        0x0105: "No Such Attribute", 0x0106: "Invalid Attribute Value", 0x0110: "Processing Failure",
        0x0111: "Duplicate SOP Instance", 0x0112: "No Such Object Instance", 0x0113: "No Such Event Type",
        0x0114: "No Such Argument", 0x0115: "Invalid Argument Value", 0x0117: "Invalid Object Instance",
        0x0118: "No Such SOP Class", 0x0119: "Class-Instance Conflict", 0x0120: "Missing Attribute",
        0x0121: "Missing Attribute Value", 0x0122: "SOP Class Not Supported", 0x0123: "No Such Action Type",
        0x0124: "Not Authorized", 0x0210: "Duplicate Invocation", 0x0211: "Unrecognized Operation",
        0x0212: "Mistyped Argument", 0x0213: "Resource Limitation", 0xA700: "Refused: Out of Resources",
        0xA801: "Refused: Move Destination unknown",
        0xA900: "Error: Data Set does not match SOP Class", 0xC000: "Error: Cannot Understand",
    ]

    public var name: String {
        if let n = Self.names[rawValue] { return n }
        switch rawValue {
        case 0xA700 ... 0xA7FF: return "Refused: Out of Resources"
        case 0xA900 ... 0xA9FF: return "Error: Data Set does not match SOP Class"
        case 0xC000 ... 0xCFFF: return "Error: Cannot Understand"
        default:
            switch category {
            case .warning: return "Warning"
            case .failure: return "Failure"
            default: return "Status"
            }
        }
    }

    public var description: String {
        let hex = String(rawValue, radix: 16, uppercase: true)
        return "\(name) (0x\(String(repeating: "0", count: 4 - hex.count) + hex))"
    }
}
