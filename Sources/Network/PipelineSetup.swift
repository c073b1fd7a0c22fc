import NIOCore
import NIOSSL

extension ChannelPipeline.SynchronousOperations {
    /// Adds the DICOM Upper Layer handlers: optional TLS, PDU decoder and encoder, association handler.
    func configureDICOMPipeline(tls: NIOSSLHandler?, maxPDULength: UInt32, handler: AssociationHandler) throws {
        if let tls { try addHandler(tls) }
        let parser = PDUParser(maxPDataLength: maxPDULength == 0 ? UInt32.max : maxPDULength, maxOtherLength: 1 << 20)
        try addHandler(ByteToMessageHandler(PDUDecoder(parser: parser)))
        try addHandler(MessageToByteHandler(PDUEncoder()))
        try addHandler(handler)
    }
}
