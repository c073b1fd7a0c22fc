import Foundation
@testable import Media
import TestSupport
import XCTest

/// `UDFVolume` on images written by genisoimage `-udf` (walked by libudf) and formatted by mkudffs
/// at UDF 2.01 with Extended File Entries (walked from the descriptors): the tree as written, the
/// bytes as written, read in uneven chunks.
final class UDFVolumeTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-udfvolume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    private func run(_ tool: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run(); p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestRequirement.Unmet(description: "\(tool) \(args) exited \(p.terminationStatus)") }
    }

    func testGenisoimageUDFTreeAndBytes() throws {
        let genisoimage = try TestRequirement.tool("genisoimage", package: "genisoimage")
        let tree = tmp.appendingPathComponent("tree")
        let sub = tree.appendingPathComponent("影像/Sub Folder")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let big = (0..<300_001).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        try Data(big).write(to: sub.appendingPathComponent("big file.bin"))
        try Data("small".utf8).write(to: tree.appendingPathComponent("readme.txt"))
        try Data().write(to: tree.appendingPathComponent("EMPTY"))
        let iso = tmp.appendingPathComponent("u.iso").path
        try run(genisoimage, ["-quiet", "-udf", "-input-charset", "utf-8", "-V", "LABEL_1", "-o", iso, tree.path])

        XCTAssertEqual(VolumeRecognition.read(iso), VolumeRecognition(hasISO9660: true, nsr: "NSR02"))
        let volume = try UDFVolume(imagePath: iso)
        XCTAssertTrue(volume.walkedByLibudf)
        XCTAssertEqual(volume.volumeID, "LABEL_1")
        XCTAssertEqual(try volume.entries().map(\.description), [
            "EMPTY (0 bytes, recorded EMPTY)",
            "readme.txt (5 bytes, recorded readme.txt)",
            "影像/",
            "影像/Sub Folder/",
            "影像/Sub Folder/big file.bin (300001 bytes, recorded big file.bin)",
        ])
        XCTAssertEqual(try volume.readFile("影像/Sub Folder/big file.bin"), big)
        XCTAssertEqual(try volume.readFile("readme.txt"), Array("small".utf8))
        XCTAssertEqual(try volume.readFile("EMPTY"), [])
        let reader = try volume.open("/影像/Sub Folder/big file.bin")
        var chunked: [UInt8] = []
        while true {
            let c = try reader.read(upTo: 4095)
            if c.isEmpty { break }
            chunked += c
        }
        XCTAssertEqual(chunked, big)
        // The descriptor walk (used where libudf stops) sees the same tree and bytes.
        let decoded = try UDFVolume(imagePath: iso, libudfFirst: false)
        XCTAssertFalse(decoded.walkedByLibudf)
        XCTAssertEqual(try decoded.entries(), try volume.entries())
        XCTAssertEqual(try decoded.readFile("影像/Sub Folder/big file.bin"), big)
        XCTAssertThrowsError(try volume.open("影像")) { XCTAssertEqual($0 as? MediaVolumeError, .isDirectory(volume: iso, path: "影像")) }
        XCTAssertThrowsError(try volume.open("nothing")) { XCTAssertEqual($0 as? MediaVolumeError, .noSuchFile(volume: iso, path: "nothing")) }
    }

    func testExtendedFileEntryVolumeIsWalkedFromTheDescriptors() throws {
        let mkudffs = try TestRequirement.tool("mkudffs", package: "udftools")
        let img = tmp.appendingPathComponent("efe.img").path
        FileManager.default.createFile(atPath: img, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: img))
        try h.truncate(atOffset: 20 << 20)
        try h.close()
        try run(mkudffs, ["--media-type=hd", "--blocksize=2048", "--udfrev=0x0201", "--label=EFE", img])
        XCTAssertEqual(VolumeRecognition.read(img), VolumeRecognition(hasISO9660: false, nsr: "NSR03"))
        let volume = try UDFVolume(imagePath: img)
        XCTAssertFalse(volume.walkedByLibudf, "libudf 2.1 reads no Extended File Entries")
        XCTAssertEqual(volume.volumeID, "EFE")
        XCTAssertEqual(try volume.entries(), [])
    }

    func testNotUDF() throws {
        let path = tmp.appendingPathComponent("zero.img").path
        try Data(count: 1 << 20).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try UDFVolume(imagePath: path)) {
            guard case .notUDF = $0 as? MediaVolumeError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try UDFVolume(imagePath: tmp.appendingPathComponent("missing").path)) {
            XCTAssertEqual($0 as? MediaVolumeError, .volumeMissing(path: self.tmp.appendingPathComponent("missing").path))
        }
    }
}
