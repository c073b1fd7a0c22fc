import CCairo
import Foundation

/// A page rendered to pixels at a resolution: PNG output now, film sheets for the print server
/// later (8-bit grey or RGB; Cairo has no 12-bit grey format, so 12-bit films should composite
/// their image boxes at full depth and use a raster page only for annotations).
///
///     let page = try RasterPage(size: Size(width: 100, height: 50), dpi: 300, fonts: try .shared())
///     try page.draw { c in c.strokeRect(Rect(x: 5, y: 5, width: 90, height: 40)) }
///     try page.writePNG(to: "page.png")
///
/// Thread-safety: not `Sendable`; one page per task.
public final class RasterPage {
    public let size: Size
    public let dpi: Double
    public let pixelWidth: Int
    public let pixelHeight: Int
    public let fonts: FontLibrary
    private let surface: OpaquePointer

    /// A white page of `size` millimetres at `dpi` dots per inch (pixels = mm / 25.4 × dpi, rounded).
    public init(size: Size, dpi: Double, fonts: FontLibrary, background: Color = .white) throws {
        let w = Int((size.width / Size.millimetresPerInch * dpi).rounded())
        let h = Int((size.height / Size.millimetresPerInch * dpi).rounded())
        guard dpi > 0, w >= 1, h >= 1, w <= 32767, h <= 32767 else {
            throw GraphicsError.invalidSize(widthMM: size.width, heightMM: size.height,
                                            reason: "at \(dpi) dpi that is \(w)×\(h) pixels; Cairo allows 1…32767 a side")
        }
        guard let s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(w), Int32(h)) else {
            throw GraphicsError.cairo(operation: "cairo_image_surface_create", status: "no surface")
        }
        do { try GraphicsError.check(cairo_surface_status(s), "cairo_image_surface_create (\(w)×\(h))") } catch {
            cairo_surface_destroy(s); throw error
        }
        surface = s
        self.size = size; self.dpi = dpi; self.fonts = fonts
        pixelWidth = w; pixelHeight = h
        try draw { $0.fillPage(background) }
    }

    deinit { cairo_surface_destroy(surface) }

    /// Draws on the page (may be called several times; drawing accumulates).
    public func draw(_ body: (Canvas) throws -> Void) throws {
        let canvas = try Canvas(surface: surface, size: size, unitsPerMillimetre: Double(pixelWidth) / size.width,
                                fonts: fonts, antialiasText: true)
        try body(canvas)
        try canvas.check("drawing a \(pixelWidth)×\(pixelHeight) raster page")
    }

    /// Writes the page as an 8-bit RGB PNG through a temporary name.
    public func writePNG(to path: String) throws {
        try AtomicOutput.checkFolder(of: path)
        let tmp = AtomicOutput.temporaryPath(for: path)
        cairo_surface_flush(surface)
        let status = cairo_surface_write_to_png(surface, tmp)
        guard status == CAIRO_STATUS_SUCCESS else {
            AtomicOutput.discard(tmp)
            throw GraphicsError.cannotWrite(path: path, reason: String(cString: cairo_status_to_string(status)))
        }
        try AtomicOutput.commit(tmp, to: path)
    }

    /// Interleaved 8-bit RGB, rows top to bottom.
    public func rgbPixels() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: pixelWidth * pixelHeight * 3)
        forEachPixel { i, v in out[3 * i] = UInt8(v >> 16 & 0xFF); out[3 * i + 1] = UInt8(v >> 8 & 0xFF); out[3 * i + 2] = UInt8(v & 0xFF) }
        return out
    }

    /// 8-bit grey (luma, ITU-R BT.601 weights), rows top to bottom.
    public func grayPixels() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: pixelWidth * pixelHeight)
        forEachPixel { i, v in
            let r = v >> 16 & 0xFF, g = v >> 8 & 0xFF, b = v & 0xFF
            out[i] = UInt8((299 * r + 587 * g + 114 * b + 500) / 1000)
        }
        return out
    }

    private func forEachPixel(_ body: (Int, UInt32) -> Void) {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { return }
        for y in 0 ..< pixelHeight {
            let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0 ..< pixelWidth { body(y * pixelWidth + x, row[x]) }
        }
    }
}
