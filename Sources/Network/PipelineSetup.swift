import NIOCore
import NIOSSL

extension ChannelPipeline.SynchronousOperations {
    /// Adds the DICOM Upper Layer handlers: optional TLS, then the association handler, which frames
    /// PDUs itself (`PDUFramer`) no longer than `maxPDULength` for P-DATA-TF (0: unlimited).
    func configureDICOMPipeline(tls: NIOSSLHandler?, maxPDULength: UInt32, handler: AssociationHandler) throws {
        if let tls { try addHandler(tls) }
        handler.framer.parser = PDUParser(maxPDataLength: maxPDULength == 0 ? UInt32.max : maxPDULength, maxOtherLength: 1 << 20)
        try addHandler(handler)
    }
}
