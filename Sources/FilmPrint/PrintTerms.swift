import Foundation

/// Magnification Type (2010,0060) of the Film Box and Image Box, PS3.3 C.13.8 / C.13.5:
/// how an image is interpolated to the printer's pixels.
public enum MagnificationType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Pixels replicated (nearest neighbour).
    case replicate = "REPLICATE"
    case bilinear = "BILINEAR"
    /// Cubic convolution (Keys, a = −0.5).
    case cubic = "CUBIC"
    /// No magnification: one image pixel per printer pixel.
    case none = "NONE"

    public init(dicom value: String) throws {
        guard let m = MagnificationType(rawValue: value.trimmingCharacters(in: .whitespaces)) else {
            throw FilmPrintError.invalidMagnificationType(value)
        }
        self = m
    }
}

/// Polarity (2020,0020) of the Image Box, PS3.3 C.13.5: REVERSE prints minimum pixel values white.
public enum Polarity: String, Sendable, Hashable, Codable, CaseIterable {
    case normal = "NORMAL"
    case reverse = "REVERSE"

    public init(dicom value: String) throws {
        guard let p = Polarity(rawValue: value.trimmingCharacters(in: .whitespaces)) else { throw FilmPrintError.invalidPolarity(value) }
        self = p
    }
}

/// Requested Decimate/Crop Behavior (2020,0040) of the Image Box, PS3.3 C.13.5: what to do when
/// the image, at its requested size or one pixel per printer pixel, is larger than its box.
public enum DecimateCropBehavior: String, Sendable, Hashable, Codable, CaseIterable {
    /// Shrink it to fit (status B60A).
    case decimate = "DECIMATE"
    /// Print the middle, cutting rows and/or columns (status B609).
    case crop = "CROP"
    /// Do not print it (status C603).
    case fail = "FAIL"

    public init(dicom value: String) throws {
        guard let b = DecimateCropBehavior(rawValue: value.trimmingCharacters(in: .whitespaces)) else {
            throw FilmPrintError.invalidDecimateCropBehavior(value)
        }
        self = b
    }
}

/// Border Density (2010,0100) or Empty Image Density (2010,0110), PS3.3 C.13.8: BLACK (the
/// printer's Max Density), WHITE (its Min Density) or a density in hundredths of OD.
public enum FilmDensity: Sendable, Hashable, Codable {
    case black
    case white
    /// Hundredths of OD, e.g. 150 = 1.50 OD.
    case hundredths(Int)

    /// Parses the CS value; `attribute` names it in the error.
    public init(dicom value: String, attribute: String) throws {
        let v = value.trimmingCharacters(in: .whitespaces)
        switch v {
        case "BLACK": self = .black
        case "WHITE": self = .white
        default:
            guard !v.isEmpty, v.count <= 4, v.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(v) else {
                throw FilmPrintError.invalidDensity(value, attribute: attribute)
            }
            self = .hundredths(n)
        }
    }

    /// The density in OD, clamped to the film's range (a printer cannot go beyond it).
    public func opticalDensity(min dMin: Double, max dMax: Double) -> Double {
        switch self {
        case .black: return dMax
        case .white: return dMin
        case .hundredths(let n): return Swift.min(Swift.max(Double(n) / 100, dMin), dMax)
        }
    }
}
