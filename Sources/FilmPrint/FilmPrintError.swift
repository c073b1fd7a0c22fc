/// Why a film could not be laid out, calibrated or composed. One error type for the `FilmPrint`
/// layer; each case names the value at fault and says what to do. The print SCP maps them to
/// DIMSE statuses (PS3.4 Annex H, PS3.7 Annex C): a value outside the defined terms → 0106, an
/// image larger than its box with FAIL → C603 (see `FilmComposer.Report`).
public enum FilmPrintError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Image Display Format (2010,0010) is not `STANDARD\C,R`, `ROW\…` or `COL\…` as PS3.3 C.13.8 spells them.
    case invalidDisplayFormat(String, reason: String)
    /// A display format the standard defines but this printer does not print (SLIDE, SUPERSLIDE, CUSTOM).
    case unsupportedDisplayFormat(String)
    /// A display format with more rows, columns or boxes than the printer profile allows.
    case displayFormatTooLarge(String, limit: String)
    /// A Film Size ID (2010,0050) that is not in film-sizes.json or not in the printer's list.
    case unknownFilmSize(String, known: [String])
    /// A Film Orientation (2010,0040) other than PORTRAIT or LANDSCAPE.
    case invalidOrientation(String)
    /// A density (Border, Empty Image, Min, Max) that is neither BLACK, WHITE nor hundredths of OD.
    case invalidDensity(String, attribute: String)
    /// A Magnification Type (2010,0060) outside REPLICATE, BILINEAR, CUBIC, NONE, or not offered by the profile.
    case invalidMagnificationType(String)
    /// A Smoothing Type (2010,0080) the printer profile does not list.
    case invalidSmoothingType(String, known: [String])
    /// Trim (2010,0140) other than YES or NO.
    case invalidTrim(String)
    /// Polarity (2020,0020) other than NORMAL or REVERSE.
    case invalidPolarity(String)
    /// Requested Decimate/Crop Behavior (2020,0040) other than DECIMATE, CROP, FAIL.
    case invalidDecimateCropBehavior(String)
    /// A Presentation LUT that cannot map this image's values (wrong entry count or bits).
    case invalidPresentationLUT(reason: String)
    /// Image box pixels inconsistent with their rows, columns and bits.
    case invalidImagePixels(position: Int, reason: String)
    /// An image box position outside 1 … box count of the display format.
    case imagePositionOutOfRange(position: Int, boxCount: Int)
    /// An annotation position outside the annotation display format's boxes.
    case annotationPositionOutOfRange(position: Int, boxCount: Int, format: String)
    /// An Annotation Display Format ID (2010,0030) the profile does not define.
    case unknownAnnotationFormat(String, known: [String])
    /// A Requested Resolution ID (2020,0050) the profile does not define.
    case unknownResolution(String, known: [String])
    /// Min Density above Max Density, or outside what the printer can produce.
    case invalidDensityRange(min: Double, max: Double, reason: String)
    /// A layout data file (film-sizes.json, printers/NAME.json) is missing or malformed.
    case layoutData(file: String, reason: String)
    /// A display characteristic curve file (dcmdspfn's monitor format) could not be read.
    case displayCurve(file: String, line: Int, reason: String)
    /// Writing an output file failed; `reason` comes from the layer below.
    case output(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidDisplayFormat(let v, let r):
            return "Image Display Format \"\(v)\" is invalid: \(r); write STANDARD\\C,R, ROW\\n1,n2,… or COL\\n1,n2,… (PS3.3 C.13.8)"
        case .unsupportedDisplayFormat(let v):
            return "Image Display Format \"\(v)\" is not supported by this printer; use STANDARD\\C,R, ROW\\… or COL\\…"
        case .displayFormatTooLarge(let v, let l):
            return "Image Display Format \"\(v)\" exceeds the printer's limit (\(l)); use fewer rows or columns"
        case .unknownFilmSize(let v, let k):
            return "Film Size ID \"\(v)\" is not supported; use one of \(k.joined(separator: ", "))"
        case .invalidOrientation(let v):
            return "Film Orientation \"\(v)\" is invalid; use PORTRAIT or LANDSCAPE"
        case .invalidDensity(let v, let a):
            return "\(a) \"\(v)\" is invalid; use BLACK, WHITE or the density in hundredths of OD (e.g. 150)"
        case .invalidMagnificationType(let v):
            return "Magnification Type \"\(v)\" is not supported; use REPLICATE, BILINEAR, CUBIC or NONE"
        case .invalidSmoothingType(let v, let k):
            return "Smoothing Type \"\(v)\" is not supported; use one of \(k.joined(separator: ", "))"
        case .invalidTrim(let v):
            return "Trim \"\(v)\" is invalid; use YES or NO"
        case .invalidPolarity(let v):
            return "Polarity \"\(v)\" is invalid; use NORMAL or REVERSE"
        case .invalidDecimateCropBehavior(let v):
            return "Requested Decimate/Crop Behavior \"\(v)\" is invalid; use DECIMATE, CROP or FAIL"
        case .invalidPresentationLUT(let r):
            return "Presentation LUT unusable: \(r); send 256 entries for 8-bit or 4096 for 12-bit image boxes, 10–16 bits each (PS3.3 C.11.6.1)"
        case .invalidImagePixels(let p, let r):
            return "image box \(p): \(r); send Rows × Columns samples of 8 or 12 bits"
        case .imagePositionOutOfRange(let p, let n):
            return "Image Position \(p) is outside 1…\(n) of the film's display format"
        case .annotationPositionOutOfRange(let p, let n, let f):
            return "Annotation Position \(p) is outside 1…\(n) of annotation format \(f)"
        case .unknownAnnotationFormat(let v, let k):
            return "Annotation Display Format ID \"\(v)\" is not defined for this printer; use one of \(k.joined(separator: ", "))"
        case .unknownResolution(let v, let k):
            return "Requested Resolution ID \"\(v)\" is not supported; use one of \(k.joined(separator: ", "))"
        case .invalidDensityRange(let lo, let hi, let r):
            return "density range \(lo)–\(hi) OD is invalid: \(r)"
        case .layoutData(let f, let r):
            return "\(f): \(r); fix the file or set LIGHTBOX_LAYOUTS to Lightbox's Layouts folder"
        case .displayCurve(let f, let l, let r):
            return "\(f) line \(l): \(r); the file must follow DCMTK's monitor characteristic format (max N, optional amb, then DDL luminance pairs)"
        case .output(let p, let r):
            return "\(p): cannot write the film: \(r)"
        }
    }
}
