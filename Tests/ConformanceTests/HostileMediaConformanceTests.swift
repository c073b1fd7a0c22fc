import Foundation
import XCTest

/// Issue 18, must-show 3: hostile media. For each case, `lightbox import SRC DEST` and
/// `lightbox check SRC --json` run under Tests/Oracles/measure_child.py (the child's peak RSS from
/// getrusage) and the test asserts:
/// - both commands end (a generous 300 s timeout, no tight limit) with a peak RSS under 200 MiB;
/// - nothing changes outside DEST: the whole test folder — the medium, a sandbox around DEST and a
///   sentinel `etc` folder two levels above DEST that the hostile names aim at — is listed (type,
///   size, modification time, link target) before and after, and every path under DEST resolves
///   inside DEST;
/// - the check report names the problem (finding kind, clause and file) and exits 1;
/// - the import report says what was not imported, and what was imported is, byte for byte, what
///   pydicom + hashlib read on the medium.
/// The hostile media are made by Tests/Oracles/make_dicomdir_defects.py (pydicom or raw bytes)
/// from a dcmmkdir DICOMDIR; pydicom's FileSet, dcmdump and dciodvfy are asked about the same files.
final class HostileMediaConformanceTests: XCTestCase {
    var tmp: URL!
    static let rssLimitKiB = 200 * 1024
    static let timeoutSeconds = 300

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    // MARK: Referenced File IDs

    func testFileIDsLeadingOffTheMediumAreRefusedAndNamed() throws {
        let python = try Oracles.requirePython()
        let sentinel = try makeSentinel()
        let medium = try baseMedium("fileids")
        // The first three IMAGE records (patient 1's images) each aim at the sentinel DICOM file outside the medium.
        let ids = ["..\\..\\etc\\passwd", sentinel.path, "DICOM\\PAT00001/../../../../etc\\passwd"]
        let edit = try defects(["file-ids", dicomdir(base).path, dicomdir(medium).path] + ids)
        let replaced = try XCTUnwrap(edit["replaced"] as? [String]).map { $0.replacingOccurrences(of: "\\", with: "/") }
        XCTAssertEqual(replaced.count, 3)
        // pydicom's FileSet refuses the same DICOMDIR.
        let oracle = try runCommand(python, [Oracles.oracleScript("pydicom_fileset_tree.py"), dicomdir(medium).path])
        XCTAssertEqual(oracle.status, 1, oracle.stdout)
        XCTAssertTrue(oracle.stdout.contains("must be inside the DICOMDIR root path"), oracle.stdout)

        let out = try runHostile("fileids", medium: medium)
        XCTAssertEqual(out.importRun.status, 1, out.importRun.stdout)
        XCTAssertEqual(count("Imported", in: out.importRun.stdout), 6, "the three files the records no longer name are found by content: \(out.importRun.stdout)")
        XCTAssertEqual(count("Missing or unreadable on the medium", in: out.importRun.stdout), 3, out.importRun.stdout)
        for id in ids { XCTAssertTrue(out.importRun.stdout.contains("  \(id): "), "\(id) not named in\n\(out.importRun.stdout)") }
        try assertImported(out.dest, equals: medium, python: python)
        XCTAssertFalse(try inventory(python, out.dest).values.contains { $0.uid == sentinel.uid }, "the sentinel outside the medium was imported")

        XCTAssertEqual(out.checkRun.status, 1)
        for id in ids {
            let f = out.findings.first { $0.kind == "unsafeFileID" && $0.files == [id] }
            XCTAssertEqual(f?.severity, "error", id)
            XCTAssertEqual(f?.clause, "PS3.10 8.2", id)
        }
        XCTAssertEqual(out.findings.first { $0.kind == "unreferencedFiles" }.map { Set($0.files) }, Set(replaced))
    }

    // MARK: Patient names

