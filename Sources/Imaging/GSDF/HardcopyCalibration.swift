import Foundation
import DICOM

/// How a printed film or paper is viewed, and the densities the printer can reach: the viewing
/// conditions of PS3.14 §7.2 (hardcopy) and the Basic Film Box / Printer attributes of PS3.4 Annex H
/// (Min Density (2010,0120), Max Density (2010,0130), Illumination (2010,015E), Reflected Ambient
/// Light (2010,0160); defaults from PS3.3 §C.13.8/§C.13.9 notes).
///
/// Luminance seen through (or off) a density D is L = La + L0 · 10^(−D) (PS3.14 §7.2), so the
/// printable luminance range is La + L0·10^(−Dmax) … La + L0·10^(−Dmin). P-Values are spread evenly
/// over that range's JNDs (GSDF) and each converted back to an optical density.
public struct HardcopyCalibration: Sendable, Equatable {
    /// Minimum optical density the printer produces (film base + fog), in OD.
    public var minDensity: Double
    /// Maximum optical density, in OD.
    public var maxDensity: Double
    /// L0: luminance of the light box (or the light falling on paper), cd/m².
    public var illumination: Double
    /// La: ambient light reflected off the film, cd/m².
    public var reflectedAmbientLight: Double

    /// Defaults of PS3.4 Annex H: transmissive film on a 2000 cd/m² light box, 10 cd/m² ambient.
    public static let defaultIllumination = 2000.0
    public static let defaultReflectedAmbientLight = 10.0

    public init(minDensity: Double = 0.2, maxDensity: Double = 3.0,
                illumination: Double = HardcopyCalibration.defaultIllumination,
                reflectedAmbientLight: Double = HardcopyCalibration.defaultReflectedAmbientLight) {
        self.minDensity = minDensity; self.maxDensity = maxDensity
        self.illumination = illumination; self.reflectedAmbientLight = reflectedAmbientLight
    }

    /// Reads the four attributes from a Film Box or Printer data set, keeping defaults for absent ones.
    public init(dataSet ds: DataSet, defaults: HardcopyCalibration = HardcopyCalibration()) {
        self = defaults
        if let v = ds.double(.minDensity) { minDensity = v / 100 }       // US, hundredths of OD
        if let v = ds.double(.maxDensity) { maxDensity = v / 100 }
        if let v = ds.double(.illumination) { illumination = v }
        if let v = ds.double(.reflectedAmbientLight) { reflectedAmbientLight = v }
    }

    /// Luminance seen through density `d`: La + L0 · 10^(−D) (PS3.14 §7.2).
    public func luminance(opticalDensity d: Double) -> Double {
        reflectedAmbientLight + illumination * pow(10, -d)
    }

    /// Density that produces luminance `l`; the inverse of `luminance(opticalDensity:)`.
    public func opticalDensity(luminance l: Double) -> Double {
        -log10(max(l - reflectedAmbientLight, .leastNormalMagnitude) / illumination)
    }

    /// Luminance range of the film: at Max Density and at Min Density.
    public var luminanceRange: ClosedRange<Double> {
        luminance(opticalDensity: maxDensity) ... luminance(opticalDensity: minDensity)
    }

    /// The optical density for P-Value `p` of `bits`-bit P-Values (0 = black = Max Density):
    /// the P-Value selects a JND index evenly between the film's darkest and lightest luminance
    /// (GSDF, PS3.14 §6–7), whose luminance is then turned into a density.
    public func opticalDensity(pValue p: Int, bits: Int) -> Double {
        opticalDensity(normalizedPValue: Double(p) / Double((1 << bits) - 1))
    }

    /// The optical density for a P-Value as a fraction of its range (0 = black, 1 = white), so
    /// P-Values of any depth (8, 12, or a Presentation LUT's 10–16 bits) share one calibration.
    public func opticalDensity(normalizedPValue f: Double) -> Double {
        // The ends are the film's own densities exactly (Eq. 1 and Eq. 2 are inverse only to ~0.05 JND).
        if f <= 0 { return maxDensity }
        if f >= 1 { return minDensity }
        let r = jndRange
        let l = GSDF.luminance(jnd: r.lowerBound + min(max(f, 0), 1) * (r.upperBound - r.lowerBound))
        return min(max(opticalDensity(luminance: l), minDensity), maxDensity)
    }

    /// JND indices (PS3.14 §7) of the film's darkest and lightest luminance.
    public var jndRange: ClosedRange<Double> {
        let r = luminanceRange
        return GSDF.jnd(luminance: r.lowerBound) ... GSDF.jnd(luminance: r.upperBound)
    }

    /// Where density `d` lies in the film's JND range: 0 at Max Density, 1 at Min Density. The
    /// inverse of `opticalDensity(normalizedPValue:)`, used to show a film on a display.
    public func normalizedJND(opticalDensity d: Double) -> Double {
        let r = jndRange
        return (GSDF.jnd(luminance: luminance(opticalDensity: d)) - r.lowerBound) / (r.upperBound - r.lowerBound)
    }

    /// Densities of every P-Value of `bits` bits, index = P-Value.
    public func densityTable(bits: Int) -> [Double] {
        (0 ..< (1 << bits)).map { opticalDensity(pValue: $0, bits: bits) }
    }
}
