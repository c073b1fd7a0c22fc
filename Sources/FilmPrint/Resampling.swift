/// Separable resampling of an image's density codes onto printer pixels for the Magnification
/// Types of PS3.3 C.13.8: REPLICATE and NONE take the nearest pixel, BILINEAR two taps, CUBIC four
/// (Keys' cubic convolution, a = −0.5, the usual "cubic" of printers and image libraries); when
/// shrinking, BILINEAR and CUBIC average the covered samples instead (an area filter).
/// Interpolation is done on densities, after the Presentation LUT, so 12-bit P-Values are never
/// rounded to fewer levels.
struct Taps {
    /// For each output coordinate: `count` source indices and weights, flattened.
    var count: Int
    var index: [Int32]
    var weight: [Float]

    /// Taps for `n` output pixels starting at output pixel `first`, for an image of `size`
    /// samples whose left edge lies at output coordinate `origin` with `scale` output pixels
    /// per sample.
    init(kernel: MagnificationType, first: Int, n: Int, origin: Double, scale: Double, size: Int) {
        let last = size - 1
        @inline(__always) func clamp(_ i: Int) -> Int32 { Int32(min(max(i, 0), last)) }
        if scale < 1, kernel == .bilinear || kernel == .cubic {
            // Shrinking (demagnified or decimated): interpolating would skip samples and alias, so
            // each printer pixel averages the samples it covers, weighted by overlap (area filter).
            count = Int((1 / scale).rounded(.up)) + 1
            index = [Int32](repeating: 0, count: n * count)
            weight = [Float](repeating: 0, count: n * count)
            for k in 0 ..< n {
                let a = (Double(first + k) - origin) / scale, b = (Double(first + k + 1) - origin) / scale
                let i0 = Int(a.rounded(.down))
                for j in 0 ..< count {
                    let lo = max(a, Double(i0 + j)), hi = min(b, Double(i0 + j + 1))
                    index[k * count + j] = clamp(i0 + j)
                    weight[k * count + j] = Float(max(hi - lo, 0) / (b - a))
                }
            }
            return
        }
        switch kernel {
        case .replicate, .none: count = 1
        case .bilinear: count = 2
        case .cubic: count = 4
        }
        index = [Int32](repeating: 0, count: n * count)
        weight = [Float](repeating: 0, count: n * count)
        for k in 0 ..< n {
            let c = (Double(first + k) + 0.5 - origin) / scale     // position in source samples
            let o = k * count
            switch kernel {
            case .replicate, .none:
                index[o] = clamp(Int(c.rounded(.down))); weight[o] = 1
            case .bilinear:
                let u = c - 0.5, i = Int(u.rounded(.down)), t = u - Double(i)
                index[o] = clamp(i); index[o + 1] = clamp(i + 1)
                weight[o] = Float(1 - t); weight[o + 1] = Float(t)
            case .cubic:
                let u = c - 0.5, i = Int(u.rounded(.down)), t = u - Double(i)
                let w = Taps.keys(t)
                for j in 0 ..< 4 { index[o + j] = clamp(i - 1 + j); weight[o + j] = Float(w[j]) }
            }
        }
    }

    /// Keys cubic convolution weights for offsets −1, 0, 1, 2 from the sample left of `t`.
    static func keys(_ t: Double) -> [Double] {
        let a = -0.5
        func k(_ x: Double) -> Double {
            let x = abs(x)
            if x <= 1 { return (a + 2) * x * x * x - (a + 3) * x * x + 1 }
            if x < 2 { return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a }
            return 0
        }
        return [k(1 + t), k(t), k(1 - t), k(2 - t)]
    }
}

