import NIOCore

/// Parses PDUs from bytes, PS3.8 §9.3.
///
/// Answers `nil` ("not yet") while a PDU is incomplete and rejects a PDU-length above the limits
/// as soon as the 6-byte header is seen, so a hostile length never makes it buffer.
public struct PDUParser: Sendable {
    /// Largest P-DATA-TF PDU-length accepted: what this side announced as Maximum Length (PS3.8 §D.1).
    public var maxPDataLength: UInt32
    /// Largest length accepted for the other PDU types (association negotiation is small).
    public var maxOtherLength: UInt32

    public init(maxPDataLength: UInt32 = 1 << 20, maxOtherLength: UInt32 = 1 << 20) {
        self.maxPDataLength = maxPDataLength; self.maxOtherLength = maxOtherLength
    }

    /// Takes one PDU from the front of `buffer`, or returns nil and leaves it untouched when it is incomplete.
    public func parse(_ buffer: inout ByteBuffer) throws -> PDU? {
        guard buffer.readableBytes >= 6,
              let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
              let length = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt32.self) else { return nil }
        let limit = type == 0x04 ? maxPDataLength : maxOtherLength
        if length > limit { throw PDUDecodingError.pduTooLarge(pduType: type, length: length, maxLength: limit) }
        guard buffer.readableBytes >= 6 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 6)
        var body = buffer.readSlice(length: Int(length))!
        return try Self.parseBody(type: type, length: length, body: &body)
    }

    /// Parses a whole PDU held in memory (header included). Throws if `bytes` is not exactly one PDU.
    public func parse(bytes: [UInt8]) throws -> PDU {
        var buffer = ByteBuffer(bytes: bytes)
        guard let pdu = try parse(&buffer) else {
            throw PDUDecodingError.truncated(field: "PDU", pduType: bytes.first ?? 0)
        }
        if buffer.readableBytes != 0 { throw PDUDecodingError.invalidLength(field: "PDU (trailing bytes)", length: bytes.count) }
        return pdu
    }

    static func parseBody(type: UInt8, length: UInt32, body: inout ByteBuffer) throws -> PDU {
        switch type {
        case 0x01, 0x02:
            var r = ItemReader(bytes: Array(body.readableBytesView), pduType: type)
            let version = try r.u16("protocol-version")
            try r.skip(2, "reserved")
            let called = try r.aeTitle("called-AE-title")
            let calling = try r.aeTitle("calling-AE-title")
            try r.skip(32, "reserved")
            var appContext = ""
            var rqContexts: [PresentationContextRQ] = []
            var acContexts: [PresentationContextAC] = []
            var userInfo = UserInformation()
            while !r.isAtEnd {
                let (itemType, item) = try r.item()
                var ir = ItemReader(bytes: item, pduType: type)
                switch itemType {
                case 0x10: appContext = ir.uid()
                case 0x20 where type == 0x01: rqContexts.append(try parsePresentationContextRQ(&ir))
                case 0x21 where type == 0x02: acContexts.append(try parsePresentationContextAC(&ir))
                case 0x50: userInfo = try parseUserInformation(&ir, pduType: type)
                default: break // Lenient: unknown items are skipped (PS3.8 §9.3.1 leaves room for extensions).
                }
            }
            if type == 0x01 {
                return .associateRQ(AssociateRQ(calledAETitle: called, callingAETitle: calling, applicationContextName: appContext,
                                                presentationContexts: rqContexts, userInformation: userInfo, protocolVersion: version))
            }
            return .associateAC(AssociateAC(calledAETitle: called, callingAETitle: calling, applicationContextName: appContext,
                                            presentationContexts: acContexts, userInformation: userInfo, protocolVersion: version))
        case 0x03, 0x07:
            guard body.readableBytes >= 4 else { throw PDUDecodingError.truncated(field: type == 3 ? "A-ASSOCIATE-RJ" : "A-ABORT", pduType: type) }
            let b = Array(body.readableBytesView.prefix(4))
            if type == 0x03 { return .associateRJ(AssociateRJ(result: b[1], source: b[2], reason: b[3])) }
            return .abort(AbortPDU(source: b[2], reason: b[3]))
        case 0x04:
            var values: [PresentationDataValue] = []
            while body.readableBytes > 0 {
                guard let itemLength = body.readInteger(as: UInt32.self) else {
                    throw PDUDecodingError.truncated(field: "PDV item-length", pduType: type)
                }
                guard itemLength >= 2 else { throw PDUDecodingError.invalidPDV(length: itemLength) }
                guard body.readableBytes >= Int(itemLength) else { throw PDUDecodingError.truncated(field: "PDV item", pduType: type) }
                let contextID = body.readInteger(as: UInt8.self)!
                let header = body.readInteger(as: UInt8.self)!
                let data = body.readSlice(length: Int(itemLength) - 2)!
                values.append(PresentationDataValue(contextID: contextID, isCommand: header & 1 != 0, isLast: header & 2 != 0, data: data))
            }
            return .pData(PDataTF(values: values))
        case 0x05: return .releaseRQ // Lenient: the 4 reserved bytes are not checked.
        case 0x06: return .releaseRP
        default: return .unknown(type: type, length: length)
        }
    }

    static func parsePresentationContextRQ(_ r: inout ItemReader) throws -> PresentationContextRQ {
        let id = try r.u8("presentation-context-ID")
        try r.skip(3, "reserved")
        var abstract: String?
        var syntaxes: [String] = []
        while !r.isAtEnd {
            let (t, sub) = try r.item()
            var sr = ItemReader(bytes: sub, pduType: r.pduType)
            if t == 0x30, abstract == nil { abstract = sr.uid() }
            else if t == 0x40 { syntaxes.append(sr.uid()) }
        }
        return PresentationContextRQ(id: id, abstractSyntax: abstract ?? "", transferSyntaxes: syntaxes)
    }

    static func parsePresentationContextAC(_ r: inout ItemReader) throws -> PresentationContextAC {
        let id = try r.u8("presentation-context-ID")
        try r.skip(1, "reserved")
        let result = try r.u8("result/reason")
        try r.skip(1, "reserved")
        var ts: String?
        while !r.isAtEnd {
            let (t, sub) = try r.item()
            var sr = ItemReader(bytes: sub, pduType: r.pduType)
            if t == 0x40, ts == nil { ts = sr.uid() }
        }
        return PresentationContextAC(id: id, resultCode: result, transferSyntax: ts ?? "")
    }

    static func parseUserInformation(_ r: inout ItemReader, pduType: UInt8) throws -> UserInformation {
        var info = UserInformation()
        while !r.isAtEnd {
            let (t, sub) = try r.item()
            var s = ItemReader(bytes: sub, pduType: pduType)
            switch t {
            case 0x51: info.maxPDULength = try s.u32("maximum-length-received")
            case 0x52: info.implementationClassUID = s.uid()
            case 0x55: info.implementationVersionName = s.text()
            case 0x53:
                info.asyncOperationsWindow = AsyncOperationsWindow(maxInvoked: try s.u16("max-operations-invoked"),
                                                                   maxPerformed: try s.u16("max-operations-performed"))
            case 0x54:
                let n = try s.u16("UID-length")
                let uid = try s.uidField(Int(n), "SOP-class-uid")
                let scu = try s.u8("SCU-role"), scp = try s.u8("SCP-role")
                info.roleSelections.append(RoleSelection(sopClassUID: uid, scuRole: scu != 0, scpRole: scp != 0))
            case 0x56:
                let n = try s.u16("SOP-class-uid-length")
                let uid = try s.uidField(Int(n), "SOP-class-uid")
                info.extendedNegotiations.append(SOPClassExtendedNegotiation(sopClassUID: uid, serviceClassApplicationInformation: s.rest()))
            case 0x57:
                let n = try s.u16("SOP-class-uid-length")
                let uid = try s.uidField(Int(n), "SOP-class-uid")
                let m = try s.u16("service-class-uid-length")
                let service = try s.uidField(Int(m), "service-class-uid")
                let k = try s.u16("related-general-sop-class-identification-length")
                var related: [String] = []
                var rr = ItemReader(bytes: try s.bytes(Int(k), "related-general-sop-class-identification"), pduType: pduType)
                while !rr.isAtEnd {
                    let l = try rr.u16("related-general-sop-class-uid-length")
                    related.append(try rr.uidField(Int(l), "related-general-sop-class-uid"))
                }
                info.commonExtendedNegotiations.append(SOPClassCommonExtendedNegotiation(sopClassUID: uid, serviceClassUID: service,
                                                                                        relatedGeneralSOPClassUIDs: related))
            case 0x58:
                let type = try s.u8("user-identity-type")
                let positive = try s.u8("positive-response-requested")
                let n = try s.u16("primary-field-length")
                let primary = try s.bytes(Int(n), "primary-field")
                let m = try s.u16("secondary-field-length")
                let secondary = try s.bytes(Int(m), "secondary-field")
                info.userIdentity = UserIdentityRQ(type: type, positiveResponseRequested: positive != 0,
                                                   primaryField: primary, secondaryField: secondary)
            case 0x59:
                let n = try s.u16("server-response-length")
                info.userIdentityResponse = try s.bytes(Int(n), "server-response")
            default: break // Lenient: unknown sub-items are ignored.
            }
        }
        return info
    }
}

