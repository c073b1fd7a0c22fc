import DICOM
import Foundation
import Network

/// Sends each film to an archive as a Secondary Capture image (`FilmSecondaryCapture`) by C-STORE
/// (PS3.4 Annex B, as SCU), one association per film. The densities are composed again from the
/// spooled film rather than read back from the PNG, so a delivery needs only the spool.
public struct PACSDestination: FilmDestination {
    public let address: DICOMPeerAddress
    public let callingAETitle: String
    public let renderer: ComposerRenderer
    public var connectTimeout: Double = 10
    public var associationTimeout: Double = 30
    public var dimseTimeout: Double = 300

    public init(address: DICOMPeerAddress, callingAETitle: String, renderer: ComposerRenderer) {
        self.address = address; self.callingAETitle = callingAETitle; self.renderer = renderer
    }

    /// `pacs-<AE title>`: films waiting for an archive follow its AE title, wherever it moves.
    public var name: String { "pacs-" + String(address.aeTitle.map { FilmDelivery.nameCharacters.contains($0) ? $0 : "_" }) }

    public var target: String { address.description }

    /// Opens the association first, so that an unreachable archive costs no composition.
    public func deliver(film: DataSet, rendered: RenderedFilm, job: PrintJob) async throws {
        let association = try await associate(sopClassUID: FilmSecondaryCapture.sopClassUID)
        let dataSet: DataSet
        do {
            let renderer = self.renderer
            dataSet = try await BlockingWork.run(on: BlockingWork.renderQueue) {
                try FilmSecondaryCapture.make(try renderer.composer.render(try renderer.sheet(for: film)), film: film, job: job, rendered: rendered)
            }
        } catch {
            association.abort()
            throw error
        }
        try await store(dataSet, on: association)
    }

    /// An association proposing `sopClassUID` in Explicit and Implicit VR Little Endian; throws
    /// unless the archive accepted it.
    public func associate(sopClassUID: String) async throws(FilmDeliveryError) -> DICOMAssociation {
        let client = DICOMClient(host: address.host, port: address.port, callingAETitle: callingAETitle,
                                 calledAETitle: address.aeTitle, connectTimeout: connectTimeout,
                                 associationTimeout: associationTimeout, dimseTimeout: dimseTimeout)
        let association: DICOMAssociation
        do {
            association = try await client.associate(contexts: [PresentationContextRQ(
                id: 1, abstractSyntax: sopClassUID,
                transferSyntaxes: [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid])])
        } catch {
            throw .unreachable(peer: target, reason: "\(error)")
        }
        guard association.negotiated.context(for: sopClassUID) != nil else {
            try? await association.release()
            throw .sopClassNotAccepted(peer: target, sopClassUID: sopClassUID)
        }
        return association
    }

    /// C-STORE of one data set (PS3.4 §B.2), then release; returns when the archive answered
    /// Success or a Warning (PS3.4 §B.2.3), throws a `FilmDeliveryError` otherwise.
    public func store(_ dataSet: DataSet, on association: DICOMAssociation) async throws(FilmDeliveryError) {
        let sopClass = dataSet.string(.sopClassUID) ?? "", instance = dataSet.string(.sopInstanceUID) ?? ""
        let response: DIMSECommand
        do {
            (response, _) = try await association.request(.cStoreRQ(messageID: 0, sopClassUID: sopClass, sopInstanceUID: instance),
                                                          dataSet: dataSet)
        } catch {
            association.abort()
            throw .unreachable(peer: target, reason: "the C-STORE did not complete: \(error)")
        }
        try? await association.release()
        let status = response.status ?? .processingFailure
        if status.isFailure { throw .refused(peer: target, status: status.rawValue, comment: response.errorComment) }
    }
}
