import DICOM
import Foundation
import XCTest

/// Issue 2, must-show 1: every file of the pydicom and pydicom-data corpora that pydicom reads,
/// Lightbox reads with the same tags and non-pixel values; every file pydicom rejects, Lightbox
/// rejects with a typed error.
final class CorpusReadConformanceTests: XCTestCase {
    func corpusFiles() throws -> [String] {
        var files: [String] = []
        for name in ["pydicom", "charset", "pydicom-data"] {
            files += Oracles.files(under: try Oracles.requireCorpus(name))
        }
        return files
    }

    /// pydicom's reading of every corpus file, in the canonical form (one Python run).
    static func pydicomReadings(_ files: [String]) throws -> [String: [String: Any]] {
        let python = try Oracles.requirePython()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-canon-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try runCommand(python, [Oracles.oracleScript("pydicom_canonical.py"), out] + files)
        // The script reports each file's outcome itself; a non-zero status means pydicom did not start
        // (the venv lacks it or is broken): a missing oracle, which `make test` counts as a failure.
        guard r.status == 0 else { try Oracles.missing("pydicom (pydicom_canonical.py exited \(r.status): \(r.stderr.suffix(2000)))") }
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        let list = try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        var byPath: [String: [String: Any]] = [:]
        for entry in list { byPath[entry["path"] as! String] = entry }
        return byPath
    }

    func testEveryCorpusFileReadsLikePydicom() throws {
        let files = try corpusFiles()
        XCTAssertGreaterThan(files.count, 200, "the corpus looks incomplete")
        let readings = try Self.pydicomReadings(files)
        var mismatches: [String] = []
        var compared = 0, rejected = 0
        for path in files {
            let name = path.split(separator: "/").suffix(2).joined(separator: "/")
            guard let reference = readings[path] else { mismatches.append("\(name): no pydicom result"); continue }
            let pydicomRead = reference["ok"] as! Bool
            // Files pydicom reads must read here too, if need be keeping what a truncated file
            // holds (as pydicom does); files pydicom rejects must be rejected by the default,
            // strict reading.
            let ours: Result<DICOMFile, Error> = pydicomRead
                ? Result { try Part10Reader.read(path: path, options: ReadOptions.loadAll.keepingTruncatedData) }
                : Result { try Part10Reader.read(path: path, options: .loadAll) }
            switch (pydicomRead, ours) {
            case (true, .failure(let error)):
                mismatches.append("\(name): pydicom reads it, Lightbox fails: \(error)")
            case (false, .success):
                mismatches.append("\(name): pydicom rejects it (\(reference["error"] ?? "")), Lightbox reads it")
            case (false, .failure(let error)):
                rejected += 1
                XCTAssert(error is DataSetReadError, "\(name): untyped error \(error)")
                XCTAssert("\(error)".contains(path), "\(name): the error does not name the file: \(error)")
            case (true, .success(let file)):
                compared += 1
                let theirs = CanonicalForm.of(json: reference["elements"] as! [[Any]])
                let mine = try CanonicalForm.of(file.dataSet)
                let diffs = CanonicalForm.differences(mine, theirs, texts: CanonicalForm.texts(file.dataSet))
                if !diffs.isEmpty {
                    mismatches.append("\(name):\n    " + diffs.prefix(8).joined(separator: "\n    "))
                }
            }
        }
        print("corpus: \(files.count) files, \(compared) compared with pydicom, \(rejected) rejected by both")
        XCTAssert(mismatches.isEmpty, "\(mismatches.count) files differ from pydicom:\n" + mismatches.joined(separator: "\n"))
    }
}
