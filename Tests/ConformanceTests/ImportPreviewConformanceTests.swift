import Foundation
import XCTest

/// `lightbox import`'s browsing pages and `--send`, checked with outside tools: pydicom counts
/// the series and reads the names in each study folder, libjpeg-turbo's `djpeg` decodes every
/// preview, and Orthanc (a real PACS) reports through its REST API what it received.
final class ImportPreviewConformanceTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-importpreview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    /// pydicom's view of each study folder (a folder holding index.html, below the root): the
    /// Series Instance UIDs, SOP Instance UIDs and Study Instance UID of its files and the
    /// ideographic group of the patient's name.
    static let studiesScript = """
    import json, os, sys
    import pydicom
    root = sys.argv[1]
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            if not f.endswith('.dcm'):
                continue
            rel = os.path.relpath(os.path.join(d, f), root).split(os.sep)
            study = '/'.join(rel[:2])
            ds = pydicom.dcmread(os.path.join(d, f), stop_before_pixels=True)
            s = out.setdefault(study, {'series': [], 'sops': [], 'study': str(ds.StudyInstanceUID),
                                       'ideographic': str(ds.PatientName.ideographic)})
            if str(ds.SeriesInstanceUID) not in s['series']:
                s['series'].append(str(ds.SeriesInstanceUID))
            s['sops'].append(str(ds.SOPInstanceUID))
    print(json.dumps(out, ensure_ascii=False))
    """

    struct Study: Decodable { var series: [String]; var sops: [String]; var study: String; var ideographic: String }

    func studies(_ python: String, _ dest: URL) throws -> [String: Study] {
        let script = tmp.appendingPathComponent("studies.py")
        try Self.studiesScript.write(to: script, atomically: true, encoding: .utf8)
        let r = try runCommand(python, [script.path, dest.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try JSONDecoder().decode([String: Study].self, from: Data(r.stdout.utf8))
    }

    /// A Level 1 ISO of 2 patients with GB18030 names, each 1 study of 2 series of 3 images.
    func burnedISO(_ lightbox: String) throws -> String {
        let input = tmp.appendingPathComponent("input")
        let s = try runCommand(lightbox, ["synth", input.path, "--patients", "2", "--studies", "1", "--series", "2", "--images", "3",
                                          "--size", "64", "--charset", "gb18030", "--seed", "7", "--no-extension"])
        XCTAssertEqual(s.status, 0, s.stderr)
        let iso = tmp.appendingPathComponent("disc.iso").path
        let b = try runCommand(lightbox, ["burn", input.path, "-o", iso, "--profile", "STD-GEN-CD", "--plain-progress"])
        XCTAssertEqual(b.status, 0, b.stderr)
        return iso
    }

    func files(_ dir: URL, suffix: String) -> [String] {
        (FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(suffix) }.sorted()
    }

    func testStudyPagesAndPreviewsMatchPydicomAndDecodeWithDjpeg() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let djpeg = try Oracles.require("djpeg", package: "libjpeg-turbo-progs")
        let iso = try burnedISO(lightbox)
        let dest = tmp.appendingPathComponent("dest")
        let r = try runCommand(lightbox, ["import", iso, dest.path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)

        let found = try studies(python, dest)
        XCTAssertEqual(found.count, 2)
        let root = try String(contentsOf: dest.appendingPathComponent("index.html"), encoding: .utf8)
        var previews = 0
        for (folder, study) in found {
            let page = try String(contentsOf: dest.appendingPathComponent(folder).appendingPathComponent("index.html"), encoding: .utf8)
            XCTAssertTrue(page.hasPrefix("<!DOCTYPE html>") && page.contains("<meta charset=\"utf-8\">"))
            let name = study.ideographic.replacingOccurrences(of: "^", with: "")
            XCTAssertFalse(name.isEmpty)
            XCTAssertTrue(page.contains(name), "\(folder)/index.html lacks \(name)")
            XCTAssertTrue(root.contains(name), "index.html lacks \(name)")
            // One section per series pydicom finds in the folder, each with its object count.
            XCTAssertEqual(page.components(separatedBy: "<section class=\"series\">").count - 1, study.series.count, folder)
            XCTAssertEqual(study.series.count, 2)
            XCTAssertTrue(page.contains("· 3 object(s)"), folder)
            let jpgs = files(dest.appendingPathComponent(folder), suffix: ".jpg")
            XCTAssertEqual(jpgs, (1 ... study.series.count).map { "previews/series-\($0).jpg" }, folder)
            for j in jpgs {
                let path = dest.appendingPathComponent(folder).appendingPathComponent(j).path
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                XCTAssertGreaterThan(bytes.count, 4)
                XCTAssertEqual(Array(bytes.prefix(2)), [0xFF, 0xD8], "\(j): no SOI")
                XCTAssertEqual(Array(bytes.suffix(2)), [0xFF, 0xD9], "\(j): no EOI")
                let out = tmp.appendingPathComponent("preview.pgm").path
                let d = try runCommand(djpeg, ["-outfile", out, path])
                XCTAssertEqual(d.status, 0, "\(j): \(d.stderr)")
                let pnm = try Data(contentsOf: URL(fileURLWithPath: out))
                XCTAssertTrue(pnm.starts(with: Data("P5\n64 64\n".utf8)), "\(j) decodes to \(String(decoding: pnm.prefix(12), as: UTF8.self))")
                previews += 1
                XCTAssertTrue(page.contains("src=\"\(j)\""))
            }
            XCTAssertTrue(root.contains("/index.html\">"), "the root page links the studies")
        }
        XCTAssertEqual(previews, 4)
        XCTAssertTrue(files(dest, suffix: ".tmp").isEmpty)

        // --no-previews: the pages, no JPEG.
        let plain = tmp.appendingPathComponent("plain")
        let n = try runCommand(lightbox, ["import", iso, plain.path, "--no-previews"])
        XCTAssertEqual(n.status, 0, n.stdout + n.stderr)
        XCTAssertEqual(files(plain, suffix: ".jpg"), [])
        XCTAssertEqual(files(plain, suffix: "index.html").count, 3)
    }

    /// Three new series of an imported study, made with pydicom from one of its files: a grey
    /// copy (series 3), an RGB image of 2 frames (series 4) and one whose Pixel Data is too short
    /// to render (series 5).
    static let extraScript = """
    import sys
    import pydicom
    from pydicom.uid import generate_uid
    src, out = sys.argv[1], sys.argv[2]
    def variant(number, name):
        ds = pydicom.dcmread(src)
        ds.SeriesInstanceUID = generate_uid(); ds.SeriesNumber = number; ds.SeriesDescription = 'Extra %d' % number
        ds.SOPInstanceUID = generate_uid(); ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        return ds
    variant(3, 'grey').save_as(out + '/A', enforce_file_format=True)
    ds = variant(4, 'rgb')
    for k in ('RescaleSlope', 'RescaleIntercept', 'WindowCenter', 'WindowWidth'):
        if k in ds: delattr(ds, k)
    ds.SamplesPerPixel = 3; ds.PhotometricInterpretation = 'RGB'; ds.PlanarConfiguration = 0
    ds.BitsAllocated = 8; ds.BitsStored = 8; ds.HighBit = 7; ds.PixelRepresentation = 0; ds.NumberOfFrames = 2
    ds.PixelData = bytes((i * 7) % 256 for i in range(2 * ds.Rows * ds.Columns * 3))
    ds.save_as(out + '/B', enforce_file_format=True)
    ds = variant(5, 'broken'); ds.PixelData = b'\\0' * 10
    ds.save_as(out + '/C', enforce_file_format=True)
    """

    func testALaterImportRefreshesThePageWithColourMultiFrameAndPlaceholder() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let djpeg = try Oracles.require("djpeg", package: "libjpeg-turbo-progs")
        let iso = try burnedISO(lightbox)
        let dest = tmp.appendingPathComponent("dest")
        XCTAssertEqual(try runCommand(lightbox, ["import", iso, dest.path]).status, 0)
        let (folder, _) = try XCTUnwrap(try studies(python, dest).sorted { $0.key < $1.key }.first)
        let studyDir = dest.appendingPathComponent(folder)
        let one = try XCTUnwrap(files(studyDir, suffix: ".dcm").first)
        let extra = tmp.appendingPathComponent("extra")
        try FileManager.default.createDirectory(at: extra, withIntermediateDirectories: true)
        let script = tmp.appendingPathComponent("extra.py")
        try Self.extraScript.write(to: script, atomically: true, encoding: .utf8)
        let made = try runCommand(python, [script.path, studyDir.appendingPathComponent(one).path, extra.path])
        XCTAssertEqual(made.status, 0, made.stderr)

        let r = try runCommand(lightbox, ["import", extra.path, dest.path])
        XCTAssertEqual(r.status, 0, "a preview that cannot be made never fails the import: \(r.stdout)\(r.stderr)")
        XCTAssertTrue(r.stdout.contains("1 placeholder(s)"), r.stdout)
        let after = try XCTUnwrap(try studies(python, dest)[folder])
        XCTAssertEqual(after.series.count, 5)
        let page = try String(contentsOf: studyDir.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertEqual(page.components(separatedBy: "<section class=\"series\">").count - 1, 5)
        XCTAssertTrue(page.contains("Extra 5") && page.contains("class=\"placeholder\""), page)
        XCTAssertEqual(files(studyDir, suffix: ".jpg"), (1 ... 4).map { "previews/series-\($0).jpg" })
        let out = tmp.appendingPathComponent("p.pnm").path
        let d = try runCommand(djpeg, ["-outfile", out, studyDir.appendingPathComponent("previews/series-4.jpg").path])
        XCTAssertEqual(d.status, 0, d.stderr)
        XCTAssertTrue(try Data(contentsOf: URL(fileURLWithPath: out)).starts(with: Data("P6\n64 64\n".utf8)), "the RGB series is previewed in colour")
        XCTAssertEqual(try runCommand(djpeg, ["-outfile", out, studyDir.appendingPathComponent("previews/series-3.jpg").path]).status, 0)
    }

    /// A `previews` folder replaced by a link out of DEST is not written through; the import still succeeds.
    func testPreviewsAreNotWrittenThroughALinkOutOfDEST() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let iso = try burnedISO(lightbox)
        let dest = tmp.appendingPathComponent("dest")
        XCTAssertEqual(try runCommand(lightbox, ["import", iso, dest.path]).status, 0)
        let (folder, _) = try XCTUnwrap(try studies(python, dest).sorted { $0.key < $1.key }.first)
        let previews = dest.appendingPathComponent(folder).appendingPathComponent("previews")
        let outside = tmp.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.removeItem(at: previews)
        try FileManager.default.createSymbolicLink(atPath: previews.path, withDestinationPath: outside.path)
        let r = try runCommand(lightbox, ["import", iso, dest.path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("resolves outside the destination"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside.path), [])
    }

    func testSendPassesExactlyTheSelectedImportedStudyToOrthanc() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let iso = try burnedISO(lightbox)
        let dest = tmp.appendingPathComponent("dest")
        XCTAssertEqual(try runCommand(lightbox, ["import", iso, dest.path, "--no-previews"]).status, 0)
        let found = try studies(python, dest)
        let (_, chosen) = try XCTUnwrap(found.sorted { $0.key < $1.key }.first)

        let bad = try runCommand(lightbox, ["import", iso, dest.path, "--send", "ORTHANC-127.0.0.1:104"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("no '@'"), bad.stderr)

        let orthanc = try OrthancPeer()
        var running = true
        defer { if running { orthanc.stop() } }
        // Everything is already in DEST (skipped): the selected study's files are sent all the same.
        let r = try runCommand(lightbox, ["import", iso, dest.path, "--study", chosen.study,
                                          "--send", "\(orthanc.aeTitle)@127.0.0.1:\(orthanc.dicomPort)"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr + orthanc.log)
        XCTAssertTrue(r.stdout.contains("Sent to \(orthanc.aeTitle)@127.0.0.1:\(orthanc.dicomPort): 6, failed: 0"), r.stdout)
        XCTAssertEqual(Set(try orthanc.storedInstances()), Set(chosen.sops))
        XCTAssertEqual(chosen.sops.count, 6)

        // A peer that is not there: the import succeeds, the send is reported failed, exit 1.
        orthanc.stop(); running = false
        let gone = try runCommand(lightbox, ["import", iso, dest.path, "--study", chosen.study,
                                             "--send", "\(orthanc.aeTitle)@127.0.0.1:\(orthanc.dicomPort)"])
        XCTAssertEqual(gone.status, 1, gone.stdout + gone.stderr)
    }
}
