import Foundation

/// The three-dimensional Shepp–Logan head phantom, sampled into axial slices.
///
/// Geometry: the ten ellipsoids of the 3-D Shepp–Logan phantom with the higher-contrast
/// intensities of Toft's "modified" version —
///   L. A. Shepp, B. F. Logan, "The Fourier reconstruction of a head section",
///     IEEE Trans. Nucl. Sci. 21(3):21–43, 1974 (the 2-D ellipses);
///   A. C. Kak, M. Slaney, "Principles of Computerized Tomographic Imaging", IEEE Press 1988,
///     §3.2 (the 3-D ellipsoid extension);
///   P. Toft, "The Radon Transform — Theory and Implementation", PhD thesis, DTU 1996, p. 201
///     (the modified intensities 1, −0.8, −0.2, −0.2, 0.1 …);
/// with the semi-axes and centres as tabulated in M. Schabel's `phantom3d.m` (MATLAB Central
/// File Exchange #9416) and ODL's `shepp_logan_ellipsoids`. Like ODL, the two "ventricle"
/// ellipsoids are rotated ∓18° about the z axis around their own centres (Schabel's extra
/// ψ = 10° about the origin is not used).
///
/// Coordinates are in millimetres in the DICOM patient system (LPS, head-first supine):
/// phantom x → patient left (+x), phantom y → anterior (−y), phantom z → superior (+z), one
/// phantom unit = `scale` mm. So an axial slice displays as the familiar picture: the large
/// "tumour" ellipsoid toward the top (anterior), the three small ones toward the bottom.
///
/// Intensities are not the phantom's abstract numbers: each ellipsoid adds a tissue-specific
/// amount chosen by a `PhantomContrast` (CT: Hounsfield units; MR: a T2-weighted-like unsigned
/// 12-bit signal), so the same geometry gives realistic CT and MR values.
public struct SheppLogan: Sendable, Equatable {
    /// One ellipsoid, in millimetres, rotated by `angle` radians about the z axis around its centre.
    public struct Ellipsoid: Sendable, Equatable {
        public var center: SIMD3<Double>
        public var semiAxes: SIMD3<Double>
        public var angle: Double
        /// Which tissue it adds (index into the contrast tables, 0…9 as in the phantom table).
        public var tissue: Int

        public init(center: SIMD3<Double>, semiAxes: SIMD3<Double>, angle: Double, tissue: Int) {
            self.center = center; self.semiAxes = semiAxes; self.angle = angle; self.tissue = tissue
        }
    }

    /// The phantom table in normalised units: (Toft intensity, a, b, c, x0, y0, z0, angle°).
    /// Phantom y points anterior; the patient y axis points posterior.
    public static let table: [(intensity: Double, a: Double, b: Double, c: Double,
                               x0: Double, y0: Double, z0: Double, degrees: Double)] = [
        (1.0, 0.6900, 0.920, 0.810, 0.00, 0.0000, 0.00, 0),     // skull (outer surface)
        (-0.8, 0.6624, 0.874, 0.780, 0.00, -0.0184, 0.00, 0),   // brain
        (-0.2, 0.1100, 0.310, 0.220, 0.22, 0.0000, 0.00, -18),  // right "ventricle"
        (-0.2, 0.1600, 0.410, 0.280, -0.22, 0.0000, 0.00, 18),  // left "ventricle"
        (0.1, 0.2100, 0.250, 0.410, 0.00, 0.3500, -0.15, 0),    // large lesion
        (0.1, 0.0460, 0.046, 0.050, 0.00, 0.1000, 0.25, 0),
        (0.1, 0.0460, 0.046, 0.050, 0.00, -0.1000, 0.25, 0),
        (0.1, 0.0460, 0.023, 0.050, -0.08, -0.6050, 0.00, 0),
        (0.1, 0.0230, 0.023, 0.020, 0.00, -0.6060, 0.00, 0),
        (0.1, 0.0230, 0.046, 0.020, 0.06, -0.6050, 0.00, 0),
    ]