    func testHostilePatientNamesStayInsideDESTAndControlCharactersAreNamed() throws {
        let python = try Oracles.requirePython()
        _ = try makeSentinel()
        let medium = try baseMedium("names")
        // The DICOMDIR's PATIENT records (pydicom, offsets re-computed) and every file (pydicom) get
        // the hostile names; the files of patient 2 also carry a NUL, which no argument can.
        let names = ["../../etc", "a/b\u{01}c\u{1B}\u{7F}d"]
        let edit = try defects(["patient-names", dicomdir(base).path, dicomdir(medium).path] + names)
        XCTAssertEqual((edit["replaced"] as? [String])?.count, 2)
        let rename = try runCommand(python, ["-c", """
        import glob, json, os, sys, pydicom
        root, names = sys.argv[1], json.loads(sys.argv[2])
        ids = [str(r.PatientID) for r in pydicom.dcmread(os.path.join(root, 'DICOMDIR')).DirectoryRecordSequence if r.DirectoryRecordType == 'PATIENT']
        byID, out = dict(zip(ids, names)), {}
        for f in sorted(glob.glob(os.path.join(root, 'DICOM', '**', 'IMG*'), recursive=True)):
            ds = pydicom.dcmread(f); name = byID[str(ds.PatientID)]
            ds.SpecificCharacterSet = 'ISO_IR 192'; ds.PatientName = name; ds.save_as(f)
            out.setdefault(str(ds.PatientID), []).append(os.path.relpath(f, root))
        print(json.dumps({'ids': ids, 'files': out}))
        """, medium.path, #"["../../etc", "a/b\u0000c\u0001\u001b\u007fd"]"#])
        XCTAssertEqual(rename.status, 0, rename.stderr)
        let renamed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(rename.stdout.utf8)) as? [String: Any])
        let ids = try XCTUnwrap(renamed["ids"] as? [String])
        let filesByID = try XCTUnwrap(renamed["files"] as? [String: [String]])
        XCTAssertEqual(ids.count, 2)
        let controlFiles = try XCTUnwrap(filesByID[ids[1]]), plainFiles = try XCTUnwrap(filesByID[ids[0]])
        // dciodvfy sees the NUL in patient 2's name, and nothing wrong with "../../etc".
        let dciodvfy = try Oracles.require("dciodvfy", package: "dicom3tools")
        let bad = try runCommand(dciodvfy, [medium.appendingPathComponent(controlFiles[0]).path])
        XCTAssertTrue((bad.stdout + bad.stderr).contains("(0x0010,0x0010) PN Patient's Name  PN - Character invalid for this VR"), bad.stderr)
        let plain = try runCommand(dciodvfy, [medium.appendingPathComponent(plainFiles[0]).path])
        XCTAssertFalse((plain.stdout + plain.stderr).contains("(0x0010,0x0010) PN Patient's Name  PN - Character invalid"), plain.stderr)

        let out = try runHostile("names", medium: medium)
        XCTAssertEqual(out.importRun.status, 0, out.importRun.stdout + out.importRun.stderr)
        XCTAssertEqual(count("Imported", in: out.importRun.stdout), 6, out.importRun.stdout)
        try assertImported(out.dest, equals: medium, python: python)
        // One folder per patient, named safely (separators, "..", control characters and NUL gone).
        let top = Set(try FileManager.default.contentsOfDirectory(atPath: out.dest.path))
        XCTAssertEqual(top, ["_._etc (\(ids[0]))", "a_b c d (\(ids[1]))", ".lightbox-import.json", "index.html"])
        for path in listing(out.dest) {
            for part in path.split(separator: "/") {
                XCTAssertFalse(part == ".." || part.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, path)
            }
        }

        XCTAssertEqual(out.checkRun.status, 1)
        let named = try XCTUnwrap(out.findings.first { $0.kind == "nameControlCharacters" }, "\(out.findings)")
        XCTAssertEqual(named.severity, "error")
        XCTAssertEqual(named.clause, "PS3.5 6.2")
        XCTAssertEqual(Set(named.files), Set(controlFiles + ["DICOMDIR"]))
    }

