import Foundation
import XCTest

/// Issue 18, must-show 2: foreign media are each imported completely, with an accurate report,
/// and `check` names each problem. The instances expected are what pydicom reads from the
/// medium's files; outside tools (dcmdump, dciodvfy, xorriso, genisoimage, isoinfo) confirm the
/// problems where they see them.
final class ForeignMediaImportConformanceTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-foreign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    // MARK: pydicom's seven DICOMDIR variants

    func testPydicomVariantsImportCompletelyAndCheckNamesEachProblem() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        let dciodvfy = try Oracles.require("dciodvfy", package: "dicom3tools")
        let dir = try Oracles.requireCorpus("pydicom").appendingPathComponent("dicomdirtests")
        let folders = ["77654033", "98892001", "98892003"]
        let expected = Set(try uids(python, folders.map { dir.appendingPathComponent($0) }).values)
        XCTAssertEqual(expected.count, 31)
        // The problem each variant has, as check must name it (kind), and nothing else at error level.
        let problems: [String: Set<String>] = [
            "DICOMDIR": [], "DICOMDIR-reordered": [],
            "DICOMDIR-bigEnd": ["dicomdirTransferSyntax"], "DICOMDIR-implicit": ["dicomdirTransferSyntax"],
            "DICOMDIR-nooffset": ["unreadableDICOMDIR", "missingRecordKey"],
            "DICOMDIR-empty.dcm": ["unreferencedFiles"], "DICOMDIR-nopatient": ["unreachableRecords", "unreferencedFiles"],
        ]
        for (variant, kinds) in problems.sorted(by: { $0.key < $1.key }) {
            let medium = tmp.appendingPathComponent("media/\(variant)")
            try FileManager.default.createDirectory(at: medium, withIntermediateDirectories: true)
            for f in folders { try FileManager.default.copyItem(at: dir.appendingPathComponent(f), to: medium.appendingPathComponent(f)) }
            try FileManager.default.copyItem(at: dir.appendingPathComponent(variant), to: medium.appendingPathComponent("DICOMDIR"))

            let dest = tmp.appendingPathComponent("dest/\(variant)")
            let imported = try runCommand(lightbox, ["import", medium.path, dest.path, "--no-previews"])
            XCTAssertEqual(imported.status, 0, "\(variant): \(imported.stdout)\(imported.stderr)")
            XCTAssertTrue(imported.stdout.contains("Imported: 31\n"), "\(variant): \(imported.stdout)")
            XCTAssertTrue(imported.stdout.contains("Missing or unreadable on the medium: 0\n"), "\(variant): \(imported.stdout)")
            XCTAssertEqual(Set(try uids(python, [dest]).values), expected, "\(variant): every instance, found by pydicom in DEST")

            let check = try runCommand(lightbox, ["check", medium.path, "--json"])
            let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any], check.stderr)
            let findings = report["findings"] as? [[String: Any]] ?? []
            let named = Set(findings.filter { $0["severity"] as? String != "note" && $0["kind"] as? String != "noReadme" }.map { $0["kind"] as? String ?? "" })
            XCTAssertEqual(named, kinds, "\(variant): \(findings)")
            let errors = findings.contains { $0["severity"] as? String == "error" }
            XCTAssertEqual(check.status, errors ? 1 : 0, variant)
            XCTAssertEqual(report["readable"] as? Int, 31, variant)
        }
        // The outside tools see the same problems: the DICOMDIR encodings (dcmdump), and the
        // missing offsets and the cut-short record (dciodvfy).
        XCTAssertTrue(try runCommand(dcmdump, ["-M", dir.appendingPathComponent("DICOMDIR-bigEnd").path]).stdout.contains("Big Endian Explicit"))
        XCTAssertTrue(try runCommand(dcmdump, ["-M", dir.appendingPathComponent("DICOMDIR-implicit").path]).stdout.contains("Little Endian Implicit"))
        let v = try runCommand(dciodvfy, [dir.appendingPathComponent("DICOMDIR-nooffset").path])
        let said = v.stdout + v.stderr
        XCTAssertTrue(said.contains("OffsetOfTheNextDirectoryRecord") && said.contains("Bad Explicit Value Length"), said)
    }

    // MARK: Foreign images

    func testForeignImagesImportEveryInstance() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let genisoimage = try Oracles.require("genisoimage", package: "genisoimage")
        let tree = tmp.appendingPathComponent("tree")
        try run(lightbox, ["synth", "--no-extension", "--patients", "2", "--series", "2", "--images", "2", "--size", "32", "--seed", "31",
                           "--charset", "gb18030", tree.appendingPathComponent("DICOM").path])
        let expected = try uids(python, [tree])
        XCTAssertEqual(expected.count, 8)
        try Oracles.makeDICOMDIR(in: tree)

        var media: [(name: String, path: String)] = []
        // dcmmkdir + xorriso, ISO 9660 Level 1 with ;1 versions, no Rock Ridge or Joliet.
        let level1 = tmp.appendingPathComponent("level1.iso").path
        try run(xorriso, ["-report_about", "FAILURE", "-compliance", "iso_9660_level=1", "-rockridge", "off", "-joliet", "off",
                          "-volid", "FOREIGN", "-outdev", level1, "-map", tree.path, "/", "-commit"])
        media.append(("dcmmkdir + xorriso", level1))
        // Joliet only, lowercase names with .dcm, no DICOMDIR.
        let lower = tmp.appendingPathComponent("lower/images")
        try FileManager.default.createDirectory(at: lower, withIntermediateDirectories: true)
        for (i, f) in Oracles.files(under: tree.appendingPathComponent("DICOM")).sorted().enumerated() {
            try FileManager.default.copyItem(atPath: f, toPath: lower.appendingPathComponent("image_\(i + 1).dcm").path)
        }
        let joliet = tmp.appendingPathComponent("joliet.iso").path
        try run(genisoimage, ["-quiet", "-J", "-V", "JOLIET", "-o", joliet, tmp.appendingPathComponent("lower").path])
        media.append(("Joliet, lowercase .dcm, no DICOMDIR", joliet))
        // A grown two-session image: the second session adds the DICOMDIR.
        let grown = tmp.appendingPathComponent("grown.iso").path
        try run(xorriso, ["-report_about", "FAILURE", "-outdev", grown, "-map", tree.appendingPathComponent("DICOM").path, "/DICOM", "-commit"])
        try run(xorriso, ["-report_about", "FAILURE", "-dev", grown, "-map", tree.appendingPathComponent("DICOMDIR").path, "/DICOMDIR", "-commit"])
        media.append(("two sessions", grown))
        // UDF with an ISO 9660 bridge, from genisoimage -udf.
        let udf = tmp.appendingPathComponent("udf.iso").path
        try run(genisoimage, ["-quiet", "-udf", "-iso-level", "1", "-V", "UDFVOL", "-o", udf, tree.path])
        media.append(("genisoimage -udf", udf))

        for (name, path) in media {
            let dest = tmp.appendingPathComponent("dest/\(media.firstIndex { $0.path == path }!)")
            let imported = try runCommand(lightbox, ["import", path, dest.path, "--no-previews"])
            XCTAssertEqual(imported.status, 0, "\(name): \(imported.stdout)\(imported.stderr)")
            XCTAssertTrue(imported.stdout.contains("Imported: 8\n"), "\(name): \(imported.stdout)")
            // Byte for byte: pydicom finds the same instances with the same content hashes.
            let got = try uids(python, [dest])
            XCTAssertEqual(Set(got.keys), Set(expected.keys), "\(name): the files' bytes")
            XCTAssertEqual(Set(got.values), Set(expected.values), name)
        }
    }

    // MARK: Helpers

    private func run(_ tool: String, _ args: [String]) throws {
        let r = try runCommand(tool, args)
        XCTAssertEqual(r.status, 0, "\(tool) \(args.joined(separator: " ")): \(r.stderr)")
    }

    /// SHA-256 of each DICOM file's bytes → its SOP Instance UID, as pydicom reads every file below `roots`.
    private func uids(_ python: String, _ roots: [URL]) throws -> [String: String] {
        let script = tmp.appendingPathComponent("uids.py")
        try """
        import hashlib, json, os, sys
        import pydicom
        out = {}
        for root in sys.argv[1:]:
            for d, _, names in os.walk(root):
                for n in names:
                    p = os.path.join(d, n)
                    try:
                        ds = pydicom.dcmread(p, stop_before_pixels=True)
                    except Exception:
                        continue
                    if ds.file_meta.get('MediaStorageSOPClassUID') == '1.2.840.10008.1.3.10' or 'SOPInstanceUID' not in ds:
                        continue
                    out[hashlib.sha256(open(p, 'rb').read()).hexdigest()] = str(ds.SOPInstanceUID)
        print(json.dumps(out))
        """.write(to: script, atomically: true, encoding: .utf8)
        let r = try runCommand(python, ["-W", "ignore", script.path] + roots.map(\.path))
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: String], r.stdout)
    }
}
