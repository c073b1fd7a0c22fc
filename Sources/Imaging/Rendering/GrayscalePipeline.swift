/// The grayscale display pipeline of PS3.3 §C.11 (Figure C.11-1, PS3.4 §N.2): stored value →
/// Modality LUT (§C.11.1) → VOI LUT or window (§C.11.2) → Presentation LUT (§C.11.6) → output
/// level, precomputed into one table indexed by the stored value.
///
/// MONOCHROME1 (§C.7.6.3.1.2: minimum sample value is white) is an inverse presentation.
/// Output levels are `0 … 2^outputBits − 1` (8-bit display grey, 12-bit print grey, 16-bit PNG).
/// Real-valued outputs are truncated towards black (floor), as DCMTK's dcmimgle does, so that
/// `dcmj2pnm +Wi 1` output is reproduced exactly; MONOCHROME1 is `floor(max − y)`.
public struct GrayscalePipeline: Sendable, Equatable {
    public var modality: ModalityLUT
    public var voi: VOITransform
    public var presentation: PresentationLUT
    public var outputBits: Int
    /// The range of modality values stretched to the output when `voi` is `.none` (normally the
    /// frame's actual minimum and maximum).
    public var modalityRange: ClosedRange<Double>
    /// Truncate modality values to integers before the VOI stage (DCMTK's behaviour; default on).
    public var truncatesModalityValues: Bool = true

    public init(modality: ModalityLUT = .identity, voi: VOITransform = .none,
                presentation: PresentationLUT = .identity, outputBits: Int = 8,
                modalityRange: ClosedRange<Double> = 0 ... 255) {
        precondition((1 ... 16).contains(outputBits), "output bits must be 1…16")
        self.modality = modality; self.voi = voi; self.presentation = presentation
        self.outputBits = outputBits; self.modalityRange = modalityRange
    }

    /// The presentation a photometric interpretation implies when the data set names none:
    /// INVERSE for MONOCHROME1, else IDENTITY (PS3.3 §C.11.6.1.2).
    public static func defaultPresentation(for pi: PhotometricInterpretation) -> PresentationLUT {
        pi == .monochrome1 ? .inverse : .identity
    }

    public var maxOutput: Int { (1 << outputBits) - 1 }

    /// The modality value of a stored value as the VOI stage sees it. With
    /// `truncatesModalityValues` it is truncated towards zero, as DCMTK keeps modality output in
    /// integer pixel types (so a fractional Rescale Slope renders exactly like `dcmj2pnm`).
    @inlinable public func modalityValue(stored: Int) -> Double {
        let m = modality(stored)
        return truncatesModalityValues ? m.rounded(.towardZero) : m
    }

    /// The VOI output of a stored value, normalised to 0…1 (before the presentation LUT).
    @inlinable public func voiOutput(stored: Int) -> Double {
        let m = modalityValue(stored: stored)
        switch voi {
        case .window(let w):
            return w.apply(m, yMin: 0, yMax: 1)
        case .table(let t):
            return Double(t(Int(m.rounded(.down)))) / Double(t.maxOutput)
        case .none:
            return noneLevel(m, top: 1)
        }
    }

    /// No VOI: the modality range [lo, hi] spread over top + 1 output levels,
    /// y = (m − lo) · (top + 1) / (hi − lo + 1) — DCMTK's linear scaling without windowing.
    @inlinable func noneLevel(_ m: Double, top: Double) -> Double {
        let lo = modalityRange.lowerBound, hi = modalityRange.upperBound
        guard hi > lo else { return 0 }
        let y = (m - lo) * ((top == 1 ? 1 : top + 1) / (hi - lo + (top == 1 ? 0 : 1)))
        return min(max(y, 0), top)
    }