    // MARK: Offsets

    func testOffsetLoopEndsAndIsNamed() throws {
        let python = try Oracles.requirePython()
        _ = try makeSentinel()
        let medium = try baseMedium("loop")
        // dcdirdmp and pydicom's FileSet do not end on this DICOMDIR (dcdirdmp grew past 2.7 GB); they are not run.
        let edit = try defects(["loop", dicomdir(base).path, dicomdir(medium).path])
        let value = try XCTUnwrap(edit["value"] as? Int)

        let out = try runHostile("loop", medium: medium)
        XCTAssertEqual(out.importRun.status, 0, out.importRun.stdout + out.importRun.stderr)
        XCTAssertEqual(count("Imported", in: out.importRun.stdout), 6, out.importRun.stdout)
        XCTAssertEqual(count("Missing or unreadable on the medium", in: out.importRun.stdout), 0, out.importRun.stdout)
        try assertImported(out.dest, equals: medium, python: python)

        XCTAssertEqual(out.checkRun.status, 1)
        let loop = try XCTUnwrap(out.findings.first { $0.kind == "offsetLoop" }, "\(out.findings)")
        XCTAssertEqual(loop.severity, "error")
        XCTAssertEqual(loop.clause, "PS3.3 F.3.2.2")
        XCTAssertEqual(loop.files, ["DICOMDIR"])
        XCTAssertTrue(loop.message.contains("byte \(value)"), loop.message)
    }

    func testHundredThousandRecordDICOMDIR() throws {
        _ = try makeSentinel()
        let medium = tmp.appendingPathComponent("media/big")
        try FileManager.default.createDirectory(at: medium, withIntermediateDirectories: true)
        let made = try defects(["big", "100000", dicomdir(medium).path])
        XCTAssertEqual(made["records"] as? Int, 100_000)

        let out = try runHostile("big", medium: medium)
        // The 99,997 image records each name an absent file: every one is listed, nothing is copied.
        XCTAssertEqual(out.importRun.status, 1)
        XCTAssertEqual(count("Imported", in: out.importRun.stdout), 0, String(out.importRun.stdout.prefix(2000)))
        XCTAssertEqual(count("Missing or unreadable on the medium", in: out.importRun.stdout), 99_997, String(out.importRun.stdout.prefix(2000)))
        XCTAssertTrue(out.importRun.stdout.contains("  IMG\\00000003: ") && out.importRun.stdout.contains("  IMG\\00099999: "))
        XCTAssertEqual(listing(out.dest).filter { $0.hasSuffix(".dcm") }, [])

        XCTAssertEqual(out.checkRun.status, 1)
        let missing = try XCTUnwrap(out.findings.first { $0.kind == "missingFile" }, "\(out.findings)")
        XCTAssertEqual(missing.severity, "error")
        XCTAssertEqual(missing.clause, "PS3.3 F.3.2.2")
        XCTAssertEqual(missing.files.count, 99_997)
        XCTAssertEqual(missing.files.first, "IMG\\00000003")
        XCTAssertEqual(missing.files.last, "IMG\\00099999")
    }

    // MARK: A 4 GiB element

