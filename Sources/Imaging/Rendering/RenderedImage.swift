/// A rendered frame ready for a bitmap writer: grey or RGB, row by row, top to bottom.
public struct RenderedImage: Sendable, Equatable {
    public enum Pixels: Sendable, Equatable {
        /// 8-bit grey, one byte per pixel.
        case gray8([UInt8])
        /// Grey with `bits` significant bits (12 for print, 16 for full-depth PNG), one value per pixel.
        case gray16([UInt16], bits: Int)
        /// 8-bit RGB, interleaved.
        case rgb8([UInt8])
    }

    public var width: Int
    public var height: Int
    public var pixels: Pixels

    public init(width: Int, height: Int, pixels: Pixels) {
        self.width = width; self.height = height; self.pixels = pixels
    }

    public var channels: Int { if case .rgb8 = pixels { return 3 }; return 1 }
}

/// The output a `Renderer` produces.
public enum RenderFormat: Sendable, Equatable {
    /// 8-bit grey for monochrome, 8-bit RGB for colour.
    case automatic
    case gray8
    /// 12-bit grey (0…4095): the depth of DCMTK's and Lightbox's print image boxes.
    case gray12
    case gray16
    case rgb8
}

/// Which VOI transformation to apply (PS3.3 §C.11.2).
public enum VOISelection: Sendable, Equatable {
    /// The first window of the file, else its first VOI LUT, else the full range of values.
    case automatic
    /// Window `n` (from 0) of the file's Window Center/Width values.
    case fileWindow(Int)
    /// VOI LUT `n` (from 0) of the file's VOI LUT Sequence.
    case fileLUT(Int)
    /// An explicit window.
    case window(Window)
    /// No VOI: stretch the frame's actual modality-value range (like dcmj2pnm without +W).
    case none
}
