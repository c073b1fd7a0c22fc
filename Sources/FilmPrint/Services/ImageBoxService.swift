import DICOM
import Network

/// Basic Grayscale Image Box SOP Class SCP (PS3.4 §H.4.3): N-SET of 8-bit and 12-bit images.
public struct ImageBoxService: DIMSEService {
    let server: PrintServerContext
    public var sopClassUIDs: [String] { [UIDs.basicGrayscaleImageBox] }
    /// Image boxes carry pixel data: up to 64 MiB each in memory (a 14×17 in film at 12 bits is far less).
    public func dataSetDestination(for command: DIMSECommand, transferSyntax: TransferSyntax,
                                   context: AssociationContext) throws -> DataSetDestination {
        .memory(limit: 64 << 20)
    }

    public func nSet(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        let attributes = try request.attributes()
        return context.printAssociation(server).session.withLock { $0.setImageBox(uid: request.command.sopInstanceUID ?? "", attributes: attributes) }
    }
}

/// Basic Annotation Box SOP Class SCP (PS3.4 §H.4.5).
public struct AnnotationBoxService: DIMSEService {
    let server: PrintServerContext
    public var sopClassUIDs: [String] { [UIDs.basicAnnotationBox] }

    public func nSet(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        let attributes = try request.attributes()
        return context.printAssociation(server).session.withLock { $0.setAnnotationBox(uid: request.command.sopInstanceUID ?? "", attributes: attributes) }
    }
}

/// Presentation LUT SOP Class SCP (PS3.4 §H.4.9): N-CREATE and N-DELETE.
public struct PresentationLUTService: DIMSEService {
    let server: PrintServerContext
    public var sopClassUIDs: [String] { [UIDs.presentationLUT] }

    public func nCreate(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        let attributes = try request.attributes()
        return context.printAssociation(server).session.withLock { $0.createPresentationLUT(uid: request.command.affectedSOPInstanceUID, attributes: attributes) }
    }

    public func nDelete(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        context.printAssociation(server).session.withLock { $0.deletePresentationLUT(uid: request.command.sopInstanceUID ?? "") }
    }
}
