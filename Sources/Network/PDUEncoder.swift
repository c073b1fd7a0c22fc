import NIOCore

/// Writes PDUs, PS3.8 §9.3. Pure: `encode(_:into:)` appends the PDU's bytes to a buffer.
public enum PDUSerializer {
    public static func encode(_ pdu: PDU, into out: inout ByteBuffer) {
        switch pdu {
        case .associateRQ(let rq):
            association(type: 0x01, version: rq.protocolVersion, called: rq.calledAETitle, calling: rq.callingAETitle,
                        appContext: rq.applicationContextName, into: &out) { out in
                for pc in rq.presentationContexts {
                    item(0x20, into: &out) { out in
                        out.writeInteger(pc.id); out.writeInteger(UInt8(0)); out.writeInteger(UInt16(0))
                        uidItem(0x30, pc.abstractSyntax, into: &out)
                        for ts in pc.transferSyntaxes { uidItem(0x40, ts, into: &out) }
                    }
                }
                userInformation(rq.userInformation, into: &out)
            }
        case .associateAC(let ac):
            association(type: 0x02, version: ac.protocolVersion, called: ac.calledAETitle, calling: ac.callingAETitle,
                        appContext: ac.applicationContextName, into: &out) { out in
                for pc in ac.presentationContexts {
                    item(0x21, into: &out) { out in
                        out.writeInteger(pc.id); out.writeInteger(UInt8(0)); out.writeInteger(pc.resultCode); out.writeInteger(UInt8(0))
                        uidItem(0x40, pc.transferSyntax, into: &out)
                    }
                }
                userInformation(ac.userInformation, into: &out)
            }
        case .associateRJ(let rj):
            header(0x03, length: 4, into: &out)
            out.writeBytes([0, rj.result, rj.source, rj.reason])
        case .pData(let p):
            var length: UInt32 = 0
            for v in p.values { length += 6 + UInt32(v.data.readableBytes) }
            header(0x04, length: length, into: &out)
            for v in p.values {
                out.writeInteger(UInt32(2 + v.data.readableBytes))
                out.writeInteger(v.contextID)
                out.writeInteger(v.controlHeader)
                out.writeImmutableBuffer(v.data)
            }
        case .releaseRQ:
            header(0x05, length: 4, into: &out); out.writeInteger(UInt32(0))
        case .releaseRP:
            header(0x06, length: 4, into: &out); out.writeInteger(UInt32(0))
        case .abort(let a):
            header(0x07, length: 4, into: &out)
            out.writeBytes([0, 0, a.source, a.reason])
        case .unknown(let t, let length):
            header(t, length: length, into: &out)
            out.writeRepeatingByte(0, count: Int(length))
        }
    }

    public static func encode(_ pdu: PDU) -> [UInt8] {
        var b = ByteBufferAllocator().buffer(capacity: 256)
        encode(pdu, into: &b)
        return Array(b.readableBytesView)
    }

    static func header(_ type: UInt8, length: UInt32, into out: inout ByteBuffer) {
        out.writeInteger(type); out.writeInteger(UInt8(0)); out.writeInteger(length)
    }

    /// Writes a PDU header whose length is filled in after the body.
    static func association(type: UInt8, version: UInt16, called: String, calling: String, appContext: String,
                            into out: inout ByteBuffer, body: (inout ByteBuffer) -> Void) {
        let start = out.writerIndex
        header(type, length: 0, into: &out)
        out.writeInteger(version)
        out.writeInteger(UInt16(0))
        out.writeBytes(aeTitle(called))
        out.writeBytes(aeTitle(calling))
        out.writeRepeatingByte(0, count: 32)
        uidItem(0x10, appContext, into: &out)
        body(&out)
        out.setInteger(UInt32(out.writerIndex - start - 6), at: start + 2)
    }

    /// 16 bytes, space padded (PS3.8 §9.3.2: leading and trailing spaces are not significant).
    static func aeTitle(_ s: String) -> [UInt8] {
        var b = Array(Latin1.encode(s).prefix(16))
        while b.count < 16 { b.append(0x20) }
        return b
    }

