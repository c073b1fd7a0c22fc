import Foundation
import DICOM

/// VOI LUT Function (0028,1056): how a window maps values (PS3.3 §C.11.2.1.3).
public enum VOILUTFunction: String, Sendable, CaseIterable {
    case linear = "LINEAR"
    case linearExact = "LINEAR_EXACT"
    case sigmoid = "SIGMOID"
}

/// A window: Window Center (0028,1050), Window Width (0028,1051), VOI LUT Function
/// (PS3.3 §C.11.2.1.2).
public struct Window: Sendable, Equatable {
    public var center: Double
    public var width: Double
    public var function: VOILUTFunction
    /// Window Center & Width Explanation (0028,1055), if any.
    public var explanation: String?

    public init(center: Double, width: Double, function: VOILUTFunction = .linear, explanation: String? = nil) {
        self.center = center; self.width = width; self.function = function; self.explanation = explanation
    }

    /// Maps a modality value `x` into `yMin … yMax` by the formulas of PS3.3 §C.11.2.1.2.1 (LINEAR),
    /// §C.11.2.1.3.1 (SIGMOID) and §C.11.2.1.3.2 (LINEAR_EXACT).
    ///
    /// LINEAR requires width ≥ 1 (a width of 1 is a threshold at center − 0.5); the others width > 0.
    @inlinable public func apply(_ x: Double, yMin: Double, yMax: Double) -> Double {
        let c = center, w = width
        switch function {
        case .linear:
            if w <= 1 { return x < c - 0.5 ? yMin : yMax }      // threshold, §C.11.2.1.2.1 note
            if x <= c - 0.5 - (w - 1) / 2 { return yMin }
            if x > c - 0.5 + (w - 1) / 2 { return yMax }
            return ((x - (c - 0.5)) / (w - 1) + 0.5) * (yMax - yMin) + yMin
        case .linearExact:
            if x <= c - w / 2 { return yMin }
            if x > c + w / 2 { return yMax }
            return ((x - c) / w + 0.5) * (yMax - yMin) + yMin
        case .sigmoid:
            return (yMax - yMin) / (1 + exp(-4 * (x - c) / w)) + yMin
        }
    }
}

/// The VOI transformation chosen for rendering (PS3.3 §C.11.2, VOI LUT Module; §C.11.8 Softcopy VOI LUT).
public enum VOITransform: Sendable, Equatable {
    /// No VOI: the modality values' actual range is stretched to the output range.
    case none
    case window(Window)
    case table(LookupTable)
}

/// The VOI LUT Module of an image: every window and every VOI LUT it offers (PS3.3 §C.11.2).
/// Several windows (multi-valued Window Center/Width) are alternatives to choose from.
public struct VOILUTModule: Sendable, Equatable {
    public var windows: [Window]
    public var tables: [LookupTable]

    public init(windows: [Window] = [], tables: [LookupTable] = []) {
        self.windows = windows; self.tables = tables
    }

    /// Reads Window Center/Width (with function and explanations) and the VOI LUT Sequence.
    ///
    /// - Parameter modalityOutputSigned: whether modality values can be negative, which decides how a
    ///   US-encoded first-mapped value of a VOI LUT is read (PS3.3 §C.11.2.1.1).
    public init(dataSet ds: DataSet, modalityOutputSigned: Bool, path: String? = nil) throws {
        let centers = ds.strings(.windowCenter).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        let widths = ds.strings(.windowWidth).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        let explanations = ds.strings(.windowCenterWidthExplanation)
        let fn = ds.string(.voilutFunction).flatMap { VOILUTFunction(rawValue: $0.uppercased()) } ?? .linear
        var ws: [Window] = []
        for i in 0 ..< min(centers.count, widths.count) where widths[i] > 0 {
            ws.append(Window(center: centers[i], width: widths[i], function: fn,
                             explanation: i < explanations.count ? explanations[i] : nil))
        }
        windows = ws
        tables = try (ds[.voilutSequence]?.items ?? []).map {
            try LookupTable(item: $0, signedInput: modalityOutputSigned, path: path)
        }
    }

    /// The default transform: the first window, else the first LUT, else none.
    public var defaultTransform: VOITransform {
        if let w = windows.first { return .window(w) }
        if let t = tables.first { return .table(t) }
        return .none
    }
}
