import Imaging

/// Density code → 8-bit display value for one film and display (`DisplayCharacteristic`).
struct PreviewMapping: Sendable {
    let table: [UInt8]
    let minCode: UInt16

    @inline(__always) func value(_ code: UInt16) -> UInt8 {
        let i = Int(code) - Int(minCode)
        return table[min(max(i, 0), table.count - 1)]
    }

    /// Grey 0…1 for Cairo.
    func gray(_ code: UInt16) -> Double { Double(value(code)) / 255 }

    /// The film at `dpi` (≤ the raster's): each preview pixel averages the luminance-ordered
    /// density codes of the printer pixels it covers (box filter), then maps to the display.
    func preview(of r: DensityRaster, dpi: Double) -> RenderedImage {
        let f = min(dpi / r.dpi, 1)
        let w = max(1, Int((Double(r.width) * f).rounded())), h = max(1, Int((Double(r.height) * f).rounded()))
        var out = [UInt8](repeating: 0, count: w * h)
        r.codes.withUnsafeBufferPointer { c in
            for y in 0 ..< h {
                let sy0 = y * r.height / h, sy1 = max(sy0 + 1, (y + 1) * r.height / h)
                for x in 0 ..< w {
                    let sx0 = x * r.width / w, sx1 = max(sx0 + 1, (x + 1) * r.width / w)
                    var sum = 0
                    for sy in sy0 ..< sy1 { for sx in sx0 ..< sx1 { sum += Int(c[sy * r.width + sx]) } }
                    out[y * w + x] = value(UInt16(sum / ((sy1 - sy0) * (sx1 - sx0))))
                }
            }
        }
        return RenderedImage(width: w, height: h, pixels: .gray8(out))
    }
}
