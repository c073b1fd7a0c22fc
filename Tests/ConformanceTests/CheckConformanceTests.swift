import Foundation
import XCTest

/// `lightbox check` on discs made by `lightbox burn` and on copies broken on purpose, judged
/// against outside readers: pydicom lists what a DICOMDIR references and reads patient names,
/// dicom3tools' `dcentvfy` and `dcdirdmp` say whether the medium is consistent, xorriso extracts it.
final class CheckConformanceTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-checkconf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    /// A small GB18030 study burned to an ISO (STD-GEN-CD) and that ISO extracted by xorriso.
    func burned(patients: Int = 1, images: Int = 3) throws -> (iso: String, tree: URL) {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let input = tmp.appendingPathComponent("input")
        try run(lightbox, ["synth", input.path, "--patients", "\(patients)", "--studies", "1", "--series", "1", "--images", "\(images)",
                           "--size", "32", "--charset", "gb18030", "--seed", "7", "--no-extension"])
        let iso = tmp.appendingPathComponent("disc.iso").path
        try run(lightbox, ["burn", input.path, "-o", iso, "--profile", "STD-GEN-CD", "--fileset-id", "CHECK_TEST", "--plain-progress"])
        let tree = tmp.appendingPathComponent("tree")
        try run(xorriso, ["-osirrox", "on", "-indev", iso, "-extract", "/", tree.path])
        try run("/bin/chmod", ["-R", "u+w", tree.path])
        return (iso, tree)
    }

    /// A copy of the extracted disc to break.
    func copy(_ tree: URL, _ name: String) throws -> URL {
        let medium = tmp.appendingPathComponent(name)
        try FileManager.default.copyItem(at: tree, to: medium)
        return medium
    }

    /// pydicom's view of a DICOMDIR: the Referenced File IDs ("/"-joined) of its records.
    static let referencesScript = """
    import json, sys
    from pydicom import dcmread
    ds = dcmread(sys.argv[1])
    refs = []
    for r in ds.DirectoryRecordSequence:
        if 'ReferencedFileID' in r:
            v = r.ReferencedFileID
            refs.append('/'.join([v] if isinstance(v, str) else list(v)))
    print(json.dumps(refs))
    """

    func references(_ dicomdir: URL) throws -> [String] {
        let python = try Oracles.requirePython()
        let script = tmp.appendingPathComponent("refs.py")
        try Self.referencesScript.write(to: script, atomically: true, encoding: .utf8)
        let r = try runCommand(python, [script.path, dicomdir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String])
    }

    func check(_ source: String, _ extra: [String] = []) throws -> (status: Int32, report: [String: Any], stderr: String) {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let r = try runCommand(lightbox, ["check", source, "--json"] + extra)
        let json = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any] ?? [:]
        if json.isEmpty && r.status != 2 { XCTFail("check --json \(source) does not parse: \(r.stdout.prefix(300)) \(r.stderr)") }
        return (r.status, json, r.stderr)
    }

    func findings(_ report: [String: Any]) -> [[String: Any]] { report["findings"] as? [[String: Any]] ?? [] }
    func errors(_ report: [String: Any]) -> [[String: Any]] { findings(report).filter { $0["severity"] as? String == "error" } }
    func files(_ f: [String: Any]) -> [String] { f["files"] as? [String] ?? [] }

    // MARK: Clean

    func testBurnedDiscIsCleanAndDcentvfyAgrees() throws {
        let dcentvfy = try Oracles.require("dcentvfy", package: "dicom3tools")
        let (iso, tree) = try burned(patients: 2, images: 3)
        let (status, report, stderr) = try check(iso)
        XCTAssertEqual(status, 0, stderr)
        XCTAssertEqual(errors(report).count, 0, "\(errors(report))")
        XCTAssertEqual(report["profile"] as? String, "STD-GEN-CD", "all files are Explicit VR Little Endian")
        // dcentvfy on the same extracted medium: the DICOMDIR and every file it references.
        let refs = try references(tree.appendingPathComponent("DICOMDIR"))
        XCTAssertEqual(refs.count, 6)
        XCTAssertEqual(report["instances"] as? Int, refs.count)
        XCTAssertEqual(report["readable"] as? Int, refs.count)
        let vfy = try runCommand(dcentvfy, [tree.appendingPathComponent("DICOMDIR").path] + refs.map { tree.appendingPathComponent($0).path })
        XCTAssertEqual(vfy.status, 0, vfy.stderr)
        XCTAssertEqual((vfy.stdout + vfy.stderr).split(separator: "\n").filter { $0.hasPrefix("Error") }, [], "dcentvfy errors")
        // The text form ends with what still works.
        let text = try runCommand(try RenderConformanceTests.lightboxBinary(), ["check", iso])
        XCTAssertEqual(text.status, 0)
        XCTAssertTrue(text.stdout.contains("All 6 images can be read"), text.stdout)
    }

    // MARK: Missing and unreferenced files

    func testMissingAndUnreferencedFilesAreNamedWithTheirClause() throws {
        let (_, tree) = try burned()
        let medium = try copy(tree, "moved")
        let refs = try references(medium.appendingPathComponent("DICOMDIR"))
        let moved = try XCTUnwrap(refs.first)
        try FileManager.default.createDirectory(at: medium.appendingPathComponent("EXTRA"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: medium.appendingPathComponent(moved), to: medium.appendingPathComponent("EXTRA/IMG00001"))
        // pydicom: the DICOMDIR still references the moved file; the new one is referenced by none.
        let after = try references(medium.appendingPathComponent("DICOMDIR"))
        let missing = after.filter { !FileManager.default.fileExists(atPath: medium.appendingPathComponent($0).path) }
        XCTAssertEqual(missing, [moved])
        XCTAssertFalse(after.contains("EXTRA/IMG00001"))

        let (status, report, stderr) = try check(medium.path)
        XCTAssertEqual(status, 1, stderr)
        let missingFinding = try XCTUnwrap(findings(report).first { files($0).map { $0.replacingOccurrences(of: "\\", with: "/") }.contains(moved) })
        XCTAssertEqual(missingFinding["severity"] as? String, "error")
        XCTAssertEqual(missingFinding["clause"] as? String, "PS3.3 F.3.2.2")
        let unreferenced = try XCTUnwrap(findings(report).first { files($0).contains("EXTRA/IMG00001") && ($0["clause"] as? String ?? "").hasPrefix("PS3.3 F") })
        XCTAssertFalse((unreferenced["message"] as? String ?? "").isEmpty)
        XCTAssertEqual(report["instances"] as? Int, 3)
        XCTAssertEqual(report["readable"] as? Int, 3)
        // The text form names both files with their clause.
        let text = try runCommand(try RenderConformanceTests.lightboxBinary(), ["check", medium.path])
        XCTAssertEqual(text.status, 1)
        XCTAssertTrue(text.stdout.contains(moved.replacingOccurrences(of: "/", with: "\\")) && text.stdout.contains("EXTRA/IMG00001"), text.stdout)
        XCTAssertTrue(text.stdout.contains("PS3.3 F.3.2.2") && text.stdout.contains("PS3.3 F.2"), text.stdout)
    }

    // MARK: Wrong offsets

    func testWrongOffsetsAreAnErrorWhereDcdirdmpComplainsToo() throws {
        let python = try Oracles.requirePython()
        let dcdirdmp = try Oracles.require("dcdirdmp", package: "dicom3tools")
        let (_, tree) = try burned()
        let medium = try copy(tree, "offsets")
        try run(python, [Oracles.oracleScript("make_dicomdir_defects.py"), "wrong-offsets",
                         tree.appendingPathComponent("DICOMDIR").path, medium.appendingPathComponent("DICOMDIR").path])
        // dcdirdmp follows the offsets and complains; it does not on the intact DICOMDIR.
        XCTAssertEqual(try runCommand(dcdirdmp, [tree.appendingPathComponent("DICOMDIR").path]).status, 0)
        let dump = try runCommand(dcdirdmp, [medium.appendingPathComponent("DICOMDIR").path])
        XCTAssertTrue(dump.status != 0 && (dump.stdout + dump.stderr).contains("offset invalid"), dump.stderr)
        // check agrees.
        let (status, report, stderr) = try check(medium.path)
        XCTAssertEqual(status, 1, stderr)
        let offset = try XCTUnwrap(errors(report).first { ($0["message"] as? String ?? "").contains("offset") })
        XCTAssertTrue((offset["clause"] as? String ?? "").hasPrefix("PS3.3 F"), "\(offset)")
        XCTAssertEqual(files(offset), ["DICOMDIR"])
        XCTAssertEqual(report["readable"] as? Int, 3, "recovered by record order")
        // And is clean on the intact copy.
        XCTAssertEqual(try check(tree.path).status, 0)
    }

    // MARK: PS3.10 names

    func testLowercaseDcmNameOnAFolderIsAPS310Error() throws {
        let (_, tree) = try burned()
        let medium = try copy(tree, "names")
        let refs = try references(medium.appendingPathComponent("DICOMDIR"))
        let original = try XCTUnwrap(refs.last)
        let renamed = (original as NSString).deletingLastPathComponent + "/img00003.dcm"
        try FileManager.default.moveItem(at: medium.appendingPathComponent(original), to: medium.appendingPathComponent(renamed))
        let (status, report, stderr) = try check(medium.path)
        XCTAssertEqual(status, 1, stderr)
        let named = try XCTUnwrap(errors(report).first { $0["clause"] as? String == "PS3.10 8.2" })
        XCTAssertEqual(files(named), [renamed])
        XCTAssertTrue((named["message"] as? String ?? "").contains("img00003.dcm"), "\(named)")
    }

    // MARK: PS3.11 profile and PS3.10 File Meta

    func testImplicitVRFileIsOutsideTheInferredProfileAndMissingPreambleIsNamed() throws {
        let python = try Oracles.requirePython()
        let (_, tree) = try burned()
        let medium = try copy(tree, "profile")
        let refs = try references(medium.appendingPathComponent("DICOMDIR"))
        XCTAssertEqual(refs.count, 3)
        // pydicom re-encodes the first file as Implicit VR Little Endian; the second loses its preamble and "DICM".
        let implicit = refs[0], bare = refs[1]
        try run(python, ["-c", """
            import sys, pydicom
            from pydicom.uid import ImplicitVRLittleEndian
            ds = pydicom.dcmread(sys.argv[1]); ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
            ds.save_as(sys.argv[1], enforce_file_format=True)
            assert pydicom.dcmread(sys.argv[1]).file_meta.TransferSyntaxUID == ImplicitVRLittleEndian
            b = open(sys.argv[2], 'rb').read(); assert b[128:132] == b'DICM'; open(sys.argv[2], 'wb').write(b[132:])
            """, medium.appendingPathComponent(implicit).path, medium.appendingPathComponent(bare).path])
        let (status, report, stderr) = try check(medium.path)
        XCTAssertEqual(status, 1, stderr)
        XCTAssertEqual(report["profile"] as? String, "STD-GEN-CD", "inferred from the two Explicit VR Little Endian files")
        let outside = try XCTUnwrap(errors(report).first { ($0["clause"] as? String ?? "").hasPrefix("PS3.11") })
        XCTAssertEqual(files(outside), [implicit])
        XCTAssertTrue((outside["message"] as? String ?? "").contains("1.2.840.10008.1.2)"), "\(outside)")
        let meta = try XCTUnwrap(errors(report).first { $0["clause"] as? String == "PS3.10 7.1" })
        XCTAssertEqual(files(meta), [bare])
        XCTAssertEqual(report["readable"] as? Int, 3)
        // A profile that admits any transfer syntax drops the PS3.11 finding; an unknown one is refused.
        let mime = try check(medium.path, ["--profile", "STD-GEN-MIME"])
        XCTAssertFalse(errors(mime.report).contains { ($0["clause"] as? String ?? "").hasPrefix("PS3.11") })
        XCTAssertEqual(try check(medium.path, ["--profile", "NO-SUCH"]).status, 2)
    }

    // MARK: PS3.12

    func testNonLevel1ImageAndVolumeLabelArePS312Errors() throws {
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let (_, tree) = try burned()
        let iso = tmp.appendingPathComponent("level4.iso").path
        try run(xorriso, ["-as", "mkisofs", "-iso-level", "4", "-V", "my disc", "-o", iso, tree.path])
        let (status, report, stderr) = try check(iso)
        XCTAssertEqual(status, 1, stderr)
        let ps312 = errors(report).filter { ($0["clause"] as? String ?? "").hasPrefix("PS3.12") }
        XCTAssertTrue(ps312.contains { files($0).contains { $0.contains("DICOMDIR") } }, "\(ps312)")
        XCTAssertTrue(ps312.contains { ($0["message"] as? String ?? "").contains("\"my disc\"") }, "\(ps312)")
        XCTAssertEqual(report["readable"] as? Int, 3)
    }

    // MARK: PS3.3 F.5 record keys and IHE PDI

    func testEmptyPatientIDAndPDIRulesAgreeWithDciodvfy() throws {
        let python = try Oracles.requirePython()
        let dciodvfy = try Oracles.require("dciodvfy", package: "dicom3tools")
        let (_, tree) = try burned()
        let medium = try copy(tree, "keys")
        // pydicom blanks the PATIENT record's Patient ID with as many spaces (offsets stay right).
        try run(python, ["-c", """
            import sys, pydicom
            ds = pydicom.dcmread(sys.argv[1])
            for r in ds.DirectoryRecordSequence:
                if r.DirectoryRecordType == 'PATIENT': r.PatientID = ' ' * len(r.PatientID)
            ds.save_as(sys.argv[1], enforce_file_format=True)
            """, medium.appendingPathComponent("DICOMDIR").path])
        let vfy = try runCommand(dciodvfy, [medium.appendingPathComponent("DICOMDIR").path])
        XCTAssertTrue((vfy.stdout + vfy.stderr).contains("Type 1 Required Element=<PatientID>"), vfy.stderr)
        // The disc claims PDI (INDEX.HTM, IHE_PDI): no README.TXT is an error there; AUTORUN.INF is a note.
        try FileManager.default.removeItem(at: medium.appendingPathComponent("README.TXT"))
        try Data("[autorun]\r\n".utf8).write(to: medium.appendingPathComponent("AUTORUN.INF"))
        let (status, report, stderr) = try check(medium.path)
        XCTAssertEqual(status, 1, stderr)
        let key = try XCTUnwrap(errors(report).first { ($0["message"] as? String ?? "").contains("Patient ID") })
        XCTAssertEqual(key["clause"] as? String, "PS3.3 F.5")
        XCTAssertTrue(errors(report).contains { ($0["message"] as? String ?? "").contains("README.TXT") })
        XCTAssertTrue(findings(report).contains { $0["severity"] as? String == "note" && files($0) == ["AUTORUN.INF"] })
        // Without INDEX.HTM and IHE_PDI the same absence is only a warning, and the intact DICOMDIR is clean.
        let plain = try copy(tree, "plain")
        for name in ["README.TXT", "INDEX.HTM", "IHE_PDI"] { try FileManager.default.removeItem(at: plain.appendingPathComponent(name)) }
        let p = try check(plain.path)
        XCTAssertEqual(p.status, 0, p.stderr)
        XCTAssertEqual(findings(p.report).filter { ($0["message"] as? String ?? "").contains("README.TXT") }.map { $0["severity"] as? String }, ["warning"])
    }

    // MARK: HTML

    func testHTMLReportCarriesChinesePatientNamesAsUTF8() throws {
        let python = try Oracles.requirePython()
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let (iso, tree) = try burned()
        let page = tmp.appendingPathComponent("report.html")
        let r = try runCommand(lightbox, ["check", iso, "--html", page.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let html = try String(contentsOf: page, encoding: .utf8)
        XCTAssertTrue(html.contains("<meta charset=\"utf-8\">"))
        // pydicom decodes the patient's name from an image file of the disc.
        let first = try XCTUnwrap(try references(tree.appendingPathComponent("DICOMDIR")).first)
        let name = try runCommand(python, ["-c", "import sys, pydicom; print(pydicom.dcmread(sys.argv[1]).PatientName.ideographic)",
                                           tree.appendingPathComponent(first).path])
        XCTAssertEqual(name.status, 0, name.stderr)
        let ideographic = name.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(ideographic.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, ideographic)
        XCTAssertTrue(html.contains(ideographic), "\(ideographic) not in the page")
        XCTAssertFalse(html.contains("src=\"http") || html.contains("href=\"http") || html.contains("<script"), "self-contained")
    }

    // MARK: Unreadable

    func testUnreadableSourceExits2() throws {
        let junk = tmp.appendingPathComponent("junk.iso")
        try Data(repeating: 0x41, count: 4096).write(to: junk)
        XCTAssertEqual(try check(junk.path).status, 2)
        XCTAssertEqual(try check(tmp.appendingPathComponent("absent").path).status, 2)
    }

    private func run(_ tool: String, _ args: [String]) throws {
        let r = try runCommand(tool, args)
        XCTAssertEqual(r.status, 0, "\(tool) \(args.joined(separator: " ")): \(r.stderr)")
    }
}
