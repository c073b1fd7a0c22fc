import DICOM

/// The Presentation LUT: VOI output to P-Values, device-independent values that a display or
/// printer maps to luminance or optical density through the GSDF (PS3.3 §C.11.6, Presentation LUT
/// Module; §C.11.4 Softcopy Presentation LUT; PS3.4 §H.4.9 Presentation LUT SOP Class).
///
/// P-Values are perceptually linear: equal steps are equal numbers of JNDs (PS3.14 §7).
public enum PresentationLUT: Sendable, Equatable {
    /// Presentation LUT Shape IDENTITY: P-Value = VOI output.
    case identity
    /// Presentation LUT Shape INVERSE: P-Value = max − VOI output (MONOCHROME1 semantics).
    case inverse
    /// A Presentation LUT Sequence item: VOI output (first mapped 0) to P-Values of `bitsPerEntry` bits.
    case table(LookupTable)

    /// Reads Presentation LUT Shape (2050,0020) or the Presentation LUT Sequence (2050,0010);
    /// nil when the data set has neither.
    public init?(dataSet ds: DataSet, path: String? = nil) throws {
        if let item = ds[.presentationLUTSequence]?.items.first {
            self = .table(try LookupTable(item: item, signedInput: false, path: path))
            return
        }
        switch ds.string(.presentationLUTShape)?.uppercased() {
        case "IDENTITY": self = .identity
        case "INVERSE": self = .inverse
        default: return nil
        }
    }

    /// Maps a normalised VOI output `v` (0…1) to a normalised P-Value (0…1).
    ///
    /// For a table the VOI output is first quantised to the table's input range 0 … count − 1
    /// (PS3.3 §C.11.6.1: the LUT's first mapped value is 0 and it spans the VOI output range).
    @inlinable public func apply(_ v: Double) -> Double {
        switch self {
        case .identity: return v
        case .inverse: return 1 - v
        case .table(let t):
            let n = t.entries.count
            let i = Int((v * Double(n - 1)).rounded(.down))
            return Double(t(min(max(i, 0), n - 1))) / Double(t.maxOutput)
        }
    }
}
