import Foundation
@testable import Media
import XCTest

/// A small staged file set like the one `burn` builds (PS3.10 File IDs, IHE PDI names), with
/// known contents, for the output and read-back tests.
enum StagedFixture {
    /// Relative path → content. One file spans several 2048-byte blocks and ends mid-block.
    static func contents() -> [String: [UInt8]] {
        var big = [UInt8](repeating: 0, count: 300_001)
        var x: UInt32 = 12345
        for i in big.indices { x = x &* 1_103_515_245 &+ 12345; big[i] = UInt8(truncatingIfNeeded: x >> 16) }
        return [
            "DICOMDIR": Array("DICM-directory".utf8),
            "README.TXT": Array("Patient disc\r\n".utf8),
            "INDEX.HTM": Array("<html></html>".utf8),
            "IHE_PDI/STU00001.HTM": Array("<p>study</p>".utf8),
            "DICOM/PAT00001/STU00001/SER00001/IMG00001": big,
            "DICOM/PAT00001/STU00001/SER00001/IMG00002": Array("second".utf8),
            "DICOM/PAT00001/STU00001/SER00002/IMG00001": [],
        ]
    }

    @discardableResult
    static func write(to root: URL) throws -> [String: [UInt8]] {
        let c = contents()
        for (path, bytes) in c {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        return c
    }
}

class MediaOutputTestCase: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-output-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    func path(_ p: String) -> String { tmp.appendingPathComponent(p).path }

    /// Asserts that `body` throws an error equal to `expected`.
    func assertThrows<E: Error & Equatable, T>(_ expected: E, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T) {
        do {
            _ = try body()
            XCTFail("expected \(expected)", file: file, line: line)
        } catch let e as E {
            XCTAssertEqual(e, expected, file: file, line: line)
        } catch {
            XCTFail("expected \(expected), got \(error)", file: file, line: line)
        }
    }
}
