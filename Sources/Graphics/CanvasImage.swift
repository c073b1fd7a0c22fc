import CCairo

/// A bitmap to place on a page: 8-bit grey or 8-bit RGB, rows top to bottom (the layout of
/// `Imaging.RenderedImage`'s `.gray8`/`.rgb8`, without depending on `Imaging`).
public struct CanvasImage: Sendable, Equatable {
    public enum Pixels: Sendable, Equatable {
        case gray8([UInt8])
        /// Interleaved R G B.
        case rgb8([UInt8])
    }

    public var width: Int
    public var height: Int
    public var pixels: Pixels

    public init(width: Int, height: Int, pixels: Pixels) {
        self.width = width; self.height = height; self.pixels = pixels
    }
}

/// How an image fills its rectangle.
public enum ImagePlacement: Sendable, Hashable {
    /// Stretch to the rectangle.
    case fill
    /// Keep the aspect ratio, as large as fits, centred.
    case aspectFit
}

/// Resampling when an image is scaled on a raster surface (PDF viewers decide for themselves).
public enum ImageInterpolation: Sendable, Hashable {
    /// Replicate pixels: films of diagnostic images.
    case nearest
    /// Smooth (bilinear or better).
    case smooth
}

extension Canvas {
    /// Draws `image` in `rect` (millimetres).
    public func drawImage(_ image: CanvasImage, in rect: Rect, placement: ImagePlacement = .aspectFit,
                          interpolation: ImageInterpolation = .smooth) throws {
        let w = image.width, h = image.height
        guard w > 0, h > 0, w <= 32767, h <= 32767 else {
            throw GraphicsError.invalidSize(widthMM: Double(w), heightMM: Double(h), reason: "an image must be 1…32767 pixels a side")
        }
        let surface = try Self.makeSurface(image)
        defer { cairo_surface_destroy(surface) }
        var target = rect
        if placement == .aspectFit {
            let s = min(rect.width / Double(w), rect.height / Double(h))
            let tw = Double(w) * s, th = Double(h) * s
            target = Rect(x: rect.minX + (rect.width - tw) / 2, y: rect.minY + (rect.height - th) / 2, width: tw, height: th)
        }
        cairo_save(cr)
        defer { cairo_restore(cr) }
        cairo_translate(cr, target.x, target.y)
        cairo_scale(cr, target.width / Double(w), target.height / Double(h))
        cairo_set_source_surface(cr, surface, 0, 0)
        let pattern = cairo_get_source(cr)
        cairo_pattern_set_filter(pattern, interpolation == .nearest ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD)
        cairo_pattern_set_extend(pattern, CAIRO_EXTEND_PAD)
        cairo_new_path(cr)
        cairo_rectangle(cr, 0, 0, Double(w), Double(h))
        cairo_fill(cr)
        try check("drawing a \(w)×\(h) image")
    }

    /// An RGB24 Cairo surface holding the image (xRGB in native-endian 32-bit words).
    static func makeSurface(_ image: CanvasImage) throws -> OpaquePointer {
        let w = image.width, h = image.height
        let channels: Int
        let src: [UInt8]
        switch image.pixels {
        case .gray8(let a): channels = 1; src = a
        case .rgb8(let a): channels = 3; src = a
        }
        guard src.count >= w * h * channels else { throw GraphicsError.imageBufferTooShort(expected: w * h * channels, actual: src.count) }
        guard let s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(w), Int32(h)) else {
            throw GraphicsError.cairo(operation: "cairo_image_surface_create", status: "no surface")
        }
        do { try GraphicsError.check(cairo_surface_status(s), "cairo_image_surface_create (\(w)×\(h))") } catch {
            cairo_surface_destroy(s); throw error
        }
        cairo_surface_flush(s)
        let stride = Int(cairo_image_surface_get_stride(s))
        let data = cairo_image_surface_get_data(s)!
        src.withUnsafeBufferPointer { p in
            for y in 0 ..< h {
                let row = UnsafeMutableRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
                for x in 0 ..< w {
                    let i = (y * w + x) * channels
                    let r = UInt32(p[i]), g = UInt32(p[channels == 3 ? i + 1 : i]), b = UInt32(p[channels == 3 ? i + 2 : i])
                    row[x] = 0xFF00_0000 | r << 16 | g << 8 | b
                }
            }
        }
        cairo_surface_mark_dirty(s)
        return s
    }
}
