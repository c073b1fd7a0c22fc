/// Window presets the viewer offers (center/width in the modality's units, PS3.3 C.11.2.1.2).
struct ViewerPreset: Codable, Sendable, Equatable {
    var name: String
    var center: Double
    var width: Double

    /// The presets for a modality: CT's usual four (brain, soft tissue, lung, bone); none else
    /// (the file's windows and the data's range come first in any case).
    static func standard(for modality: String) -> [ViewerPreset] {
        switch modality.uppercased() {
        case "CT":
            return [ViewerPreset(name: "Brain", center: 40, width: 80), ViewerPreset(name: "Soft tissue", center: 40, width: 400),
                    ViewerPreset(name: "Lung", center: -600, width: 1500), ViewerPreset(name: "Bone", center: 300, width: 1500)]
        default:
            return []
        }
    }

    /// PS3.3 C.11.2.1.2.1 (linear): the 8-bit output for modality value `x`.
    static func window(_ x: Double, center c: Double, width w: Double) -> UInt8 {
        if x <= c - 0.5 - (w - 1) / 2 { return 0 }
        if x > c - 0.5 + (w - 1) / 2 { return 255 }
        return UInt8(max(0, min(255, (((x - (c - 0.5)) / (w - 1) + 0.5) * 255).rounded())))
    }
}