extension DensityRaster {
    /// Draws an image of density codes (`rows` × `columns`) whose full extent is the pixel-space
    /// rectangle (`x`, `y`, `width`, `height`), clipped to `clip`; results are clamped to
    /// `range` (cubic overshoot never leaves the film's densities).
    mutating func drawImage(_ src: [UInt16], rows: Int, columns: Int, x: Double, y: Double, width: Double, height: Double,
                            clip: PixelRect, kernel: MagnificationType, range: ClosedRange<UInt16>) {
        // The pixels whose centres lie in the image's rectangle (as `PixelRect(_:dpi:)` rounds boxes).
        let c = PixelRect(x0: max(clip.x0, Int(x.rounded())), y0: max(clip.y0, Int(y.rounded())),
                          x1: min(clip.x1, Int((x + width).rounded())), y1: min(clip.y1, Int((y + height).rounded())))
            .clamped(width: self.width, height: self.height)
        guard c.width > 0, c.height > 0 else { return }
        let outW = c.width, outH = c.height
        let tx = Taps(kernel: kernel, first: c.x0, n: outW, origin: x, scale: width / Double(columns), size: columns)
        let ty = Taps(kernel: kernel, first: c.y0, n: outH, origin: y, scale: height / Double(rows), size: rows)
        // Source rows the vertical taps use.
        let rLo = Int(ty.index.min() ?? 0), rHi = Int(ty.index.max() ?? 0)
        let usedRows = rHi - rLo + 1
        var tmp = [Float](repeating: 0, count: usedRows * outW)
        let lo = Float(range.lowerBound), hi = Float(range.upperBound)
        let rasterWidth = self.width
        src.withUnsafeBufferPointer { s in
            tmp.withUnsafeMutableBufferPointer { t in
                tx.index.withUnsafeBufferPointer { xi in tx.weight.withUnsafeBufferPointer { xw in
                    let n = tx.count
                    for r in 0 ..< usedRows {
                        let row = (rLo + r) * columns
                        let out = r * outW
                        switch n {
                        case 1:
                            for k in 0 ..< outW { t[out + k] = Float(s[row + Int(xi[k])]) }
                        case 4:
                            for k in 0 ..< outW {
                                let b = 4 * k
                                var acc = xw[b] * Float(s[row + Int(xi[b])])
                                acc += xw[b + 1] * Float(s[row + Int(xi[b + 1])])
                                acc += xw[b + 2] * Float(s[row + Int(xi[b + 2])])
                                acc += xw[b + 3] * Float(s[row + Int(xi[b + 3])])
                                t[out + k] = acc
                            }
                        default:
                            for k in 0 ..< outW {
                                var acc: Float = 0
                                for j in 0 ..< n { acc += xw[k * n + j] * Float(s[row + Int(xi[k * n + j])]) }
                                t[out + k] = acc
                            }
                        }
                    }
                } }
            }
        }
        tmp.withUnsafeBufferPointer { t in
            codes.withUnsafeMutableBufferPointer { d in
                ty.index.withUnsafeBufferPointer { yi in ty.weight.withUnsafeBufferPointer { yw in
                    let n = ty.count
                    for k in 0 ..< outH {
                        let out = (c.y0 + k) * rasterWidth + c.x0
                        if n == 1 {
                            let r = (Int(yi[k]) - rLo) * outW
                            for i in 0 ..< outW { d[out + i] = UInt16(min(max(t[r + i], lo), hi)) }
                            continue
                        }
                        // Rows are the same for the whole output row: hoist them and their weights.
                        if n == 4 {
                            let b = 4 * k
                            let r0 = (Int(yi[b]) - rLo) * outW, r1 = (Int(yi[b + 1]) - rLo) * outW
                            let r2 = (Int(yi[b + 2]) - rLo) * outW, r3 = (Int(yi[b + 3]) - rLo) * outW
                            let w0 = yw[b], w1 = yw[b + 1], w2 = yw[b + 2], w3 = yw[b + 3]
                            for i in 0 ..< outW {
                                let acc = w0 * t[r0 + i] + w1 * t[r1 + i] + w2 * t[r2 + i] + w3 * t[r3 + i]
                                d[out + i] = UInt16(min(max(acc, lo), hi).rounded())
                            }
                            continue
                        }
                        for i in 0 ..< outW {
                            var acc: Float = 0
                            for j in 0 ..< n { acc += yw[k * n + j] * t[(Int(yi[k * n + j]) - rLo) * outW + i] }
                            d[out + i] = UInt16(min(max(acc, lo), hi).rounded())
                        }
                    }
                } }
            }
        }
    }
}
