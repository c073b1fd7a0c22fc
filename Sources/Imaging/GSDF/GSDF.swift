import Foundation

/// The Grayscale Standard Display Function, PS3.14 §7: luminance as a function of the
/// Just-Noticeable Difference index, derived from Barten's model of the human visual system.
///
/// `luminance(jnd:)` is PS3.14 Eq. 1 (§7.1), a rational polynomial in ln j that interpolates the
/// 1023 tabulated levels of Table B-1 (0.05 to 3993.4 cd/m²); `jnd(luminance:)` is the inverse of
/// Eq. 2 (§7.1 note), a polynomial in log₁₀ L. Both are defined for 1 ≤ j ≤ 1023 and
/// 0.05 ≤ L ≤ 4000 cd/m². DCMTK's dcmimgle (`DiGSDFunction`) uses the same two formulas.
public enum GSDF {
    /// Lowest and highest JND index of the function (PS3.14 §7.1).
    public static let jndRange: ClosedRange<Double> = 1 ... 1023
    /// Luminance range covered, cd/m² (PS3.14 §7: 0.05 to 4000).
    public static let luminanceRange: ClosedRange<Double> = 0.05 ... 4000

    /// Coefficients of PS3.14 Eq. 1 (a…m).
    public enum Forward {
        public static let a = -1.3011877, b = -2.5840191e-2, c = 8.0242636e-2, d = -1.0320229e-1
        public static let e = 1.3646699e-1, f = 2.8745620e-2, g = -2.5468404e-2, h = -3.1978977e-3
        public static let k = 1.2992634e-4, m = 1.3635334e-3
    }

    /// Coefficients of PS3.14 Eq. 2 (A…I), the inverse.
    public enum Inverse {
        public static let A = 71.498068, B = 94.593053, C = 41.912053, D = 9.8247004, E = 0.28175407
        public static let F = -1.1878455, G = -0.18014349, H = 0.14710899, I = -0.017046845
    }

    /// Luminance in cd/m² of JND index `j` (PS3.14 Eq. 1):
    /// log₁₀ L(j) = (a + c·Ln j + e·(Ln j)² + g·(Ln j)³ + m·(Ln j)⁴) /
    ///              (1 + b·Ln j + d·(Ln j)² + f·(Ln j)³ + h·(Ln j)⁴ + k·(Ln j)⁵)
    public static func luminance(jnd j: Double) -> Double {
        typealias K = Forward
        let x = log(j), x2 = x * x, x3 = x2 * x, x4 = x3 * x, x5 = x4 * x
        let num = K.a + K.c * x + K.e * x2 + K.g * x3 + K.m * x4
        let den = 1 + K.b * x + K.d * x2 + K.f * x3 + K.h * x4 + K.k * x5
        return pow(10, num / den)
    }

    /// JND index of luminance `L` cd/m² (PS3.14 Eq. 2):
    /// j(L) = A + B·Log₁₀L + C·(Log₁₀L)² + … + I·(Log₁₀L)⁸
    public static func jnd(luminance L: Double) -> Double {
        typealias K = Inverse
        let x = log10(L)
        // Horner form of A + Bx + Cx² + … + Ix⁸.
        var r = K.I
        for c in [K.H, K.G, K.F, K.E, K.D, K.C, K.B, K.A] { r = r * x + c }
        return r
    }

    /// The target luminance of each of `levels` equally spaced P-Values for a device whose
    /// luminance spans `minLuminance … maxLuminance` (ambient light included): P-Values are spread
    /// evenly over the device's JND range (PS3.14 §6, Annex D.1.2: ΔJND = (JNDmax − JNDmin)/(n − 1)).
    public static func luminances(levels: Int, minLuminance: Double, maxLuminance: Double) -> [Double] {
        precondition(levels >= 2, "need at least two levels")
        let j0 = jnd(luminance: minLuminance), j1 = jnd(luminance: maxLuminance)
        return (0 ..< levels).map { luminance(jnd: j0 + Double($0) * (j1 - j0) / Double(levels - 1)) }
    }

    /// The luminance that P-Value `p` (0 … maxP) should produce on a device spanning
    /// `minLuminance … maxLuminance` (PS3.14 §6).
    public static func luminance(pValue p: Double, maxP: Double, minLuminance: Double, maxLuminance: Double) -> Double {
        let j0 = jnd(luminance: minLuminance), j1 = jnd(luminance: maxLuminance)
        return luminance(jnd: j0 + p / maxP * (j1 - j0))
    }
}