    public var ellipsoids: [Ellipsoid]
    /// Millimetres per phantom unit (110 mm gives a 152 × 202 × 178 mm head).
    public let scale: Double

    /// The standard phantom, centred at the origin.
    public init(scale: Double = 110) {
        self.scale = scale
        ellipsoids = Self.table.enumerated().map { i, e in
            Ellipsoid(center: SIMD3(e.x0 * scale, -e.y0 * scale, e.z0 * scale),
                      semiAxes: SIMD3(e.a * scale, e.b * scale, e.c * scale),
                      angle: -e.degrees * .pi / 180,   // y is flipped, so the rotation sense is too
                      tissue: i)
        }
    }

    /// A slightly different head for every `seed`: overall size ±5 %, head shifted by up to
    /// ±4 mm and turned by up to ±4° in the axial plane, inner structures moved and resized by
    /// a few per cent. The same seed always gives the same phantom.
    public init(variation seed: UInt64, scale: Double = 110) {
        var rng = SplitMix64(seed: seed ^ 0x5348_4550_504C_4F47)
        let s = scale * rng.uniform(0.95, 1.05)
        self.init(scale: s)
        let shift = SIMD3(rng.uniform(-4, 4), rng.uniform(-4, 4), rng.uniform(-3, 3))
        let turn = rng.uniform(-4, 4) * .pi / 180
        let c = cos(turn), sn = sin(turn)
        for i in ellipsoids.indices {
            var e = ellipsoids[i]
            if i >= 2 {   // inner structures: a little anatomical variation
                e.center += SIMD3(rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-2, 2))
                e.semiAxes *= SIMD3(repeating: rng.uniform(0.9, 1.1))
            }
            let p = e.center
            e.center = SIMD3(c * p.x - sn * p.y, sn * p.x + c * p.y, p.z) + shift
            e.angle += turn
            ellipsoids[i] = e
        }
    }

    /// Samples the axial slice at patient z = `z` mm into a `rows` × `columns` image whose
    /// pixel centres are at x = originX + column · spacing, y = originY + row · spacing.
    /// Returns the sum of `contrast.background` and the values of the ellipsoids that contain each
    /// pixel centre, plus Gaussian noise from `noise` when given, clamped to `contrast.range`.
    public func slice(z: Double, rows: Int, columns: Int, pixelSpacing: Double,
                      originX: Double, originY: Double,
                      contrast: PhantomContrast, noise: NoiseField? = nil, noiseSeed: UInt64 = 0) -> [Int16] {
        var out = [Int16](repeating: 0, count: rows * columns)
        out.withUnsafeMutableBufferPointer { px in
            px.withMemoryRebound(to: UInt16.self) { words in
                render(z: z, rows: rows, columns: columns, pixelSpacing: pixelSpacing, originX: originX, originY: originY,
                       contrast: contrast, noise: noise, noiseSeed: noiseSeed, offset: 0, into: words.baseAddress!)
            }
        }
        return out
    }

    /// Like `slice`, but writes the 16-bit pattern of value + `offset` (e.g. +1024 for CT stored
    /// values with Rescale Intercept −1024) straight into little-endian pixel data bytes.
    public func pixelData(z: Double, rows: Int, columns: Int, pixelSpacing: Double,
                          originX: Double, originY: Double, contrast: PhantomContrast,
                          noise: NoiseField? = nil, noiseSeed: UInt64 = 0, offset: Int = 0) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: rows * columns * 2) { buffer, count in
            let words = UnsafeMutableRawPointer(buffer.baseAddress!).bindMemory(to: UInt16.self, capacity: rows * columns)
            render(z: z, rows: rows, columns: columns, pixelSpacing: pixelSpacing, originX: originX, originY: originY,
                   contrast: contrast, noise: noise, noiseSeed: noiseSeed, offset: offset, into: words)
            #if _endian(big)
            for i in 0 ..< rows * columns { words[i] = words[i].byteSwapped }
            #endif
            count = rows * columns * 2
        }
    }

    /// Scan-line rendering: per row, each ellipsoid covers one interval of columns (the roots
    /// of a quadratic), so the cost is rows × ellipsoids plus one pass over the pixels.
    private func render(z: Double, rows: Int, columns: Int, pixelSpacing: Double, originX: Double, originY: Double,
                        contrast: PhantomContrast, noise: NoiseField?, noiseSeed: UInt64, offset: Int,
                        into out: UnsafeMutablePointer<UInt16>) {
        precondition(rows > 0 && columns > 0 && pixelSpacing > 0)
        // Per ellipsoid: the terms of the quadratic in dx that are fixed for this slice.
        struct Prepared { var cx, cy, qa, cosA, sinA, a2inv, b2inv, radius2: Double; var value: Int32 }
        var prepared: [Prepared] = []
        for e in ellipsoids {
            let dz = (z - e.center.z) / e.semiAxes.z
            let r = 1 - dz * dz
            if r <= 0 { continue }
            let c = cos(e.angle), s = sin(e.angle)
            let a2inv = 1 / (e.semiAxes.x * e.semiAxes.x), b2inv = 1 / (e.semiAxes.y * e.semiAxes.y)
            prepared.append(Prepared(cx: e.center.x, cy: e.center.y, qa: c * c * a2inv + s * s * b2inv,
                                     cosA: c, sinA: s, a2inv: a2inv, b2inv: b2inv, radius2: r,
                                     value: Int32(contrast.value(ofTissue: e.tissue).rounded())))
        }
        let background = Int32(contrast.background)
        let lo = Int32(contrast.range.lowerBound), hi = Int32(contrast.range.upperBound)
        let off = Int32(offset)
        let acc = UnsafeMutablePointer<Int32>.allocate(capacity: columns)
        defer { acc.deallocate() }
        var rng = SplitMix64(seed: noiseSeed)
        let table = noise?.table
        let tableSpan = (table?.count ?? 0) - columns
        for row in 0 ..< rows {
            let y = originY + Double(row) * pixelSpacing
            acc.update(repeating: background, count: columns)
            for p in prepared {
                // u = cos·dx + sin·dy, v = −sin·dx + cos·dy; inside when u²/a² + v²/b² ≤ r.
                let dy = y - p.cy
                let qb = 2 * dy * p.cosA * p.sinA * (p.a2inv - p.b2inv)
                let qc = dy * dy * (p.sinA * p.sinA * p.a2inv + p.cosA * p.cosA * p.b2inv) - p.radius2
                let disc = qb * qb - 4 * p.qa * qc
                if disc < 0 { continue }
                let root = disc.squareRoot()
                let x0 = p.cx + (-qb - root) / (2 * p.qa), x1 = p.cx + (-qb + root) / (2 * p.qa)
                let c0 = max(0, Int(max(-1e9, ((x0 - originX) / pixelSpacing).rounded(.up))))
                let c1 = min(columns - 1, Int(min(1e9, ((x1 - originX) / pixelSpacing).rounded(.down))))
                if c0 > c1 { continue }
                for c in c0 ... c1 { acc[c] &+= p.value }
            }
            let line = out + row * columns
            if let table, tableSpan > 0 {
                // Noise: a run of the Gaussian table from a random start, different every row.
                let start = Int(rng.next() % UInt64(tableSpan))
                table.withUnsafeBufferPointer { t in
                    let n = t.baseAddress! + start
                    if contrast.noiseInAir {
                        for c in 0 ..< columns {
                            let v = acc[c] &+ Int32(n[c])
                            line[c] = UInt16(truncatingIfNeeded: min(max(v, lo), hi) &+ off)
                        }
                    } else {
                        for c in 0 ..< columns {
                            let a = acc[c]
                            let v = a == background ? a : a &+ Int32(n[c])
                            line[c] = UInt16(truncatingIfNeeded: min(max(v, lo), hi) &+ off)
                        }
                    }
                }
            } else {
                for c in 0 ..< columns { line[c] = UInt16(truncatingIfNeeded: min(max(acc[c], lo), hi) &+ off) }
            }
        }
    }

    /// The slice centred on the z axis with isotropic `pixelSpacing` (convenience for tests).
    public func slice(z: Double, rows: Int, columns: Int, pixelSpacing: Double,
                      contrast: PhantomContrast = .ct) -> [Int16] {
        slice(z: z, rows: rows, columns: columns, pixelSpacing: pixelSpacing,
              originX: -Double(columns - 1) / 2 * pixelSpacing, originY: -Double(rows - 1) / 2 * pixelSpacing,
              contrast: contrast)
    }
}