    /// The real-valued output level (0 … maxOutput) of a stored value.
    ///
    /// A LINEAR window with an IDENTITY or INVERSE presentation is evaluated on the output scale in
    /// DCMTK's arithmetic order — y = offset + x · gradient with gradient = (high − low)/(w − 1) and
    /// offset = high − ((c − 0.5)/(w − 1) + 0.5)·(high − low), (low, high) = (max, 0) when inverted —
    /// which is PS3.3 §C.11.2.1.2.1's formula rearranged, so that floor() lands exactly where
    /// `dcmj2pnm +Wi` puts it.
    @inlinable public func level(stored: Int) -> Double {
        let top = Double(maxOutput)
        let y: Double
        switch voi {
        case .window(let w) where w.function == .linear && (presentation == .identity || presentation == .inverse):
            let x = modalityValue(stored: stored)
            let (low, high) = presentation == .inverse ? (top, 0.0) : (0.0, top)
            let w1 = w.width - 1
            if x <= w.center - 0.5 - w1 / 2 { y = low }
            else if x > w.center - 0.5 + w1 / 2 { y = high }
            else {
                let outrange = high - low
                let offset = high - ((w.center - 0.5) / w1 + 0.5) * outrange
                y = offset + x * (outrange / w1)
            }
        case .window(let w) where presentation == .identity || presentation == .inverse:
            let v = w.apply(modalityValue(stored: stored), yMin: 0, yMax: top)
            y = presentation == .inverse ? top - v : v
        case .none where presentation == .identity:
            y = noneLevel(modalityValue(stored: stored), top: top)
        case .none where presentation == .inverse:
            // DCMTK's inverted linear scaling: low = max, high = 0, range (high − low + 1).
            let lo = modalityRange.lowerBound, hi = modalityRange.upperBound
            y = hi > lo ? top + (modalityValue(stored: stored) - lo) * ((1 - top) / (hi - lo + 1)) : top
        default:
            y = top * presentation.apply(voiOutput(stored: stored))
        }
        return min(max(y, 0), top)
    }

    /// The integer output level of a stored value (floor of `level`).
    @inlinable public func outputLevel(stored: Int) -> Int { Int(level(stored: stored).rounded(.down)) }

    /// Precomputes the table for every stored value in `inputRange`.
    public func table<Output: FixedWidthInteger & Sendable>(for inputRange: ClosedRange<Int>, as: Output.Type = Output.self) -> GrayscaleTable<Output> {
        precondition(maxOutput <= Int(Output.max), "output type too narrow for \(outputBits) bits")
        var entries = [Output](repeating: 0, count: inputRange.count)
        entries.withUnsafeMutableBufferPointer { buf in
            var i = 0
            for s in inputRange { buf[i] = Output(truncatingIfNeeded: outputLevel(stored: s)); i += 1 }
        }
        return GrayscaleTable(firstInput: inputRange.lowerBound, entries: entries)
    }
}

/// A precomputed grayscale table: stored value → output level, for one pipeline.
public struct GrayscaleTable<Output: FixedWidthInteger & Sendable>: Sendable {
    public let firstInput: Int
    public let entries: [Output]

    @inlinable public subscript(stored: Int) -> Output {
        let i = stored - firstInput
        return entries[min(max(i, 0), entries.count - 1)]
    }

    /// Applies the table to every sample: a tight loop over unsafe buffers. When the table covers
    /// the whole range of the sample type (256 or 65536 entries) no clamping is needed.
    public func apply(to samples: PixelSamples) -> [Output] {
        switch samples {
        case .uint8(let a): return map(a)
        case .int8(let a): return map(a)
        case .uint16(let a): return map(a)
        case .int16(let a): return map(a)
        case .uint32(let a): return map(a)
        case .int32(let a): return map(a)
        }
    }

    @inlinable func map<S: FixedWidthInteger>(_ a: [S]) -> [Output] {
        let n = a.count
        let lo = Int(S.min), hi = Int(S.max)
        let covers = S.bitWidth <= 16 && firstInput <= lo && firstInput + entries.count - 1 >= hi
        return [Output](unsafeUninitializedCapacity: n) { out, count in
            guard n > 0 else { count = 0; return }
            a.withUnsafeBufferPointer { src in
                entries.withUnsafeBufferPointer { lut in
                    let s = src.baseAddress!, o = out.baseAddress!, t = lut.baseAddress!
                    if covers {
                        let t0 = t + (-firstInput)  // points at the entry for stored value 0
                        var i = 0
                        while i + 4 <= n {
                            o[i] = t0[Int(s[i])]; o[i + 1] = t0[Int(s[i + 1])]
                            o[i + 2] = t0[Int(s[i + 2])]; o[i + 3] = t0[Int(s[i + 3])]
                            i += 4
                        }
                        while i < n { o[i] = t0[Int(s[i])]; i += 1 }
                    } else {
                        let last = lut.count - 1
                        for i in 0 ..< n {
                            let k = Int(s[i]) - firstInput
                            o[i] = t[k < 0 ? 0 : (k > last ? last : k)]
                        }
                    }
                }
            }
            count = n
        }
    }
}
