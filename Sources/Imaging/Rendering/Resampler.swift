/// Resizes rendered images: area averaging (box filter) when shrinking, bilinear when enlarging,
/// separably, per channel.
public enum Resampler {
    /// Per output index, the contributing source indices and weights (summing to 1).
    static func weights(from n: Int, to m: Int) -> [[(Int, Float)]] {
        let scale = Double(n) / Double(m)
        return (0 ..< m).map { o in
            if scale >= 1 {
                // Box: the source interval [o·s, (o+1)·s) with partial coverage at the ends.
                let a = Double(o) * scale, b = a + scale
                var w: [(Int, Float)] = []
                var i = Int(a.rounded(.down))
                while Double(i) < b && i < n {
                    let cover = min(Double(i + 1), b) - max(Double(i), a)
                    if cover > 1e-9 { w.append((i, Float(cover / scale))) }
                    i += 1
                }
                return w
            } else {
                // Bilinear: centre-aligned sample position.
                let x = (Double(o) + 0.5) * scale - 0.5
                let i0 = max(0, min(n - 1, Int(x.rounded(.down))))
                let i1 = min(n - 1, i0 + 1)
                let t = Float(min(max(x - Double(i0), 0), 1))
                return i0 == i1 ? [(i0, Float(1))] : [(i0, 1 - t), (i1, t)]
            }
        }
    }

    static func resize(_ src: [Float], width w: Int, height h: Int, channels c: Int, to nw: Int, _ nh: Int) -> [Float] {
        let wx = weights(from: w, to: nw), wy = weights(from: h, to: nh)
        var tmp = [Float](repeating: 0, count: nw * h * c)
        for y in 0 ..< h {
            for x in 0 ..< nw {
                for ch in 0 ..< c {
                    var s: Float = 0
                    for (i, k) in wx[x] { s += src[(y * w + i) * c + ch] * k }
                    tmp[(y * nw + x) * c + ch] = s
                }
            }
        }
        var out = [Float](repeating: 0, count: nw * nh * c)
        for y in 0 ..< nh {
            for x in 0 ..< nw {
                for ch in 0 ..< c {
                    var s: Float = 0
                    for (j, k) in wy[y] { s += tmp[(j * nw + x) * c + ch] * k }
                    out[(y * nw + x) * c + ch] = s
                }
            }
        }
        return out
    }

    /// The image resized to `width × height`.
    public static func resize(_ image: RenderedImage, width nw: Int, height nh: Int) -> RenderedImage {
        precondition(nw > 0 && nh > 0, "size must be positive")
        if nw == image.width && nh == image.height { return image }
        let c = image.channels
        func go<T: BinaryInteger>(_ a: [T], max: Float) -> [Float] {
            resize(a.map { Float($0) }, width: image.width, height: image.height, channels: c, to: nw, nh)
        }
        func back<T: FixedWidthInteger>(_ f: [Float], _: T.Type, max: Float) -> [T] {
            f.map { T(Swift.min(Swift.max($0.rounded(), 0), max)) }
        }
        switch image.pixels {
        case .gray8(let a):
            return RenderedImage(width: nw, height: nh, pixels: .gray8(back(go(a, max: 255), UInt8.self, max: 255)))
        case .rgb8(let a):
            return RenderedImage(width: nw, height: nh, pixels: .rgb8(back(go(a, max: 255), UInt8.self, max: 255)))
        case .gray16(let a, let bits):
            let m = Float((1 << bits) - 1)
            return RenderedImage(width: nw, height: nh, pixels: .gray16(back(go(a, max: m), UInt16.self, max: m), bits: bits))
        }
    }
}
