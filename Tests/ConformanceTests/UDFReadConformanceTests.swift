import Foundation
import XCTest

/// `lightbox ls`, `import` and `check` on UDF images (PS3.12 Annex P: UDF 1.02–2.01 on DVD) read
/// through libudf, against outside references: genisoimage `-udf` writes the images from trees the
/// test authored, DCMTK's dcmmkdir the DICOMDIR and dcmdump the data sets, udftools' udfinfo reads
/// the UDF volume (label, file and folder counts) and mkudffs formats UDF 1.02/2.01/2.50 volumes.
final class UDFReadConformanceTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-udfread-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    // MARK: genisoimage -udf with a DICOMDIR

    func testGenisoimageUDFImageWithDICOMDIRImportsCompletely() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let genisoimage = try Oracles.require("genisoimage", package: "genisoimage")
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        let udfinfo = try Oracles.require("udfinfo", package: "udftools")
        let disc = tmp.appendingPathComponent("disc")
        try run(lightbox, ["synth", "--no-extension", "--patients", "2", "--series", "2", "--images", "2", "--size", "32", "--seed", "5",
                           disc.appendingPathComponent("DICOM").path])
        try Oracles.makeDICOMDIR(in: disc)
        let sources = try dumps(dcmdump, Oracles.files(under: disc.appendingPathComponent("DICOM")))
        XCTAssertEqual(sources.count, 8)
        let iso = tmp.appendingPathComponent("udf.iso").path
        try run(genisoimage, ["-quiet", "-udf", "-iso-level", "1", "-V", "VOL", "-o", iso, disc.path])

        // udfinfo sees the UDF volume the test wrote: its label and 9 files (8 images, DICOMDIR) in
        // 10 folders (root, DICOM, 2 patients, 2 studies, 4 series).
        let info = try udfInfo(udfinfo, iso)
        XCTAssertEqual(info["vid"], "VOL")
        XCTAssertEqual(info["udfrev"], "1.02")
        XCTAssertEqual(info["numfiles"], "9")
        XCTAssertEqual(info["numdirs"], "10")

        let (status, catalog) = try ls(lightbox, iso)
        XCTAssertEqual(status, 0)
        XCTAssertEqual(catalog["volumeID"] as? String, "VOL")
        XCTAssertEqual(catalog["dicomdir"] as? String, "DICOMDIR")
        let listed = instances(catalog)
        XCTAssertEqual(Set(listed.map { $0["sopInstanceUID"] as? String ?? "" }), Set(sources.keys))
        XCTAssertEqual(listed.count, sources.count)
        XCTAssertEqual(Set(listed.map { $0["foundBy"] as? String ?? "" }), ["dicomdir"])
        // The paths are the names the tree was written with (the authored tree, not Lightbox, is the reference).
        let authored = Set(Oracles.files(under: disc).map { relative($0, to: disc) })
        XCTAssertEqual(Set(listed.map { $0["path"] as? String ?? "" }).union(["DICOMDIR"]), authored)
        XCTAssertEqual(authored.count, Int(info["numfiles"] ?? ""), "lightbox lists as many files as udfinfo counts")
        XCTAssertEqual(findings(catalog).count, 0, "\(findings(catalog))")

        // Import: every data set as dcmdump reads it from the source files.
        let dest = tmp.appendingPathComponent("dest")
        let imp = try runCommand(lightbox, ["import", iso, dest.path])
        XCTAssertEqual(imp.status, 0, imp.stderr)
        try assertImported(dcmdump, dest, equal: sources)

        // check: clean apart from the missing README.TXT (IHE PDI, a warning); no ISO 9660 or
        // PS3.12 finding about the UDF volume or its Level 1 bridge.
        let c = try runCommand(lightbox, ["check", iso, "--json"])
        XCTAssertEqual(c.status, 0, c.stdout + c.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(findings(report).map { $0["kind"] as? String ?? "" }, ["noReadme"])
        XCTAssertEqual(findings(report).first?["severity"] as? String, "warning")
        XCTAssertEqual(report["instances"] as? Int, 8)
        XCTAssertEqual(report["readable"] as? Int, 8)
    }

    // MARK: genisoimage -udf, lowercase long names, no DICOMDIR

    func testUDFNamesAreReadAsWrittenAndCheckNamesTheProblems() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let genisoimage = try Oracles.require("genisoimage", package: "genisoimage")
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        let udfinfo = try Oracles.require("udfinfo", package: "udftools")
        let src = tmp.appendingPathComponent("src"), root = tmp.appendingPathComponent("tree")
        let images = root.appendingPathComponent("images/ct scans"), large = root.appendingPathComponent("影像/头颅")
        try run(lightbox, ["synth", "--patients", "1", "--series", "2", "--images", "2", "--size", "32", "--seed", "11", src.path])
        let bigSource = tmp.appendingPathComponent("big")
        try run(lightbox, ["synth", "--patients", "1", "--images", "1", "--size", "1024", "--seed", "12", bigSource.path])
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: large, withIntermediateDirectories: true)
        var written: [String] = []
        for (i, f) in Oracles.files(under: src).enumerated() {
            let name = "scan image \(i + 1).dcm"
            try FileManager.default.copyItem(atPath: f, toPath: images.appendingPathComponent(name).path)
            written.append("images/ct scans/\(name)")
        }
        // A 2 MB image (read in several chunks) under a Chinese name (UDF CS0 16-bit, UDF 2.01 §2.1.1).
        let big = try XCTUnwrap(Oracles.files(under: bigSource).first)
        try FileManager.default.copyItem(atPath: big, toPath: large.appendingPathComponent("平扫 1.dcm").path)
        written.append("影像/头颅/平扫 1.dcm")
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: big)[.size] as? Int ?? 0, 2 << 20 - 1)
        try Data("readme\n".utf8).write(to: root.appendingPathComponent("readme.txt"))
        try Data("plain text named like an image\n".utf8).write(to: images.appendingPathComponent("notes.dcm"))
        let sources = try dumps(dcmdump, written.map { root.appendingPathComponent($0).path })
        XCTAssertEqual(sources.count, 5)
        let iso = tmp.appendingPathComponent("lower.iso").path
        try run(genisoimage, ["-quiet", "-udf", "-input-charset", "utf-8", "-V", "LOWER", "-o", iso, root.path])

        let info = try udfInfo(udfinfo, iso)
        XCTAssertEqual(info["vid"], "LOWER")
        XCTAssertEqual(info["numfiles"], "7", "5 images, notes.dcm, readme.txt")
        // The ISO 9660 bridge holds shortened names (isoinfo lists them); the UDF tree the written ones.
        let bridge = try runCommand(isoinfo, ["-f", "-i", iso])
        XCTAssertFalse(bridge.stdout.contains("scan image 1.dcm"), bridge.stdout)
        XCTAssertFalse(bridge.stdout.contains("平扫"), bridge.stdout)

        let (status, catalog) = try ls(lightbox, iso)
        XCTAssertEqual(status, 0)
        XCTAssertEqual(catalog["volumeID"] as? String, "LOWER")
        let listed = instances(catalog)
        XCTAssertEqual(Set(listed.map { $0["path"] as? String ?? "" }), Set(written), "names as written, notes.dcm is not DICOM")
        XCTAssertEqual(Set(listed.map { $0["sopInstanceUID"] as? String ?? "" }), Set(sources.keys))
        XCTAssertEqual(Set(listed.map { $0["foundBy"] as? String ?? "" }), ["contentScan"])

        let dest = tmp.appendingPathComponent("dest")
        let imp = try runCommand(lightbox, ["import", iso, dest.path])
        XCTAssertEqual(imp.status, 0, imp.stderr)
        try assertImported(dcmdump, dest, equal: sources)

        // check: no DICOMDIR (PS3.10 8.6) and File IDs that are not PS3.10 names (8.2): errors, exit 1.
        let c = try runCommand(lightbox, ["check", iso, "--json"])
        XCTAssertEqual(c.status, 1, c.stdout + c.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [String: Any])
        let errors = findings(report).filter { $0["severity"] as? String == "error" }
        XCTAssertEqual(Set(errors.map { $0["kind"] as? String ?? "" }), ["noDICOMDIR", "fileIDCharacters"], "\(errors)")
        XCTAssertEqual(errors.first { $0["kind"] as? String == "noDICOMDIR" }?["clause"] as? String, "PS3.10 8.6")
        let named = errors.first { $0["kind"] as? String == "fileIDCharacters" }
        XCTAssertEqual(named?["clause"] as? String, "PS3.10 8.2")
        XCTAssertEqual(Set(named?["files"] as? [String] ?? []), Set(written))
        XCTAssertFalse(findings(report).contains { ($0["clause"] as? String ?? "").hasPrefix("PS3.12") }, "\(findings(report))")
    }

    // MARK: mkudffs + udfclient: File Entries (1.02) and Extended File Entries (2.01)

    /// libudf 2.1 walks UDF 1.02 trees itself; trees recorded as Extended File Entries (mkudffs'
    /// default from UDF 2.00) are walked from the decoded descriptors. Both read completely.
    func testUDFClientWrittenVolumesWithFileEntriesAndExtendedFileEntries() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let mkudffs = try Oracles.require("mkudffs", package: "udftools")
        let udfinfo = try Oracles.require("udfinfo", package: "udftools")
        let udfclient = try Oracles.require("udfclient", package: "udfclient")
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        let disc = tmp.appendingPathComponent("disc")
        try run(lightbox, ["synth", "--no-extension", "--patients", "2", "--series", "2", "--images", "2", "--size", "32", "--seed", "21",
                           disc.appendingPathComponent("DICOM").path])
        try Oracles.makeDICOMDIR(in: disc)
        try Data("Made by UDFReadConformanceTests\r\n".utf8).write(to: disc.appendingPathComponent("README.TXT"))
        let sources = try dumps(dcmdump, Oracles.files(under: disc.appendingPathComponent("DICOM")))
        let authored = Set(Oracles.files(under: disc).map { relative($0, to: disc) })
        // A file written and then removed leaves a deleted entry behind (ECMA-167 4/14.4.3).
        let scratch = tmp.appendingPathComponent("SCRATCH.BIN")
        try Data(repeating: 0x5A, count: 100_000).write(to: scratch)

        for (revision, extended) in [("1.02", false), ("2.01", true)] {
            let img = try image(mkudffs, revision, ["--media-type=hd", "--blocksize=2048"], megabytes: 300)
            let volume = try udfclientVolume(udfclient, img)
            let write = try udfclientRun(udfclient, img, ["cd \(volume)", "lcd \(tmp.path)", "put SCRATCH.BIN", "lcd \(disc.path)",
                                                          "put DICOM", "put DICOMDIR", "put README.TXT", "rm SCRATCH.BIN"])
            XCTAssertFalse(write.contains("No space left"), write)
            let info = try udfInfo(udfinfo, img)
            XCTAssertEqual(info["udfrev"], revision)
            XCTAssertEqual(info["numfiles"], "\(authored.count)", "\(revision): udfinfo counts what was written")
            let raw = try Data(contentsOf: URL(fileURLWithPath: img))
            let efeTag = Data([0x0A, 0x01])  // tag 266 at a block start
            let hasEFE = stride(from: 0, to: min(raw.count, 4 << 20), by: 2048).contains { raw[$0 ..< $0 + 2] == efeTag }
            XCTAssertEqual(hasEFE, extended, "\(revision): Extended File Entries as expected")

            let (status, catalog) = try ls(lightbox, img)
            XCTAssertEqual(status, 0, revision)
            XCTAssertEqual(catalog["volumeID"] as? String, info["vid"], revision)
            let listed = instances(catalog)
            XCTAssertEqual(Set(listed.map { $0["sopInstanceUID"] as? String ?? "" }), Set(sources.keys), revision)
            XCTAssertEqual(Set(listed.map { $0["path"] as? String ?? "" }).union(["DICOMDIR", "README.TXT"]), authored, revision)
            XCTAssertEqual(Set(listed.map { $0["foundBy"] as? String ?? "" }), ["dicomdir"], revision)

            let dest = tmp.appendingPathComponent("dest-\(revision)")
            let imp = try runCommand(lightbox, ["import", img, dest.path])
            XCTAssertEqual(imp.status, 0, imp.stderr)
            try assertImported(dcmdump, dest, equal: sources)

            let c = try runCommand(lightbox, ["check", img, "--json"])
            XCTAssertEqual(c.status, 0, c.stdout + c.stderr)
            let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(findings(report).filter { $0["severity"] as? String == "error" }.count, 0, "\(revision): \(findings(report))")
            XCTAssertEqual(report["readable"] as? Int, sources.count)
            XCTAssertTrue((report["profile"] as? String ?? "").hasPrefix("STD-GEN-DVD"), "a UDF-only volume is inferred to be a DVD: \(report["profile"] ?? "")")
            // A CD profile requires ISO 9660 (PS3.12 Annex F): this volume has none (udfinfo saw UDF only).
            let cd = try runCommand(lightbox, ["check", img, "--json", "--profile", "STD-GEN-CD"])
            XCTAssertEqual(cd.status, 1, cd.stdout + cd.stderr)
            let cdReport = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(cd.stdout.utf8)) as? [String: Any])
            let udfOnly = findings(cdReport).first { $0["kind"] as? String == "udfWithoutISO9660" }
            XCTAssertEqual(udfOnly?["clause"] as? String, "PS3.12 Annex F", "\(findings(cdReport))")
        }
    }

    // MARK: UDF revisions from mkudffs

    func testUDFRevisionsLibudfReadsAndTheOnesItRefuses() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let mkudffs = try Oracles.require("mkudffs", package: "udftools")
        let udfinfo = try Oracles.require("udfinfo", package: "udftools")
        // UDF 1.02 and 2.01 with plain File Entries: an empty volume, read (label as udfinfo reads it).
        for rev in ["1.02", "2.01"] {
            let img = try image(mkudffs, rev, ["--media-type=hd", "--blocksize=2048", "--noefe"])
            let info = try udfInfo(udfinfo, img)
            XCTAssertEqual(info["udfrev"], rev)
            let (status, catalog) = try ls(lightbox, img)
            XCTAssertEqual(status, 0, rev)
            XCTAssertEqual(catalog["volumeID"] as? String, info["vid"], rev)
            XCTAssertEqual(instances(catalog).count, 0, rev)
            XCTAssertEqual(findings(catalog).map { $0["kind"] as? String ?? "" }, ["noDICOMDIR"], rev)
        }
        // UDF 2.50 as mkudffs formats a blank BD-R: an open volume whose tree is in a Virtual
        // Allocation Table (UDF 2.60 §2.2.11; udfinfo itself reports the VAT missing). Refused with
        // a sentence naming the partition, exit 2. (Closed 2.50/2.60 volumes with a Metadata
        // Partition are read: UDFWriteConformanceTests.)
        let bd = try image(mkudffs, "2.50", ["--media-type=bdr"])
        XCTAssertEqual(try udfInfo(udfinfo, bd)["udfrev"], "2.50")
        for command in ["ls", "check"] {
            let r = try runCommand(lightbox, [command, bd])
            XCTAssertEqual(r.status, 2, "\(command): \(r.stdout)\(r.stderr)")
            XCTAssertTrue(r.stderr.contains("UDF Virtual Partition"), r.stderr)
        }
    }

    // MARK: Helpers

    private func run(_ tool: String, _ args: [String]) throws {
        let r = try runCommand(tool, args)
        guard r.status == 0 else { throw TestFailure.oracleFailed("\(tool) \(args.joined(separator: " ")): \(r.stderr)") }
    }

    /// A sparse image of `megabytes` formatted by mkudffs at `revision`.
    private func image(_ mkudffs: String, _ revision: String, _ options: [String], megabytes: UInt64 = 40) throws -> String {
        let path = tmp.appendingPathComponent("udf-\(revision).img").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: megabytes << 20)
        try handle.close()
        try run(mkudffs, options + ["--udfrev=\(revision)", "--label=REV\(revision.replacingOccurrences(of: ".", with: ""))", path])
        return path
    }

    /// udfclient's output for `commands` run on the image (writing enabled).
    private func udfclientRun(_ udfclient: String, _ img: String, _ commands: [String]) throws -> String {
        let script = tmp.appendingPathComponent("udfclient-\(UUID().uuidString).txt")
        try Data((commands + ["quit"]).joined(separator: "\n").appending("\n").utf8).write(to: script)
        let r = try runCommand("/bin/sh", ["-c", "\"$0\" -W -b 2048 \"$1\" < \"$2\"", udfclient, img, script.path])
        guard r.status == 0 else { throw TestFailure.oracleFailed("udfclient \(img): \(r.stdout)\(r.stderr)") }
        return r.stdout + r.stderr
    }

    /// The logical volume folder udfclient shows at its top level (it lists volumes there).
    private func udfclientVolume(_ udfclient: String, _ img: String) throws -> String {
        let out = try udfclientRun(udfclient, img, ["ls"]).split(separator: "\n").map(String.init)
        guard let i = out.firstIndex(of: "Directory listing of /"), i + 1 < out.count,
              let name = out[i + 1].split(separator: " ").last else {
            throw TestFailure.oracleFailed("udfclient lists no volume in \(img)")
        }
        return String(name)
    }

    /// udfinfo's key=value lines.
    private func udfInfo(_ udfinfo: String, _ path: String) throws -> [String: String] {
        let r = try runCommand(udfinfo, [path])
        guard r.status == 0 else { throw TestFailure.oracleFailed("udfinfo \(path): \(r.stderr)") }
        var out: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2, out[String(parts[0])] == nil { out[String(parts[0])] = String(parts[1]) }
        }
        return out
    }

    /// dcmdump's full dump of each file and the file, by the SOP Instance UID dcmdump reads.
    private func dumps(_ dcmdump: String, _ files: [String]) throws -> [String: (dump: String, path: String)] {
        var out: [String: (dump: String, path: String)] = [:]
        for f in files {
            let uid = try runCommand(dcmdump, ["-q", "+P", "0008,0018", f])
            let dump = try runCommand(dcmdump, ["-q", "+L", f])
            guard uid.status == 0, dump.status == 0,
                  let value = uid.stdout.split(separator: "[").dropFirst().first?.split(separator: "]").first else {
                throw TestFailure.oracleFailed("dcmdump \(f): \(uid.stderr)\(dump.stderr)")
            }
            out[String(value)] = (dump.stdout, f)
        }
        return out
    }

    /// The `.dcm` files under DEST are the source data sets, one each, as dcmdump reads them, and
    /// byte for byte the source files (dcmdump does not print large pixel data in full).
    private func assertImported(_ dcmdump: String, _ dest: URL, equal sources: [String: (dump: String, path: String)],
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let imported = Oracles.files(under: dest).filter { $0.hasSuffix(".dcm") }
        XCTAssertEqual(imported.count, sources.count, "\(imported)", file: file, line: line)
        let got = try dumps(dcmdump, imported)
        XCTAssertEqual(Set(got.keys), Set(sources.keys), file: file, line: line)
        for (uid, imported) in got {
            XCTAssertEqual(imported.dump, sources[uid]?.dump, "data set of \(uid)", file: file, line: line)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: imported.path))
            XCTAssertEqual(bytes, try sources[uid].map { try Data(contentsOf: URL(fileURLWithPath: $0.path)) }, "bytes of \(uid)", file: file, line: line)
        }
    }

    private func ls(_ lightbox: String, _ source: String) throws -> (Int32, [String: Any]) {
        let r = try runCommand(lightbox, ["ls", source, "--json"])
        let json = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any] ?? [:]
        if json.isEmpty { XCTFail("ls --json \(source): \(r.stderr)") }
        return (r.status, json)
    }

    private func instances(_ c: [String: Any]) -> [[String: Any]] {
        (c["patients"] as? [[String: Any]] ?? []).flatMap { ($0["studies"] as? [[String: Any]] ?? []) }
            .flatMap { ($0["series"] as? [[String: Any]] ?? []) }.flatMap { ($0["instances"] as? [[String: Any]] ?? []) }
    }

    private func findings(_ c: [String: Any]) -> [[String: Any]] { c["findings"] as? [[String: Any]] ?? [] }

    private func relative(_ path: String, to root: URL) -> String {
        let base = root.resolvingSymlinksInPath().path + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}
