import Foundation
import Media
import XCTest

/// Issue 5, ISO output: images from `ISOImageWriter` read by other implementations. PS3.12
/// Annex F (CD-R): ISO 9660 Level 1, no Rock Ridge (and no Joliet on CD), File-set ID as Volume
/// Identifier, files `/COMP/…/NAME.;1`. Oracles: `isoinfo` (genisoimage) for recorded names and
/// volume descriptors, `xorriso` (libisofs' own reader) for the tree, libcdio's `iso-info` and
/// `iso-read` for sizes and content (facts.md: libcdio needs the `;1` names).
final class ISOConformanceTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-iso-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    /// A staged file set with a PDI layout; contents are distinct per file.
    func stage() throws -> (root: URL, files: [String: Data]) {
        let root = tmp.appendingPathComponent("STAGE")
        var files: [String: Data] = [
            "DICOMDIR": Data("DICOMDIR stand-in".utf8),
            "README.TXT": Data("Patient disc\r\n".utf8),
            "INDEX.HTM": Data("<html/>".utf8),
            "IHE_PDI/STU00001.HTM": Data("<p/>".utf8),
        ]
        for s in 1...2 {
            for i in 1...3 {
                let bytes = (0..<(5000 * i + s)).map { UInt8(truncatingIfNeeded: $0 &* (i + s)) }
                files[String(format: "DICOM/PAT00001/STU00001/SER%05d/IMG%05d", s, i)] = Data(bytes)
            }
        }
        for (p, d) in files {
            let url = root.appendingPathComponent(p)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try d.write(to: url)
        }
        return (root, files)
    }

    /// Recorded name of a staged path as Level 1 requires it: `NAME.;1`, `NAME.EXT;1`.
    static func recorded(_ path: String) -> String { path.contains(".") ? path + ";1" : path + ".;1" }

    /// `isoinfo -l` listing: full recorded paths of files and of directories ("." and ".." left out).
    static func isoinfoListing(_ output: String) -> (files: Set<String>, directories: Set<String>) {
        var files = Set<String>(), dirs = Set<String>()
        var current = ""
        for line in output.split(separator: "\n") {
            if line.hasPrefix("Directory listing of ") {
                current = String(line.dropFirst("Directory listing of ".count)).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let close = line.firstIndex(of: "]") else { continue }
            let name = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
            guard name != "." && name != ".." && !name.isEmpty else { continue }
            let full = current + name
            if line.hasPrefix("d") { dirs.insert(String(full.dropFirst())) } else { files.insert(String(full.dropFirst())) }
        }
        return (files, dirs)
    }

    func testCDImageLevel1NamesVolumeIDAndContentInEveryOracle() throws {
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let isoInfo = try Oracles.require("iso-info", package: "libcdio-utils")
        let isoRead = try Oracles.require("iso-read", package: "libcdio-utils")
        let (root, files) = try stage()
        let image = tmp.appendingPathComponent("disc.iso").path
        try ISOImageWriter(options: ISOImageOptions(volumeID: "LIGHTBOX_CONF")).write(folder: root.path, to: image)

        // Volume descriptors: Volume id is the File-set ID; neither Joliet nor Rock Ridge.
        let d = try runCommand(isoinfo, ["-d", "-i", image])
        XCTAssertEqual(d.status, 0, d.stderr)
        XCTAssertTrue(d.stdout.contains("Volume id: LIGHTBOX_CONF\n"), d.stdout)
        XCTAssertTrue(d.stdout.contains("NO Joliet present"), d.stdout)
        XCTAssertTrue(d.stdout.contains("NO Rock Ridge present"), d.stdout)

        // Recorded names: exactly the staged ones, each Level 1 with version ;1.
        let l = try runCommand(isoinfo, ["-l", "-i", image])
        XCTAssertEqual(l.status, 0, l.stderr)
        let listing = Self.isoinfoListing(l.stdout)
        XCTAssertEqual(listing.files, Set(files.keys.map(Self.recorded)))
        XCTAssertEqual(listing.directories, ["DICOM", "DICOM/PAT00001", "DICOM/PAT00001/STU00001", "DICOM/PAT00001/STU00001/SER00001",
                                             "DICOM/PAT00001/STU00001/SER00002", "IHE_PDI"])
        let fileName = try NSRegularExpression(pattern: "^[A-Z0-9_]{1,8}\\.[A-Z0-9_]{0,3};1$")
        let dirName = try NSRegularExpression(pattern: "^[A-Z0-9_]{1,8}$")
        for f in listing.files {
            let last = String(f.split(separator: "/").last!)
            XCTAssertNotNil(fileName.firstMatch(in: last, range: NSRange(last.startIndex..., in: last)), "not Level 1: \(f)")
        }
        for dir in listing.directories {
            let last = String(dir.split(separator: "/").last!)
            XCTAssertNotNil(dirName.firstMatch(in: last, range: NSRange(last.startIndex..., in: last)), "not Level 1: \(dir)")
        }

        // xorriso (libisofs reading) sees the same tree and volume id.
        let x = try runCommand(xorriso, ["-indev", image, "-find", "/", "-type", "f"])
        XCTAssertEqual(x.status, 0, x.stderr)
        let xFiles = Set(x.stdout.split(separator: "\n").map { String($0.trimmingCharacters(in: CharacterSet(charactersIn: "'")).dropFirst()) })
        XCTAssertEqual(xFiles, Set(files.keys))
        XCTAssertTrue(x.stderr.contains("Volume id    : 'LIGHTBOX_CONF'"), x.stderr)

        // libcdio's tools: sizes from iso-info (it lowercases translated names), bytes from iso-read.
        let i = try runCommand(isoInfo, ["--no-header", "-f", "-i", image])
        XCTAssertEqual(i.status, 0, i.stderr)
        XCTAssertTrue(i.stdout.contains("Volume      : LIGHTBOX_CONF"), i.stdout)
        var sizes: [String: Int] = [:]
        for line in i.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count == 2, let n = Int(parts[0]), parts[1].hasPrefix("/") { sizes[String(parts[1].dropFirst())] = n }
        }
        for (p, data) in files {
            XCTAssertEqual(sizes[p.lowercased()], data.count, p)
            let out = tmp.appendingPathComponent("read.out").path
            let r = try runCommand(isoRead, ["-i", image, "-e", "/" + Self.recorded(p), "-o", out])
            XCTAssertEqual(r.status, 0, "\(p): \(r.stderr)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), data, p)
        }

        // Lightbox's own reader agrees with isoinfo on every recorded name.
        let volume = try ISOVolume(imagePath: image)
        XCTAssertEqual(Set(try volume.files().map { ($0.components.dropLast() + [$0.recordedName]).joined(separator: "/") }), listing.files)
        XCTAssertTrue(volume.isLevel1)
    }

    func testDVDImageWithJolietKeepsLevel1PrimaryTree() throws {
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        let (root, files) = try stage()
        let image = tmp.appendingPathComponent("dvd.iso").path
        try ISOImageWriter(options: ISOImageOptions(volumeID: "LIGHTBOX_DVD", joliet: true)).write(folder: root.path, to: image)
        let d = try runCommand(isoinfo, ["-d", "-i", image])
        XCTAssertTrue(d.stdout.contains("Joliet with UCS level 3 found"), d.stdout)
        XCTAssertTrue(d.stdout.contains("NO Rock Ridge present"), d.stdout)
        XCTAssertTrue(d.stdout.contains("Volume id: LIGHTBOX_DVD\n"), d.stdout)
        // Primary tree (isoinfo without -J) still Level 1; the Joliet tree (-J) holds the same files
        // (libisofs gives Joliet names a version number too).
        XCTAssertEqual(Self.isoinfoListing(try runCommand(isoinfo, ["-l", "-i", image]).stdout).files, Set(files.keys.map(Self.recorded)))
        let joliet = Self.isoinfoListing(try runCommand(isoinfo, ["-J", "-l", "-i", image]).stdout).files
        XCTAssertEqual(Set(joliet.map { ISO9660Names.translate($0) }), Set(files.keys))
    }
}
