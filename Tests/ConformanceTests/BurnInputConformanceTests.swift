import DICOM
import Foundation
import Media
import Synthesis
import XCTest

/// Issue 5, must-shows 2 and 3: Chinese patients (GB18030 and ISO 2022 IR 58 sources) are right
/// in the DICOMDIR (DCMTK `dcmdump +U8`), README.TXT and INDEX.HTM (rendered by headless
/// Chromium, checked through its DOM); bad input gives clear messages, leaves no partial ISO
/// under the final name and never touches the inputs.
final class BurnInputConformanceTests: XCTestCase {
    var tmp: URL!
    var mounts: [String] = []

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-burnin-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws {
        for m in mounts { _ = try? runCommand("/bin/umount", [m]) }
        try? FileManager.default.removeItem(at: tmp)
    }

    func synth(_ folder: URL, charset: SynthesisOptions.CharacterSet, seed: UInt64, images: Int = 3, size: Int = 32) throws {
        try BurnFixtures.synth(folder, charset: charset, seed: seed, images: images, size: size)
    }

    /// The ideographic name of a source file's patient, as written in Chinese ("王志誠").
    func ideographicName(in folder: URL) throws -> (display: String, dicom: String, charset: String) {
        try BurnFixtures.ideographicName(in: folder)
    }

    func testChineseNamesOnDisc() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        let chromium = try Oracles.require("chromium", package: "chromium")

        let input = tmp.appendingPathComponent("input")
        try synth(input.appendingPathComponent("gb18030"), charset: .gb18030, seed: 21)
        try synth(input.appendingPathComponent("ir58"), charset: .iso2022IR58, seed: 22)
        let gb = try ideographicName(in: input.appendingPathComponent("gb18030"))
        let ir58 = try ideographicName(in: input.appendingPathComponent("ir58"))
        XCTAssertEqual(gb.charset, "GB18030")
        XCTAssertTrue(ir58.charset.contains("ISO 2022 IR 58"), ir58.charset)
        XCTAssertTrue(PDIText.hasCJK(gb.display) && PDIText.hasCJK(ir58.display))

        let iso = tmp.appendingPathComponent("disc.iso").path
        let labelPDF = tmp.appendingPathComponent("label.pdf").path
        let burn = try runCommand(lightbox, ["burn", input.path, "-o", iso, "--institution", "北京协和医院", "--work-dir", tmp.path,
                                             "--label", labelPDF])
        XCTAssertEqual(burn.status, 0, burn.stdout + burn.stderr)
        // The label PDF (Cairo, Layouts/disc-label.json): both names, the institution, the content mark.
        let pdftotext = try Oracles.require("pdftotext", package: "poppler-utils")
        let labelText = try runCommand(pdftotext, [labelPDF, "-"]).stdout
        for expected in [gb.display, ir58.display, "北京协和医院", "DICOM PLUS WEB"] {
            XCTAssertTrue(labelText.contains(expected), "label lacks \(expected):\n\(labelText)")
        }
        let tree = tmp.appendingPathComponent("tree")
        XCTAssertEqual(try runCommand(xorriso, ["-osirrox", "on", "-indev", iso, "-extract", "/", tree.path]).status, 0)

        // DICOMDIR: DCMTK converts each record's names to UTF-8 from its own character set.
        let dicomdir = tree.appendingPathComponent("DICOMDIR").path
        let dump = try runCommand(dcmdump, ["+U8", "-q", "+P", "0010,0010", "+P", "0008,0005", dicomdir])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        XCTAssertTrue(dump.stdout.contains(gb.dicom), "dcmdump +U8 should show \(gb.dicom):\n\(dump.stdout)")
        XCTAssertTrue(dump.stdout.contains(ir58.dicom), "dcmdump +U8 should show \(ir58.dicom):\n\(dump.stdout)")
        let records = try DICOMDIRContents.read(path: dicomdir).records.filter { $0.string(.directoryRecordType) == "PATIENT" }
        XCTAssertEqual(Set(records.compactMap { $0.string(.specificCharacterSet) }), [gb.charset, ir58.charset])

        // README.TXT (UTF-8 with BOM).
        let readme = try String(contentsOf: tree.appendingPathComponent("README.TXT"), encoding: .utf8)
        XCTAssertTrue(readme.contains(gb.display) && readme.contains(ir58.display) && readme.contains("北京协和医院"), readme)

