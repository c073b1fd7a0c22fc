import Foundation
import XCTest

extension Oracles {
    /// DCMTK's `dcmmkdir --recurse +I -Pgp DICOM` run in `folder`: a General Purpose DICOMDIR at
    /// `folder/DICOMDIR` for the files under `folder/DICOM` (their File IDs relative to `folder`).
    static func makeDICOMDIR(in folder: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let dcmmkdir = try require("dcmmkdir", package: "dcmtk", file: file, line: line)
        let mk = Process()
        mk.executableURL = URL(fileURLWithPath: dcmmkdir)
        mk.arguments = ["--recurse", "+I", "-Pgp", "DICOM"]
        mk.currentDirectoryURL = folder
        try mk.run(); mk.waitUntilExit()
        XCTAssertEqual(mk.terminationStatus, 0, "dcmmkdir in \(folder.path)", file: file, line: line)
    }
}

/// `lightbox ls --json` and the parts of its catalogue the media tests look at.
enum CatalogJSON {
    /// The exit status and the catalogue; fails the test when no JSON was printed.
    static func ls(_ lightbox: String, _ source: String, file: StaticString = #filePath, line: UInt = #line) throws -> (Int32, [String: Any]) {
        let r = try runCommand(lightbox, ["ls", source, "--json"])
        let json = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any] ?? [:]
        if json.isEmpty { XCTFail("ls --json \(source): \(r.stderr)", file: file, line: line) }
        return (r.status, json)
    }

    static func patients(_ c: [String: Any]) -> [[String: Any]] { c["patients"] as? [[String: Any]] ?? [] }
    static func findings(_ c: [String: Any]) -> [[String: Any]] { c["findings"] as? [[String: Any]] ?? [] }

    /// Every instance of every series of every study.
    static func instances(_ c: [String: Any]) -> [[String: Any]] {
        patients(c).flatMap { $0["studies"] as? [[String: Any]] ?? [] }
            .flatMap { $0["series"] as? [[String: Any]] ?? [] }.flatMap { $0["instances"] as? [[String: Any]] ?? [] }
    }
}
