import Foundation
import Media
import Synthesis
import XCTest

/// Issue 19: Blu-ray media per PS3.12 Annex X — UDF 2.60 (BD-R) or 2.50 (BD-RE) images written by
/// Lightbox, judged by readers nobody here wrote:
/// - udftools' `udfinfo` (revision, closed integrity, file and folder counts);
/// - 7-Zip (`7zz`) lists and extracts every file, compared byte for byte with the inputs
///   (`sha256sum`);
/// - pydicom's `FileSet` loads the extracted DICOMDIR;
/// - the ISO 9660 bridge through `isoinfo` and xorriso's extraction;
/// - Tests/Oracles/udf_check.py, written from ECMA-167 and OSTA UDF 2.60 in Python: every
///   descriptor tag's CRC, checksum and location, the metadata partition and its mirror, the
///   integrity descriptor's counts and unique IDs;
/// - Lightbox's own `import` and `check` read the image back completely.
final class UDFWriteConformanceTests: XCTestCase {
    var tmp: URL!
    var mounts: [String] = []

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-udfw-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        for m in mounts { _ = try? runCommand("/bin/umount", [m]) }
        try? FileManager.default.removeItem(at: tmp)
    }

    // MARK: Must-show 1: every outside reader

    func testBlurayImageReadsInEveryOutsideReader() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let input = tmp.appendingPathComponent("input")
        try synth(input, charset: .gb18030, seed: 71, images: 5, size: 64)
        let image = tmp.appendingPathComponent("disc.udf").path
        let burn = try runCommand(lightbox, ["burn", input.path, "-o", image, "--profile", "STD-GEN-BD-JPEG", "--work-dir", tmp.path])
        XCTAssertEqual(burn.status, 0, burn.stdout + burn.stderr)

        let extracted = try sevenZipExtract(image)
        let files = Oracles.files(under: extracted).map { relative($0, extracted) }
        let folders = try folders(under: extracted)
        try assertUDFInfo(image, revision: "2.60", files: files.count, folders: folders.count)
        try assertChecker(python, image, revision: "0x0260", files: files.count, folders: folders.count, bridge: true)
        XCTAssertTrue(files.contains("DICOMDIR") && files.contains("README.TXT") && files.contains("INDEX.HTM"), "\(files)")

        // The DICOM files on the disc are the inputs, byte for byte (copied as they are: the
        // profile allows Explicit VR Little Endian).
        XCTAssertEqual(try digests(extracted.appendingPathComponent("DICOM")), try digests(input))
        // pydicom's FileSet reads the extracted DICOMDIR and every instance it references.
        let fs = try pydicomFileSet(python, extracted)
        XCTAssertEqual(fs.count, Oracles.files(under: input).count)

        // The bridge: isoinfo lists the same files and folders, and what xorriso extracts from
        // the ISO 9660 tree is what 7-Zip extracts from the UDF tree.
        let listed = try runCommand(isoinfo, ["-f", "-i", image])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        let isoPaths = Set(listed.stdout.split(separator: "\n").map { ISO9660Names.translate(String($0.dropFirst())) })
        XCTAssertEqual(isoPaths, Set(files).union(folders))
        let bridge = tmp.appendingPathComponent("bridge")
        let x = try runCommand(xorriso, ["-osirrox", "on", "-indev", image, "-extract", "/", bridge.path])
        XCTAssertEqual(x.status, 0, x.stderr)
        XCTAssertEqual(try digestsByPath(bridge), try digestsByPath(extracted))

        // Lightbox's import reads the image completely; check finds nothing wrong.
        let dest = tmp.appendingPathComponent("dest")
        let imp = try runCommand(lightbox, ["import", image, dest.path])
        XCTAssertEqual(imp.status, 0, imp.stdout + imp.stderr)
        let imported = Oracles.files(under: dest).filter { $0.hasSuffix(".dcm") }
        XCTAssertEqual(try digests(imported), try digests(input))
        let check = try runCommand(lightbox, ["check", image, "--json"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["profile"] as? String, "STD-GEN-BD")
        XCTAssertEqual((report["findings"] as? [[String: Any]] ?? []).filter { ($0["severity"] as? String) != "note" }.count, 0, check.stdout)
    }

    // MARK: Revisions, the bridge and the profile's file systems

    func testRevisionsBridgeAndProfileChoices() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        let input = tmp.appendingPathComponent("input")
        try synth(input, charset: .utf8, seed: 72, images: 3)
        func burn(_ name: String, _ extra: [String]) throws -> String {
            let out = tmp.appendingPathComponent(name).path
            let r = try runCommand(lightbox, ["burn", input.path, "-o", out, "--work-dir", tmp.path] + extra)
            XCTAssertEqual(r.status, 0, "\(extra): \(r.stdout)\(r.stderr)")
            return out
        }
        // BD-RE: UDF 2.50.
        let re = try burn("re.udf", ["--profile", "STD-GEN-BD", "--file-system", "udf-2.50"])
        var extracted = try sevenZipExtract(re)
        try assertUDFInfo(re, revision: "2.50", files: Oracles.files(under: extracted).count, folders: try folders(under: extracted).count)
        try assertChecker(python, re, revision: "0x0250", files: Oracles.files(under: extracted).count,
                          folders: try folders(under: extracted).count, bridge: true)
        XCTAssertEqual(try digests(extracted.appendingPathComponent("DICOM")), try digests(input))

        // No bridge: no ISO 9660 volume descriptor at all (isoinfo finds none), UDF alone reads.
        let bare = try burn("bare.udf", ["--profile", "STD-GEN-BD", "--no-bridge"])
        extracted = try sevenZipExtract(bare)
        try assertChecker(python, bare, revision: "0x0260", files: Oracles.files(under: extracted).count,
                          folders: try folders(under: extracted).count, bridge: false)
        XCTAssertNotEqual(try runCommand(isoinfo, ["-d", "-i", bare]).stdout.contains("Volume id: LIGHTBOX"), true)
        XCTAssertEqual(try digests(extracted.appendingPathComponent("DICOM")), try digests(input))

        // DVD with UDF 2.01 (PS3.12 Annex P), the profile's second file system.
        let dvd = try burn("dvd.udf", ["--profile", "STD-GEN-DVD-JPEG", "--file-system", "udf-2.01"])
        extracted = try sevenZipExtract(dvd)
        try assertUDFInfo(dvd, revision: "2.01", files: Oracles.files(under: extracted).count, folders: try folders(under: extracted).count)

        // Refused: UDF on CD (Annex F), an unknown name. Nothing is written.
        let cd = try runCommand(lightbox, ["burn", input.path, "-o", tmp.appendingPathComponent("cd.udf").path, "--profile", "STD-GEN-CD",
                                           "--file-system", "udf-2.60", "--work-dir", tmp.path])
        XCTAssertEqual(cd.status, 2)
        XCTAssertTrue(cd.stderr.contains("STD-GEN-CD does not allow UDF 2.60"), cd.stderr)
        let unknown = try runCommand(lightbox, ["burn", input.path, "-o", tmp.appendingPathComponent("u.udf").path, "--profile", "STD-GEN-BD",
                                                "--file-system", "hfs", "--work-dir", tmp.path])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("udf-2.60, udf-2.50"), unknown.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.appendingPathComponent("cd.udf").path))

        // check: an ISO 9660-only image judged as a Blu-ray disc names the missing UDF (Annex X).
        let iso = try burn("dvd.iso", ["--profile", "STD-GEN-DVD-JPEG"])
        let c = try runCommand(lightbox, ["check", iso, "--profile", "STD-GEN-BD-JPEG", "--json"])
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [String: Any], c.stderr)
        XCTAssertTrue((report["findings"] as? [[String: Any]] ?? []).contains { $0["kind"] as? String == "noUDF" }, c.stdout)
    }

    // MARK: Must-show 2: sizes

    func testSizesFromOneFileToTheGigabyteStudy() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        // One instance.
        let one = tmp.appendingPathComponent("one")
        try synth(one, charset: .utf8, seed: 73, images: 1)
        let oneImage = tmp.appendingPathComponent("one.udf").path
        let b1 = try runCommand(lightbox, ["burn", one.path, "-o", oneImage, "--profile", "STD-GEN-BD", "--no-web", "--work-dir", tmp.path])
        XCTAssertEqual(b1.status, 0, b1.stdout + b1.stderr)
        var extracted = try sevenZipExtract(oneImage)
        try assertUDFInfo(oneImage, revision: "2.60", files: 3, folders: try folders(under: extracted).count)  // DICOMDIR, README.TXT, the image
        try assertChecker(python, oneImage, revision: "0x0260", files: 3, folders: try folders(under: extracted).count, bridge: true)
        XCTAssertEqual(try digests(extracted.appendingPathComponent("DICOM")), try digests(one))
        try FileManager.default.removeItem(at: extracted)

        // The 2,000-file study of about 1 GB (512×512 CT, as `make bench` burns).
        let study = tmp.appendingPathComponent("study")
        let s = try runCommand(lightbox, ["synth", study.path, "--patients", "1", "--studies", "1", "--series", "1", "--images", "2000",
                                          "--size", "512", "--modality", "CT", "--seed", "7"])
        XCTAssertEqual(s.status, 0, s.stderr)
        let image = tmp.appendingPathComponent("study.udf").path
        // The viewer (issue 20) has its own tests; this one is about the UDF image of the study.
        let b = try runCommand(lightbox, ["burn", study.path, "-o", image, "--profile", "STD-GEN-BD-JPEG", "--viewer", "off", "--work-dir", tmp.path])
        XCTAssertEqual(b.status, 0, b.stdout + b.stderr)
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: image)[.size] as? Int64 ?? 0, 1_000_000_000)
        extracted = try sevenZipExtract(image)
        let files = Oracles.files(under: extracted).count
        try assertUDFInfo(image, revision: "2.60", files: files, folders: try folders(under: extracted).count)
        try assertChecker(python, image, revision: "0x0260", files: files, folders: try folders(under: extracted).count, bridge: true)
        XCTAssertEqual(try digests(extracted.appendingPathComponent("DICOM")), try digests(study))
        XCTAssertEqual(try pydicomFileSet(python, extracted).count, 2000)
    }

    /// An image above 4 GiB from sparse files: a 4.5 GiB file (its extents split under 2^30 bytes,
    /// ECMA-167 4/14.14.1.1), which the ISO 9660 bridge cannot hold, so it is refused with the
    /// bridge and written without; then three 1.6 GiB files with the bridge, whose extents lie
    /// beyond 4 GiB. Marked regions at the start, middle and end of each file prove the bytes.
    func testImagesAbove4GiBFromSparseFiles() throws {
        let python = try Oracles.requirePython()
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        let sevenZip = try Oracles.require("7zz", package: "7zip")
        let big = tmp.appendingPathComponent("big")
        try sparse(big.appendingPathComponent("BIG.BIN"), size: 4_608 << 20)
        try FileManager.default.createDirectory(at: big.appendingPathComponent("SUB"), withIntermediateDirectories: true)
        try Data("病历摘要\n".utf8).write(to: big.appendingPathComponent("SUB/病历 summary (long name).txt"))
        let image = tmp.appendingPathComponent("big.udf").path
        XCTAssertThrowsError(try UDFImageWriter(options: UDFImageOptions(revision: 0x0260, volumeID: "BIG")).write(folder: big.path, to: image)) {
            guard case DiscImageError.bridgeUnsupported = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: image))
        try UDFImageWriter(options: UDFImageOptions(revision: 0x0260, volumeID: "BIG", bridge: false)).write(folder: big.path, to: image)
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: image)[.size] as? Int64 ?? 0, 4 << 30)
        try assertUDFInfo(image, revision: "2.60", files: 2, folders: 1)
        try assertChecker(python, image, revision: "0x0260", files: 2, folders: 1, bridge: false)
        // One 7-Zip run streams both files in the image's order (opening a 4.5 GiB image costs it ~15 s).
        try assertSevenZipStreams(sevenZip, image, ["BIG.BIN", "SUB/病历 summary (long name).txt"], equal: big)
        try FileManager.default.removeItem(atPath: image)

        let three = tmp.appendingPathComponent("three")
        for name in ["A.BIN", "B.BIN", "C.BIN"] { try sparse(three.appendingPathComponent(name), size: 1_640 << 20) }
        let bridged = tmp.appendingPathComponent("three.udf").path
        try UDFImageWriter(options: UDFImageOptions(revision: 0x0250, volumeID: "THREE")).write(folder: three.path, to: bridged)
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: bridged)[.size] as? Int64 ?? 0, 4 << 30)
        try assertUDFInfo(bridged, revision: "2.50", files: 3, folders: 0)
        try assertChecker(python, bridged, revision: "0x0250", files: 3, folders: 0, bridge: true)
        try assertSevenZipStreams(sevenZip, bridged, ["C.BIN"], equal: three)
        // The bridge: isoinfo lists the three files with their sizes, and the extent it gives for
        // each holds the file's bytes (the marked regions compared with cmp at that offset).
        let l = try runCommand(isoinfo, ["-l", "-i", bridged])
        XCTAssertEqual(l.status, 0, l.stderr)
        for name in ["A.BIN", "B.BIN", "C.BIN"] {
            let line = l.stdout.split(separator: "\n").first { $0.hasSuffix(name + ";1 ") }
            XCTAssertTrue(line?.contains(" \(1_640 << 20) ") == true, l.stdout)
            let extent = try XCTUnwrap(line?.split(separator: "[").last?.split(separator: " ").first.flatMap { Int64($0) }, l.stdout)
            let size: Int64 = 1_640 << 20
            for offset in [Int64(0), size / 2 + 12_345, size - (1 << 20)] {
                let cmp = try runCommand("/usr/bin/cmp", ["-n", String(1 << 20), "-i", "\(extent * 2048 + offset):\(offset)",
                                                          bridged, three.appendingPathComponent(name).path])
                XCTAssertEqual(cmp.status, 0, "\(name) at \(offset) in the bridge's extent \(extent): \(cmp.stdout)\(cmp.stderr)")
            }
        }
    }

    // MARK: Must-show 3: interrupted writes; burning through libburn

    func testInterruptedAndFailedWritesLeaveNoImage() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let input = tmp.appendingPathComponent("input")
        try synth(input, charset: .utf8, seed: 74, images: 400, size: 512)
        let out = tmp.appendingPathComponent("out")
        let work = tmp.appendingPathComponent("work")
        for d in [out, work] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }

        // SIGTERM once the burn reports writing the image (`--plain-progress`): no image under
        // the final name, no partial file, no staging left.
        let (reached, status, message) = try BurnFixtures.terminate(lightbox, [
            "burn", input.path, "-o", out.appendingPathComponent("disc.udf").path, "--work-dir", work.path,
            "--profile", "STD-GEN-BD", "--viewer", "off", "--plain-progress"], inPhase: "write")
        XCTAssertTrue(reached, message.suffix(1000).description)
        XCTAssertEqual(status, 143, message.suffix(1000).description)
        XCTAssertTrue(message.contains("cancelled"), message.suffix(1000).description)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [], "after SIGTERM while writing the UDF image")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path), [])

        // A full disk: a 16 MiB tmpfs for an image of about 200 MB; said in words, nothing left.
        let full = tmp.appendingPathComponent("full")
        try FileManager.default.createDirectory(at: full, withIntermediateDirectories: true)
        let mount = try runCommand("/bin/mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", full.path])
        XCTAssertEqual(mount.status, 0, "cannot mount a small tmpfs: \(mount.stderr)")
        mounts.append(full.path)
        let f = try runCommand(lightbox, ["burn", input.path, "-o", full.appendingPathComponent("disc.udf").path, "--work-dir", work.path,
                                          "--profile", "STD-GEN-BD", "--viewer", "off"])
        XCTAssertEqual(f.status, 2, f.stdout + f.stderr)
        XCTAssertTrue(f.stderr.contains("space"), f.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: full.path), [], "a partial image was left on the full disk")
    }

    /// `--device` with a BD profile: the UDF image is made, verified and burnt through libburn (a
    /// `stdio:` pseudo-drive here, as no drive exists); udfinfo reads the burnt medium.
    func testBurningABlurayThroughLibburn() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let input = tmp.appendingPathComponent("input")
        try synth(input, charset: .gb18030, seed: 75, images: 3)
        let disc = tmp.appendingPathComponent("burnt.bd").path
        let r = try runCommand(lightbox, ["burn", input.path, "--device", "stdio:\(disc)", "--profile", "STD-GEN-BD",
                                          "--fileset-id", "BLURAY", "--work-dir", tmp.path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let extracted = try sevenZipExtract(disc)
        try assertUDFInfo(disc, revision: "2.60", files: Oracles.files(under: extracted).count, folders: try folders(under: extracted).count,
                          label: "BLURAY")
        try assertChecker(python, disc, revision: "0x0260", files: Oracles.files(under: extracted).count,
                          folders: try folders(under: extracted).count, bridge: true)
        XCTAssertEqual(try digests(extracted.appendingPathComponent("DICOM")), try digests(input))
    }

    // MARK: Helpers

    func synth(_ folder: URL, charset: SynthesisOptions.CharacterSet, seed: UInt64, images: Int, size: Int = 32) throws {
        try BurnFixtures.synth(folder, charset: charset, seed: seed, images: images, size: size)
    }

    private func relative(_ path: String, _ root: URL) -> String {
        String(path.dropFirst(root.resolvingSymlinksInPath().path.count + 1))
    }

    /// Every folder below `root` (relative paths), not `root` itself.
    private func folders(under root: URL) throws -> [String] {
        let r = try runCommand("/usr/bin/find", [root.path, "-mindepth", "1", "-type", "d", "-printf", "%P\\n"])
        guard r.status == 0 else { throw TestFailure.oracleFailed("find \(root.path): \(r.stderr)") }
        return r.stdout.split(separator: "\n").map(String.init)
    }

    /// 7-Zip extracts the whole image; it must report no error or warning (no "Headers Error").
    private func sevenZipExtract(_ image: String) throws -> URL {
        let sevenZip = try Oracles.require("7zz", package: "7zip")
        let dest = tmp.appendingPathComponent("7z-\(UUID().uuidString.prefix(6))")
        // -tUdf: the UDF tree, not the ISO 9660 bridge 7-Zip would pick for a name without ".udf".
        let r = try runCommand(sevenZip, ["x", "-tUdf", "-y", "-o" + dest.path, image])
        guard r.status == 0 else { throw TestFailure.oracleFailed("7zz x \(image): \(r.stdout)\(r.stderr)") }
        XCTAssertTrue(r.stdout.contains("Everything is Ok"), r.stdout)
        for word in ["Headers Error", "WARNING", "ERROR", "Unexpected end"] {
            XCTAssertFalse(r.stdout.contains(word) || r.stderr.contains(word), "7zz: \(word)\n\(r.stdout)\(r.stderr)")
        }
        let listing = try runCommand(sevenZip, ["l", "-tUdf", image])
        XCTAssertTrue(listing.stdout.contains("Type = Udf"), listing.stdout)
        return dest
    }

    /// `7zz e -so IMAGE PATH…` streams the files one after the other; `cmp` compares them with the
    /// same files under `root`, concatenated in that order.
    private func assertSevenZipStreams(_ sevenZip: String, _ image: String, _ paths: [String], equal root: URL,
                                       file: StaticString = #filePath, line: UInt = #line) throws {
        func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let sources = paths.map { q(root.appendingPathComponent($0).path) }.joined(separator: " ")
        let script = "\(q(sevenZip)) e -tUdf -so \(q(image)) \(paths.map(q).joined(separator: " ")) | cmp - <(cat \(sources))"
        let r = try runCommand("/bin/bash", ["-c", script])
        XCTAssertEqual(r.status, 0, "7-Zip's \(paths) differ from the source: \(r.stdout)\(r.stderr)", file: file, line: line)
    }

    /// udfinfo: the revision, a closed read-only volume, the file and folder counts (folders
    /// without the root; udfinfo's numdirs counts it).
    private func assertUDFInfo(_ image: String, revision: String, files: Int, folders: Int, label: String? = nil,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let udfinfo = try Oracles.require("udfinfo", package: "udftools")
        let r = try runCommand(udfinfo, [image])
        guard r.status == 0 else { throw TestFailure.oracleFailed("udfinfo \(image): \(r.stderr)") }
        XCTAssertEqual(r.stderr, "", "udfinfo complains", file: file, line: line)
        var info: [String: String] = [:]
        for l in r.stdout.split(separator: "\n") {
            let parts = l.split(separator: "=", maxSplits: 1)
            if parts.count == 2, info[String(parts[0])] == nil { info[String(parts[0])] = String(parts[1]) }
        }
        XCTAssertEqual(info["udfrev"], revision, file: file, line: line)
        XCTAssertEqual(info["integrity"], "closed", file: file, line: line)
        XCTAssertEqual(info["accesstype"], "readonly", file: file, line: line)
        XCTAssertEqual(info["numfiles"], String(files), file: file, line: line)
        XCTAssertEqual(info["numdirs"], String(folders + 1), file: file, line: line)
        if let label { XCTAssertEqual(info["label"], label, file: file, line: line) }
    }

    /// The independent ECMA-167 checker: no problem, the counts, the revision, the bridge.
    private func assertChecker(_ python: String, _ image: String, revision: String, files: Int, folders: Int, bridge: Bool,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try runCommand(python, [Oracles.oracleScript("udf_check.py"), image, "--expect-revision", revision, "--json"])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "udf_check: \(r.stdout)\(r.stderr)")
        XCTAssertEqual(r.status, 0, "udf_check: \(r.stderr)", file: file, line: line)
        XCTAssertEqual((json["problems"] as? [String])?.count, 0, "\(json["problems"] ?? "")", file: file, line: line)
        XCTAssertEqual(json["files"] as? Int, files, file: file, line: line)
        XCTAssertEqual(json["directories"] as? Int, folders + 1, file: file, line: line)
        XCTAssertEqual(json["bridge_iso9660"] as? Bool, bridge, file: file, line: line)
        XCTAssertGreaterThan(json["descriptors_checked"] as? Int ?? 0, 2 * files, file: file, line: line)
    }

    /// pydicom's FileSet on the extracted DICOMDIR: every instance, each file holding its record's UID.
    private func pydicomFileSet(_ python: String, _ root: URL) throws -> [[String: Any]] {
        let r = try runCommand(python, [Oracles.oracleScript("pydicom_fileset.py"), root.appendingPathComponent("DICOMDIR").path])
        guard r.status == 0, let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
              let instances = json["instances"] as? [[String: Any]] else {
            throw TestFailure.oracleFailed("pydicom FileSet \(root.path): \(r.stdout)\(r.stderr)")
        }
        for i in instances { XCTAssertEqual(i["sop_instance_uid"] as? String, i["file_sop_instance_uid"] as? String) }
        return instances
    }

    /// sha256sum of every file below `folder` (or of `files`), as a multiset.
    private func digests(_ folder: URL) throws -> [String: Int] { try digests(Oracles.files(under: folder)) }

    private func digests(_ files: [String]) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for (digest, _) in try sha256(files) { out[digest, default: 0] += 1 }
        return out
    }

    /// sha256sum of every file below `folder`, by relative path.
    private func digestsByPath(_ folder: URL) throws -> [String: String] {
        let root = folder.resolvingSymlinksInPath().path
        var out: [String: String] = [:]
        for (digest, path) in try sha256(Oracles.files(under: folder)) { out[String(path.dropFirst(root.count + 1))] = digest }
        return out
    }

    private func sha256(_ files: [String]) throws -> [(String, String)] {
        guard !files.isEmpty else { return [] }
        let list = tmp.appendingPathComponent("list-\(UUID().uuidString.prefix(6))")
        try Data(files.joined(separator: "\0").utf8).write(to: list)
        let r = try runCommand("/bin/sh", ["-c", "xargs -0 sha256sum < \"$0\"", list.path])
        guard r.status == 0 else { throw TestFailure.oracleFailed("sha256sum: \(r.stderr)") }
        return r.stdout.split(separator: "\n").map { l in (String(l.prefix(64)), String(l.dropFirst(66))) }
    }

    /// A sparse file of `size` bytes with 1 MiB of pseudo-random bytes at its start, middle and end.
    private func sparse(_ url: URL, size: Int64) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let h = try FileHandle(forWritingTo: url)
        defer { try? h.close() }
        try h.truncate(atOffset: UInt64(size))
        var seed = UInt64(size) ^ 0x9E37_79B9_7F4A_7C15
        for offset in [0, size / 2 + 12_345, size - (1 << 20)] {
            var bytes = [UInt8](repeating: 0, count: 1 << 20)
            for i in bytes.indices { seed = seed &* 6364136223846793005 &+ 1442695040888963407; bytes[i] = UInt8(seed >> 56) }
            try h.seek(toOffset: UInt64(offset))
            try h.write(contentsOf: Data(bytes))
        }
    }
}
