import NIOCore

/// Cuts the inbound byte stream of an association into PDUs (PS3.8 §9.3) with `PDUParser`,
/// keeping the bytes of an incomplete PDU until the rest arrives.
///
/// `AssociationHandler` frames PDUs itself with this struct and writes them with `PDUSerializer`
/// rather than through `ByteToMessageHandler(PDUDecoder)` and `MessageToByteHandler(PDUEncoder)`:
/// the generic handler pair cost most of the set-up and per-PDU work of a short association (the
/// C-ECHO association rate against DCMTK `storescp`; see scripts/bench-network.sh).
struct PDUFramer {
    var parser: PDUParser
    private var pending: ByteBuffer?

    init(parser: PDUParser) { self.parser = parser }

    /// Bytes held for an incomplete PDU.
    var bufferedBytes: Int { pending?.readableBytes ?? 0 }

    mutating func append(_ bytes: ByteBuffer) {
        guard var p = pending, p.readableBytes > 0 else { pending = bytes; return }
        pending = nil // `p` is now the only reference: compaction and growth work in place, no copy
        var bytes = bytes
        // Compact before growing when the consumed part is at least as large as what is left.
        if p.readerIndex > 0, p.readerIndex >= p.readableBytes { p.discardReadBytes() }
        // Once the PDU's length is known, grow once to hold all of it rather than doubling per read.
        if p.readableBytes >= 6, let length = p.getInteger(at: p.readerIndex + 2, as: UInt32.self) {
            let whole = 6 + Int(min(UInt64(length), UInt64(max(parser.maxPDataLength, parser.maxOtherLength))))
            let missing = whole - p.readableBytes
            if missing > bytes.readableBytes { p.reserveCapacity(minimumWritableBytes: missing) }
        }
        p.writeBuffer(&bytes)
        pending = p
    }

    /// The next complete PDU, or nil until more bytes arrive. A malformed or oversized PDU
    /// throws `PDUDecodingError`; the stream cannot be resynchronised after that.
    mutating func next() throws -> PDU? {
        guard var p = pending else { return nil }
        pending = nil // keep the buffer uniquely referenced while parsing
        defer { pending = p.readableBytes > 0 ? p : nil }
        return try parser.parse(&p)
    }

    /// The bytes of the next PDU when it is complete and of `type`, without consuming them.
    func peek(type: UInt8) -> ByteBuffer? {
        guard let p = pending, p.readableBytes >= 6, p.getInteger(at: p.readerIndex, as: UInt8.self) == type,
              let length = p.getInteger(at: p.readerIndex + 2, as: UInt32.self),
              UInt64(length) <= UInt64(type == 0x04 ? parser.maxPDataLength : parser.maxOtherLength),
              p.readableBytes >= 6 + Int(length) else { return nil }
        return p.getSlice(at: p.readerIndex, length: 6 + Int(length))
    }

    /// Drops `count` bytes already looked at with `peek`.
    mutating func skip(_ count: Int) {
        guard var p = pending else { return }
        p.moveReaderIndex(forwardBy: min(count, p.readableBytes))
        pending = p.readableBytes > 0 ? p : nil
    }
}
