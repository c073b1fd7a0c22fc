import Foundation
import XCTest

/// `lightbox ls` on received media against outside references: pydicom's FileSet on its own
/// `dicomdirtests` variants and on DICOMDIRs made by DCMTK's dcmmkdir, ISO images made by
/// xorriso, and DICOMDIRs whose offsets pydicom was used to break.
final class MediaReadConformanceTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-mediaread-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    /// patient ID → study UID → series UID → instance count.
    typealias Tree = [String: [String: [String: Int]]]

    // MARK: pydicom's dicomdirtests

    func testPydicomDICOMDIRVariants() throws {
        let python = try Oracles.requirePython()
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let dir = try Oracles.requireCorpus("pydicom").appendingPathComponent("dicomdirtests")
        let reference = try oracleTree(python, dir.appendingPathComponent("DICOMDIR").path)
        XCTAssertEqual(reference.tree.values.flatMap(\.values).flatMap(\.values).reduce(0, +), 31)
        let readable = ["DICOMDIR", "DICOMDIR-bigEnd", "DICOMDIR-implicit", "DICOMDIR-nooffset", "DICOMDIR-reordered", "DICOMDIR-empty.dcm"]
        for variant in readable + ["DICOMDIR-nopatient"] {
            // The variant as the medium's DICOMDIR, beside the patient folders it references.
            let medium = tmp.appendingPathComponent(variant)
            try FileManager.default.createDirectory(at: medium, withIntermediateDirectories: true)
            // Copies, not links: a medium's links that lead out of it are never followed.
            for sub in ["77654033", "98892001", "98892003"] {
                try FileManager.default.copyItem(at: dir.appendingPathComponent(sub), to: medium.appendingPathComponent(sub))
            }
            try FileManager.default.copyItem(at: dir.appendingPathComponent(variant), to: medium.appendingPathComponent("DICOMDIR"))
            let (status, catalog) = try CatalogJSON.ls(lightbox, medium.path)
            XCTAssertEqual(status, 0, variant)
            // Every file is found, through the DICOMDIR or by content: the same tree as pydicom's on the intact DICOMDIR.
            XCTAssertEqual(tree(catalog, only: nil), reference.tree, variant)
            if readable.contains(variant) {
                // What the DICOMDIR itself leads to equals what pydicom's FileSet finds in it.
                let oracle = try oracleTree(python, dir.appendingPathComponent(variant).path)
                XCTAssertEqual(tree(catalog, only: "dicomdir"), oracle.tree, variant)
            } else {
                // pydicom refuses it (no PATIENT records); ls still reads every file.
                let r = try runCommand(python, [Oracles.oracleScript("pydicom_fileset_tree.py"), dir.appendingPathComponent(variant).path])
                XCTAssertEqual(r.status, 1, "pydicom now reads \(variant): compare it as the others")
            }
            let kinds = Set(CatalogJSON.findings(catalog).map { $0["kind"] as? String ?? "" })
            switch variant {
            case "DICOMDIR", "DICOMDIR-bigEnd", "DICOMDIR-implicit", "DICOMDIR-reordered":
                XCTAssertEqual(kinds, [], variant)
            case "DICOMDIR-empty.dcm":
                XCTAssertEqual(kinds, ["unreferencedFiles"], variant)
            case "DICOMDIR-nooffset":
                XCTAssertTrue(kinds.contains("unreadableDICOMDIR"), "its last record is cut short: \(kinds)")
            default:
                XCTAssertTrue(kinds.isSuperset(of: ["unreachableRecords", "unreferencedFiles"]), "\(variant): \(kinds)")
            }
        }
    }

    // MARK: dcmmkdir + xorriso, Level 1, GB18030

    func testDcmmkdirLevel1ISOWithChineseNames() throws {
        let python = try Oracles.requirePython()
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let disc = tmp.appendingPathComponent("disc")
        try run(lightbox, ["synth", "--no-extension", "--charset", "gb18030", "--patients", "2", "--images", "2", "--size", "32",
                           "--seed", "7", disc.appendingPathComponent("DICOM").path])
        try Oracles.makeDICOMDIR(in: disc)
        let iso = tmp.appendingPathComponent("level1.iso").path
        try run(xorriso, ["-as", "mkisofs", "-iso-level", "1", "-V", "LBTEST", "-o", iso, disc.path])
        let oracle = try oracleTree(python, disc.appendingPathComponent("DICOMDIR").path)
        XCTAssertEqual(oracle.tree.count, 2)

        let (status, catalog) = try CatalogJSON.ls(lightbox, iso)
        XCTAssertEqual(status, 0)
        XCTAssertEqual(tree(catalog, only: "dicomdir"), oracle.tree)
        XCTAssertEqual(tree(catalog, only: nil), oracle.tree, "nothing found beyond the DICOMDIR")
        XCTAssertEqual(CatalogJSON.findings(catalog).count, 0, "\(CatalogJSON.findings(catalog))")
        XCTAssertEqual(catalog["volumeID"] as? String, "LBTEST")
        // Names as pydicom decodes them (GB18030), printed as characters in the tree.
        let names = Dictionary(uniqueKeysWithValues: CatalogJSON.patients(catalog).map { ($0["id"] as? String ?? "", $0["name"] as? String ?? "") })
        XCTAssertEqual(names, oracle.names)
        XCTAssertTrue(names.values.contains { $0.unicodeScalars.contains { (0x4E00 ... 0x9FFF).contains($0.value) } }, "\(names)")
        let text = try runCommand(lightbox, ["ls", iso])
        XCTAssertEqual(text.status, 0)
        for name in oracle.names.values { XCTAssertTrue(text.stdout.contains(name), "\(name) not in\n\(text.stdout)") }
        // The ISO's names really are Level 1 with versions (genisoimage's isoinfo lists them as recorded).
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        let listing = try runCommand(isoinfo, ["-l", "-i", iso])
        XCTAssertTrue(listing.stdout.contains("DICOMDIR.;1"), listing.stdout)
        XCTAssertTrue(listing.stdout.contains("IMG00001.;1"), listing.stdout)
    }

    // MARK: Joliet, lowercase, .dcm, no DICOMDIR

    func testJolietImageWithoutDICOMDIRIsScannedByContent() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        let src = tmp.appendingPathComponent("src"), tree = tmp.appendingPathComponent("jol/images")
        try run(lightbox, ["synth", "--charset", "utf8", "--images", "3", "--size", "32", "--seed", "9", src.path])
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        var expected = Set<String>()
        for (i, f) in Oracles.files(under: src).enumerated() {
            try FileManager.default.copyItem(atPath: f, toPath: tree.appendingPathComponent("scan_\(i + 1).dcm").path)
            let d = try runCommand(dcmdump, ["-q", "+P", "0008,0018", f])
            let uid = d.stdout.split(separator: "[").dropFirst().first?.split(separator: "]").first.map(String.init) ?? ""
            expected.insert(uid)
        }
        try Data("readme\n".utf8).write(to: tmp.appendingPathComponent("jol/readme.txt"))
        try Data("plain text named like an image\n".utf8).write(to: tree.appendingPathComponent("notes.dcm"))
        let iso = tmp.appendingPathComponent("joliet.iso").path
        try run(xorriso, ["-as", "mkisofs", "-J", "-V", "JOLIET", "-o", iso, tmp.appendingPathComponent("jol").path])
        let (status, catalog) = try CatalogJSON.ls(lightbox, iso)
        XCTAssertEqual(status, 0)
        let instances = CatalogJSON.patients(catalog).flatMap { ($0["studies"] as? [[String: Any]] ?? []) }
            .flatMap { ($0["series"] as? [[String: Any]] ?? []) }.flatMap { ($0["instances"] as? [[String: Any]] ?? []) }
        XCTAssertEqual(Set(instances.map { $0["sopInstanceUID"] as? String ?? "" }), expected)
        XCTAssertEqual(Set(instances.map { $0["foundBy"] as? String ?? "" }), ["contentScan"])
        XCTAssertEqual(instances.count, 3, "notes.dcm and readme.txt are not DICOM")
        // The Joliet names, as genisoimage's isoinfo lists the Joliet tree (the primary tree has SCAN_1.DCM).
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        let joliet = try runCommand(isoinfo, ["-J", "-f", "-i", iso]).stdout.split(separator: "\n")
            .map { String($0.dropFirst()) }.filter { $0.hasSuffix(".dcm") && !$0.hasSuffix("notes.dcm") }
        XCTAssertEqual(Set(instances.map { $0["path"] as? String ?? "" }), Set(joliet))
        XCTAssertEqual(joliet.count, 3)
        XCTAssertEqual(CatalogJSON.findings(catalog).map { $0["kind"] as? String ?? "" }, ["noDICOMDIR"])
        XCTAssertEqual(CatalogJSON.findings(catalog).first?["severity"] as? String, "error")
    }

    // MARK: Broken offsets

    func testWrongOffsetsAndOffsetLoopAreRecoveredAndNamed() throws {
        let python = try Oracles.requirePython()
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let disc = tmp.appendingPathComponent("disc")
        try run(lightbox, ["synth", "--no-extension", "--patients", "2", "--series", "2", "--images", "2", "--size", "32", "--seed", "3",
                           disc.appendingPathComponent("DICOM").path])
        try Oracles.makeDICOMDIR(in: disc)
        let intact = try oracleTree(python, disc.appendingPathComponent("DICOMDIR").path)
        for (mode, kind) in [("wrong-offsets", "brokenOffset"), ("loop", "offsetLoop")] {
            let medium = tmp.appendingPathComponent(mode)
            try FileManager.default.copyItem(at: disc, to: medium)
            let edit = try runCommand(python, [Oracles.oracleScript("make_dicomdir_defects.py"), mode,
                                               disc.appendingPathComponent("DICOMDIR").path, medium.appendingPathComponent("DICOMDIR").path])
            XCTAssertEqual(edit.status, 0, edit.stderr)
            let value = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(edit.stdout.utf8)) as? [String: Any])?["value"] as? Int)
            let start = Date()
            let (status, catalog) = try CatalogJSON.ls(lightbox, medium.path)
            XCTAssertLessThan(Date().timeIntervalSince(start), 60, "bounded time")
            XCTAssertEqual(status, 0)
            // Recovered by record order: everything still comes through the DICOMDIR, as pydicom sees the intact one.
            XCTAssertEqual(tree(catalog, only: "dicomdir"), intact.tree, mode)
            let named = CatalogJSON.findings(catalog).first { $0["kind"] as? String == kind }
            XCTAssertEqual(named?["severity"] as? String, "error", mode)
            XCTAssertEqual(named?["clause"] as? String, "PS3.3 F.3.2.2", mode)
            XCTAssertTrue((named?["message"] as? String ?? "").contains("byte \(value)"), "\(mode): \(String(describing: named))")
            XCTAssertTrue(CatalogJSON.findings(catalog).contains { $0["kind"] as? String == "recoveredByOrder" }, mode)
        }
    }

    func testHundredThousandRecordDICOMDIRReadsInBoundedTime() throws {
        let python = try Oracles.requirePython()
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let medium = tmp.appendingPathComponent("big")
        try FileManager.default.createDirectory(at: medium, withIntermediateDirectories: true)
        let make = try runCommand(python, [Oracles.oracleScript("make_dicomdir_defects.py"), "big", "100000", medium.appendingPathComponent("DICOMDIR").path])
        XCTAssertEqual(make.status, 0, make.stderr)
        let start = Date()
        let r = try runCommand("/usr/bin/env", ["time", "-f", "maxrss_kb=%M", lightbox, "ls", medium.path])
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertLessThan(elapsed, 60, "bounded time (about 6 s in a debug build on 2 cores)")
        let rss = r.stderr.components(separatedBy: "maxrss_kb=").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? .max
        XCTAssertLessThan(rss, 200 * 1024, "bounded memory: \(rss) KiB")
        // Every record reached: the 99,997 image records each name a file that is absent.
        XCTAssertTrue(r.stderr.contains("0 instances; 1 finding (1 error"), r.stderr)
    }

    // MARK: Helpers

    private func run(_ tool: String, _ args: [String]) throws {
        let r = try runCommand(tool, args)
        XCTAssertEqual(r.status, 0, "\(tool) \(args.joined(separator: " ")): \(r.stderr)")
    }

    /// The catalogue as a count tree, of the instances found a given way (nil: all).
    private func tree(_ c: [String: Any], only origin: String?) -> Tree {
        var t: Tree = [:]
        for p in CatalogJSON.patients(c) {
            let id = p["id"] as? String ?? ""
            for s in p["studies"] as? [[String: Any]] ?? [] {
                for e in s["series"] as? [[String: Any]] ?? [] {
                    let n = (e["instances"] as? [[String: Any]] ?? []).filter { origin == nil || $0["foundBy"] as? String == origin }.count
                    guard n > 0 else { continue }
                    t[id, default: [:]][s["studyInstanceUID"] as? String ?? "", default: [:]][e["seriesInstanceUID"] as? String ?? "", default: 0] += n
                }
            }
        }
        return t
    }

    private func oracleTree(_ python: String, _ dicomdir: String) throws -> (tree: Tree, names: [String: String]) {
        let r = try runCommand(python, [Oracles.oracleScript("pydicom_fileset_tree.py"), dicomdir])
        guard r.status == 0, let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else {
            XCTFail("pydicom cannot read \(dicomdir): \(r.stdout) \(r.stderr)")
            return ([:], [:])
        }
        return (json["patients"] as? Tree ?? [:], json["names"] as? [String: String] ?? [:])
    }
}
