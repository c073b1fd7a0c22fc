import DICOM
import Network

/// Store and forward to a real DICOM printer: each spooled film is printed again, on its own
/// association and film session, by Lightbox's print SCU (`PrintSCU`, PS3.4 Annex H) with the
/// image boxes, film box attributes and annotation text the modality sent. While the printer is
/// unreachable or its queue is full, the films wait in the outbox and are retried, and the Print
/// Job's status says so.
///
/// Forwarded: Image Display Format, Film Size ID, Film Orientation, Magnification Type, Border
/// and Empty Image Density, Min and Max Density, Trim, the images and annotation text. Not
/// forwarded, as they name this printer's own terms or optional features another printer may
/// not support (0105): Smoothing Type, Configuration Information, Requested Resolution ID,
/// Illumination, Reflected Ambient Light and Presentation LUTs; and an Annotation Display
/// Format ID when the film has no annotation text.
public struct PrinterDestination: FilmDestination {
    public let address: DICOMPeerAddress
    public let callingAETitle: String
    public var connectTimeout: Double = 10
    public var associationTimeout: Double = 30
    public var dimseTimeout: Double = 300

    public init(address: DICOMPeerAddress, callingAETitle: String) {
        self.address = address; self.callingAETitle = callingAETitle
    }

    /// `printer-<AE title>`.
    public var name: String { "printer-" + String(address.aeTitle.map { FilmDelivery.nameCharacters.contains($0) ? $0 : "_" }) }
    public var target: String { address.description }

    public func deliver(film: DataSet, rendered: RenderedFilm, job: PrintJob) async throws {
        let request = try Self.filmRequest(from: film)
        let session = FilmSessionRequest(numberOfCopies: job.copies, printPriority: film.string(.printPriority).map(Self.trim),
                                         mediumType: film.string(.mediumType).map(Self.trim),
                                         filmSessionLabel: film.string(.filmSessionLabel).map(Self.trim))
        let client = DICOMClient(host: address.host, port: address.port, callingAETitle: callingAETitle,
                                 calledAETitle: address.aeTitle, connectTimeout: connectTimeout,
                                 associationTimeout: associationTimeout, dimseTimeout: dimseTimeout)
        do {
            _ = try await PrintSCU.print(session: session, films: [request], using: client)
        } catch let e as PrintSCUError {
            throw PrinterForwardError(peer: target, failure: e)
        } catch {
            throw FilmDeliveryError.unreachable(peer: target, reason: "\(error)")
        }
    }

    static func trim(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces) }

    /// The print request for a spooled film (`FilmRecord`: film box attributes, Image Box Content
    /// Sequence and Annotation Content Sequence, PS3.3 A.34).
    public static func filmRequest(from film: DataSet) throws -> FilmRequest {
        func text(_ t: Tag) -> String? { film.string(t).map(trim).flatMap { $0.isEmpty ? nil : $0 } }
        let notes = film.sequenceItems(.annotationContentSequence).compactMap { item -> FilmAnnotation? in
            guard let p = item.int(.annotationPosition), let t = item.string(.textString), !t.isEmpty else { return nil }
            return FilmAnnotation(position: p, text: t)
        }
        var images: [FilmImage] = []
        for item in film.sequenceItems(.imageBoxContentSequence) where item[.basicGrayscaleImageSequence] != nil {
            let position = item.int(.imageBoxPosition) ?? images.count + 1
            images.append(try FilmImage(imageBox: item, position: position))
        }
        let box = FilmBoxRequest(imageDisplayFormat: text(.imageDisplayFormat) ?? "STANDARD\\1,1", filmSizeID: text(.filmSizeID),
                                 filmOrientation: text(.filmOrientation), magnificationType: text(.magnificationType),
                                 borderDensity: text(.borderDensity), emptyImageDensity: text(.emptyImageDensity),
                                 minDensity: film.int(.minDensity), maxDensity: film.int(.maxDensity), trim: text(.trim),
                                 annotationDisplayFormatID: notes.isEmpty ? nil : text(.annotationDisplayFormatID))
        return FilmRequest(filmBox: box, images: images, annotations: notes)
    }
}

/// A forwarded film the printer did not print.
public struct PrinterForwardError: FilmDeliveryFailure, Sendable, CustomStringConvertible {
    public var peer: String
    public var failure: PrintSCUError

    /// Queue full (C601/C602), insufficient memory (C605) or Printer Status FAILURE: the printer
    /// cannot take any film now, so all wait. Other refusals concern this film.
    public var destinationUnavailable: Bool {
        switch failure {
        case .printerFailure, .grayscalePrintNotAccepted: return true
        case .failed(_, let status, _): return [0xC601, 0xC602, 0xC605].contains(status.rawValue) || status.rawValue & 0xFF00 == 0xA700
        default: return false
        }
    }

    public var description: String { "the printer \(peer) did not print the film: \(failure)" }
}
