import DICOM
import Foundation

/// The attributes this print SCP accepts at each level, with their defined terms (PS3.3 C.13.1 to
/// C.13.9, PS3.4 §H.4.1-§H.4.9 SCP usage).
public enum PrintAttributeRules {
    static let density: AttributeRule.Values = .custom { v in
        let t = v.trimmingCharacters(in: .whitespaces)
        if t == "BLACK" || t == "WHITE" { return nil }
        if let n = Int(t), (0 ... 400).contains(n) { return nil }
        return "'\(t)' is not BLACK, WHITE or a density in hundredths of OD (0-400)"
    }

    public static let magnificationTypes: Set<String> = ["REPLICATE", "BILINEAR", "CUBIC", "NONE"]

    /// Basic Film Session, PS3.4 Table H.4-1 / PS3.3 C.13.1.
    public static let filmSession: [AttributeRule] = [
        AttributeRule(.numberOfCopies, .integer(1 ... 99)),
        AttributeRule(.printPriority, .terms(["HIGH", "MED", "LOW"])),
        AttributeRule(.mediumType, .terms(["PAPER", "CLEAR FILM", "BLUE FILM", "MAMMO CLEAR FILM", "MAMMO BLUE FILM"])),
        AttributeRule(.filmDestination, .custom { v in
            let t = v.trimmingCharacters(in: .whitespaces)
            if t == "MAGAZINE" || t == "PROCESSOR" { return nil }
            if t.hasPrefix("BIN_"), let n = Int(t.dropFirst(4)), (1 ... 99).contains(n) { return nil }
            return "'\(t)' is not MAGAZINE, PROCESSOR or BIN_i"
        }),
        AttributeRule(.filmSessionLabel, .text),
        AttributeRule(.memoryAllocation, .integer(0 ... Int(Int32.max))),
        AttributeRule(.ownerID, .text),
        AttributeRule(.referencedPresentationLUTSequence, .sequence),
    ]

    /// Basic Film Box, PS3.4 Table H.4-5 / PS3.3 C.13.3 and C.13.8.
    public static let filmBox: [AttributeRule] = [
        AttributeRule(.imageDisplayFormat, .custom { v in
            do { _ = try ImageDisplayFormat(dicom: v); return nil } catch { return "\(error)" }
        }, requiredOnCreate: true),
        AttributeRule(.referencedFilmSessionSequence, .sequence, requiredOnCreate: true),
        AttributeRule(.annotationDisplayFormatID, .text),
        AttributeRule(.filmOrientation, .terms(["PORTRAIT", "LANDSCAPE"])),
        AttributeRule(.filmSizeID, .text), // the printer profile's sizes (Layouts/film-sizes.json), checked through FilmSheet
        AttributeRule(.magnificationType, .terms(magnificationTypes)),
        AttributeRule(.smoothingType, .text),
        AttributeRule(.borderDensity, density),
        AttributeRule(.emptyImageDensity, density),
        AttributeRule(.minDensity, .integer(0 ... 400)),
        AttributeRule(.maxDensity, .integer(0 ... 400)),
        AttributeRule(.trim, .terms(["YES", "NO"])),
        AttributeRule(.configurationInformation, .text),
        AttributeRule(.illumination, .integer(1 ... 65535)),
        AttributeRule(.reflectedAmbientLight, .integer(0 ... 65535)),
        AttributeRule(.requestedResolutionID, .terms(["STANDARD", "HIGH"])),
        AttributeRule(.referencedPresentationLUTSequence, .sequence),
    ]

    /// Basic Grayscale Image Box, PS3.4 Table H.4-9 / PS3.3 C.13.5.
    public static let imageBox: [AttributeRule] = [
        AttributeRule(.imageBoxPosition, .integer(1 ... 65535)),
        AttributeRule(.basicGrayscaleImageSequence, .sequence),
        AttributeRule(.polarity, .terms(["NORMAL", "REVERSE"])),
        AttributeRule(.magnificationType, .terms(magnificationTypes)),
        AttributeRule(.smoothingType, .text),
        AttributeRule(.requestedImageSize, .custom { v in
            guard let mm = Double(v.trimmingCharacters(in: .whitespaces)), mm > 0, mm < 1000 else { return "'\(v)' is not a width in mm" }
            _ = mm; return nil
        }),
        AttributeRule(.requestedDecimateCropBehavior, .terms(["DECIMATE", "CROP", "FAIL"])),
    ]

    /// Basic Annotation Box, PS3.4 Table H.4-14 / PS3.3 C.13.7.
    public static let annotationBox: [AttributeRule] = [
        AttributeRule(.annotationPosition, .integer(1 ... 65535)),
        AttributeRule(.textString, .text),
    ]

    /// Presentation LUT, PS3.4 Table H.4-31 / PS3.3 C.11.4.
    public static let presentationLUT: [AttributeRule] = [
        AttributeRule(.presentationLUTSequence, .sequence),
        AttributeRule(.presentationLUTShape, .terms(["IDENTITY", "LIN OD"])),
    ]
}
