import Foundation
import TestSupport
import XCTest

/// poppler-utils (pdffonts, pdftotext, pdfinfo, pdftoppm) as oracles. A missing tool fails the
/// test under `LIGHTBOX_REQUIRE_ORACLES=1` (`make test`), and only fails it (a thrown error, no
/// skip), like ConformanceTests' Oracles; in a plain `swift test` it skips it.
enum Poppler {
    static func tool(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try TestRequirement.tool(name, package: "poppler-utils")
    }

    /// Runs a poppler tool and returns its standard output; fails on a non-zero status.
    static func run(_ name: String, _ args: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try tool(name, file: file, line: line))
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let stdout = String(decoding: o, as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 0, "\(name) \(args): \(String(decoding: e, as: UTF8.self))", file: file, line: line)
        return stdout
    }

    /// Page sizes from `pdfinfo -f 1 -l N`, in millimetres.
    static func pageSizesMM(_ pdf: String, pages: Int) throws -> [(Double, Double)] {
        let info = try run("pdfinfo", ["-f", "1", "-l", "\(pages)", pdf])
        var out: [(Double, Double)] = []
        for line in info.split(separator: "\n") where line.hasPrefix("Page") && line.contains("size:") {
            // "Page    1 size: 340.157 x 340.157 pts"
            let parts = line.split(separator: " ")
            guard let xi = parts.firstIndex(of: "x"), let w = Double(parts[xi - 1]), let h = Double(parts[xi + 1]) else { continue }
            out.append((w * 25.4 / 72, h * 25.4 / 72))
        }
        return out
    }

    /// Font names embedded in a PDF (pdffonts), with their "emb" column.
    static func fonts(_ pdf: String) throws -> [(name: String, embedded: Bool)] {
        let text = try run("pdffonts", [pdf])
        return text.split(separator: "\n").dropFirst(2).compactMap { line in
            let cols = line.split(separator: " ", omittingEmptySubsequences: true)
            guard cols.count >= 5 else { return nil }
            // name type [encoding…] emb sub uni object ID: emb is the 5th field from the end.
            let emb = cols[cols.count - 5]
            return (String(cols[0]), emb == "yes")
        }
    }
}

func temporaryFolder(_ name: String) throws -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-\(name)-\(getpid())-\(UInt32.random(in: 0 ... .max))")
    try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}
