import DICOM
import Imaging

/// The Presentation LUT of a film: Presentation LUT Shape (2050,0020) IDENTITY or LIN OD, or an
/// explicit Presentation LUT Sequence (2050,0010) item (LUT Descriptor + LUT Data), PS3.3 C.11.6
/// and the Presentation LUT SOP Class, PS3.4 H.4.9. It maps image box values to P-Values (or, for
/// LIN OD, straight to densities); `DensityCalibration` turns them into optical density.
public enum FilmPresentationLUT: Sendable, Equatable {
    /// P-Value = image value (PS3.3 C.11.6.1.2): P-Values are perceptually linear (GSDF).
    case identity
    /// Image values map linearly to optical density, 0 → Max Density, the maximum → Min Density
    /// (PS3.3 C.11.6.1.2, "LIN OD"): no GSDF.
    case linearOD
    /// An explicit LUT: image value → P-Value of `bitsPerEntry` bits.
    case table(LookupTable)

    /// Parses Presentation LUT Shape; IDENTITY or LIN OD (INVERSE is for softcopy and not allowed
    /// in print, PS3.4 H.4.9.1.2).
    public init(shape: String) throws {
        switch shape.trimmingCharacters(in: .whitespaces) {
        case "IDENTITY": self = .identity
        case "LIN OD": self = .linearOD
        default: throw FilmPrintError.invalidPresentationLUT(reason: "Presentation LUT Shape \"\(shape)\" is not IDENTITY or LIN OD")
        }
    }

    /// Reads a Presentation LUT SOP instance (or film box) data set: the sequence wins over the
    /// shape; nil when it holds neither.
    public init?(dataSet ds: DataSet) throws {
        if let item = ds[.presentationLUTSequence]?.items.first {
            self = .table(try LookupTable(item: item, signedInput: false))
        } else if let shape = ds.string(.presentationLUTShape) {
            try self.init(shape: shape)
        } else {
            return nil
        }
    }

    /// Checks an explicit LUT can map `inputBits`-bit image values: as many entries as input
    /// values, first mapped 0, 8–16 bits per entry (PS3.3 C.11.6.1.1 asks 10–16; Lenient: 8 and
    /// 9 are accepted as several modalities send them).
    public func check(inputBits: Int) throws {
        guard case .table(let t) = self else { return }
        let n = 1 << inputBits
        guard t.entries.count == n else {
            throw FilmPrintError.invalidPresentationLUT(reason: "\(t.entries.count) entries for \(inputBits)-bit image values (\(n) needed)")
        }
        guard t.firstMapped == 0 else {
            throw FilmPrintError.invalidPresentationLUT(reason: "first mapped value \(t.firstMapped), must be 0")
        }
        guard (8 ... 16).contains(t.bitsPerEntry) else {
            throw FilmPrintError.invalidPresentationLUT(reason: "\(t.bitsPerEntry) bits per entry")
        }
    }
}
