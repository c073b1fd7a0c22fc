import DICOM
import Foundation
import XCTest

/// `lightbox dump --json` writes the DICOM JSON Model (PS3.18 §F): pydicom's `Dataset.from_json`
/// must load it and find the same values pydicom reads from the source file.
final class JSONModelConformanceTests: XCTestCase {
    func testPydicomLoadsOurJSONWithTheSameValues() throws {
        let python = try Oracles.requirePython()
        var files: [String] = []
        for name in ["pydicom", "charset", "pydicom-data"] { files += Oracles.files(under: try Oracles.requireCorpus(name)) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-json-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var pairs = ""
        var written = 0
        for (i, path) in files.enumerated() {
            // Strictly readable files only; truncated ones are covered by the corpus read test.
            guard (try? Part10Reader.read(path: path)) != nil,
                  let file = try? Part10Reader.read(path: path, options: .headerOnly) else { continue }
            let json = JSONModelWriter(pretty: false).json(file.dataSet)
            // The output must itself be valid JSON.
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.utf8)), path)
            let out = dir.appendingPathComponent("\(i).json").path
            try json.write(toFile: out, atomically: false, encoding: .utf8)
            pairs += "\(path)\t\(out)\n"
            written += 1
        }
        XCTAssertGreaterThan(written, 200)
        let list = dir.appendingPathComponent("pairs.txt").path
        try pairs.write(toFile: list, atomically: false, encoding: .utf8)
        let r = try runCommand(python, [Oracles.oracleScript("pydicom_json_check.py"), list])
        XCTAssertEqual(r.status, 0, "pydicom disagrees with Lightbox's JSON:\n\(r.stdout)\(r.stderr)")
    }
}