    func testFourGiBElementInAFileIsReportedAndTheRestImports() throws {
        let python = try Oracles.requirePython()
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        _ = try makeSentinel()
        let medium = try baseMedium("hugefile")
        // One file whose data set starts with a 4 GiB OB element (its header cannot be read), and
        // one whose Pixel Data claims 4 GiB (header fine, image not): the middle image of patient
        // 2's series, the one its preview is made from.
        let early = "DICOM/PAT00001/STU00001/SER00001/IMG00002", pixels = "DICOM/PAT00002/STU00001/SER00001/IMG00002"
        for (mode, victim, tag) in [("huge-file", early, "(0008,0001)"), ("huge-pixel-data", pixels, "(7FE0,0010)")] {
            let made = try defects([mode, base.appendingPathComponent(victim).path, medium.appendingPathComponent(victim).path])
            XCTAssertLessThan(try XCTUnwrap(made["size"] as? Int), 1 << 20, "the file only claims 4 GiB")
            // DCMTK fails on the same element.
            let dump = try runCommand(dcmdump, [medium.appendingPathComponent(victim).path])
            XCTAssertNotEqual(dump.status, 0, mode)
            XCTAssertTrue(dump.stderr.lowercased().contains("\(tag.lowercased()) larger (4294967280) than remaining bytes"), dump.stderr)
        }

        let out = try runHostile("hugefile", medium: medium)
        // The unreadable file is left out and named; the other five (the one with the broken
        // Pixel Data included, byte for byte as on the medium) are imported.
        XCTAssertEqual(out.importRun.status, 1)
        XCTAssertEqual(count("Imported", in: out.importRun.stdout), 5, out.importRun.stdout)
        XCTAssertEqual(count("Missing or unreadable on the medium", in: out.importRun.stdout), 1, out.importRun.stdout)
        XCTAssertTrue(out.importRun.stdout.contains("  \(early): "), out.importRun.stdout)
        try assertImported(out.dest, equals: medium, python: python, except: [early])
        // The preview that cannot be made names the file and the element.
        let noPreview = out.importRun.stdout.split(separator: "\n").filter { $0.hasPrefix("  no preview: ") }
        XCTAssertEqual(noPreview.count, 1, out.importRun.stdout)
        XCTAssertTrue(noPreview.first.map { $0.contains("IMG00002.dcm") && $0.contains("(7FE0,0010)") && $0.contains("4294967280") } ?? false,
                      out.importRun.stdout)

        XCTAssertEqual(out.checkRun.status, 1)
        let unreadable = try XCTUnwrap(out.findings.first { $0.kind == "unreadableFile" }, "\(out.findings)")
        XCTAssertEqual(unreadable.severity, "error")
        XCTAssertEqual(unreadable.clause, "PS3.10 7.1")
        XCTAssertEqual(unreadable.files, [early])
        let pastEnd = try XCTUnwrap(out.findings.first { $0.kind == "elementPastEnd" }, "\(out.findings)")
        XCTAssertEqual(pastEnd.severity, "error")
        XCTAssertEqual(pastEnd.clause, "PS3.5 7.1")
        XCTAssertEqual(pastEnd.files, [pixels])
        XCTAssertTrue(pastEnd.message.contains("(7FE0,0010)") && pastEnd.message.contains("4294967280"), pastEnd.message)
    }

    func testFourGiBElementInTheMiddleOfTheDICOMDIRIsNamedAndEverythingImports() throws {
        let python = try Oracles.requirePython()
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        _ = try makeSentinel()
        let medium = try baseMedium("hugedir")
        let made = try defects(["huge-element", dicomdir(base).path, dicomdir(medium).path])
        let record = try XCTUnwrap(made["record_offset"] as? Int)
        let fileID = try XCTUnwrap(made["file_id"] as? String).replacingOccurrences(of: "\\", with: "/")
        let dump = try runCommand(dcmdump, [dicomdir(medium).path])
        XCTAssertNotEqual(dump.status, 0)
        XCTAssertTrue(dump.stderr.contains("(0029,1010) larger (4294967280) than remaining bytes"), dump.stderr)

        let out = try runHostile("hugedir", medium: medium)
        // The record is left out; its file (and the one after it in the chain) are found by content.
        XCTAssertEqual(out.importRun.status, 0, out.importRun.stdout + out.importRun.stderr)
        XCTAssertEqual(count("Imported", in: out.importRun.stdout), 6, out.importRun.stdout)
        try assertImported(out.dest, equals: medium, python: python)

        XCTAssertEqual(out.checkRun.status, 1)
        let decoding = try XCTUnwrap(out.findings.first { $0.kind == "unreadableDICOMDIR" }, "\(out.findings)")
        XCTAssertEqual(decoding.severity, "error")
        XCTAssertEqual(decoding.clause, "PS3.3 F.3.2.2")
        XCTAssertEqual(decoding.files, ["DICOMDIR"])
        XCTAssertTrue(decoding.message.contains("byte \(record)") && decoding.message.contains("(0029,1010)"), decoding.message)
        XCTAssertTrue(out.findings.first { $0.kind == "unreferencedFiles" }?.files.contains(fileID) ?? false, "\(out.findings)")
    }