    static func item(_ type: UInt8, into out: inout ByteBuffer, body: (inout ByteBuffer) -> Void) {
        let start = out.writerIndex
        out.writeInteger(type); out.writeInteger(UInt8(0)); out.writeInteger(UInt16(0))
        body(&out)
        out.setInteger(UInt16(truncatingIfNeeded: out.writerIndex - start - 4), at: start + 2)
    }

    static func uidItem(_ type: UInt8, _ uid: String, into out: inout ByteBuffer) {
        let b = Latin1.encode(uid)
        out.writeInteger(type); out.writeInteger(UInt8(0)); out.writeInteger(UInt16(truncatingIfNeeded: b.count))
        out.writeBytes(b)
    }

    static func lengthPrefixed(_ b: [UInt8], into out: inout ByteBuffer) {
        out.writeInteger(UInt16(truncatingIfNeeded: b.count)); out.writeBytes(b)
    }

    static func userInformation(_ u: UserInformation, into out: inout ByteBuffer) {
        item(0x50, into: &out) { out in
            if let m = u.maxPDULength { item(0x51, into: &out) { $0.writeInteger(m) } }
            if let c = u.implementationClassUID { uidItem(0x52, c, into: &out) }
            if let w = u.asyncOperationsWindow {
                item(0x53, into: &out) { $0.writeInteger(w.maxInvoked); $0.writeInteger(w.maxPerformed) }
            }
            for r in u.roleSelections {
                item(0x54, into: &out) { out in
                    lengthPrefixed(Latin1.encode(r.sopClassUID), into: &out)
                    out.writeInteger(UInt8(r.scuRole ? 1 : 0)); out.writeInteger(UInt8(r.scpRole ? 1 : 0))
                }
            }
            if let v = u.implementationVersionName { uidItem(0x55, v, into: &out) }
            for e in u.extendedNegotiations {
                item(0x56, into: &out) { out in
                    lengthPrefixed(Latin1.encode(e.sopClassUID), into: &out)
                    out.writeBytes(e.serviceClassApplicationInformation)
                }
            }
            for c in u.commonExtendedNegotiations {
                item(0x57, into: &out) { out in
                    lengthPrefixed(Latin1.encode(c.sopClassUID), into: &out)
                    lengthPrefixed(Latin1.encode(c.serviceClassUID), into: &out)
                    var related: [UInt8] = []
                    for r in c.relatedGeneralSOPClassUIDs {
                        let b = Latin1.encode(r)
                        related.append(UInt8(truncatingIfNeeded: b.count >> 8)); related.append(UInt8(truncatingIfNeeded: b.count))
                        related += b
                    }
                    lengthPrefixed(related, into: &out)
                }
            }
            if let id = u.userIdentity {
                item(0x58, into: &out) { out in
                    out.writeInteger(id.type); out.writeInteger(UInt8(id.positiveResponseRequested ? 1 : 0))
                    lengthPrefixed(id.primaryField, into: &out)
                    lengthPrefixed(id.secondaryField, into: &out)
                }
            }
            if let r = u.userIdentityResponse { item(0x59, into: &out) { lengthPrefixed(r, into: &$0) } }
        }
    }
}

/// Encodes outbound PDUs onto the channel (PS3.8 §9.3).
public final class PDUEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = PDU
    public init() {}
    public func encode(data: PDU, out: inout ByteBuffer) throws {
        PDUSerializer.encode(data, into: &out)
    }
}

extension PDU {
    /// A buffer capacity that usually holds the encoded PDU without growing.
    var encodedSizeHint: Int {
        switch self {
        case .pData(let p): return 6 + p.values.reduce(0) { $0 + 6 + $1.data.readableBytes }
        case .releaseRQ, .releaseRP, .abort, .associateRJ: return 10
        default: return 512
        }
    }
}
