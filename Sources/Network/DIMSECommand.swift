import DICOM

/// The Command Field (0000,0100) values, PS3.7 §E.1 Table E.1-1.
public enum CommandField: UInt16, Sendable, CustomStringConvertible {
    case cStoreRQ = 0x0001, cStoreRSP = 0x8001
    case cGetRQ = 0x0010, cGetRSP = 0x8010
    case cFindRQ = 0x0020, cFindRSP = 0x8020
    case cMoveRQ = 0x0021, cMoveRSP = 0x8021
    case cEchoRQ = 0x0030, cEchoRSP = 0x8030
    case nEventReportRQ = 0x0100, nEventReportRSP = 0x8100
    case nGetRQ = 0x0110, nGetRSP = 0x8110
    case nSetRQ = 0x0120, nSetRSP = 0x8120
    case nActionRQ = 0x0130, nActionRSP = 0x8130
    case nCreateRQ = 0x0140, nCreateRSP = 0x8140
    case nDeleteRQ = 0x0150, nDeleteRSP = 0x8150
    case cCancelRQ = 0x0FFF

    public var isRequest: Bool { rawValue & 0x8000 == 0 }
    /// The response that answers this request.
    public var response: CommandField? { isRequest ? CommandField(rawValue: rawValue | 0x8000) : nil }

    public var description: String {
        switch self {
        case .cStoreRQ: return "C-STORE-RQ"
        case .cStoreRSP: return "C-STORE-RSP"
        case .cGetRQ: return "C-GET-RQ"
        case .cGetRSP: return "C-GET-RSP"
        case .cFindRQ: return "C-FIND-RQ"
        case .cFindRSP: return "C-FIND-RSP"
        case .cMoveRQ: return "C-MOVE-RQ"
        case .cMoveRSP: return "C-MOVE-RSP"
        case .cEchoRQ: return "C-ECHO-RQ"
        case .cEchoRSP: return "C-ECHO-RSP"
        case .nEventReportRQ: return "N-EVENT-REPORT-RQ"
        case .nEventReportRSP: return "N-EVENT-REPORT-RSP"
        case .nGetRQ: return "N-GET-RQ"
        case .nGetRSP: return "N-GET-RSP"
        case .nSetRQ: return "N-SET-RQ"
        case .nSetRSP: return "N-SET-RSP"
        case .nActionRQ: return "N-ACTION-RQ"
        case .nActionRSP: return "N-ACTION-RSP"
        case .nCreateRQ: return "N-CREATE-RQ"
        case .nCreateRSP: return "N-CREATE-RSP"
        case .nDeleteRQ: return "N-DELETE-RQ"
        case .nDeleteRSP: return "N-DELETE-RSP"
        case .cCancelRQ: return "C-CANCEL-RQ"
        }
    }
}

/// Errors in a DIMSE command set, PS3.7 §9.3 and §10.3.
public enum DIMSEError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformedCommandSet(reason: String)
    case unknownCommandField(UInt16)
    case missingField(command: String, tag: Tag)
    case unexpectedFragment(reason: String)
    case dataSetTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .malformedCommandSet(let r): return "malformed command set: \(r)"
        case .unknownCommandField(let f): return "unknown command field 0x\(String(f, radix: 16))"
        case .missingField(let c, let t): return "\(c) lacks required (\(String(t.group, radix: 16)),\(String(t.element, radix: 16)))"
        case .unexpectedFragment(let r): return "unexpected P-DATA fragment: \(r)"
        case .dataSetTooLarge(let l): return "data set larger than \(l) bytes"
        }
    }
}

/// A DIMSE command set (group 0000), PS3.7 §9.3 (DIMSE-C) and §10.3 (DIMSE-N).
///
/// One struct for every command: the `field` says which; the optional fields are the command
/// elements, and `init(encoded:)` checks those PS3.7 makes mandatory for that command. Build
/// commands with the static constructors (`.cEchoRQ(...)`, `.cStoreRSP(...)`, …).
public struct DIMSECommand: Equatable, Sendable {
    public var field: CommandField
    public var messageID: UInt16?
    public var messageIDBeingRespondedTo: UInt16?
    public var affectedSOPClassUID: String?
    public var affectedSOPInstanceUID: String?
    public var requestedSOPClassUID: String?
    public var requestedSOPInstanceUID: String?
    /// (0000,0700): 0 medium, 1 high, 2 low.
    public var priority: UInt16?
    /// (0000,0800) is not 0101H: a data set follows.
    public var hasDataSet: Bool
    public var status: DIMSEStatus?
    public var errorComment: String?
    public var errorID: UInt16?
    public var offendingElements: [Tag] = []
    public var attributeIdentifierList: [Tag] = []
    public var eventTypeID: UInt16?
    public var actionTypeID: UInt16?
    /// Move Destination (0000,0600): the AE title a C-MOVE sends its sub-operations to (PS3.7 §9.3.4.1).
    public var moveDestination: String?
    /// Move Originator Application Entity Title (0000,1030) and Message ID (0000,1031) of the
    /// C-STORE sub-operations of a C-MOVE (PS3.7 §9.3.1.1).
    public var moveOriginatorAETitle: String?
    public var moveOriginatorMessageID: UInt16?
    /// C-GET / C-MOVE responses: (0000,1020)-(0000,1023), PS3.7 §9.3.3.2, §9.3.4.2.
    public var subOperations: SubOperationCounts?

