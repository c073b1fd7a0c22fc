import Foundation
@testable import Media
import XCTest
import TestSupport

/// `ISOImageWriter` (libisofs) and `ISOVolume` (libcdio) against each other on a small staged
/// file set: PS3.12 Annex F names and Volume Identifier, content, errors, cancellation.
final class ISOImageTests: MediaOutputTestCase {
    func testRoundTripNamesVolumeIDAndContent() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        let contents = try StagedFixture.write(to: staged)
        var reports: [MediaProgress] = []
        let writer = ISOImageWriter(options: ISOImageOptions(volumeID: "LIGHTBOX_TEST"))
        let summary = try writer.write(folder: staged.path, to: path("disc.iso.tmp")) { reports.append($0) }

        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path("disc.iso.tmp"))[.size] as? Int64)
        XCTAssertEqual(summary.bytes, size)
        XCTAssertEqual(size % 2048, 0)
        XCTAssertEqual(summary.files, contents.count)
        XCTAssertEqual(summary.directories, 6)  // DICOM, PAT, STU, SER1, SER2, IHE_PDI
        XCTAssertEqual(reports.last, MediaProgress(bytesWritten: size, totalBytes: size))
        XCTAssertEqual(reports.map(\.bytesWritten), reports.map(\.bytesWritten).sorted())

        let volume = try ISOVolume(imagePath: path("disc.iso.tmp"))
        XCTAssertEqual(volume.volumeID, "LIGHTBOX_TEST")
        XCTAssertTrue(volume.isLevel1, "\(volume.level1Problems)")
        XCTAssertFalse(volume.hasJoliet)
        XCTAssertFalse(volume.hasRockRidge)
        let entries = try volume.entries()
        XCTAssertEqual(Set(try volume.files().map(\.path)), Set(contents.keys))
        let recorded = Dictionary(uniqueKeysWithValues: entries.map { ($0.path, $0.recordedName) })
        XCTAssertEqual(recorded["DICOMDIR"], "DICOMDIR.;1")
        XCTAssertEqual(recorded["README.TXT"], "README.TXT;1")
        XCTAssertEqual(recorded["DICOM/PAT00001/STU00001/SER00001/IMG00001"], "IMG00001.;1")
        XCTAssertEqual(recorded["DICOM/PAT00001"], "PAT00001")
        XCTAssertEqual(entries.filter(\.isDirectory).map(\.path),
                       ["DICOM", "DICOM/PAT00001", "DICOM/PAT00001/STU00001", "DICOM/PAT00001/STU00001/SER00001",
                        "DICOM/PAT00001/STU00001/SER00002", "IHE_PDI"])
        for (p, bytes) in contents {
            XCTAssertEqual(try volume.readFile(p), bytes, p)
            XCTAssertEqual(try volume.entry(at: p)?.size, Int64(bytes.count), p)
        }
        // The same tree read as a folder lists the same paths.
        XCTAssertEqual(try FolderVolume(root: staged.path).entries().map(\.path), entries.map(\.path))
    }

    func testStreamedReadsInOddChunks() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        let contents = try StagedFixture.write(to: staged)
        try ISOImageWriter(options: ISOImageOptions(volumeID: "CHUNKS")).write(folder: staged.path, to: path("c.iso"))
        let p = "DICOM/PAT00001/STU00001/SER00001/IMG00001"
        let reader = try ISOVolume(imagePath: path("c.iso")).open(p)
        XCTAssertEqual(reader.size, 300_001)
        var got: [UInt8] = []
        while true {
            let chunk = try reader.read(upTo: 1000)  // not a multiple of 2048
            if chunk.isEmpty { break }
            XCTAssertLessThanOrEqual(chunk.count, 1000)
            got += chunk
        }
        XCTAssertEqual(got, contents[p])
    }

    /// File content goes through `BufferedFileStream` (1 MiB reads): sizes around and across its
    /// buffer come back byte for byte, an empty file stays empty, and hard links are stored once.
    func testBufferedStreamContentAndHardLinks() throws {
        let staged = tmp.appendingPathComponent("BIG")
        try FileManager.default.createDirectory(at: staged, withIntermediateDirectories: true)
        var rng = SeededRandom(defaultSeed: 0x1B0F, label: "ISOImageTests.testBufferedStreamContentAndHardLinks")
        let sizes = ["ACROSS": (5 << 19) + 7, "EXACT": 1 << 20, "SMALL": 2049, "EMPTY": 0]
        var contents: [String: [UInt8]] = [:]
        for (name, n) in sizes {
            let bytes = (0 ..< n).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            contents[name] = bytes
            try Data(bytes).write(to: staged.appendingPathComponent(name))
        }
        try FileManager.default.linkItem(atPath: staged.appendingPathComponent("ACROSS").path,
                                         toPath: staged.appendingPathComponent("LINKED").path)
        contents["LINKED"] = contents["ACROSS"]
        try ISOImageWriter(options: ISOImageOptions(volumeID: "BUFFERED")).write(folder: staged.path, to: path("big.iso"))
        let volume = try ISOVolume(imagePath: path("big.iso"))
        for (name, bytes) in contents {
            XCTAssertEqual(try volume.readFile(name), bytes, name)
        }
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path("big.iso"))[.size] as? Int)
        let once = sizes.values.reduce(0, +)
        XCTAssertLessThan(size, once + (1 << 20), "the hard-linked copy is stored once (image \(size) bytes)")
    }

    func testFixedTimestampIsReproducibleAndSizeIsPredicted() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        try StagedFixture.write(to: staged)
        let options = ISOImageOptions(volumeID: "REPRO", fixedTimestamp: Date(timeIntervalSince1970: 1_700_000_000))
        let writer = ISOImageWriter(options: options)
        try writer.write(folder: staged.path, to: path("a.iso"))
        // Touch a file: with a fixed timestamp its time must not show.
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: staged.appendingPathComponent("README.TXT").path)
        try writer.write(folder: staged.path, to: path("b.iso"))
        let a = try Data(contentsOf: tmp.appendingPathComponent("a.iso")), b = try Data(contentsOf: tmp.appendingPathComponent("b.iso"))
        XCTAssertEqual(a, b)
        XCTAssertEqual(try writer.imageSize(folder: staged.path), Int64(a.count))
        // Volume creation time in the PVD (block 16, byte 813): 2023-11-14 22:13:20 UTC.
        XCTAssertEqual(String(decoding: a[16 * 2048 + 813 ..< 16 * 2048 + 829], as: UTF8.self), "2023111422132000")
    }

    func testJolietIsOptionalAndPrimaryTreeStaysLevel1() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        try StagedFixture.write(to: staged)
        try ISOImageWriter(options: ISOImageOptions(volumeID: "DVD", joliet: true)).write(folder: staged.path, to: path("dvd.iso"))
        let volume = try ISOVolume(imagePath: path("dvd.iso"))
        XCTAssertTrue(volume.hasJoliet)
        XCTAssertFalse(volume.hasRockRidge)
        XCTAssertTrue(volume.isLevel1, "\(volume.level1Problems)")
        XCTAssertEqual(try volume.entry(at: "DICOMDIR")?.recordedName, "DICOMDIR.;1")
    }

    func testMissingTargetFolder() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        try StagedFixture.write(to: staged)
        let target = path("NOPE/disc.iso")
        assertThrows(DiscImageError.targetFolderMissing(folder: path("NOPE"))) {
            try ISOImageWriter(options: ISOImageOptions(volumeID: "X")).write(folder: staged.path, to: target)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("NOPE")))
        XCTAssertTrue(DiscImageError.targetFolderMissing(folder: "/x").description.contains("create it"))
    }

    func testRefusesNamesLibisofsWouldMangle() throws {
        let writer = ISOImageWriter(options: ISOImageOptions(volumeID: "X"))
        for (name, isDir) in [("dicom", true), ("LONGFOLDER", true), ("README.HTML", false), ("IMG-0001", false), ("A.B.C", false), ("SER.1", true)] {
            let staged = tmp.appendingPathComponent("S_\(name)")
            let url = staged.appendingPathComponent(name)
            if isDir { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } else {
                try FileManager.default.createDirectory(at: staged, withIntermediateDirectories: true)
                try Data([1]).write(to: url)
            }
            do {
                try writer.write(folder: staged.path, to: path("n.iso"))
                XCTFail("\(name) accepted")
            } catch {
                guard case .nonConformantName(let p, _) = error else { return XCTFail("\(name): \(error)") }
                XCTAssertEqual(p, url.path)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: path("n.iso")))
        }
        // Nine directory levels (root is level 1).
        let deep = tmp.appendingPathComponent("DEEP")
        let nine = (1...8).map { "D\($0)" }.joined(separator: "/")
        try FileManager.default.createDirectory(at: deep.appendingPathComponent(nine), withIntermediateDirectories: true)
        assertThrows(DiscImageError.nonConformantName(path: deep.appendingPathComponent(nine).path, reason: "is at directory level 9 (ISO 9660 allows 8)")) {
            try writer.write(folder: deep.path, to: path("d.iso"))
        }
    }

    func testVolumeIDAndSourceErrors() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        try StagedFixture.write(to: staged)
        assertThrows(DiscImageError.invalidVolumeID("MY DISC", reason: "contains \" \"; a Level 1 Volume Identifier allows only A–Z, 0–9 and _")) {
            try ISOImageWriter(options: ISOImageOptions(volumeID: "MY DISC")).write(folder: staged.path, to: path("v.iso"))
        }
        let writer = ISOImageWriter(options: ISOImageOptions(volumeID: "X"))
        assertThrows(DiscImageError.sourceMissing(path: path("ABSENT"))) { try writer.write(folder: path("ABSENT"), to: path("v.iso")) }
        assertThrows(DiscImageError.targetIsDirectory(path: staged.path)) { try writer.write(folder: staged.path, to: staged.path) }
        try FileManager.default.createSymbolicLink(atPath: staged.appendingPathComponent("GONE").path, withDestinationPath: path("nothing"))
        assertThrows(DiscImageError.sourceUnreadable(path: staged.appendingPathComponent("GONE").path, reason: "a symbolic link to a missing file")) {
            try writer.write(folder: staged.path, to: path("v.iso"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("v.iso")))
    }

    func testSymbolicLinksAreFollowed() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        try FileManager.default.createDirectory(at: staged.appendingPathComponent("DICOM"), withIntermediateDirectories: true)
        try Data("linked content".utf8).write(to: tmp.appendingPathComponent("source.dcm"))
        try FileManager.default.createSymbolicLink(atPath: staged.appendingPathComponent("DICOM/IMG00001").path, withDestinationPath: path("source.dcm"))
        try ISOImageWriter(options: ISOImageOptions(volumeID: "LINKS")).write(folder: staged.path, to: path("l.iso"))
        XCTAssertEqual(try ISOVolume(imagePath: path("l.iso")).readFile("DICOM/IMG00001"), Array("linked content".utf8))
    }

    func testCancellationRemovesThePartialImage() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        try StagedFixture.write(to: staged)
        try Data(count: 5 << 20).write(to: staged.appendingPathComponent("DICOM/BIG"))
        let cancel = MediaCancellation()
        var calls = 0
        assertThrows(DiscImageError.cancelled(path: path("x.iso"))) {
            try ISOImageWriter(options: ISOImageOptions(volumeID: "X")).write(folder: staged.path, to: path("x.iso"), cancellation: cancel) { _ in
                calls += 1
                cancel.cancel()
            }
        }
        XCTAssertEqual(calls, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.iso")))
        // The library is usable again afterwards.
        try ISOImageWriter(options: ISOImageOptions(volumeID: "X")).write(folder: staged.path, to: path("y.iso"))
        XCTAssertEqual(try ISOVolume(imagePath: path("y.iso")).entry(at: "DICOM/BIG")?.size, 5 << 20)
    }

    func testFullFileSystem() throws {
        let staged = tmp.appendingPathComponent("STAGE")
        try StagedFixture.write(to: staged)
        try Data(count: 3 << 20).write(to: staged.appendingPathComponent("DICOM/BIG"))
        let mount = try SmallFileSystem(megabytes: 1)
        defer { mount.remove() }
        let target = mount.path + "/disc.iso"
        do {
            try ISOImageWriter(options: ISOImageOptions(volumeID: "FULL")).write(folder: staged.path, to: target)
            XCTFail("wrote 3 MiB into 1 MiB")
        } catch {
            guard case .noSpace(let p, let needed, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(p, target)
            XCTAssertGreaterThan(needed, 3 << 20)
            XCTAssertTrue(error.description.contains("not enough space"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
        // ENOSPC met while writing maps to the same error.
        guard case .noSpace = DurableImageFile.writeError(ENOSPC, path: target, needed: 1) else { return XCTFail() }
    }

    func testReaderErrors() throws {
        assertThrows(MediaVolumeError.volumeMissing(path: path("none.iso"))) { try ISOVolume(imagePath: path("none.iso")) }
        try Data(count: 40_000).write(to: tmp.appendingPathComponent("zero.iso"))
        assertThrows(MediaVolumeError.notISO9660(path: path("zero.iso"))) { try ISOVolume(imagePath: path("zero.iso")) }
        let staged = tmp.appendingPathComponent("STAGE")
        try StagedFixture.write(to: staged)
        try ISOImageWriter(options: ISOImageOptions(volumeID: "E")).write(folder: staged.path, to: path("e.iso"))
        let volume = try ISOVolume(imagePath: path("e.iso"))
        assertThrows(MediaVolumeError.noSuchFile(volume: path("e.iso"), path: "DICOM/NOPE")) { try volume.open("DICOM/NOPE") }
        assertThrows(MediaVolumeError.isDirectory(volume: path("e.iso"), path: "DICOM")) { try volume.open("/DICOM/") }
    }

    func testNameRules() {
        XCTAssertEqual(ISO9660Names.translate("DICOMDIR.;1"), "DICOMDIR")
        XCTAssertEqual(ISO9660Names.translate("README.TXT;1"), "README.TXT")
        XCTAssertEqual(ISO9660Names.translate("PAT00001"), "PAT00001")
        XCTAssertNil(ISO9660Names.recordedNameProblem("IMG00001.;1", isDirectory: false))
        XCTAssertNotNil(ISO9660Names.recordedNameProblem("IMG00001", isDirectory: false))
        XCTAssertNotNil(ISO9660Names.recordedNameProblem("img00001.;1", isDirectory: false))
        XCTAssertNotNil(ISO9660Names.recordedNameProblem("LONGNAME1.;1", isDirectory: false))
        XCTAssertNotNil(ISO9660Names.recordedNameProblem("DIR.X", isDirectory: true))
        XCTAssertNil(ISO9660Names.volumeIDProblem("LIGHTBOX_20240101"))
        XCTAssertNotNil(ISO9660Names.volumeIDProblem(String(repeating: "A", count: 33)))
    }
}

/// A small file system to fill: a tmpfs. `make test` runs as root, so mounting must work there and
/// a failure to mount fails the test (`TestRequirement`); a plain `swift test` as another user skips.
struct SmallFileSystem {
    let path: String

    init(megabytes: Int) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-full-\(getpid())-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/mount")
        p.arguments = ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]
        let err = Pipe()
        p.standardError = err
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if p.terminationStatus != 0 {
            try? FileManager.default.removeItem(atPath: path)
            try TestRequirement.unmet("cannot mount a \(megabytes) MiB tmpfs at \(path) (needs root and mount permission): "
                                      + "mount exited \(p.terminationStatus): \(message)")
        }
    }

    func remove() {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/umount")
        p.arguments = [path]
        try? p.run()
        p.waitUntilExit()
        try? FileManager.default.removeItem(atPath: path)
    }
}