    func testDICOMDIRReallyFourGiBLongIsReadOnlyToItsRecords() throws {
        let python = try Oracles.requirePython()
        _ = try makeSentinel()
        let medium = try baseMedium("sparsedir")
        // After the record sequence, a private OB element whose FFFFFFF0H bytes are really there
        // (a sparse file: 4 GiB long, a few KiB on disk). Reading the whole DICOMDIR took 340 MiB
        // for 300 MiB of such data before DICOMDIRBytes bounded it.
        let url = dicomdir(medium)
        let handle = try FileHandle(forWritingTo: url)
        let end = try handle.seekToEnd()
        let length: UInt32 = 0xFFFF_FFF0
        var header: [UInt8] = [0x29, 0x00, 0x10, 0x10, 0x4F, 0x42, 0, 0]
        header += (0 ..< 4).map { UInt8((length >> (8 * $0)) & 0xFF) }
        try handle.write(contentsOf: Data(header))
        try handle.truncate(atOffset: end + UInt64(header.count) + UInt64(length))
        try handle.close()
        var st = stat()
        XCTAssertEqual(stat(url.path, &st), 0)
        XCTAssertGreaterThan(st.st_size, 4_000_000_000)
        XCTAssertLessThan(Int(st.st_blocks) * 512, 16 << 20, "the test file must be sparse")
        // No outside reader is asked here: pydicom reads all 4 GiB into memory, and dcmdump's
        // answer on files over 4 GiB varied between runs (read in full, or "larger than remaining
        // bytes"). What is imported is compared with pydicom's view of the image files.

        let out = try runHostile("sparsedir", medium: medium)
        XCTAssertEqual(out.importRun.status, 0, out.importRun.stdout + out.importRun.stderr)
        XCTAssertEqual(count("Imported", in: out.importRun.stdout), 6, out.importRun.stdout)
        try assertImported(out.dest, equals: medium, python: python)
        // Not a broken rule (private data may follow), but named.
        XCTAssertEqual(out.checkRun.status, 0)
        let after = try XCTUnwrap(out.findings.first { $0.kind == "dataAfterRecords" }, "\(out.findings)")
        XCTAssertEqual(after.severity, "warning")
        XCTAssertEqual(after.files, ["DICOMDIR"])
        XCTAssertTrue(after.message.contains("\(UInt64(header.count) + UInt64(length)) bytes"), after.message)
        XCTAssertFalse(out.findings.contains { $0.severity == "error" }, "\(out.findings)")
    }

    // MARK: Rock Ridge symbolic links

