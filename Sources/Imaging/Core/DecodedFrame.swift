/// Samples of one decoded frame, in the narrowest type that holds them.
///
/// Samples are interleaved (R G B R G B …) whatever the stored Planar Configuration; values are
/// masked to Bits Stored and sign-extended when Pixel Representation is 1.
public enum PixelSamples: Sendable, Equatable {
    case uint8([UInt8])
    case int8([Int8])
    case uint16([UInt16])
    case int16([Int16])
    case uint32([UInt32])
    case int32([Int32])

    public var count: Int {
        switch self {
        case .uint8(let a): return a.count
        case .int8(let a): return a.count
        case .uint16(let a): return a.count
        case .int16(let a): return a.count
        case .uint32(let a): return a.count
        case .int32(let a): return a.count
        }
    }

    /// Sample `i` widened to Int (slow path; pipelines switch on the case instead).
    public subscript(i: Int) -> Int {
        switch self {
        case .uint8(let a): return Int(a[i])
        case .int8(let a): return Int(a[i])
        case .uint16(let a): return Int(a[i])
        case .int16(let a): return Int(a[i])
        case .uint32(let a): return Int(a[i])
        case .int32(let a): return Int(a[i])
        }
    }
}

/// One decoded frame and the description that now applies to it (a decoder may change the
/// Photometric Interpretation, e.g. JPEG YBR_FULL_422 → RGB, and always makes samples interleaved).
public struct DecodedFrame: Sendable, Equatable {
    public var description: PixelDescription
    public var samples: PixelSamples
    /// Things the decoder tolerated (truncated stream, codestream precision disagreeing with the
    /// data set, …), in words.
    public var warnings: [String]

    public init(description: PixelDescription, samples: PixelSamples, warnings: [String] = []) {
        self.description = description; self.samples = samples; self.warnings = warnings
    }
}
