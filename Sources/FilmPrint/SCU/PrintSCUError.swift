import Network

/// Why a print SCU run stopped (PS3.4 §H.4). Each case names the step and the printer's answer.
public enum PrintSCUError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The printer accepted no Basic Grayscale Print Management Meta presentation context.
    case grayscalePrintNotAccepted(printer: String)
    /// A request got a failure status.
    case failed(step: String, status: DIMSEStatus, comment: String?)
    /// The printer's N-GET says it cannot print (Printer Status FAILURE).
    case printerFailure(info: String)
    /// The film box N-CREATE response has fewer image boxes than the film has images.
    case tooFewImageBoxes(film: Int, boxes: Int, images: Int)
    /// The printer answered without a data element the standard requires.
    case malformedResponse(step: String, reason: String)

    public var description: String {
        func withComment(_ c: String?) -> String { c.map { ": \($0)" } ?? "" }
        switch self {
        case .grayscalePrintNotAccepted(let p):
            return "\(p) accepted no Basic Grayscale Print Management presentation context: it is not a grayscale DICOM printer, or it does not accept this AE title"
        case .failed(let step, let status, let comment):
            return "\(step) failed with status \(status)\(withComment(comment))"
        case .printerFailure(let info):
            return "the printer reports Printer Status FAILURE (\(info.isEmpty ? "no reason given" : info)); nothing was printed"
        case .tooFewImageBoxes(let film, let boxes, let images):
            return "film \(film): the printer made \(boxes) image box(es) for \(images) image(s); choose a display format with more boxes"
        case .malformedResponse(let step, let reason):
            return "\(step): the printer's response is malformed: \(reason)"
        }
    }
}
