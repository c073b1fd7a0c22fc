import Imaging

/// A film as printer pixels, each holding the optical density to expose as a `DensityCode`
/// (1/10000 OD). Written as a 16-bit greyscale PNG whose sample value is the density code
/// (docs/film-output.md).
public struct DensityRaster: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let dpi: Double
    /// Row by row, top to bottom.
    public internal(set) var codes: [UInt16]

    public init(width: Int, height: Int, dpi: Double, fill: UInt16) {
        self.width = width; self.height = height; self.dpi = dpi
        codes = [UInt16](repeating: fill, count: width * height)
    }

    /// The density at a pixel, OD.
    public func density(x: Int, y: Int) -> Double { DensityCode.decode(codes[y * width + x]) }

    mutating func fill(_ r: PixelRect, code: UInt16) {
        let c = r.clamped(width: width, height: height)
        guard c.width > 0 else { return }
        codes.withUnsafeMutableBufferPointer { d in
            for y in c.y0 ..< c.y1 { for x in c.x0 ..< c.x1 { d[y * width + x] = code } }
        }
    }

    /// A frame `t` pixels thick just inside `r`.
    mutating func frame(_ r: PixelRect, thickness t: Int, code: UInt16) {
        guard t > 0 else { return }
        fill(PixelRect(x0: r.x0, y0: r.y0, x1: r.x1, y1: r.y0 + t), code: code)
        fill(PixelRect(x0: r.x0, y0: r.y1 - t, x1: r.x1, y1: r.y1), code: code)
        fill(PixelRect(x0: r.x0, y0: r.y0, x1: r.x0 + t, y1: r.y1), code: code)
        fill(PixelRect(x0: r.x1 - t, y0: r.y0, x1: r.x1, y1: r.y1), code: code)
    }

    /// Blends `code` into `r` by coverage (0…255, 255 = full), e.g. rendered text.
    mutating func blend(_ coverage: [UInt8], in r: PixelRect, code: UInt16) {
        let c = r.clamped(width: width, height: height)
        let target = Float(code)
        for y in c.y0 ..< c.y1 {
            for x in c.x0 ..< c.x1 {
                let a = Float(coverage[(y - r.y0) * r.width + (x - r.x0)]) / 255
                guard a > 0 else { continue }
                let i = y * width + x
                codes[i] = UInt16((Float(codes[i]) * (1 - a) + target * a).rounded())
            }
        }
    }

    /// The 16-bit greyscale PNG (value = density code), deflated run-length only (zlib Z_RLE): a
    /// 14×17-inch film at 300 dpi is 43 MB of samples, mostly flat border and box areas.
    public func pngBytes() throws -> [UInt8] {
        try PNGWriter.encode(RenderedImage(width: width, height: height, pixels: .gray16(codes, bits: 16)),
                             compressionLevel: 6, strategy: .runLength)
    }
}
