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

    /// N-SET (PS3.4 §H.4.3.2.1). An image larger than its box is answered as the composer will
    /// print it (PS3.4 §H.4.3.1.2.1): demagnified B604, cropped B609, decimated B60A, or refused
    /// C603 when Requested Decimate/Crop Behavior is FAIL (the box then stays empty).
    public func nSet(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        let attributes = try request.attributes()
        let uid = request.command.sopInstanceUID ?? ""
        return context.printAssociation(server).session.withLock { s in
            var placement: DIMSEStatus?
            if attributes[.basicGrayscaleImageSequence] != nil, let box = s.imageBox(uid) {
                var merged = box.attributes
                for e in attributes.elements { merged.insert(e) }
                placement = server.printer.placement(filmBox: box.filmBox, imageBox: merged, position: box.position)
            }
            if let placement, placement.isFailure {
                let what = placement == PrintStatus.combinedImageLargerThanBox ? "at its Requested Image Size the image is" : "the image is"
                return DIMSEResponse(status: placement, errorComment: "\(what) larger than its box and Requested Decimate/Crop Behavior is FAIL")
            }
            var r = s.setImageBox(uid: uid, attributes: attributes)
            if r.status == .success, let placement {
                r.status = placement
                r.errorComment = placement == PrintStatus.demagnified ? "demagnified to fit its box"
                    : placement == PrintStatus.cropped ? "cropped to fit its box" : "decimated to fit its box"
            }
            return r
        }
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
