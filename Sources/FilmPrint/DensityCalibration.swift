import Foundation
import Imaging

/// P-Value → optical density for hardcopy, PS3.14 §7.2 and PS3.4 Annex H (Min/Max Density,
/// Illumination, Reflected Ambient Light of the Film Box): the density is chosen so that the
/// luminance seen on a light box, L = La + L0 · 10^−D, is linear in the GSDF JND index between
/// the film's Max Density (P-Value 0) and Min Density (the largest P-Value). A thin layer over
/// `Imaging.HardcopyCalibration`, which holds the GSDF arithmetic.
///
/// Densities are carried as `DensityCode`s (1/10000 OD in a UInt16) so that 12-bit P-Values keep
/// 4096 distinct densities (the smallest step of a 12-bit ramp at 2000 cd/m² is about 3/10000 OD).
public struct DensityCalibration: Sendable, Equatable {
    public var hardcopy: HardcopyCalibration

    public init(minDensity: Double, maxDensity: Double, illumination: Double, reflectedAmbientLight: Double) {
        hardcopy = HardcopyCalibration(minDensity: minDensity, maxDensity: maxDensity,
                                       illumination: illumination, reflectedAmbientLight: reflectedAmbientLight)
    }

    public var minDensity: Double { hardcopy.minDensity }
    public var maxDensity: Double { hardcopy.maxDensity }

    /// Density for a P-Value as a fraction of its range (GSDF).
    public func density(normalizedPValue f: Double) -> Double { hardcopy.opticalDensity(normalizedPValue: f) }

    /// Density for image value `v` of `bits` bits after polarity and the Presentation LUT.
    public func density(value v: Int, bits: Int, polarity: Polarity = .normal, lut: FilmPresentationLUT = .identity) -> Double {
        let maxV = (1 << bits) - 1
        let x = min(max(polarity == .reverse ? maxV - v : v, 0), maxV)
        switch lut {
        case .identity:
            return density(normalizedPValue: Double(x) / Double(maxV))
        case .linearOD:
            return maxDensity - Double(x) / Double(maxV) * (maxDensity - minDensity)
        case .table(let t):
            return density(normalizedPValue: Double(t(x)) / Double(t.maxOutput))
        }
    }

    /// The density code of every image value of `bits` bits (8 or 12): index = stored value,
    /// one lookup per pixel when composing. Throws when an explicit LUT does not fit `bits`.
    public func densityCodes(bits: Int, polarity: Polarity, lut: FilmPresentationLUT) throws -> [UInt16] {
        try lut.check(inputBits: bits)
        return (0 ..< (1 << bits)).map { DensityCode.encode(density(value: $0, bits: bits, polarity: polarity, lut: lut)) }
    }
}

/// Optical density in a 16-bit sample: value = round(D × 10000), so 0 … 6.5535 OD in steps of
/// 0.0001 OD. The density PNG stores these values (docs/film-output.md).
public enum DensityCode {
    public static let perOD = 10000.0

    @inlinable public static func encode(_ d: Double) -> UInt16 {
        UInt16(min(max((d * perOD).rounded(), 0), 65535))
    }

    @inlinable public static func decode(_ c: UInt16) -> Double { Double(c) / perOD }
}