    public init(field: CommandField, hasDataSet: Bool = false) {
        self.field = field; self.hasDataSet = hasDataSet
    }

    /// The SOP class the command is about: Affected, else Requested (N-SET/N-GET/N-ACTION/N-DELETE).
    public var sopClassUID: String? { affectedSOPClassUID ?? requestedSOPClassUID }
    public var sopInstanceUID: String? { affectedSOPInstanceUID ?? requestedSOPInstanceUID }

    // MARK: Constructors, PS3.7 §9.3 and §10.3

    public static func cEchoRQ(messageID: UInt16, sopClassUID: String = "1.2.840.10008.1.1") -> DIMSECommand {
        var c = DIMSECommand(field: .cEchoRQ); c.messageID = messageID; c.affectedSOPClassUID = sopClassUID; return c
    }

    public static func cStoreRQ(messageID: UInt16, sopClassUID: String, sopInstanceUID: String, priority: UInt16 = 0) -> DIMSECommand {
        var c = DIMSECommand(field: .cStoreRQ, hasDataSet: true)
        c.messageID = messageID; c.affectedSOPClassUID = sopClassUID; c.affectedSOPInstanceUID = sopInstanceUID
        c.priority = priority
        return c
    }

    /// C-FIND-RQ (PS3.7 §9.3.2.1); C-GET-RQ and C-MOVE-RQ (§9.3.3.1, §9.3.4.1) with `field`. The identifier follows as the data set.
    public static func queryRQ(_ field: CommandField = .cFindRQ, messageID: UInt16, sopClassUID: String, priority: UInt16 = 0) -> DIMSECommand {
        var c = DIMSECommand(field: field, hasDataSet: true)
        c.messageID = messageID; c.affectedSOPClassUID = sopClassUID; c.priority = priority
        return c
    }

    /// C-CANCEL-RQ (PS3.7 §9.3.2.3): cancels the C-FIND, C-GET or C-MOVE with Message ID `messageID`.
    public static func cCancelRQ(messageIDBeingRespondedTo messageID: UInt16) -> DIMSECommand {
        var c = DIMSECommand(field: .cCancelRQ); c.messageIDBeingRespondedTo = messageID; return c
    }

    public static func nCreateRQ(messageID: UInt16, sopClassUID: String, sopInstanceUID: String? = nil, hasDataSet: Bool) -> DIMSECommand {
        var c = DIMSECommand(field: .nCreateRQ, hasDataSet: hasDataSet)
        c.messageID = messageID; c.affectedSOPClassUID = sopClassUID; c.affectedSOPInstanceUID = sopInstanceUID
        return c
    }

    public static func nSetRQ(messageID: UInt16, sopClassUID: String, sopInstanceUID: String) -> DIMSECommand {
        var c = DIMSECommand(field: .nSetRQ, hasDataSet: true)
        c.messageID = messageID; c.requestedSOPClassUID = sopClassUID; c.requestedSOPInstanceUID = sopInstanceUID
        return c
    }

    public static func nGetRQ(messageID: UInt16, sopClassUID: String, sopInstanceUID: String, attributes: [Tag] = []) -> DIMSECommand {
        var c = DIMSECommand(field: .nGetRQ)
        c.messageID = messageID; c.requestedSOPClassUID = sopClassUID; c.requestedSOPInstanceUID = sopInstanceUID
        c.attributeIdentifierList = attributes
        return c
    }

    public static func nActionRQ(messageID: UInt16, sopClassUID: String, sopInstanceUID: String, actionTypeID: UInt16,
                                 hasDataSet: Bool) -> DIMSECommand {
        var c = DIMSECommand(field: .nActionRQ, hasDataSet: hasDataSet)
        c.messageID = messageID; c.requestedSOPClassUID = sopClassUID; c.requestedSOPInstanceUID = sopInstanceUID
        c.actionTypeID = actionTypeID
        return c
    }

    public static func nDeleteRQ(messageID: UInt16, sopClassUID: String, sopInstanceUID: String) -> DIMSECommand {
        var c = DIMSECommand(field: .nDeleteRQ)
        c.messageID = messageID; c.requestedSOPClassUID = sopClassUID; c.requestedSOPInstanceUID = sopInstanceUID
        return c
    }

