import Foundation
import TestSupport
import XCTest

/// Outside references for film tests: poppler-utils (pdfinfo, pdffonts, pdftotext), DCMTK
/// (dcmdspfn, dcod2lum) and python3 running Tests/Oracles/png_measure.py. Under
/// `LIGHTBOX_REQUIRE_ORACLES=1` (`make test`) a missing tool fails the test with a thrown error,
/// never a skip; in a plain `swift test` it is skipped with the reason (as MediaTests'
/// TestRequirement and GraphicsTests' Poppler do).
enum FilmOracle {
    /// An oracle ran and failed (a thrown error: the test fails).
    struct OracleFailed: Error, CustomStringConvertible { var description: String }

    static func tool(_ name: String, package: String) throws -> String {
        try TestRequirement.tool(name, package: package)
    }

    /// Runs a tool, returns standard output; a non-zero exit is an error naming stderr.
    @discardableResult
    static func run(_ name: String, package: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try tool(name, package: package))
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw OracleFailed(description: "\(name) \(args.joined(separator: " ")) exited \(p.terminationStatus): \(String(decoding: e, as: UTF8.self))")
        }
        return String(decoding: o, as: UTF8.self)
    }

    /// Page sizes in points from pdfinfo.
    static func pdfPageSizePoints(_ pdf: String) throws -> (Double, Double) {
        let info = try run("pdfinfo", package: "poppler-utils", [pdf])
        for line in info.split(separator: "\n") where line.hasPrefix("Page size:") {
            let f = line.split(separator: " ")
            if let xi = f.firstIndex(of: "x"), let w = Double(f[xi - 1]), let h = Double(f[xi + 1]) { return (w, h) }
        }
        throw OracleFailed(description: "pdfinfo printed no page size for \(pdf): \(info)")
    }

    struct PNGMeasure: Decodable {
        var width: Int, height: Int, depth: Int, distinct: Int
        var boxes: [String: [Int]]?
        var row: [Int]?
    }

    /// Measures a greyscale PNG with Tests/Oracles/png_measure.py.
    static func measurePNG(_ png: String, row: Int? = nil) throws -> PNGMeasure {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Oracles/png_measure.py").path
        var args = [script, png]
        if let r = row { args += ["--row", String(r)] }
        let out = try run("python3", package: "python3", args)
        return try JSONDecoder().decode(PNGMeasure.self, from: Data(out.utf8))
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("filmprint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d.path
    }
}
