import DICOM
import Foundation
import Network
import XCTest
import TestSupport

/// Must-show 4: 32 concurrent storescu processes × 100 small images into one Lightbox inbox.
final class NetworkLoadTests: XCTestCase {
    func testThirtyTwoStorescuProcessesOfHundredImages() async throws {
        let storescu = try Oracles.require("storescu", package: "dcmtk")
        let corpus = try Oracles.requireCorpus("pydicom")
        let source = try Part10Reader.read(path: corpus.appendingPathComponent("CT_small.dcm").path, options: .loadAll)
        let work = try NetworkTestSupport.temporaryDirectory("load")
        defer { try? FileManager.default.removeItem(atPath: work) }
        // 3200 distinct objects: CT_small with new SOP Instance UIDs, one folder per sender.
        // storescu re-encodes before sending (drops trailing padding and group lengths): compare content.
        func content(_ path: String) throws -> DataSet {
            var ds = try Part10Reader.read(path: path, options: .loadAll).dataSet
            ds.removeAll { $0.tag == Tag(0xFFFC, 0xFFFC) || $0.tag.element == 0 }
            return ds
        }
        var expected: [String: DataSet] = [:]
        var rng = SeededRandom(defaultSeed: 0x10AD, label: "NetworkLoadTests")
        for s in 0 ..< 32 {
            let dir = "\(work)/src\(s)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for i in 0 ..< 100 {
                let uid = "2.25.\(UInt64.random(in: 1 ... UInt64.max, using: &rng))\(s)\(i)"
                var file = source
                try file.dataSet.set(Tag(0x0008, 0x0018), .UI, uid)
                try file.meta.set(Tag(0x0002, 0x0003), .UI, uid)
                let path = "\(dir)/\(i).dcm"
                try Part10Writer.write(file, to: path)
                expected[uid] = try content(path)
            }
        }
        let inbox = "\(work)/inbox"
        let server = try await NetworkTestSupport.startStoreServer(inbox: inbox) { $0.maxAssociations = 64 }
        defer { Task { await server.close() } }

        let start = Date()
        let processes = try (0 ..< 32).map { s in
            try NetworkTestSupport.launch(storescu, ["-aet", "LOAD\(s)", "-aec", "LIGHTBOX", "+sd", "127.0.0.1", "\(server.port)", "\(work)/src\(s)"],
                                          environment: NetworkTestSupport.nodelay, log: "\(work)/storescu\(s).log")
        }
        for p in processes { p.waitUntilExit() }
        let seconds = Date().timeIntervalSince(start)
        print("32 × 100 C-STORE via storescu: \(String(format: "%.1f", seconds)) s")
        for (s, p) in processes.enumerated() {
            XCTAssertEqual(p.terminationStatus, 0, (try? String(contentsOfFile: "\(work)/storescu\(s).log", encoding: .utf8)) ?? "")
        }

        let names = try FileManager.default.contentsOfDirectory(atPath: inbox)
        XCTAssertFalse(names.contains { $0.hasSuffix(".part") }, "no temporary file left")
        let stored = names.filter { $0.hasSuffix(".dcm") }
        XCTAssertEqual(stored.count, 3200)
        var seen: Set<String> = []
        for name in stored {
            let f = try StoreFile.load(path: "\(inbox)/\(name)")
            XCTAssertTrue(seen.insert(f.sopInstanceUID).inserted, "duplicate \(f.sopInstanceUID)")
            guard let original = expected[f.sopInstanceUID] else { XCTFail("unexpected object \(f.sopInstanceUID)"); continue }
            XCTAssertTrue(try content("\(inbox)/\(name)") == original, "content of \(name) differs")
        }
        XCTAssertEqual(seen, Set(expected.keys))
        let receipts = try String(contentsOfFile: inbox + "/receipts.log", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(receipts.count, 3200)
    }
}
