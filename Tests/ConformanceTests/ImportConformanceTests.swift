import Foundation
import XCTest

/// `lightbox import` end to end, checked with outside tools: xorriso extracts the medium, pydicom
/// reads every imported file and hashes it (hashlib) against the medium's files; the file system
/// itself (listings, a read-only tmpfs mount) shows what was written where.
final class ImportConformanceTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-importconf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    /// pydicom's view of a folder: every file it reads as DICOM, by relative path, with its
    /// SHA-256, SOP Instance UID and the ideographic group of the patient's name.
    static let inventoryScript = """
    import hashlib, json, os, sys
    import pydicom
    out = {}
    root = sys.argv[1]
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            try:
                ds = pydicom.dcmread(p)
            except Exception:
                continue
            if 'SOPInstanceUID' not in ds or ds.file_meta.get('MediaStorageSOPClassUID') == '1.2.840.10008.1.3.10':
                continue
            name = ds.get('PatientName')
            out[os.path.relpath(p, root)] = {
                'sha': hashlib.sha256(open(p, 'rb').read()).hexdigest(),
                'uid': str(ds.SOPInstanceUID),
                'ideographic': str(name.ideographic) if name is not None else '',
            }
    print(json.dumps(out))
    """

    struct Inventory { var files: [String: (sha: String, uid: String, ideographic: String)] }

    func inventory(_ python: String, _ dir: URL) throws -> Inventory {
        let script = tmp.appendingPathComponent("inventory.py")
        try Self.inventoryScript.write(to: script, atomically: true, encoding: .utf8)
        let r = try runCommand(python, [script.path, dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: [String: String]])
        return Inventory(files: json.mapValues { ($0["sha"] ?? "", $0["uid"] ?? "", $0["ideographic"] ?? "") })
    }

    /// Every file below `dir` (relative paths), links not followed.
    func listing(_ dir: URL) -> [String] {
        (FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String] ?? []).sorted()
    }

    func synth(_ lightbox: String, _ out: URL, patients: Int, images: Int, size: Int = 128) throws {
        let r = try runCommand(lightbox, ["synth", out.path, "--patients", "\(patients)", "--studies", "1", "--series", "1",
                                          "--images", "\(images)", "--size", "\(size)", "--charset", "gb18030", "--seed", "7", "--no-extension"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func count(_ label: String, in report: String) -> Int? {
        guard let line = report.split(separator: "\n").first(where: { $0.hasPrefix(label) }) else { return nil }
        return Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "")
    }

    // MARK: Round trip and re-run

    func testRoundTripOfABurnedISOThenReRunAndConflict() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let python = try Oracles.requirePython()
        let input = tmp.appendingPathComponent("input")
        try synth(lightbox, input, patients: 2, images: 4)
        let iso = tmp.appendingPathComponent("disc.iso").path
        let burn = try runCommand(lightbox, ["burn", input.path, "-o", iso, "--profile", "STD-GEN-CD", "--fileset-id", "IMPORT_TEST", "--plain-progress"])
        XCTAssertEqual(burn.status, 0, burn.stderr)
        let tree = tmp.appendingPathComponent("tree")
        XCTAssertEqual(try runCommand(xorriso, ["-osirrox", "on", "-indev", iso, "-extract", "/", tree.path]).status, 0)
        let medium = try inventory(python, tree)
        XCTAssertEqual(medium.files.count, 8)

        let dest = tmp.appendingPathComponent("dest")
        let first = try runCommand(lightbox, ["import", iso, dest.path])
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        XCTAssertEqual(count("Imported", in: first.stdout), 8, first.stdout)
        // Every other file xorriso extracts (README.TXT, INDEX.HTM, the IHE_PDI pages and the viewer)
        // is listed as not DICOM; the DICOMDIR is neither.
        let others = Oracles.files(under: tree).count - medium.files.count - 1
        XCTAssertGreaterThan(others, 13)
        XCTAssertEqual(count("Not DICOM", in: first.stdout), others, "README.TXT, INDEX.HTM, the IHE_PDI pages and the viewer are listed: \(first.stdout)")
        let imported = try inventory(python, dest)
        // Every instance once, byte-identical to the medium's file, read by pydicom.
        XCTAssertEqual(imported.files.count, 8)
        XCTAssertEqual(Set(imported.files.values.map(\.sha)), Set(medium.files.values.map(\.sha)))
        XCTAssertEqual(Set(imported.files.values.map(\.uid)).count, 8)
        for (path, f) in imported.files {
            let parts = path.split(separator: "/").map(String.init)
            XCTAssertEqual(parts.count, 4, path)
            XCTAssertTrue(parts[3].hasPrefix("IMG") && parts[3].hasSuffix(".dcm"), path)
            // The folder carries the Chinese name, "^" read as a space.
            XCTAssertFalse(f.ideographic.isEmpty, path)
            XCTAssertTrue(parts[0].contains(f.ideographic.replacingOccurrences(of: "^", with: " ")), "\(parts[0]) lacks \(f.ideographic)")
        }
        XCTAssertFalse(listing(dest).contains { $0.hasSuffix(".tmp") })

        // A second import skips everything.
        let again = try runCommand(lightbox, ["import", iso, dest.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(count("Imported", in: again.stdout), 0, again.stdout)
        XCTAssertEqual(count("Skipped (already there)", in: again.stdout), 8, again.stdout)

        // A modified copy of one instance (same UID, another Institution Name) is kept beside it.
        let (path, original) = try XCTUnwrap(medium.files.sorted { $0.key < $1.key }.first)
        let changed = tmp.appendingPathComponent("changed")
        try FileManager.default.createDirectory(at: changed, withIntermediateDirectories: true)
        let edit = try runCommand(python, ["-c", """
        import pydicom, sys
        ds = pydicom.dcmread(sys.argv[1]); ds.InstitutionName = 'Changed'; ds.save_as(sys.argv[2])
        """, tree.appendingPathComponent(path).path, changed.appendingPathComponent("IMG1").path])
        XCTAssertEqual(edit.status, 0, edit.stderr)
        let third = try runCommand(lightbox, ["import", changed.path, dest.path])
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertEqual(count("Conflicts", in: third.stdout), 1, third.stdout)
        XCTAssertTrue(third.stdout.contains(original.uid), third.stdout)
        let after = try inventory(python, dest)
        XCTAssertEqual(after.files.count, 9)
        let beside = after.files.filter { $0.value.uid == original.uid }
        XCTAssertEqual(beside.count, 2)
        XCTAssertEqual(beside.keys.filter { $0.hasSuffix("-2.dcm") }.count, 1, "\(beside.keys)")
        XCTAssertEqual(Set(beside.values.map(\.sha)).count, 2)
        // The extracted medium with one file gone (the DICOMDIR still names it): the other 7 are
        // there already, the missing one is reported, and the exit status says something is missing.
        let (gone, _) = try XCTUnwrap(medium.files.sorted { $0.key < $1.key }.last)
        try FileManager.default.removeItem(at: tree.appendingPathComponent(gone))
        let partial = try runCommand(lightbox, ["import", tree.path, tmp.appendingPathComponent("partial").path])
        XCTAssertEqual(partial.status, 1, partial.stdout + partial.stderr)
        XCTAssertEqual(count("Imported", in: partial.stdout), 7, partial.stdout)
        XCTAssertEqual(count("Missing or unreadable on the medium", in: partial.stdout), 1, partial.stdout)
        XCTAssertTrue(partial.stdout.contains(gone.replacingOccurrences(of: "/", with: "\\")), "the missing file is named by its File ID: \(partial.stdout)")
        // And a fourth run changes nothing.
        let fourth = try runCommand(lightbox, ["import", changed.path, dest.path])
        XCTAssertEqual(count("Skipped (already there)", in: fourth.stdout), 1, fourth.stdout)
        XCTAssertEqual(try inventory(python, dest).files.count, 9)
    }

    // MARK: Options

    /// Must-show 1 for every kind of medium the disc builder makes: a DVD with JPEG Lossless, a
    /// Blu-ray profile, a USB folder and a CD split into two volumes each import back with every
    /// instance byte-identical to the medium's file (as xorriso extracts it), and check is clean.
    func testEveryKindOfBurnedMediumImportsBackAndChecksClean() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let python = try Oracles.requirePython()
        let input = tmp.appendingPathComponent("input")
        try synth(lightbox, input, patients: 2, images: 6, size: 512)
        let kinds: [(name: String, args: [String], volumes: [String])] = [
            ("STD-GEN-DVD-JPEG, JPEG Lossless", ["-o", "dvd.iso", "--profile", "STD-GEN-DVD-JPEG", "--compress", "jpeg-lossless"], ["dvd.iso"]),
            ("STD-GEN-BD", ["-o", "bd.iso", "--profile", "STD-GEN-BD"], ["bd.iso"]),
            ("STD-GEN-USB-JPEG", ["--usb", "usb", "--profile", "STD-GEN-USB-JPEG"], ["usb"]),
            ("STD-GEN-CD in two volumes", ["-o", "cd.iso", "--profile", "STD-GEN-CD", "--capacity", "12M"], ["cd-*.iso"]),
        ]
        for kind in kinds {
            let work = tmp.appendingPathComponent(kind.volumes[0].replacingOccurrences(of: "*", with: "n") + "-work")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            if kind.args.contains("--usb") { try FileManager.default.createDirectory(at: work.appendingPathComponent("usb"), withIntermediateDirectories: true) }
            let args = kind.args.map { $0.hasSuffix(".iso") || $0 == "usb" ? work.appendingPathComponent($0).path : $0 }
            let burn = try runCommand(lightbox, ["burn", input.path, "--plain-progress"] + args)
            XCTAssertEqual(burn.status, 0, "\(kind.name): \(burn.stderr)")
            let dest = tmp.appendingPathComponent("dest-" + kind.volumes[0].replacingOccurrences(of: "*", with: "n"))
            var onMedia: [String] = []
            var volumes = kind.volumes
            if volumes == ["cd-*.iso"] {
                volumes = try FileManager.default.contentsOfDirectory(atPath: work.path).filter { $0.hasPrefix("cd-") && $0.hasSuffix(".iso") }.sorted()
                XCTAssertGreaterThanOrEqual(volumes.count, 2, "\(kind.name): \(burn.stdout)")
            }
            for volume in volumes {
                let path = work.appendingPathComponent(volume).path
                var tree = URL(fileURLWithPath: path)
                if volume.hasSuffix(".iso") {
                    tree = work.appendingPathComponent(volume + "-tree")
                    XCTAssertEqual(try runCommand(xorriso, ["-osirrox", "on", "-indev", path, "-extract", "/", tree.path]).status, 0, volume)
                }
                onMedia += try inventory(python, tree).files.values.map(\.sha)
                let imported = try runCommand(lightbox, ["import", path, dest.path, "--no-previews"])
                XCTAssertEqual(imported.status, 0, "\(kind.name) \(volume): \(imported.stdout)\(imported.stderr)")
                let check = try runCommand(lightbox, ["check", path, "--json"])
                XCTAssertEqual(check.status, 0, "\(kind.name) \(volume): \(check.stdout)")
                let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
                let findings = (report["findings"] as? [[String: Any]] ?? []).filter { $0["severity"] as? String != "note" }
                XCTAssertEqual(findings.count, 0, "\(kind.name) \(volume): \(findings)")
            }
            XCTAssertEqual(onMedia.count, 12, kind.name)
            XCTAssertEqual(try inventory(python, dest).files.values.map(\.sha).sorted(), onMedia.sorted(), "\(kind.name): byte-identical")
        }
    }

    func testDryRunStudyAndFlat() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let input = tmp.appendingPathComponent("input")
        try synth(lightbox, input, patients: 2, images: 3)
        let source = try inventory(python, input)
        // The study of one patient, by pydicom.
        let first = try XCTUnwrap(source.files.keys.sorted().first)
        let study = try runCommand(python, ["-c", "import pydicom, sys; print(pydicom.dcmread(sys.argv[1]).StudyInstanceUID)", input.appendingPathComponent(first).path])
        let studyUID = study.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let wanted = try runCommand(python, ["-c", """
        import pydicom, sys, os
        print(sum(1 for d, _, fs in os.walk(sys.argv[1]) for f in fs if pydicom.dcmread(os.path.join(d, f)).StudyInstanceUID == sys.argv[2]))
        """, input.path, studyUID])
        XCTAssertEqual(wanted.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "3")

        // --dry-run prints the plan and writes nothing, not even DEST.
        let dest = tmp.appendingPathComponent("dest")
        let dry = try runCommand(lightbox, ["import", input.path, dest.path, "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertEqual(dry.stdout.split(separator: "\n").filter { $0.hasPrefix("copy ") }.count, 6, dry.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dest.path))

        // --study: that study only.
        let one = try runCommand(lightbox, ["import", input.path, dest.path, "--study", studyUID])
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertEqual(count("Imported", in: one.stdout), 3, one.stdout)
        let studies = try runCommand(python, ["-c", """
        import pydicom, sys, os
        print(sorted({str(pydicom.dcmread(os.path.join(d, f)).StudyInstanceUID) for d, _, fs in os.walk(sys.argv[1]) for f in fs if f.endswith('.dcm')}))
        """, dest.path])
        XCTAssertEqual(studies.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "['\(studyUID)']")
        XCTAssertEqual(try inventory(python, dest).files.count, 3)
        // A study not on the medium: exit 1, named.
        let none = try runCommand(lightbox, ["import", input.path, dest.path, "--study", "1.2.3.4"])
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.stdout.contains("Study not on the medium: 1.2.3.4"), none.stdout)

        // --flat: every file directly in the folder, byte-identical.
        let flat = tmp.appendingPathComponent("flat")
        let f = try runCommand(lightbox, ["import", input.path, flat.path, "--flat"])
        XCTAssertEqual(f.status, 0, f.stderr)
        let flatFiles = try inventory(python, flat)
        XCTAssertEqual(flatFiles.files.keys.sorted(), (1...6).map { String(format: "IMG%05d.dcm", $0) })
        XCTAssertEqual(Set(flatFiles.files.values.map(\.sha)), Set(source.files.values.map(\.sha)))
        // A file deleted by hand comes back on the next run; the rest is skipped.
        try FileManager.default.removeItem(at: flat.appendingPathComponent("IMG00002.dcm"))
        let back = try runCommand(lightbox, ["import", input.path, flat.path, "--flat"])
        XCTAssertEqual(back.status, 0, back.stderr)
        XCTAssertEqual(count("Imported", in: back.stdout), 1, back.stdout)
        XCTAssertEqual(count("Skipped (already there)", in: back.stdout), 5, back.stdout)
        XCTAssertEqual(Set(try inventory(python, flat).files.values.map(\.sha)), Set(source.files.values.map(\.sha)))
    }

    // MARK: Hostile names

    func testHostilePatientNamesStayInsideDEST() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let input = tmp.appendingPathComponent("input")
        try synth(lightbox, input, patients: 1, images: 4)
        let sources = try inventory(python, input).files.keys.sorted()
        XCTAssertEqual(sources.count, 4)
        // pydicom writes the hostile names; the last patient's folder is made a link out of DEST beforehand.
        let medium = tmp.appendingPathComponent("parent/medium")
        try FileManager.default.createDirectory(at: medium, withIntermediateDirectories: true)
        let names = ["../../etc", "a/b", "ctl\u{01}\u{1F}\u{7F}x", "Evil^Link"]
        let ids = ["../up", "/abs", "CON", "L1"]
        for (i, src) in sources.enumerated() {
            let r = try runCommand(python, ["-c", """
            import pydicom, sys
            ds = pydicom.dcmread(sys.argv[1]); ds.SpecificCharacterSet = 'ISO_IR 192'
            ds.PatientName = sys.argv[3]; ds.PatientID = sys.argv[4]; ds.StudyInstanceUID = pydicom.uid.generate_uid()
            ds.SeriesInstanceUID = pydicom.uid.generate_uid(); ds.StudyDescription = '../' + sys.argv[3]; ds.SeriesDescription = '..\\\\x'
            ds.save_as(sys.argv[2])
            """, input.appendingPathComponent(src).path, medium.appendingPathComponent("F\(i)").path, names[i], ids[i]])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let parent = tmp.appendingPathComponent("parent")
        let dest = parent.appendingPathComponent("dest")
        let outside = tmp.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: dest, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dest.appendingPathComponent("Evil Link (L1)").path, withDestinationPath: outside.path)
        let before = listing(tmp).filter { !$0.hasPrefix("parent/dest/") }

        let r = try runCommand(lightbox, ["import", medium.path, dest.path])
        XCTAssertEqual(r.status, 1, "the linked-out patient cannot be imported: \(r.stdout)\(r.stderr)")
        XCTAssertEqual(count("Imported", in: r.stdout), 3, r.stdout)
        XCTAssertEqual(count("Could not be imported", in: r.stdout), 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("outside the destination"), r.stdout)
        // Nothing appeared anywhere but in DEST, and nothing in the linked-to folder.
        XCTAssertEqual(listing(tmp).filter { !$0.hasPrefix("parent/dest/") }, before)
        XCTAssertEqual(listing(outside), [])
        let top = Set(try FileManager.default.contentsOfDirectory(atPath: dest.path))
        XCTAssertEqual(top, ["_._etc (_up)", "a_b (_abs)", "ctl x (_CON)", "Evil Link (L1)", ".lightbox-import.json", "index.html"])
        let imported = try inventory(python, dest)
        XCTAssertEqual(imported.files.count, 3)
        for path in imported.files.keys {
            for part in path.split(separator: "/") {
                XCTAssertFalse(part.contains("..") || part.hasPrefix(".") || part.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, path)
            }
        }
    }

    // MARK: Bad destinations

    func testReadOnlyDestinationExits2NamingIt() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let input = tmp.appendingPathComponent("input")
        try synth(lightbox, input, patients: 1, images: 2)
        let ro = tmp.appendingPathComponent("ro")
        try FileManager.default.createDirectory(at: ro, withIntermediateDirectories: true)
        // A read-only tmpfs: refuses root too. The test fails (never skips) when it cannot be mounted.
        let mount = try runCommand("/bin/mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", ro.path])
        XCTAssertEqual(mount.status, 0, "cannot mount a read-only tmpfs for the test: \(mount.stderr)")
        guard mount.status == 0 else { return }
        defer { _ = try? runCommand("/bin/umount", [ro.path]) }
        for dest in [ro, ro.appendingPathComponent("new/sub")] {
            let r = try runCommand(lightbox, ["import", input.path, dest.path])
            XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
            XCTAssertTrue(r.stderr.contains(dest.path) && r.stderr.contains("cannot be written"), r.stderr)
            XCTAssertFalse(r.stdout.contains("Imported"), r.stdout)
            XCTAssertEqual(listing(ro), [])
        }
    }

    func testFullDestinationLeavesOnlyCompleteFiles() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let input = tmp.appendingPathComponent("input")
        try synth(lightbox, input, patients: 1, images: 6, size: 256)
        let sources = Set(try inventory(python, input).files.values.map(\.sha))
        XCTAssertEqual(sources.count, 6)
        let full = tmp.appendingPathComponent("full")
        try FileManager.default.createDirectory(at: full, withIntermediateDirectories: true)
        // A 400 KiB tmpfs holds about three of the six 130 KB files.
        let mount = try runCommand("/bin/mount", ["-t", "tmpfs", "-o", "size=400k", "tmpfs", full.path])
        XCTAssertEqual(mount.status, 0, "cannot mount a small tmpfs for the test: \(mount.stderr)")
        guard mount.status == 0 else { return }
        defer { _ = try? runCommand("/bin/umount", [full.path]) }
        let r = try runCommand(lightbox, ["import", input.path, full.path])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("No space left on device"), r.stdout)
        let imported = try XCTUnwrap(count("Imported", in: r.stdout))
        XCTAssertGreaterThan(imported, 0)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(count("Could not be imported", in: r.stdout)), 6 - imported)
        let all = listing(full)
        XCTAssertEqual(all.filter { $0.hasSuffix(".tmp") }, [], "no temporary file left")
        let files = try inventory(python, full).files
        XCTAssertEqual(files.count, imported)
        XCTAssertEqual(all.filter { $0.hasSuffix(".dcm") }.count, imported, "every file under a final name is complete")
        for f in files.values { XCTAssertTrue(sources.contains(f.sha)) }
    }

    func testInterruptedImportCompletesOnReRun() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let input = tmp.appendingPathComponent("input")
        try synth(lightbox, input, patients: 2, images: 150, size: 512)
        let source = try inventory(python, input)
        XCTAssertEqual(source.files.count, 300)
        let dest = tmp.appendingPathComponent("dest")

        let p = Process()
        p.executableURL = URL(fileURLWithPath: lightbox)
        p.arguments = ["import", input.path, dest.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait until some files are copied (under temporary or final names: copies become final in
        // batches), then SIGTERM mid-copy.
        var present = 0
        let deadline = Date().addingTimeInterval(30)
        while p.isRunning, Date() < deadline {
            present = listing(dest).filter { $0.hasSuffix(".dcm") || $0.hasSuffix(".tmp") }.count
            if present >= 20 { break }
            usleep(2_000)
        }
        XCTAssertTrue(p.isRunning, "the import ended before it could be interrupted (\(present) files); make the input larger")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        let partial = listing(dest).filter { $0.hasSuffix(".dcm") }.count
        XCTAssertLessThan(partial, 300, "interrupted mid-copy")
        print("interrupted after \(partial) of 300 files")
        // Whatever is under a final name is complete: pydicom reads it and it matches a source file.
        let sources = Set(source.files.values.map(\.sha))
        // (Temporary files, which pydicom may read when a copy stopped after the header, are not final.)
        for (path, f) in try inventory(python, dest).files where !(path as NSString).lastPathComponent.hasPrefix(".lightbox-import-") {
            XCTAssertTrue(sources.contains(f.sha), path)
        }

        // A stale temporary file as a run killed during a write leaves one (this run may or may not have).
        let someFolder = try XCTUnwrap(listing(dest).first { $0.hasSuffix(".dcm") || $0.hasSuffix(".tmp") }).split(separator: "/").dropLast().joined(separator: "/")
        try Data("half".utf8).write(to: dest.appendingPathComponent(someFolder + "/.lightbox-import-99999-1.tmp"))
        let r = try runCommand(lightbox, ["import", input.path, dest.path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertEqual((count("Imported", in: r.stdout) ?? 0) + (count("Skipped (already there)", in: r.stdout) ?? 0), 300, r.stdout)
        XCTAssertEqual(count("Conflicts", in: r.stdout), 0, r.stdout)
        let all = listing(dest)
        XCTAssertEqual(all.filter { $0.hasSuffix(".tmp") }, [], "temporary files are removed")
        XCTAssertEqual(all.filter { $0.hasSuffix(".dcm") }.count, 300)
        let imported = try inventory(python, dest)
        XCTAssertEqual(imported.files.count, 300)
        XCTAssertEqual(Set(imported.files.values.map(\.sha)), sources)
        XCTAssertEqual(Set(imported.files.values.map(\.uid)), Set(source.files.values.map(\.uid)))
    }
}
