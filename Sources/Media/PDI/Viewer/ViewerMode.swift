/// How much of the on-disc viewer a volume gets (`lightbox burn --viewer`).
public enum ViewerMode: String, Codable, Sendable, CaseIterable {
    /// No viewer.
    case off
    /// 8-bit frames at each window preset: small, for CD; no free window/level.
    case light
    /// Every frame at full bit depth (modality values): window/level, HU readout, measurement.
    case full
}

extension ViewerMode {
    /// Bytes of viewer data per byte of native pixel data, for splitting content into volumes:
    /// full frames code to about 45 % of 16-bit CT (base64 included), light frames (8-bit at up
    /// to five presets) to under 25 %; kept a little above what was measured.
    public var estimatedShare: Double {
        switch self {
        case .off: return 0
        case .light: return 0.3
        case .full: return 0.6
        }
    }
}
