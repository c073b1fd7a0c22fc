import DICOM

/// The Modality LUT transformation: stored values to modality-specific values such as Hounsfield
/// units (PS3.3 §C.11.1, Modality LUT Module; §C.7.6.3.1 and §C.8 for Rescale Slope/Intercept).
///
/// Either a linear rescale `m = slope · s + intercept` or a table from the Modality LUT Sequence
/// (0028,3000). The sequence wins when both are present (PS3.3 §C.11.1: they are mutually exclusive).
public enum ModalityLUT: Sendable, Equatable {
    case identity
    case rescale(slope: Double, intercept: Double)
    case table(LookupTable)

    /// Reads the Modality LUT Module of a data set.
    public init(dataSet ds: DataSet, isSigned: Bool, path: String? = nil) throws {
        if let item = ds[.modalityLUTSequence]?.items.first {
            self = .table(try LookupTable(item: item, signedInput: isSigned, path: path))
            return
        }
        let slope = ds.double(.rescaleSlope) ?? 1
        let intercept = ds.double(.rescaleIntercept) ?? 0
        // Lenient: a zero slope (seen in the wild) would flatten the image; treat it as 1.
        let s = slope == 0 ? 1 : slope
        self = (s == 1 && intercept == 0) ? .identity : .rescale(slope: s, intercept: intercept)
    }

    /// The modality value of a stored value.
    @inlinable public func callAsFunction(_ stored: Int) -> Double {
        switch self {
        case .identity: return Double(stored)
        case .rescale(let s, let b): return Double(stored) * s + b
        case .table(let t): return Double(t(stored))
        }
    }

    /// Whether the output is integral for integral input (then VOI LUT tables index it directly).
    public var isIntegral: Bool {
        switch self {
        case .identity, .table: return true
        case .rescale(let s, let b): return s == s.rounded() && b == b.rounded()
        }
    }
}
