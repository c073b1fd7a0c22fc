import NIOCore

/// Splits the inbound byte stream into PDUs (PS3.8 §9.3); a thin shell over `PDUParser`.
public struct PDUDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = PDU
    public var parser: PDUParser

    public init(parser: PDUParser = PDUParser()) { self.parser = parser }

    public mutating func decode(buffer: inout ByteBuffer) throws -> PDU? {
        try parser.parse(&buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> PDU? {
        try parser.parse(&buffer)
    }
}

/// The fuzz entry point for the PDU decoder (`make fuzz`): decode, re-encode, decode again; the two
/// decodings must be equal. Never traps on any input; a violated round trip is reported by a trap
/// only in the property check, which is the point of fuzzing.
public enum PDUFuzzing {
    public static func feed(_ bytes: [UInt8]) {
        let parser = PDUParser(maxPDataLength: 1 << 20, maxOtherLength: 1 << 20)
        var buffer = ByteBuffer(bytes: bytes)
        var count = 0
        while count < 64, let pdu = try? parser.parse(&buffer) {
            count += 1
            if case .unknown = pdu { continue }
            let encoded = PDUSerializer.encode(pdu)
            guard let again = try? parser.parse(bytes: encoded) else {
                fatalError("re-encoded \(pdu.name) does not decode")
            }
            precondition(again == pdu, "PDU round trip changed \(pdu.name)")
        }
    }
}
