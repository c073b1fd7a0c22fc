import Foundation
@testable import Media
import XCTest

/// `USBWriter` (PS3.12 Annex R): content, empty-target rule, append, progress, free space,
/// ENOSPC while copying, cancellation, clean-up.
final class USBWriterTests: MediaOutputTestCase {
    func testCopiesTheTreeWithDICOMDIRLastAndNoTemporaryNames() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        let contents = try StagedFixture.write(to: staged)
        let stick = tmp.appendingPathComponent("STICK")
        try FileManager.default.createDirectory(at: stick.appendingPathComponent("lost+found"), withIntermediateDirectories: true)
        var reports: [MediaProgress] = []
        let summary = try USBWriter().write(folder: staged.path, to: stick.path) { reports.append($0) }
        XCTAssertEqual(summary.files, contents.count)
        XCTAssertEqual(summary.bytes, Int64(contents.values.reduce(0) { $0 + $1.count }))
        XCTAssertEqual(summary.replaced, [])
        let volume = try FolderVolume(root: stick.path)
        XCTAssertEqual(Set(try volume.files().map(\.path)), Set(contents.keys))
        for (p, bytes) in contents { XCTAssertEqual(try volume.readFile(p), bytes, p) }
        XCTAssertFalse(try volume.files().contains { $0.path.hasSuffix(".TMP") })
        XCTAssertEqual(reports.last, MediaProgress(bytesWritten: summary.bytes, totalBytes: summary.bytes,
                                                   filesWritten: contents.count, totalFiles: contents.count))
        // DICOMDIR is the last file completed.
        let completions = reports.map(\.filesWritten)
        XCTAssertEqual(completions, completions.sorted())
        let beforeLast = try XCTUnwrap(reports.first { $0.filesWritten == contents.count - 1 })
        XCTAssertEqual(beforeLast.bytesWritten, summary.bytes - Int64(contents["DICOMDIR"]!.count))
    }

    func testRefusesANonEmptyTargetUnlessAppending() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        try StagedFixture.write(to: staged)
        let stick = tmp.appendingPathComponent("STICK")
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
        try Data("holiday".utf8).write(to: stick.appendingPathComponent("PHOTO.JPG"))
        assertThrows(USBWriteError.targetNotEmpty(path: stick.path, entries: ["PHOTO.JPG"])) {
            try USBWriter().write(folder: staged.path, to: stick.path)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: stick.path), ["PHOTO.JPG"])
        XCTAssertTrue(USBWriteError.targetNotEmpty(path: "/m", entries: ["A"]).description.contains("--append"))
    }

    func testAppendReplacesSamePathsAndKeepsOthers() throws {
        let stick = tmp.appendingPathComponent("STICK")
        let first = tmp.appendingPathComponent("FIRST")
        try StagedFixture.write(to: first)
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
        try USBWriter().write(folder: first.path, to: stick.path)
        let second = tmp.appendingPathComponent("SECOND")
        try FileManager.default.createDirectory(at: second.appendingPathComponent("DICOM/PAT00002"), withIntermediateDirectories: true)
        try Data("new DICOMDIR".utf8).write(to: second.appendingPathComponent("DICOMDIR"))
        try Data("p2".utf8).write(to: second.appendingPathComponent("DICOM/PAT00002/IMG00001"))
        let summary = try USBWriter(append: true).write(folder: second.path, to: stick.path)
        XCTAssertEqual(summary.replaced, ["DICOMDIR"])
        let volume = try FolderVolume(root: stick.path)
        XCTAssertEqual(try volume.readFile("DICOMDIR"), Array("new DICOMDIR".utf8))
        XCTAssertEqual(try volume.readFile("DICOM/PAT00002/IMG00001"), Array("p2".utf8))
        XCTAssertEqual(try volume.readFile("README.TXT"), StagedFixture.contents()["README.TXT"])
    }

    func testMissingTargetAndSource() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        try StagedFixture.write(to: staged)
        assertThrows(USBWriteError.targetMissing(path: path("MNT"))) { try USBWriter().write(folder: staged.path, to: path("MNT")) }
        try Data().write(to: tmp.appendingPathComponent("FILE"))
        assertThrows(USBWriteError.targetNotFolder(path: path("FILE"))) { try USBWriter().write(folder: staged.path, to: path("FILE")) }
        try FileManager.default.createDirectory(at: tmp.appendingPathComponent("MNT"), withIntermediateDirectories: true)
        assertThrows(USBWriteError.sourceMissing(path: path("NONE"))) { try USBWriter().write(folder: path("NONE"), to: path("MNT")) }
    }

    func testCancellationRemovesWhatWasWritten() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        try StagedFixture.write(to: staged)
        try Data(count: 3 << 20).write(to: staged.appendingPathComponent("DICOM/BIG"))
        let stick = tmp.appendingPathComponent("STICK")
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)
        let cancel = MediaCancellation()
        assertThrows(USBWriteError.cancelled(path: stick.path)) {
            try USBWriter().write(folder: staged.path, to: stick.path, cancellation: cancel) { p in
                if p.bytesWritten >= 1 << 20 { cancel.cancel() }
            }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: stick.path), [])
    }

    func testFullStick() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        try StagedFixture.write(to: staged)
        try Data(count: 3 << 20).write(to: staged.appendingPathComponent("DICOM/BIG"))
        let mount = try SmallFileSystem(megabytes: 1)
        defer { mount.remove() }
        // Found by statvfs before copying: nothing written.
        do {
            try USBWriter().write(folder: staged.path, to: mount.path)
            XCTFail("3 MiB fitted into 1 MiB")
        } catch {
            guard case .noSpace(let p, let needed, let available?) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(p, mount.path)
            XCTAssertGreaterThan(needed, 3 << 20)
            XCTAssertLessThanOrEqual(available, 1 << 20)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mount.path), [])
        // Met while copying (ENOSPC): the same error, and the partial copy is removed.
        var writer = USBWriter()
        writer.checkFreeSpace = false
        do {
            try writer.write(folder: staged.path, to: mount.path)
            XCTFail("3 MiB fitted into 1 MiB")
        } catch {
            guard case .noSpace = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mount.path), [])
    }
}
