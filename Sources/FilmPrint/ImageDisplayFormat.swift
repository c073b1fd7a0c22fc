import Foundation

/// Image Display Format (2010,0010) of the Basic Film Box, PS3.3 C.13.8: how many image boxes a
/// film has and how they are arranged.
///
/// - `STANDARD\C,R`: C columns by R rows of equal boxes;
/// - `ROW\r1,r2,…`: rows of equal height, row i holding ri boxes of equal width;
/// - `COL\c1,c2,…`: columns of equal width, column i holding ci boxes of equal height.
///
/// Parsing is strict (as DCMTK's print SCP is): the category in capitals, one backslash, positive
/// decimal integers without signs, spaces or leading zeros, separated by single commas; only the
/// trailing space padding of the ST value is ignored. Anything else — `Standard \ 2.3`,
/// `STANDARD\0,2`, `STANDARD\2` — is `FilmPrintError.invalidDisplayFormat` (the SCP answers 0106).
/// SLIDE, SUPERSLIDE and CUSTOM\i are defined terms this printer does not print
/// (`unsupportedDisplayFormat`, also 0106).
public enum ImageDisplayFormat: Sendable, Hashable, CustomStringConvertible {
    case standard(columns: Int, rows: Int)
    case row([Int])
    case column([Int])

    /// Largest count accepted in any value, and most values in ROW/COL, before a printer profile
    /// imposes its own (smaller) limits.
    public static let hardLimit = 64

    public init(dicom value: String) throws {
        var s = Substring(value)
        while s.last == " " { s.removeLast() }
        let parts = s.split(separator: "\\", omittingEmptySubsequences: false)
        guard let kind = parts.first else { throw FilmPrintError.invalidDisplayFormat(value, reason: "empty") }
        if parts.count == 1, ["SLIDE", "SUPERSLIDE"].contains(kind) { throw FilmPrintError.unsupportedDisplayFormat(value) }
        if kind == "CUSTOM" { throw FilmPrintError.unsupportedDisplayFormat(value) }
        guard parts.count == 2 else {
            throw FilmPrintError.invalidDisplayFormat(value, reason: parts.count < 2 ? "no backslash after the category" : "more than one backslash")
        }
        let numbers = try Self.parseList(parts[1], original: value)
        switch kind {
        case "STANDARD":
            guard numbers.count == 2 else {
                throw FilmPrintError.invalidDisplayFormat(value, reason: "STANDARD takes exactly two numbers, columns and rows")
            }
            self = .standard(columns: numbers[0], rows: numbers[1])
        case "ROW": self = .row(numbers)
        case "COL": self = .column(numbers)
        default:
            throw FilmPrintError.invalidDisplayFormat(value, reason: "unknown category \"\(kind)\" (categories are upper case)")
        }
    }

    private static func parseList(_ s: Substring, original: String) throws -> [Int] {
        let items = s.split(separator: ",", omittingEmptySubsequences: false)
        guard items.count <= hardLimit else {
            throw FilmPrintError.invalidDisplayFormat(original, reason: "more than \(hardLimit) values")
        }
        return try items.map { item in
            guard !item.isEmpty, item.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw FilmPrintError.invalidDisplayFormat(original, reason: "\"\(item)\" is not a positive whole number")
            }
            guard item.first != "0" else {
                throw FilmPrintError.invalidDisplayFormat(original, reason: item.allSatisfy { $0 == "0" } ? "a count of zero" : "\"\(item)\" has a leading zero")
            }
            guard item.count <= 3, let n = Int(item), n <= hardLimit else {
                throw FilmPrintError.invalidDisplayFormat(original, reason: "\(item) is more than \(hardLimit)")
            }
            return n
        }
    }

    /// Number of image boxes (Basic Grayscale Image Box instances the film box creates).
    public var boxCount: Int {
        switch self {
        case .standard(let c, let r): return c * r
        case .row(let v), .column(let v): return v.reduce(0, +)
        }
    }

    /// Most boxes side by side horizontally and stacked vertically.
    public var maxColumns: Int {
        switch self {
        case .standard(let c, _): return c
        case .row(let v): return v.max() ?? 0
        case .column(let v): return v.count
        }
    }

    public var maxRows: Int {
        switch self {
        case .standard(_, let r): return r
        case .row(let v): return v.count
        case .column(let v): return v.max() ?? 0
        }
    }

    /// The DICOM value, canonical spelling.
    public var description: String {
        switch self {
        case .standard(let c, let r): return "STANDARD\\\(c),\(r)"
        case .row(let v): return "ROW\\" + v.map(String.init).joined(separator: ",")
        case .column(let v): return "COL\\" + v.map(String.init).joined(separator: ",")
        }
    }

    /// Box cells in Image Position order (PS3.3 C.13.5.1: position 1 is the top-left box):
    /// STANDARD and ROW row by row, each left to right, top to bottom; COL column by column,
    /// each top to bottom, left to right. Each cell is (column, columns in its row or 1, row,
    /// rows in its column or 1) as fractions of the image area.
    func cells() -> [(x: Double, y: Double, w: Double, h: Double)] {
        switch self {
        case .standard(let c, let r):
            return (0 ..< r).flatMap { row in (0 ..< c).map { col in
                (Double(col) / Double(c), Double(row) / Double(r), 1 / Double(c), 1 / Double(r)) } }
        case .row(let counts):
            let n = Double(counts.count)
            return counts.enumerated().flatMap { row, k in (0 ..< k).map { col in
                (Double(col) / Double(k), Double(row) / n, 1 / Double(k), 1 / n) } }
        case .column(let counts):
            let n = Double(counts.count)
            return counts.enumerated().flatMap { col, k in (0 ..< k).map { row in
                (Double(col) / n, Double(row) / Double(k), 1 / n, 1 / Double(k)) } }
        }
    }
}
