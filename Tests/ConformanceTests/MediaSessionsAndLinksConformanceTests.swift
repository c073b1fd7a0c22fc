import Foundation
import XCTest

/// ISO images with Rock Ridge names and hostile symbolic links, folders with links out of them,
/// and multisession images, read by `lightbox ls` and `lightbox import`, checked against xorriso's
/// and genisoimage's isoinfo listings of the same images.
final class MediaSessionsAndLinksConformanceTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-sessions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    // MARK: Rock Ridge names and links out of the medium

    func testRockRidgeNamesAndLinksOutOfTheMediumAreNeverFollowed() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        // A secret beside the sandbox, which the links aim at.
        let secret = tmp.appendingPathComponent("secret")
        try FileManager.default.createDirectory(at: secret, withIntermediateDirectories: true)
        let secretBytes = Data("SECRET-\(UUID().uuidString)".utf8)
        try secretBytes.write(to: secret.appendingPathComponent("key.dcm"))
        let tree = tmp.appendingPathComponent("rr/Study Images")
        try run(lightbox, ["synth", "--images", "3", "--size", "32", "--seed", "5", tmp.appendingPathComponent("src").path])
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        for (i, f) in Oracles.files(under: tmp.appendingPathComponent("src")).enumerated() {
            try FileManager.default.copyItem(atPath: f, toPath: tree.appendingPathComponent("Image \(i + 1).dcm").path)
        }
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("passwd.dcm").path, withDestinationPath: "/etc/passwd")
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("key.dcm").path, withDestinationPath: secret.appendingPathComponent("key.dcm").path)
        try FileManager.default.createSymbolicLink(atPath: tmp.appendingPathComponent("rr/escape").path, withDestinationPath: "../../../../../etc")
        let iso = tmp.appendingPathComponent("rr.iso").path
        try run(xorriso, ["-as", "mkisofs", "-R", "-J", "-V", "RR", "-o", iso, tmp.appendingPathComponent("rr").path])
        // isoinfo sees the three links in the Rock Ridge tree.
        let rr = try runCommand(isoinfo, ["-R", "-l", "-i", iso]).stdout
        XCTAssertEqual(rr.split(separator: "\n").filter { $0.hasPrefix("l") && $0.contains(" -> ") }.count, 3, rr)

        let (status, catalog) = try CatalogJSON.ls(lightbox, iso)
        XCTAssertEqual(status, 0)
        // Rock Ridge names (with spaces and lowercase), as isoinfo -R lists the files.
        let paths = Set(CatalogJSON.instances(catalog).map { $0["path"] as? String ?? "" })
        XCTAssertEqual(paths, Set((1...3).map { "Study Images/Image \($0).dcm" }))
        for n in 1...3 { XCTAssertTrue(rr.contains("Image \(n).dcm"), rr) }
        let links = CatalogJSON.findings(catalog).first { $0["kind"] as? String == "linkOutsideMedium" }
        XCTAssertEqual(Set(links?["files"] as? [String] ?? []),
                       ["Study Images/passwd.dcm -> /etc/passwd", "Study Images/key.dcm -> \(secret.path)/key.dcm", "escape -> ../../../../../etc"])

        // Import: the links are not followed and nothing outside DEST is written.
        let sandbox = tmp.appendingPathComponent("sandbox"), dest = sandbox.appendingPathComponent("DEST")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
        let imported = try runCommand(lightbox, ["import", iso, dest.path, "--no-previews"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.path), ["DEST"])
        let copied = Oracles.files(under: dest).filter { !$0.hasSuffix(".json") && !$0.hasSuffix(".html") && !$0.hasSuffix(".txt") }
        XCTAssertEqual(copied.count, 3, copied.joined(separator: "\n"))
        let passwd = try Data(contentsOf: URL(fileURLWithPath: "/etc/passwd"))
        for f in Oracles.files(under: dest) {
            let d = try Data(contentsOf: URL(fileURLWithPath: f))
            XCTAssertNil(d.range(of: secretBytes), f)
            XCTAssertNil(d.range(of: passwd.prefix(64)), f)
        }
    }

    // MARK: A folder medium with links out of it

    func testFolderLinksOutOfTheMediumAreNotReadEvenWhenTheDICOMDIRNamesThem() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let dcmmkdir = try Oracles.require("dcmmkdir", package: "dcmtk")
        let medium = tmp.appendingPathComponent("usb"), outside = tmp.appendingPathComponent("outside")
        try run(lightbox, ["synth", "--no-extension", "--images", "2", "--size", "32", "--seed", "8", medium.appendingPathComponent("DICOM").path])
        try run(dcmmkdir, ["+id", medium.path, "--recurse", "+I", "-Pgp", "+D", medium.appendingPathComponent("DICOMDIR").path, "DICOM"])
        // Move one referenced file out and leave a link to it; add a link to /etc.
        let referenced = Oracles.files(under: medium.appendingPathComponent("DICOM")).sorted()
        XCTAssertEqual(referenced.count, 2)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let moved = outside.appendingPathComponent("moved")
        try FileManager.default.moveItem(atPath: referenced[0], toPath: moved.path)
        try FileManager.default.createSymbolicLink(atPath: referenced[0], withDestinationPath: moved.path)
        try FileManager.default.createSymbolicLink(atPath: medium.appendingPathComponent("ETC").path, withDestinationPath: "/etc")
        let (status, catalog) = try CatalogJSON.ls(lightbox, medium.path)
        XCTAssertEqual(status, 0)
        XCTAssertEqual(CatalogJSON.instances(catalog).count, 1)
        let kinds = Set(CatalogJSON.findings(catalog).map { $0["kind"] as? String ?? "" })
        XCTAssertTrue(kinds.isSuperset(of: ["linkOutsideMedium", "missingFile"]), "\(kinds)")
        let linked = String(referenced[0].dropFirst(medium.path.count + 1))
        XCTAssertTrue((CatalogJSON.findings(catalog).first { $0["kind"] as? String == "linkOutsideMedium" }?["files"] as? [String] ?? [])
                        .contains("\(linked) -> \(moved.path)"))
        // dcmdump reads the moved file fine: the link, not the file, is what was refused.
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        XCTAssertEqual(try runCommand(dcmdump, ["-q", moved.path]).status, 0)
    }

    // MARK: Multisession

    func testGrownMultisessionImageShowsTheLastSessionAsXorrisoDoes() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let one = tmp.appendingPathComponent("one"), two = tmp.appendingPathComponent("two")
        try run(lightbox, ["synth", "--no-extension", "--images", "3", "--size", "32", "--seed", "11", one.appendingPathComponent("DICOM/S1").path])
        try run(lightbox, ["synth", "--no-extension", "--images", "2", "--size", "32", "--seed", "12", two.appendingPathComponent("DICOM/S2").path])
        let iso = tmp.appendingPathComponent("grown.iso").path
        try run(xorriso, ["-report_about", "FAILURE", "-outdev", iso, "-map", one.path, "/", "-commit"])
        let first = Oracles.files(under: one).sorted()
        let removed = "/" + first[0].dropFirst(one.path.count + 1)
        try run(xorriso, ["-report_about", "FAILURE", "-dev", iso, "-map", two.path, "/", "-rm", removed, "--", "-commit"])
        let toc = try runCommand(xorriso, ["-indev", iso, "-toc"]).stdout + (try runCommand(xorriso, ["-indev", iso, "-toc"]).stderr)
        XCTAssertTrue(toc.contains("2 sessions"), toc)
        // xorriso's own listing of the last session's files.
        let found = try runCommand(xorriso, ["-indev", iso, "-find", "/", "-type", "f"])
        let expected = Set((found.stdout + "\n" + found.stderr).split(separator: "\n").filter { $0.hasPrefix("'/") }
            .map { String($0.dropFirst(2).dropLast()) })
        XCTAssertEqual(expected.count, 4, found.stdout + found.stderr)
        XCTAssertFalse(expected.contains(String(removed.dropFirst())))
        let (status, catalog) = try CatalogJSON.ls(lightbox, iso)
        XCTAssertEqual(status, 0)
        XCTAssertEqual(Set(CatalogJSON.instances(catalog).map { $0["path"] as? String ?? "" }), expected)
        XCTAssertFalse(CatalogJSON.findings(catalog).contains { $0["kind"] as? String == "unreadSession" })
    }

    func testBlockCopyOfAMultisessionDiscNamesTheSessionItCannotRead() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let genisoimage = try Oracles.require("genisoimage", package: "genisoimage")
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        let one = tmp.appendingPathComponent("one"), two = tmp.appendingPathComponent("two")
        try run(lightbox, ["synth", "--no-extension", "--images", "2", "--size", "32", "--seed", "21", one.appendingPathComponent("DICOM/S1").path])
        try run(lightbox, ["synth", "--no-extension", "--images", "2", "--size", "32", "--seed", "22", two.appendingPathComponent("DICOM/S2").path])
        // Session 1, then session 2 written at block M as genisoimage -C/-M does for a CD-R, then
        // the disc as `dd` would copy it: session 1, the gap, session 2.
        let s1 = tmp.appendingPathComponent("s1.iso").path, s2 = tmp.appendingPathComponent("s2.iso").path
        try run(genisoimage, ["-quiet", "-R", "-o", s1, one.path])
        let n = (try FileManager.default.attributesOfItem(atPath: s1)[.size] as? Int ?? 0) / 2048
        let m = n + 150
        let padded = tmp.appendingPathComponent("disc.iso").path
        try FileManager.default.copyItem(atPath: s1, toPath: padded)
        XCTAssertEqual(truncate(padded, off_t(m * 2048)), 0)
        try run(genisoimage, ["-quiet", "-R", "-C", "0,\(m)", "-M", padded, "-o", s2, two.path])
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: padded))
        out.seekToEndOfFile()
        out.write(try Data(contentsOf: URL(fileURLWithPath: s2)))
        try out.close()
        // genisoimage's isoinfo finds session 2 at block M and both sessions' files in it.
        let second = try runCommand(isoinfo, ["-R", "-f", "-T", "\(m)", "-i", padded]).stdout
        XCTAssertEqual(second.split(separator: "\n").filter { $0.hasPrefix("/DICOM/S") && $0.contains("/IMG") }.count, 4, second)
        let (status, catalog) = try CatalogJSON.ls(lightbox, padded)
        XCTAssertEqual(status, 0)
        XCTAssertEqual(CatalogJSON.instances(catalog).count, 2, "libcdio reads the first session")
        let session = CatalogJSON.findings(catalog).first { $0["kind"] as? String == "unreadSession" }
        XCTAssertEqual(session?["severity"] as? String, "warning")
        XCTAssertTrue((session?["message"] as? String ?? "").contains("block \(m)"), "\(session ?? [:])")
        let check = try runCommand(lightbox, ["check", padded, "--json"])
        XCTAssertTrue(check.stdout.contains("unreadSession") || check.stdout.contains("later session"), check.stdout)
    }

    // MARK: Helpers

    private func run(_ tool: String, _ args: [String]) throws {
        let r = try runCommand(tool, args)
        XCTAssertEqual(r.status, 0, "\(tool) \(args.joined(separator: " ")): \(r.stderr)")
    }

}