/// How phantom tissues map to pixel values.
public struct PhantomContrast: Sendable, Equatable {
    /// Value outside the head (air).
    public var background: Int
    /// What each of the ten ellipsoids adds where it is present (phantom table order).
    public var additions: [Double]
    /// Values are clamped to this range.
    public var range: ClosedRange<Int>
    /// Whether noise is also added to air (CT: yes; MR magnitude: no, the background stays dark).
    public var noiseInAir: Bool

    public init(background: Int, additions: [Double], range: ClosedRange<Int>, noiseInAir: Bool) {
        precondition(additions.count == SheppLogan.table.count)
        self.background = background; self.additions = additions; self.range = range; self.noiseInAir = noiseInAir
    }

    public func value(ofTissue i: Int) -> Double { additions[i] }

    /// CT in Hounsfield units: air −1000, bone ≈ +1000, brain ≈ 40, CSF ≈ 8, lesions 65–80.
    public static let ct = PhantomContrast(
        background: -1000,
        additions: [2000, -960, -32, -32, 25, 30, 30, 40, 40, 40],
        range: -1024 ... 3071, noiseInAir: true)

    /// MR, T2-weighted-like, unsigned 12 bit: air 0, skull/scalp ≈ 500, brain ≈ 1100, CSF ≈ 2800,
    /// lesions 1600–2000 (bright, as oedema is on T2).
    public static let mr = PhantomContrast(
        background: 0,
        additions: [500, 600, 1700, 1700, 500, 700, 700, 900, 900, 900],
        range: 0 ... 4095, noiseInAir: false)