        // The pages are well-formed XHTML (an XML parser reads them).
        for page in ["INDEX.HTM", "IHE_PDI/STU00001.HTM", "IHE_PDI/STU00002.HTM"] {
            let xml = try runCommand("/usr/bin/python3", ["-c", "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])",
                                                           tree.appendingPathComponent(page).path])
            XCTAssertEqual(xml.status, 0, "\(page) is not well-formed XHTML: \(xml.stderr)")
        }
        // INDEX.HTM in headless Chromium: the DOM holds both names, and it renders to a PNG.
        let url = tree.appendingPathComponent("INDEX.HTM").absoluteString
        let dom = try runCommand(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", url])
        XCTAssertEqual(dom.status, 0, dom.stderr)
        let names = dom.stdout.components(separatedBy: "<span class=\"patient-name\">").dropFirst().map { $0.components(separatedBy: "</span>")[0] }
        XCTAssertTrue(names.contains { $0.hasPrefix(gb.display) } && names.contains { $0.hasPrefix(ir58.display) }, "patient names in the DOM: \(names)")
        XCTAssertTrue(dom.stdout.contains("IHE_PDI/STU00001.HTM") && dom.stdout.contains("IHE_PDI/IMAGES/I0000001.JPG"), dom.stdout)
        let png = tmp.appendingPathComponent("index.png").path
        let shot = try runCommand(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1000,800", "--screenshot=\(png)", url])
        XCTAssertEqual(shot.status, 0, shot.stderr)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: png)))
        XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        XCTAssertGreaterThan(bytes.count, 10_000, "the screenshot should show text and previews")
        // A study page names the patient too.
        let study = try runCommand(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                                              tree.appendingPathComponent("IHE_PDI/STU00001.HTM").absoluteString])
        XCTAssertTrue(study.stdout.contains(gb.display) || study.stdout.contains(ir58.display), study.stdout)
    }

    func testBadInputIsReportedAndNothingIsLeftBehind() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let input = tmp.appendingPathComponent("input")
        try synth(input.appendingPathComponent("good"), charset: .gb18030, seed: 31)
        let good = Oracles.files(under: input.appendingPathComponent("good"))
        // Not DICOM, and a DICOM file cut short.
        try Data("this is not a DICOM file".utf8).write(to: input.appendingPathComponent("notes.txt"))
        let whole = try Data(contentsOf: URL(fileURLWithPath: good[0]))
        try whole.prefix(900).write(to: input.appendingPathComponent("cut.dcm"))
        // A Type 1 key missing.
        var noID = try Part10Reader.read(path: good[1], options: .loadAll)
        let studyPatientID = try XCTUnwrap(noID.dataSet.string(.patientID))
        noID.dataSet.remove(.patientID)
        try noID.dataSet.set(.sopInstanceUID, .UI, UIDGenerator.makeUID())
        noID.meta = DataSet()
        try Part10Writer.write(noID, to: input.appendingPathComponent("noid.dcm").path, as: .explicitVRLittleEndian)
        // Same SOP Instance UID, different content.
        var twin = try Part10Reader.read(path: good[2], options: .loadAll)
        try twin.dataSet.set(.seriesDescription, .LO, "different")
        try Part10Writer.write(twin, to: input.appendingPathComponent("twin.dcm").path, as: .explicitVRLittleEndian)
        let before = try BurnConformanceTests.digest(input)

        // Rejections are named, the rest is burnt, the status is 1.
        let out = tmp.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let iso = out.appendingPathComponent("disc.iso").path
        let r = try runCommand(lightbox, ["burn", input.path, "-o", iso, "--work-dir", tmp.path])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("notes.txt: not a DICOM file"), r.stdout)
        XCTAssertTrue(r.stdout.contains("cut.dcm") && r.stdout.contains("truncated"), r.stdout)
        // A missing record key is filled in the DICOMDIR by default (listed), refused with --strict.
        // Its study's Patient ID, not a new one (that would put one study under two patients).
        XCTAssertTrue(r.stdout.contains("filled: \(input.appendingPathComponent("noid.dcm").path): Patient ID (0010,0020) is missing; its DICOMDIR record has \(studyPatientID) "), r.stdout)
        XCTAssertTrue(r.stdout.contains("twin.dcm") && r.stdout.contains("different content"), r.stdout)
        XCTAssertTrue(r.stdout.contains("\(good.count + 1) instance(s)"), r.stdout)
        let strictISO = out.appendingPathComponent("strict.iso").path
        let strict = try runCommand(lightbox, ["burn", input.path, "-o", strictISO, "--strict", "--work-dir", tmp.path])
        XCTAssertEqual(strict.status, 1, strict.stdout + strict.stderr)
        XCTAssertTrue(strict.stdout.contains("noid.dcm: Patient ID (0010,0020) is missing or empty") && strict.stderr.contains("without --strict"), strict.stdout + strict.stderr)
        XCTAssertTrue(strict.stdout.contains("\(good.count) instance(s)"), strict.stdout)
        try FileManager.default.removeItem(atPath: strictISO)
        XCTAssertTrue(FileManager.default.fileExists(atPath: iso))
        // An existing image is never overwritten without --overwrite.
        let again = try runCommand(lightbox, ["burn", input.appendingPathComponent("good").path, "-o", iso, "--work-dir", tmp.path])
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)

        // A missing output folder: status 2, the folder named.
        let missing = tmp.appendingPathComponent("no/such/folder/disc.iso").path
        let m = try runCommand(lightbox, ["burn", input.appendingPathComponent("good").path, "-o", missing, "--work-dir", tmp.path])
        XCTAssertEqual(m.status, 2)
        XCTAssertTrue(m.stderr.contains(missing) && m.stderr.contains("does not exist"), m.stderr)

        // A full disk: a 1 MiB tmpfs for a bigger image.
        let full = tmp.appendingPathComponent("full")
        try FileManager.default.createDirectory(at: full, withIntermediateDirectories: true)
        let mount = try runCommand("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", full.path])
        XCTAssertEqual(mount.status, 0, "cannot mount a small tmpfs: \(mount.stderr)")
        mounts.append(full.path)
        let big = tmp.appendingPathComponent("big")
        try synth(big, charset: .gb18030, seed: 32, images: 30, size: 256)
        let f = try runCommand(lightbox, ["burn", big.path, "-o", full.appendingPathComponent("disc.iso").path,
                                          "--work-dir", tmp.path])
        XCTAssertEqual(f.status, 2, f.stdout + f.stderr)
        XCTAssertTrue(f.stderr.contains("space"), f.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: full.path), [], "a partial image was left on the full disk")

        XCTAssertEqual(try BurnConformanceTests.digest(input), before, "inputs were changed")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix("lightbox-burn-") }, [],
                       "work folders were left behind")
    }

    func testSIGTERMLeavesNoImage() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let input = tmp.appendingPathComponent("input")
        try synth(input, charset: .gb18030, seed: 41, images: 400, size: 256)
        let before = try BurnConformanceTests.digest(input)
        let out = tmp.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let work = tmp.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)

        // SIGTERM once the burn reports that it is staging files, and once it reports writing the
        // image (`--plain-progress` lines "volume 1 copy: …", "volume 1 write: …").
        for phase in ["copy", "write"] {
            let (reached, status, message) = try BurnFixtures.terminate(lightbox, [
                "burn", input.path, "-o", out.appendingPathComponent("disc.iso").path, "--work-dir", work.path,
                "--profile", "STD-GEN-DVD-JPEG", "--compress", "jpeg-lossless", "--plain-progress"], inPhase: phase)
            XCTAssertTrue(reached, "the burn never reported its \(phase) phase: \(message.suffix(1000))")
            XCTAssertEqual(status, 143, "SIGTERM during \(phase): \(message.suffix(1000))")
            XCTAssertTrue(message.contains("cancelled"), message.suffix(1000).description)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [], "after SIGTERM during \(phase)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path), [], "staging left after SIGTERM during \(phase)")
        }
        XCTAssertEqual(try BurnConformanceTests.digest(input), before, "inputs were changed")
    }

    /// `--usb`: the file set copied into a folder, synced and verified; pydicom reads it there.
    /// `--device stdio:FILE`: the libburn pseudo-drive path, burnt and read back.
    func testUSBAndDriveOutputs() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        let input = tmp.appendingPathComponent("input")
        try synth(input, charset: .gb18030, seed: 61, images: 4)
        let stick = tmp.appendingPathComponent("stick")
        try FileManager.default.createDirectory(at: stick, withIntermediateDirectories: true)

        let usb = try runCommand(lightbox, ["burn", input.path, "--usb", stick.path, "--profile", "STD-GEN-USB-JPEG", "--work-dir", tmp.path])
        XCTAssertEqual(usb.status, 0, usb.stdout + usb.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: stick.path).sorted(),
                       ["DICOM", "DICOMDIR", "IHE_PDI", "INDEX.HTM", "README.TXT"])
        let py = try runCommand(python, [Oracles.oracleScript("pydicom_fileset.py"), stick.appendingPathComponent("DICOMDIR").path])
        XCTAssertEqual(py.status, 0, py.stdout + py.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(py.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((json["instances"] as? [[String: Any]])?.count, 4)
        // A stick that already holds a file set, or other files without --append, is refused.
        let again = try runCommand(lightbox, ["burn", input.path, "--usb", stick.path, "--append", "--work-dir", tmp.path])
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("already holds a DICOM file set"), again.stderr)
        let other = tmp.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try Data("holiday photos".utf8).write(to: other.appendingPathComponent("photos.txt"))
        let refused = try runCommand(lightbox, ["burn", input.path, "--usb", other.path, "--work-dir", tmp.path])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("not empty") && refused.stderr.contains("--append"), refused.stderr)
        let appended = try runCommand(lightbox, ["burn", input.path, "--usb", other.path, "--append", "--work-dir", tmp.path])
        XCTAssertEqual(appended.status, 0, appended.stderr)
        XCTAssertEqual(try String(contentsOf: other.appendingPathComponent("photos.txt"), encoding: .utf8), "holiday photos")

        // A libburn pseudo-drive: medium checked, burnt, read back.
        let disc = tmp.appendingPathComponent("burnt.iso").path
        let burn = try runCommand(lightbox, ["burn", input.path, "--device", "stdio:\(disc)", "--fileset-id", "DRIVE", "--work-dir", tmp.path])
        XCTAssertEqual(burn.status, 0, burn.stdout + burn.stderr)
        XCTAssertTrue(try runCommand(isoinfo, ["-d", "-i", disc]).stdout.contains("Volume id: DRIVE"))
        let drives = try runCommand(lightbox, ["burn", "--list-drives"])
        if drives.status != 0 { XCTAssertTrue(drives.stderr.contains("no optical drive found"), drives.stderr) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix("lightbox-burn-") }, [])
    }
}
