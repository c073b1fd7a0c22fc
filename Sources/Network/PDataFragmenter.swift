import NIOCore

/// Splits a DIMSE message into P-DATA-TF PDUs (PS3.8 §9.3.5): the command set first, then the data
/// set, each as fragments of one presentation data value per PDU, the last fragment of each marked
/// in its message control header (PS3.8 Annex E.2). No PDU is longer than the peer's Maximum Length
/// (PS3.8 §D.1). Shared by both roles: a requestor's requests and an acceptor's responses go out here.
struct PDataFragmenter: Sendable {
    /// The most data bytes one PDV carries: the peer's Maximum Length less the 6 bytes of the PDV
    /// item header (item length, presentation context ID, message control header), which count
    /// against it; 1 MiB when the peer sets no limit (0).
    let maxFragmentLength: Int

    init(peerMaxPDULength: UInt32) {
        maxFragmentLength = peerMaxPDULength == 0 ? 1 << 20 : max(1, Int(peerMaxPDULength) - 6)
    }

    /// Calls `emit` with each PDU of the message, in order.
    func fragment(command: ByteBuffer, dataSet: ByteBuffer?, contextID: UInt8, _ emit: (PDU) -> Void) {
        fragment(command, isCommand: true, contextID: contextID, emit)
        if let dataSet { fragment(dataSet, isCommand: false, contextID: contextID, emit) }
    }

    private func fragment(_ buffer: ByteBuffer, isCommand: Bool, contextID: UInt8, _ emit: (PDU) -> Void) {
        var b = buffer
        repeat {
            let slice = b.readSlice(length: min(maxFragmentLength, b.readableBytes))!
            let pdv = PresentationDataValue(contextID: contextID, isCommand: isCommand, isLast: b.readableBytes == 0, data: slice)
            emit(.pData(PDataTF(values: [pdv])))
        } while b.readableBytes > 0
    }
}