/// A bounds-checked reader over the bytes of an item or PDU body.
struct ItemReader {
    let bytes: [UInt8]
    var pos = 0
    let pduType: UInt8

    init(bytes: [UInt8], pduType: UInt8) { self.bytes = bytes; self.pduType = pduType }

    var isAtEnd: Bool { pos >= bytes.count }

    mutating func need(_ n: Int, _ field: String) throws {
        if n < 0 || bytes.count - pos < n { throw PDUDecodingError.truncated(field: field, pduType: pduType) }
    }
    mutating func u8(_ f: String) throws -> UInt8 { try need(1, f); defer { pos += 1 }; return bytes[pos] }
    mutating func u16(_ f: String) throws -> UInt16 {
        try need(2, f); defer { pos += 2 }; return UInt16(bytes[pos]) << 8 | UInt16(bytes[pos + 1])
    }
    mutating func u32(_ f: String) throws -> UInt32 {
        try need(4, f); defer { pos += 4 }
        return UInt32(bytes[pos]) << 24 | UInt32(bytes[pos + 1]) << 16 | UInt32(bytes[pos + 2]) << 8 | UInt32(bytes[pos + 3])
    }
    mutating func skip(_ n: Int, _ f: String) throws { try need(n, f); pos += n }
    mutating func bytes(_ n: Int, _ f: String) throws -> [UInt8] {
        try need(n, f); defer { pos += n }; return Array(bytes[pos ..< pos + n])
    }
    mutating func rest() -> [UInt8] { defer { pos = bytes.count }; return Array(bytes[pos...]) }
    mutating func aeTitle(_ f: String) throws -> String { Latin1.trimmed(try bytes(16, f)) }
    mutating func uidField(_ n: Int, _ f: String) throws -> String { Latin1.trimmed(try bytes(n, f)) }
    /// The rest of the item as a UID (trailing NUL or space padding dropped).
    mutating func uid() -> String { Latin1.trimmed(rest()) }
    mutating func text() -> String { Latin1.trimmed(rest()) }

    /// An item or sub-item: type, reserved, 2-byte length (PS3.8 §9.3.2.x).
    mutating func item() throws -> (UInt8, [UInt8]) {
        let t = try u8("item-type")
        try skip(1, "reserved")
        let n = try u16("item-length")
        return (t, try bytes(Int(n), "item 0x\(String(t, radix: 16))"))
    }
}

/// AE titles and UIDs on the wire are ISO 646 / ISO 8859-1 bytes; one byte is one character here,
/// so decoding and encoding are inverse for any bytes.
enum Latin1 {
    static func trimmed(_ bytes: [UInt8]) -> String {
        var lo = 0, hi = bytes.count
        while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0 { hi -= 1 }
        var s = String.UnicodeScalarView()
        for b in bytes[lo ..< hi] { s.append(Unicode.Scalar(b)) }
        return String(s)
    }

    static func encode(_ s: String) -> [UInt8] {
        s.unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : 0x3F }
    }
}