    /// The same contrast with every non-background tissue value changed by up to ±`fraction`
    /// (lesion enhancement varies between studies).
    public func varied(seed: UInt64, fraction: Double = 0.08) -> PhantomContrast {
        var rng = SplitMix64(seed: seed ^ 0x434F_4E54_5241_5354)
        var c = self
        for i in 4 ..< c.additions.count { c.additions[i] *= rng.uniform(1 - fraction, 1 + fraction) }
        return c
    }
}

/// A table of 65,536 Gaussian samples, made once per study; each image row adds a run of it
/// from a random start, so noisy slices cost little more than clean ones.
public final class NoiseField: Sendable {
    public let table: [Int16]
    public let sigma: Double

    public init(sigma: Double, seed: UInt64) {
        self.sigma = sigma
        var rng = SplitMix64(seed: seed ^ 0x4E4F_4953_45)
        var t = [Int16](repeating: 0, count: 65536)
        var i = 0
        while i < t.count {
            // Box–Muller: two samples per pair of uniforms.
            let u1 = max(rng.unit(), 1e-12), u2 = rng.unit()
            let r = (-2 * log(u1)).squareRoot() * sigma
            t[i] = Int16((r * cos(2 * .pi * u2)).rounded())
            if i + 1 < t.count { t[i + 1] = Int16((r * sin(2 * .pi * u2)).rounded()) }
            i += 2
        }
        table = t
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and the same on every platform, so a seed
/// always gives the same study.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * unit() }
    /// Uniform integer in `range`, independent of the standard library's algorithm.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// Mixes several numbers into one seed (order matters).
    public static func mix(_ parts: UInt64...) -> UInt64 {
        var h: UInt64 = 0x6C69_6768_7462_6F78
        for p in parts {
            var g = SplitMix64(seed: h ^ p)
            h = g.next()
        }
        return h
    }
}
