import Foundation
@testable import Media
import XCTest

/// The pieces of `UDFImageWriter` against the definitions they implement (ECMA-167 3rd edition,
/// OSTA UDF 2.60, ECMA-119 for the bridge), and a round trip through `UDFVolume`. The images
/// themselves are judged by outside tools in ConformanceTests/UDFWriteConformanceTests.
final class UDFImageWriterTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-udfwrite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    func testTagCRCAndChecksumFollowECMA167() {
        // ECMA-167 3/7.2.6: the CRC of the bytes 70 6A 77 is 3299 (hexadecimal).
        XCTAssertEqual(UDFChecksums.crc([0x70, 0x6A, 0x77]), 0x3299)
        var r = UDFRecord(size: 512)
        r.tag(8, location: 1234)
        XCTAssertEqual(r.bytes[0..<4], [8, 0, 3, 0])
        XCTAssertEqual(UInt32(r.bytes[12]) | UInt32(r.bytes[13]) << 8, 1234)
        XCTAssertEqual(UInt16(r.bytes[10]) | UInt16(r.bytes[11]) << 8, 496)
        let sum = (0..<16).filter { $0 != 4 }.reduce(UInt8(0)) { $0 &+ r.bytes[$1] }
        XCTAssertEqual(r.bytes[4], sum)
    }

    func testDStringsAndCS0() {
        XCTAssertEqual(UDFFields.cs0("AB"), [8, 0x41, 0x42])
        XCTAssertEqual(UDFFields.cs0("王"), [16, 0x73, 0x8B])
        let d = UDFFields.dstring("LIGHTBOX", size: 32)
        XCTAssertEqual(d[0], 8)
        XCTAssertEqual(d[31], 9)
        // Cut at a whole UTF-16 unit, never in the middle of one.
        let long = UDFFields.dstring(String(repeating: "王", count: 40), size: 32)
        XCTAssertEqual(long[31], 31)
        XCTAssertEqual(UDFFields.dstring("", size: 32), [UInt8](repeating: 0, count: 32))
    }

    func testBridgeIdentifiersAreLevel1() {
        func id(_ n: String, dir: Bool = false, taken: Set<[UInt8]> = []) -> String {
            String(decoding: ISO9660Bridge.identifier(n, isDirectory: dir, taken: taken), as: UTF8.self)
        }
        XCTAssertEqual(id("IMG00001"), "IMG00001.;1")
        XCTAssertEqual(id("README.TXT"), "README.TXT;1")
        XCTAssertEqual(id("IHE_PDI", dir: true), "IHE_PDI")
        XCTAssertEqual(id("Patient summary.html"), "PATIENT_.HTM;1")
        XCTAssertEqual(id("Patient summary.html", taken: [Array("PATIENT_.HTM;1".utf8)]), "PATIEN~1.HTM;1")
        XCTAssertEqual(id("病历"), "__.;1")
        for n in ["Patient summary.html", "病历", "a.b.c"] {
            let recorded = id(n)
            XCTAssertNil(ISO9660Names.recordedNameProblem(recorded, isDirectory: false), recorded)
        }
    }

    /// The mirror of the metadata comes before the file data, so nothing but the closing anchors
    /// follows the last file (7-Zip reports "Headers Error" otherwise).
    func testMetadataAndMirrorPrecedeTheData() throws {
        let root = try tree(["A": 5000, "B/C": 1])
        let plan = try UDFImagePlan(tree: StagedTree.walk(root.path), options: UDFImageOptions(revision: 0x0260, volumeID: "V"))
        XCTAssertEqual(plan.metadataStart, 32)
        XCTAssertEqual(plan.mirrorStart, 32 + plan.metadataAllocated)
        let firstData = plan.nodes.filter { !$0.isDirectory }.map(\.dataBlock).min()!
        XCTAssertEqual(firstData, plan.mirrorStart + plan.metadataAllocated)
        XCTAssertEqual(plan.imageBlocks % 32, 0)
        XCTAssertGreaterThanOrEqual(plan.closingAnchor, plan.partitionStart + plan.partitionLength)
        XCTAssertEqual(UInt64(plan.closingAnchor) + 257, plan.imageBlocks)
        let lastData = plan.nodes.filter { !$0.isDirectory }.map { $0.dataBlock + UInt32(($0.size + 2047) / 2048) }.max()!
        XCTAssertEqual(lastData, plan.partitionLength)
    }

    func testEveryRevisionReadsBackThroughUDFVolume() throws {
        let root = try tree(["DICOMDIR": 3000, "DICOM/PAT00001/IMG00001": 70_000, "DICOM/PAT00001/IMG00002": 0,
                             "病历 summary (long name).html": 123, "IHE_PDI/INDEX.HTM": 9000])
        for revision: UInt16 in [0x0201, 0x0250, 0x0260] {
            for bridge in [true, false] {
                let image = tmp.appendingPathComponent("r\(revision)-\(bridge).udf").path
                let summary = try UDFImageWriter(options: UDFImageOptions(revision: revision, volumeID: "VOL_1", bridge: bridge))
                    .write(folder: root.path, to: image)
                XCTAssertEqual(summary.files, 5)
                XCTAssertEqual(summary.directories, 3)
                let volume = try UDFVolume(imagePath: image)
                XCTAssertEqual(volume.revision, revision)
                XCTAssertEqual(volume.volumeID, "VOL_1")
                let files = try volume.files()
                XCTAssertEqual(Set(files.map(\.path)), ["DICOMDIR", "DICOM/PAT00001/IMG00001", "DICOM/PAT00001/IMG00002",
                                                        "病历 summary (long name).html", "IHE_PDI/INDEX.HTM"])
                for f in files {
                    XCTAssertEqual(try volume.readFile(f.path), Array(try Data(contentsOf: root.appendingPathComponent(f.path))), f.path)
                }
                XCTAssertEqual(VolumeRecognition.read(image).hasISO9660, bridge)
                XCTAssertEqual(VolumeRecognition.read(image).nsr, "NSR03")
            }
        }
    }

    func testRefusals() throws {
        let root = try tree(["A": 1])
        let writer = UDFImageWriter(options: UDFImageOptions(revision: 0x0150, volumeID: "V"))
        XCTAssertThrowsError(try writer.write(folder: root.path, to: tmp.appendingPathComponent("x.udf").path))
        let badID = UDFImageWriter(options: UDFImageOptions(revision: 0x0260, volumeID: "lower case"))
        XCTAssertThrowsError(try badID.write(folder: root.path, to: tmp.appendingPathComponent("y.udf").path)) {
            guard case DiscImageError.invalidVolumeID = $0 else { return XCTFail("\($0)") }
        }
        let ok = UDFImageWriter(options: UDFImageOptions(revision: 0x0260, volumeID: "V"))
        XCTAssertThrowsError(try ok.write(folder: root.path, to: tmp.appendingPathComponent("missing/z.udf").path)) {
            guard case DiscImageError.targetFolderMissing = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.appendingPathComponent("x.udf").path))
    }

    /// A folder with files of the given sizes (pseudo-random content), by relative path.
    private func tree(_ files: [String: Int]) throws -> URL {
        let root = tmp.appendingPathComponent("tree-\(UUID().uuidString.prefix(6))")
        var seed: UInt64 = 1
        for (path, size) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            var bytes = [UInt8](repeating: 0, count: size)
            for i in bytes.indices { seed = seed &* 6364136223846793005 &+ 1442695040888963407; bytes[i] = UInt8(seed >> 56) }
            try Data(bytes).write(to: url)
        }
        return root
    }
}