    public static func nEventReportRQ(messageID: UInt16, sopClassUID: String, sopInstanceUID: String, eventTypeID: UInt16,
                                      hasDataSet: Bool) -> DIMSECommand {
        var c = DIMSECommand(field: .nEventReportRQ, hasDataSet: hasDataSet)
        c.messageID = messageID; c.affectedSOPClassUID = sopClassUID; c.affectedSOPInstanceUID = sopInstanceUID
        c.eventTypeID = eventTypeID
        return c
    }

    /// The response to this request with `status` (PS3.7 §9.3 / §10.3): message ID responded to,
    /// affected SOP class/instance copied as the response tables require.
    public func response(status: DIMSEStatus, hasDataSet: Bool = false) -> DIMSECommand {
        var r = DIMSECommand(field: field.response ?? field, hasDataSet: hasDataSet)
        r.messageIDBeingRespondedTo = messageID
        r.status = status
        r.affectedSOPClassUID = sopClassUID
        switch field {
        case .cEchoRQ: break
        case .cStoreRQ, .nCreateRQ, .nSetRQ, .nGetRQ, .nActionRQ, .nDeleteRQ, .nEventReportRQ:
            r.affectedSOPInstanceUID = sopInstanceUID
        default: break
        }
        if field == .nActionRQ { r.actionTypeID = actionTypeID }
        if field == .nEventReportRQ { r.eventTypeID = eventTypeID }
        return r
    }

    // MARK: Encoding (Implicit VR Little Endian, PS3.7 §6.3.1)

