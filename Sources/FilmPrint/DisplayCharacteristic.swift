import Foundation
import Imaging

/// A display a film preview is shown on (PS3.14 §6–7: a display standardised to the GSDF maps
/// P-Values to luminances equally spaced in JNDs). Either an ideal GSDF-calibrated display of a
/// given luminance range, or one described by its measured characteristic curve in DCMTK's
/// monitor file format (`dcmdspfn +Im FILE`: `max N`, optional `amb A`, then "DDL luminance" pairs).
///
/// A film is shown so that each density keeps its place in the film's JND range: density D →
/// luminance on the light box La + L0·10^−D → fraction f of the film's JNDs → the display's
/// luminance at the same fraction of its JNDs → the digital driving level (DDL) that comes
/// closest, as DCMTK's GSDF display transform does.
public struct DisplayCharacteristic: Sendable, Equatable {
    /// Luminance of each DDL 0 … maxDDL, cd/m², ambient light included.
    public var luminances: [Double]

    /// An ideal display spanning `minLuminance … maxLuminance` cd/m² whose 256 DDLs already
    /// follow the GSDF (a "typical" calibrated diagnostic display is 0.5 … 250, ambient included).
    public static func gsdf(minLuminance: Double = 0.5, maxLuminance: Double = 250, levels: Int = 256) -> DisplayCharacteristic {
        DisplayCharacteristic(luminances: GSDF.luminances(levels: levels, minLuminance: minLuminance, maxLuminance: maxLuminance))
    }

    public init(luminances: [Double]) { self.luminances = luminances }

    /// Reads a monitor characteristic file as `dcmdspfn` does: `#` starts a comment; `max N`
    /// (highest DDL), optional `amb A` (ambient light, added to every luminance), optional `ord`
    /// (ignored), then DDL/luminance pairs in ascending DDL order. Missing DDLs are interpolated
    /// linearly (DCMTK fits a spline; with a full table, as measured files have, they agree).
    public init(monitorFile path: String) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw FilmPrintError.displayCurve(file: path, line: 0, reason: "cannot read: \(error.localizedDescription)")
        }
        var maxDDL: Int?
        var ambient = 0.0
        var points: [(Int, Double)] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard !f.isEmpty else { continue }
            func fail(_ r: String) -> FilmPrintError { .displayCurve(file: path, line: n + 1, reason: r) }
            switch f[0].lowercased() {
            case "max":
                guard f.count == 2, let m = Int(f[1]), m > 0, m < 65536 else { throw fail("max needs a DDL count 1…65535") }
                maxDDL = m
            case "amb":
                guard f.count == 2, let a = Double(f[1]), a >= 0 else { throw fail("amb needs a luminance ≥ 0") }
                ambient = a
            case "lum", "ord":
                continue
            default:
                guard maxDDL != nil else { throw fail("DDL values before the max line") }
                guard f.count == 2, let d = Int(f[0]), let l = Double(f[1]), l >= 0 else { throw fail("expected \"DDL luminance\"") }
                guard d <= maxDDL!, d > (points.last?.0 ?? -1) else { throw fail("DDL \(d) out of order or above max") }
                points.append((d, l))
            }
        }
        guard let m = maxDDL, points.count >= 2 else {
            throw FilmPrintError.displayCurve(file: path, line: 0, reason: "need a max line and at least two DDL values")
        }
        var lum = [Double](repeating: 0, count: m + 1)
        var j = 0
        for d in 0 ... m {
            while j + 1 < points.count - 1 && points[j + 1].0 < d { j += 1 }
            let (d0, l0) = points[j], (d1, l1) = points[min(j + 1, points.count - 1)]
            let t = d1 == d0 ? 0 : min(max(Double(d - d0) / Double(d1 - d0), 0), 1)
            lum[d] = l0 + t * (l1 - l0) + ambient
        }
        luminances = lum
    }

    public var maxDDL: Int { luminances.count - 1 }

    /// The DDL whose luminance is closest, in JNDs, to the GSDF target for fraction `f` (0…1) of
    /// this display's JND range (PS3.14 §7).
    public func ddl(normalizedJND f: Double) -> Int {
        let lo = luminances.min() ?? 0.05, hi = luminances.max() ?? 1
        let j0 = GSDF.jnd(luminance: max(lo, 0.05)), j1 = GSDF.jnd(luminance: min(max(hi, 0.05), 4000))
        let target = j0 + min(max(f, 0), 1) * (j1 - j0)
        var best = 0, bestErr = Double.infinity
        for (i, l) in luminances.enumerated() {
            let e = abs(GSDF.jnd(luminance: min(max(l, 0.05), 4000)) - target)
            if e < bestErr { bestErr = e; best = i }
        }
        return best
    }

    /// An 8-bit value per density code from `minCode` to `maxCode` (index = code − minCode),
    /// for a film with calibration `c`; the DDL range is scaled to 0…255 when it is not 8 bits.
    func previewTable(calibration c: DensityCalibration, minCode: UInt16, maxCode: UInt16) -> [UInt8] {
        // Cache per distinct DDL lookup: f is monotonic in the code, so a table of targets suffices.
        let jnds = luminances.map { GSDF.jnd(luminance: min(max($0, 0.05), 4000)) }
        let lo = jnds.min() ?? 0, hi = jnds.max() ?? 1
        let increasing = zip(jnds, jnds.dropFirst()).allSatisfy { $0 <= $1 }
        func nearest(_ target: Double) -> Int {
            if increasing {
                // Binary search for the first DDL at or above the target, then the closer neighbour.
                var a = 0, b = jnds.count - 1
                while a < b { let m = (a + b) / 2; if jnds[m] < target { a = m + 1 } else { b = m } }
                return a > 0 && target - jnds[a - 1] <= jnds[a] - target ? a - 1 : a
            }
            // Lenient: a measured curve that dips somewhere is searched exhaustively.
            var best = 0, bestErr = Double.infinity
            for (i, j) in jnds.enumerated() { let e = abs(j - target); if e < bestErr { bestErr = e; best = i } }
            return best
        }
        return (Int(minCode) ... Int(maxCode)).map { code in
            let f = c.hardcopy.normalizedJND(opticalDensity: DensityCode.decode(UInt16(code)))
            let best = nearest(lo + min(max(f, 0), 1) * (hi - lo))
            return UInt8((Double(best) * 255 / Double(max(maxDDL, 1))).rounded())
        }
    }
}
