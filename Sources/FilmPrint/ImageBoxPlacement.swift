import Graphics

/// What happened to an image to get it into its box, with the DIMSE status the print SCP returns
/// for it (PS3.4 H.4.3.1.2.1 / PS3.7 Annex C, Basic Grayscale Image Box N-SET).
public enum PlacementOutcome: Sendable, Hashable {
    /// Printed at the requested size, or magnified to fit its box.
    case fitted
    /// Larger than its box in printer pixels, scaled down to fit: B604.
    case demagnified
    /// Larger than its box at the requested size (or NONE), middle printed: B609.
    case cropped
    /// Larger than its box at the requested size (or NONE), decimated to fit: B60A.
    case decimated
    /// Larger than its box and Requested Decimate/Crop Behavior is FAIL: C603, not printed.
    case rejected
    /// At its Requested Image Size (the combined print image) larger than its box, and Requested
    /// Decimate/Crop Behavior is FAIL: C613, not printed.
    case rejectedCombined

    /// Not printed: the box stays empty.
    public var isRejected: Bool { self == .rejected || self == .rejectedCombined }

    /// The warning or failure status to answer, nil for success (0000).
    public var status: UInt16? {
        switch self {
        case .fitted: return nil
        case .demagnified: return 0xB604
        case .cropped: return 0xB609
        case .decimated: return 0xB60A
        case .rejected: return 0xC603
        case .rejectedCombined: return 0xC613
        }
    }
}

/// How one image lies in its box: the rectangle the whole image covers (it can overhang the box
/// when cropped), in millimetres and printer pixels, and the outcome.
public struct ImageBoxPlacement: Sendable, Hashable {
    public var position: Int
    public var outcome: PlacementOutcome
    /// The box, mm.
    public var box: Rect
    /// The whole image's rectangle, mm (centred in the box; larger than it when cropped).
    public var image: Rect
    /// Printer pixels per image column (horizontal scale).
    public var scale: Double
    public var magnification: MagnificationType

    /// Places `img` in `box` at `dpi` (PS3.3 C.13.5: Magnification Type, Requested Image Size,
    /// Requested Decimate/Crop Behavior). Aspect ratio is kept (Pixel Aspect Ratio included).
    /// Without a Requested Image Size the image fills the box as far as its aspect allows
    /// (NONE: one image pixel per printer pixel); when that is larger than the box, the behaviour
    /// decides.
    public static func place(_ img: FilmImage, in box: Rect, dpi: Double, filmMagnification: MagnificationType) -> ImageBoxPlacement {
        let mag = img.magnification ?? filmMagnification
        let pxPerMM = dpi / Size.millimetresPerInch
        let cols = Double(img.columns), rows = Double(img.rows) * img.pixelAspectRatio   // rows in column-pixel units
        let bw = box.width * pxPerMM, bh = box.height * pxPerMM
        let fit = min(bw / cols, bh / rows)              // printer pixels per image pixel to fill the box
        var scale: Double
        var outcome = PlacementOutcome.fitted
        if let w = img.requestedWidthMM {
            scale = w * pxPerMM / cols
        } else if mag == .none {
            scale = 1
        } else {
            scale = fit
            if fit < 1 { outcome = .demagnified }
        }
        // Tolerance of a thousandth of a pixel so a box that fits exactly is not "larger".
        if scale > fit * (1 + 1e-9) {
            switch img.decimateCrop {
            case .decimate: scale = fit; outcome = .decimated
            case .crop: outcome = .cropped
            case .fail: outcome = img.requestedWidthMM == nil ? .rejected : .rejectedCombined
            }
        }
        let w = cols * scale / pxPerMM, h = rows * scale / pxPerMM
        let r = Rect(x: box.minX + (box.width - w) / 2, y: box.minY + (box.height - h) / 2, width: w, height: h)
        return ImageBoxPlacement(position: img.position, outcome: outcome, box: box, image: r, scale: scale, magnification: mag)
    }
}