    /// The command set bytes, with (0000,0000) Command Group Length first.
    public func encoded() -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(200)
        func element(_ element: UInt16, _ value: [UInt8]) {
            body += [0, 0, UInt8(element & 0xFF), UInt8(element >> 8)]
            let n = UInt32(value.count)
            body += [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)]
            body += value
        }
        func uid(_ s: String) -> [UInt8] { var b = Array(s.utf8); if b.count & 1 == 1 { b.append(0) }; return b }
        func text(_ s: String) -> [UInt8] { var b = Array(s.utf8); if b.count & 1 == 1 { b.append(0x20) }; return b }
        func us(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func at(_ tags: [Tag]) -> [UInt8] { tags.flatMap { us($0.group) + us($0.element) } }

        if let v = affectedSOPClassUID { element(0x0002, uid(v)) }
        if let v = requestedSOPClassUID { element(0x0003, uid(v)) }
        element(0x0100, us(field.rawValue))
        if let v = messageID { element(0x0110, us(v)) }
        if let v = messageIDBeingRespondedTo { element(0x0120, us(v)) }
        if let v = moveDestination { element(0x0600, text(v)) }
        if let v = priority { element(0x0700, us(v)) }
        element(0x0800, us(hasDataSet ? 0x0000 : 0x0101))
        if let v = status { element(0x0900, us(v.rawValue)) }
        if !offendingElements.isEmpty { element(0x0901, at(offendingElements)) }
        if let v = errorComment { element(0x0902, text(String(v.prefix(64)))) }
        if let v = errorID { element(0x0903, us(v)) }
        if let v = affectedSOPInstanceUID { element(0x1000, uid(v)) }
        if let v = requestedSOPInstanceUID { element(0x1001, uid(v)) }
        if let v = eventTypeID { element(0x1002, us(v)) }
        if !attributeIdentifierList.isEmpty { element(0x1005, at(attributeIdentifierList)) }
        if let v = actionTypeID { element(0x1008, us(v)) }
        if let v = subOperations {
            if let r = v.remaining { element(0x1020, us(r)) }
            element(0x1021, us(v.completed)); element(0x1022, us(v.failed)); element(0x1023, us(v.warning))
        }
        if let v = moveOriginatorAETitle { element(0x1030, text(v)) }
        if let v = moveOriginatorMessageID { element(0x1031, us(v)) }

        var out: [UInt8] = [0, 0, 0, 0, 4, 0, 0, 0]
        let n = UInt32(body.count)
        out += [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)]
        return out + body
    }

    /// Parses a command set (Implicit VR Little Endian, group 0000 only) and checks the elements
    /// PS3.7 requires for its command.
    public init(encoded bytes: [UInt8]) throws {
        var values: [UInt16: ArraySlice<UInt8>] = [:]
        var i = 0
        while i < bytes.count {
            guard bytes.count - i >= 8 else { throw DIMSEError.malformedCommandSet(reason: "\(bytes.count - i) stray bytes at the end") }
            let group = UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8
            let element = UInt16(bytes[i + 2]) | UInt16(bytes[i + 3]) << 8
            let length = Int(UInt32(bytes[i + 4]) | UInt32(bytes[i + 5]) << 8 | UInt32(bytes[i + 6]) << 16 | UInt32(bytes[i + 7]) << 24)
            i += 8
            guard group == 0x0000 else { throw DIMSEError.malformedCommandSet(reason: "element of group \(String(group, radix: 16)) in a command set") }
            guard length <= bytes.count - i else { throw DIMSEError.malformedCommandSet(reason: "element (0000,\(String(element, radix: 16))) runs past the end") }
            values[element] = bytes[i ..< i + length]
            i += length
        }
        func us(_ e: UInt16) -> UInt16? {
            guard let v = values[e], v.count >= 2 else { return nil }
            return UInt16(v[v.startIndex]) | UInt16(v[v.startIndex + 1]) << 8
        }
        func str(_ e: UInt16) -> String? {
            guard let v = values[e] else { return nil }
            var b = Array(v)
            while let last = b.last, last == 0 || last == 0x20 { b.removeLast() }
            while let first = b.first, first == 0x20 { b.removeFirst() }
            return String(decoding: b, as: UTF8.self)
        }
        func tags(_ e: UInt16) -> [Tag] {
            guard let v = values[e] else { return [] }
            let b = Array(v)
            var out: [Tag] = []
            var i = 0
            while i + 4 <= b.count {
                let group: UInt16 = UInt16(b[i]) | UInt16(b[i + 1]) << 8
                let element: UInt16 = UInt16(b[i + 2]) | UInt16(b[i + 3]) << 8
                out.append(Tag(group, element))
                i += 4
            }
            return out
        }
        guard let raw = us(0x0100) else { throw DIMSEError.malformedCommandSet(reason: "no Command Field (0000,0100)") }
        guard let field = CommandField(rawValue: raw) else { throw DIMSEError.unknownCommandField(raw) }
        self.init(field: field, hasDataSet: (us(0x0800) ?? 0x0101) != 0x0101)
        affectedSOPClassUID = str(0x0002)
        requestedSOPClassUID = str(0x0003)
        messageID = us(0x0110)
        messageIDBeingRespondedTo = us(0x0120)
        moveDestination = str(0x0600)
        priority = us(0x0700)
        status = us(0x0900).map(DIMSEStatus.init(rawValue:))
        offendingElements = tags(0x0901)
        errorComment = str(0x0902)
        errorID = us(0x0903)
        affectedSOPInstanceUID = str(0x1000)
        requestedSOPInstanceUID = str(0x1001)
        eventTypeID = us(0x1002)
        attributeIdentifierList = tags(0x1005)
        actionTypeID = us(0x1008)
        moveOriginatorAETitle = str(0x1030)
        moveOriginatorMessageID = us(0x1031)
        if values[0x1020] != nil || values[0x1021] != nil || values[0x1022] != nil || values[0x1023] != nil {
            subOperations = SubOperationCounts(remaining: us(0x1020), completed: us(0x1021) ?? 0, failed: us(0x1022) ?? 0,
                                               warning: us(0x1023) ?? 0)
        }
        try validate()
    }

    /// Checks the mandatory elements of PS3.7 Tables 9.3-x and 10.3-x.
    public func validate() throws {
        let name = field.description
        func need(_ present: Bool, _ tag: Tag) throws { if !present { throw DIMSEError.missingField(command: name, tag: tag) } }
        if field == .cCancelRQ {
            // C-CANCEL-RQ names the operation it cancels and has no Message ID of its own (PS3.7 Table 9.3-3).
            try need(messageIDBeingRespondedTo != nil, .messageIDBeingRespondedTo)
        } else if field.isRequest {
            try need(messageID != nil, .messageID)
        } else {
            try need(messageIDBeingRespondedTo != nil, .messageIDBeingRespondedTo)
            try need(status != nil, .status)
        }
        switch field {
        case .cEchoRQ, .cFindRQ, .cGetRQ, .cMoveRQ, .nCreateRQ:
            try need(affectedSOPClassUID != nil, .affectedSOPClassUID)
        case .cStoreRQ, .nEventReportRQ:
            try need(affectedSOPClassUID != nil, .affectedSOPClassUID)
            try need(affectedSOPInstanceUID != nil, .affectedSOPInstanceUID)
        case .nSetRQ, .nGetRQ, .nActionRQ, .nDeleteRQ:
            try need(requestedSOPClassUID != nil, .requestedSOPClassUID)
            try need(requestedSOPInstanceUID != nil, .requestedSOPInstanceUID)
        default: break
        }
        if field == .nActionRQ { try need(actionTypeID != nil, .actionTypeID) }
        if field == .nEventReportRQ { try need(eventTypeID != nil, .eventTypeID) }
    }
}