    func testRockRidgeLinksOutOfTheMediumAreNotFollowed() throws {
        let python = try Oracles.requirePython()
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        let sentinel = try makeSentinel()
        let tree = try baseMedium("rockridge-tree")
        // A link named like an image to the sentinel (absolute), and a folder link climbing out.
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("DICOM/EVIL").path, withDestinationPath: sentinel.path)
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("ESCAPE").path, withDestinationPath: "../../../../etc")
        let iso = tmp.appendingPathComponent("media/rockridge.iso")
        let made = try runCommand(xorriso, ["-as", "mkisofs", "-R", "-V", "ROCKRIDGE", "-o", iso.path, tree.path])
        XCTAssertEqual(made.status, 0, made.stderr)
        try FileManager.default.removeItem(at: tree)  // only the image is the medium
        // isoinfo sees both links in the Rock Ridge tree.
        let listing = try runCommand(isoinfo, ["-R", "-l", "-i", iso.path]).stdout
        XCTAssertTrue(listing.contains("EVIL -> \(sentinel.path)"), listing)
        XCTAssertTrue(listing.contains("ESCAPE -> ../../../../etc"), listing)

        let out = try runHostile("rockridge", medium: iso)
        XCTAssertEqual(out.importRun.status, 0, out.importRun.stdout + out.importRun.stderr)
        XCTAssertEqual(count("Imported", in: out.importRun.stdout), 6, out.importRun.stdout)
        let imported = try inventory(python, out.dest)
        XCTAssertFalse(imported.values.contains { $0.uid == sentinel.uid }, "the sentinel was read through a link")
        XCTAssertEqual(imported.count, 6)
        let links = try XCTUnwrap(out.findings.first { $0.kind == "linkOutsideMedium" }, "\(out.findings)")
        XCTAssertEqual(Set(links.files), ["DICOM/EVIL -> \(sentinel.path)", "ESCAPE -> ../../../../etc"])
        XCTAssertEqual(links.severity, "warning")
    }

    // MARK: Running one case

    struct Measured {
        var status: Int32
        var seconds: Double
        var maxRSSKiB: Int
        var timedOut: Bool
        var stdout: String
        var stderr: String
    }

    struct Finding {
        var severity: String, kind: String, message: String, clause: String, files: [String]
    }

    struct Outcome {
        var dest: URL
        var importRun: Measured
        var checkRun: Measured
        var findings: [Finding]
    }

    /// Imports `medium` into tmp/sandbox/<label>/dest and checks it, both measured; asserts the
    /// bounds and that nothing but DEST changed.
    func runHostile(_ label: String, medium: URL) throws -> Outcome {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let sandbox = tmp.appendingPathComponent("sandbox/\(label)")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
        let dest = sandbox.appendingPathComponent("dest")
        let destPrefix = "sandbox/\(label)/dest"
        let before = snapshot(excluding: destPrefix)
        XCTAssertFalse(before.isEmpty)

        let imported = try measure(lightbox, ["import", medium.path, dest.path], label: "\(label)-import")
        let checked = try measure(lightbox, ["check", medium.path, "--json"], label: "\(label)-check")
        print(String(format: "hostile %@: import exit %d, %.2f s, %.1f MiB; check exit %d, %.2f s, %.1f MiB", label,
                     imported.status, imported.seconds, Double(imported.maxRSSKiB) / 1024,
                     checked.status, checked.seconds, Double(checked.maxRSSKiB) / 1024))
        for (what, r) in [("import", imported), ("check", checked)] {
            XCTAssertFalse(r.timedOut, "\(label) \(what) did not end in \(Self.timeoutSeconds) s")
            XCTAssertTrue([0, 1].contains(r.status), "\(label) \(what) crashed or failed: exit \(r.status)\n\(r.stderr.suffix(2000))")
            XCTAssertGreaterThan(r.maxRSSKiB, 0)
            XCTAssertLessThan(r.maxRSSKiB, Self.rssLimitKiB, "\(label) \(what): peak RSS \(r.maxRSSKiB) KiB")
        }

        // Nothing written outside DEST (the medium, the sandbox, the sentinel etc/ included).
        let after = snapshot(excluding: destPrefix)
        XCTAssertEqual(after.keys.sorted(), before.keys.sorted(), "\(label): files appeared or went outside DEST")
        for (path, was) in before where after[path] != was { XCTFail("\(label): \(path) changed outside DEST: \(was) → \(after[path] ?? "gone")") }
        // Every path under DEST resolves inside it.
        let realDest = try XCTUnwrap(realPath(dest.path), "\(label): DEST was not created")
        for rel in listing(dest) {
            let real = realPath(dest.appendingPathComponent(rel).path) ?? "(dangling)"
            XCTAssertTrue(real.hasPrefix(realDest + "/"), "\(label): \(rel) resolves to \(real), outside DEST")
        }

        let json = (try? JSONSerialization.jsonObject(with: Data(checked.stdout.utf8))) as? [String: Any] ?? [:]
        if json.isEmpty { XCTFail("\(label): check --json printed no JSON: \(checked.stderr)") }
        let findings = (json["findings"] as? [[String: Any]] ?? []).map {
            Finding(severity: $0["severity"] as? String ?? "", kind: $0["kind"] as? String ?? "", message: $0["message"] as? String ?? "",
                    clause: $0["clause"] as? String ?? "", files: $0["files"] as? [String] ?? [])
        }
        return Outcome(dest: dest, importRun: imported, checkRun: checked, findings: findings)
    }

    /// Runs `tool args` under measure_child.py: exit status, wall time and the child's peak RSS.
    func measure(_ tool: String, _ args: [String], label: String) throws -> Measured {
        let python = try Oracles.requirePython()
        let out = tmp.appendingPathComponent("\(label).stdout"), err = tmp.appendingPathComponent("\(label).stderr")
        let r = try runCommand(python, [Oracles.oracleScript("measure_child.py"), "--timeout", "\(Self.timeoutSeconds)",
                                        "--stdout", out.path, "--stderr", err.path, "--", tool] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
        let m = Measured(status: Int32(json["exit"] as? Int ?? -999), seconds: json["seconds"] as? Double ?? 0,
                         maxRSSKiB: json["maxrss_kib"] as? Int ?? 0, timedOut: json["timed_out"] as? Bool ?? true,
                         stdout: String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self),
                         stderr: String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self))
        // The captured output is test bookkeeping, not part of what the commands wrote.
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
        return m
    }

    // MARK: Media

    /// The unchanged medium every case starts from: 2 patients × 3 images from `lightbox synth`,
    /// DICOMDIR by DCMTK's dcmmkdir.
    var base: URL { tmp.appendingPathComponent("media/base") }

    /// A copy of the base medium (made on first use) at tmp/media/<label>.
    func baseMedium(_ label: String) throws -> URL {
        if !FileManager.default.fileExists(atPath: base.path) {
            let lightbox = try RenderConformanceTests.lightboxBinary()
            let synth = try runCommand(lightbox, ["synth", "--no-extension", "--patients", "2", "--series", "1", "--images", "3", "--size", "32",
                                                  "--seed", "3", base.appendingPathComponent("DICOM").path])
            XCTAssertEqual(synth.status, 0, synth.stderr)
            try Oracles.makeDICOMDIR(in: base)
        }
        let medium = tmp.appendingPathComponent("media/\(label)")
        try FileManager.default.copyItem(at: base, to: medium)
        return medium
    }

    func dicomdir(_ medium: URL) -> URL { medium.appendingPathComponent("DICOMDIR") }

    /// tmp/etc/passwd, two levels above every DEST: a DICOM file of its own (another seed), which
    /// the hostile File IDs and names aim at. Returns its path and SOP Instance UID.
    @discardableResult
    func makeSentinel() throws -> (path: String, uid: String) {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let made = tmp.appendingPathComponent("sentinel-src")
        let synth = try runCommand(lightbox, ["synth", "--no-extension", "--patients", "1", "--images", "1", "--size", "16", "--seed", "11", made.path])
        XCTAssertEqual(synth.status, 0, synth.stderr)
        let etc = tmp.appendingPathComponent("etc")
        try FileManager.default.createDirectory(at: etc, withIntermediateDirectories: true)
        let target = etc.appendingPathComponent("passwd")
        try FileManager.default.moveItem(atPath: try XCTUnwrap(Oracles.files(under: made).first), toPath: target.path)
        try FileManager.default.removeItem(at: made)
        let uid = try XCTUnwrap(try inventory(python, etc).values.first?.uid)
        return (target.path, uid)
    }

    /// make_dicomdir_defects.py with `args`; its JSON answer.
    func defects(_ args: [String]) throws -> [String: Any] {
        let python = try Oracles.requirePython()
        let r = try runCommand(python, ["-W", "ignore", Oracles.oracleScript("make_dicomdir_defects.py")] + args)
        XCTAssertEqual(r.status, 0, "make_dicomdir_defects.py \(args.first ?? ""): \(r.stderr)")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
    }

    // MARK: Looking

    /// pydicom + hashlib's view of the DICOM files under `dir`: relative path → (sha, uid). Files
    /// named DICOMDIR are left out unread (one of them is 4 GiB long).
    static let inventoryScript = """
    import hashlib, json, os, sys
    import pydicom
    out, root = {}, sys.argv[1]
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if f.upper().startswith('DICOMDIR'):
                continue
            try:
                ds = pydicom.dcmread(p, stop_before_pixels=True)
            except Exception:
                continue
            if 'SOPInstanceUID' not in ds:
                continue
            with open(p, 'rb') as fh:
                out[os.path.relpath(p, root)] = {'sha': hashlib.sha256(fh.read()).hexdigest(), 'uid': str(ds.SOPInstanceUID)}
    print(json.dumps(out))
    """

    func inventory(_ python: String, _ dir: URL) throws -> [String: (sha: String, uid: String)] {
        let script = tmp.appendingPathComponent("inventory.py")
        if !FileManager.default.fileExists(atPath: script.path) {
            try Self.inventoryScript.write(to: script, atomically: true, encoding: .utf8)
        }
        let r = try runCommand(python, ["-W", "ignore", script.path, dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: [String: String]], r.stdout)
        return json.mapValues { ($0["sha"] ?? "", $0["uid"] ?? "") }
    }

    /// The DICOM files in DEST are exactly the medium's files (but `except`), byte for byte.
    func assertImported(_ dest: URL, equals medium: URL, python: String, except: Set<String> = [], line: UInt = #line) throws {
        let onMedium = try inventory(python, medium).filter { !except.contains($0.key) }
        let imported = try inventory(python, dest)
        XCTAssertEqual(imported.values.map(\.sha).sorted(), onMedium.values.map(\.sha).sorted(), "imported files differ from the medium's", line: line)
        XCTAssertEqual(listing(dest).filter { $0.hasSuffix(".dcm") }.count, onMedium.count, line: line)
    }

    /// Every path under tmp, links not followed, with what it is: "d", "f size mtime", "l target".
    /// Paths under `excluding` (DEST) are left out; so is the folder holding DEST (its own time
    /// changes when DEST is created).
    func snapshot(excluding prefix: String) -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        for rel in listing(tmp) where rel != prefix && !rel.hasPrefix(prefix + "/") {
            let path = tmp.appendingPathComponent(rel).path
            guard let a = try? fm.attributesOfItem(atPath: path) else { out[rel] = "?"; continue }
            switch a[.type] as? FileAttributeType {
            case .typeDirectory?: out[rel] = "d"
            case .typeSymbolicLink?: out[rel] = "l " + ((try? fm.destinationOfSymbolicLink(atPath: path)) ?? "?")
            default:
                let size = (a[.size] as? NSNumber)?.int64Value ?? -1
                let time = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                out[rel] = "f \(size) \(time)"
            }
        }
        return out
    }

    /// Every path below `dir`, relative, links not followed.
    func listing(_ dir: URL) -> [String] {
        (FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String] ?? []).sorted()
    }

    func realPath(_ path: String) -> String? {
        guard let r = realpath(path, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    func count(_ label: String, in report: String) -> Int? {
        guard let line = report.split(separator: "\n").first(where: { $0.hasPrefix(label + ":") }) else { return nil }
        return Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "")
    }
}
