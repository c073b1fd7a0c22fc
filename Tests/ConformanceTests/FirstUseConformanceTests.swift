import DICOM
import Foundation
import Synthesis
import XCTest

/// Issue 15, "what a new user tripped on": each defect met on real scanner files, checked against
/// a reference nobody here wrote (pydicom, DCMTK, xorriso/isoinfo, Orthanc, pynetdicom).
final class FirstUseConformanceTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-firstuse-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    // MARK: Oracles

    /// What pydicom reads in a file (`Tests/Oracles/make_defective.py facts`).
    func facts(_ path: String) throws -> [String: Any] {
        let r = try runCommand(try Oracles.requirePython(), [Oracles.oracleScript("make_defective.py"), "facts", path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
    }

    /// Makes a defective input with pydicom and byte edits; returns pydicom's facts about it.
    @discardableResult
    func make(_ verb: String, _ source: String, _ out: String, _ extra: String...) throws -> [String: Any] {
        let r = try runCommand(try Oracles.requirePython(), [Oracles.oracleScript("make_defective.py"), verb, source, out] + extra)
        XCTAssertEqual(r.status, 0, "make_defective.py \(verb): \(r.stdout)\(r.stderr)")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
    }

    func corpusFile(_ corpus: String, _ name: String) throws -> String {
        let path = try Oracles.requireCorpus(corpus).appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            try Oracles.missing("corpus file \(corpus)/\(name)")
            return path
        }
        return path
    }

    /// pydicom's FileSet view of a DICOMDIR: SOP Instance UID of every record whose file it opened.
    func fileSetInstances(_ dicomdir: String) throws -> Set<String> {
        let py = try runCommand(try Oracles.requirePython(), [Oracles.oracleScript("pydicom_fileset.py"), dicomdir])
        XCTAssertEqual(py.status, 0, py.stdout + py.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(py.stdout.utf8)) as? [String: Any], py.stdout)
        let instances = try XCTUnwrap(json["instances"] as? [[String: Any]], py.stdout)
        for i in instances { XCTAssertEqual(i["sop_instance_uid"] as? String, i["file_sop_instance_uid"] as? String) }
        return Set(instances.compactMap { $0["sop_instance_uid"] as? String })
    }

    func extract(_ iso: String, to folder: URL) throws {
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let x = try runCommand(xorriso, ["-osirrox", "on", "-indev", iso, "-extract", "/", folder.path])
        XCTAssertEqual(x.status, 0, x.stderr)
    }

    // MARK: burn of real scanner files

    /// Fifteen de-identified scanner files of pydicom-data (NEMA WG04, GDCM, DCMTK samples), one
    /// SOP Instance UID each; several lack Type 1 directory record keys.
    static let scannerFiles = [
        "693_UNCI.dcm", "JPGLosslessP14SV1_1s_1f_8b.dcm", "OT-PAL-8-face.dcm", "color-pl.dcm", "emri_small.dcm",
        "explicit_VR-UN.dcm", "MR2_UNCR.dcm", "RG1_UNCR.dcm", "RG3_UNCR.dcm", "US1_UNCR.dcm",
        "MR-SIEMENS-DICOM-WithOverlays.dcm", "eCT_Supplemental.dcm", "JPEG-LL.dcm", "mlut_18.dcm", "vlut_04.dcm",
    ]
    /// The Type 1 keys of the PATIENT, STUDY, SERIES and IMAGE records (PS3.3 Table F.5-1 to F.5-4),
    /// as pydicom keywords and as the report names them.
    static let recordKeys = [("PatientID", "Patient ID"), ("StudyDate", "Study Date"), ("StudyTime", "Study Time"),
                             ("StudyID", "Study ID"), ("Modality", "Modality"), ("SeriesNumber", "Series Number"),
                             ("InstanceNumber", "Instance Number")]

    /// Before: 8 of 15 such files were left off the disc for missing record keys. Now the keys are
    /// filled in the DICOMDIR only (listed), every file reaches the disc unchanged, and `--strict`
    /// restores the refusal.
    func testBurnOfScannerFilesFillsMissingRecordKeys() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        let input = tmp.appendingPathComponent("scanner")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        var missing: [String: [String]] = [:]   // file name -> report names of keys pydicom finds absent
        var uids: [String: String] = [:]
        for name in Self.scannerFiles {
            let dest = input.appendingPathComponent(name).path
            try FileManager.default.copyItem(atPath: try corpusFile("pydicom-data", name), toPath: dest)
            let f = try facts(dest)
            let uid = try XCTUnwrap(f["SOPInstanceUID"] as? String, name)
            XCTAssertNil(uids[uid], "\(name) and \(uids[uid] ?? "") share a SOP Instance UID")
            uids[uid] = name
            missing[name] = Self.recordKeys.filter { f[$0.0] as? String == nil }.map(\.1)
        }
        let lacking = missing.filter { !$0.value.isEmpty }
        XCTAssertGreaterThanOrEqual(lacking.count, 5, "the corpus selection should lack keys: \(missing)")

        // Default: every file on the disc, each filled key listed.
        let iso = tmp.appendingPathComponent("filled.iso").path
        let burn = try runCommand(lightbox, ["burn", input.path, "-o", iso, "--no-web", "--plain-progress", "--work-dir", tmp.path])
        XCTAssertEqual(burn.status, 0, burn.stdout + burn.stderr)
        XCTAssertTrue(burn.stdout.contains("done: \(Self.scannerFiles.count) instance(s)"), burn.stdout)
        for (name, keys) in lacking {
            for key in keys {
                XCTAssertTrue(burn.stdout.split(separator: "\n").contains { $0.hasPrefix("filled: ") && $0.contains(name) && $0.contains(key) },
                              "no 'filled:' line for \(key) of \(name):\n\(burn.stdout)")
            }
        }
        let tree = tmp.appendingPathComponent("filled")
        try extract(iso, to: tree)
        let dicomdir = tree.appendingPathComponent("DICOMDIR").path
        XCTAssertEqual(try fileSetInstances(dicomdir), Set(uids.keys))
        // DCMTK reads the DICOMDIR without complaint, and every STUDY record has a Study ID.
        let dump = try runCommand(dcmdump, ["-q", "+P", "0004,1430", "+P", "0020,0010", dicomdir])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        XCTAssertEqual(dump.stderr, "")
        let studies = dump.stdout.split(separator: "\n").filter { $0.contains("(0004,1430)") && $0.contains("[STUDY") }.count
        let studyIDs = dump.stdout.split(separator: "\n").filter { $0.contains("(0020,0010)") && !$0.contains("(no value") }.count
        XCTAssertGreaterThan(studies, 0, dump.stdout)
        XCTAssertEqual(studyIDs, studies, dump.stdout)
        // The files themselves are unchanged: a key the source lacks is still absent on the disc.
        var onDisc: [String: [String: Any]] = [:]
        for path in Oracles.files(under: tree.appendingPathComponent("DICOM")) {
            let f = try facts(path)
            if let uid = f["SOPInstanceUID"] as? String { onDisc[uid] = f }
        }
        for (uid, name) in uids {
            let f = try XCTUnwrap(onDisc[uid], "\(name) is not on the disc")
            let source = try facts(input.appendingPathComponent(name).path)
            for (keyword, _) in Self.recordKeys {
                XCTAssertEqual(f[keyword] as? String, source[keyword] as? String, "\(name): \(keyword) changed in the file on the disc")
            }
        }

        // --strict: the files lacking keys are left out, named, exit status 1.
        let strictISO = tmp.appendingPathComponent("strict.iso").path
        let strict = try runCommand(lightbox, ["burn", input.path, "-o", strictISO, "--strict", "--no-web", "--plain-progress",
                                               "--work-dir", tmp.path])
        XCTAssertEqual(strict.status, 1, strict.stdout + strict.stderr)
        for name in lacking.keys {
            XCTAssertTrue(strict.stdout.contains("rejected: \(input.appendingPathComponent(name).path): "), "\(name) not rejected:\n\(strict.stdout)")
        }
        XCTAssertTrue(strict.stdout.contains("done: \(Self.scannerFiles.count - lacking.count) instance(s)"), strict.stdout)
        XCTAssertTrue(strict.stderr.contains("without --strict"), strict.stderr)
    }

    /// Patient safety stays refused without --strict: one study under two Patient IDs.
    func testStudyUnderTwoPatientsIsStillRefused() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let input = tmp.appendingPathComponent("two")
        var o = SynthesisOptions()
        o.imagesPerSeries = 2; o.rows = 16; o.columns = 16; o.seed = 5; o.noise = false
        try StudyGenerator(options: o).write(to: input.path)
        let files = Oracles.files(under: input)
        var other = try Part10Reader.read(path: files[1], options: .loadAll)
        try other.dataSet.set(.patientID, .LO, "SOMEONE-ELSE")
        try Part10Writer.write(other, to: files[1])
        let r = try runCommand(lightbox, ["burn", input.path, "-o", tmp.appendingPathComponent("d.iso").path, "--no-web",
                                          "--work-dir", tmp.path])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("rejected: \(files[1])") && r.stdout.contains("Patient ID SOMEONE-ELSE"), r.stdout)
    }

    // MARK: PDI study pages

    /// The study page names the series folder as it is on the disc (it read DICOM/DICOM/PAT…).
    func testStudyPageNamesTheSeriesFolderOnTheDisc() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        let input = tmp.appendingPathComponent("study")
        var o = SynthesisOptions()
        o.imagesPerSeries = 2; o.rows = 32; o.columns = 32; o.seed = 9; o.noise = false
        try StudyGenerator(options: o).write(to: input.path)
        let iso = tmp.appendingPathComponent("web.iso").path
        let burn = try runCommand(lightbox, ["burn", input.path, "-o", iso, "--web-images", "1", "--work-dir", tmp.path])
        XCTAssertEqual(burn.status, 0, burn.stdout + burn.stderr)
        let listing = try runCommand(isoinfo, ["-f", "-i", iso])
        XCTAssertEqual(listing.status, 0, listing.stderr)
        let tree = tmp.appendingPathComponent("web")
        try extract(iso, to: tree)
        let page = try String(contentsOf: tree.appendingPathComponent("IHE_PDI/STU00001.HTM"), encoding: .utf8)
        let folders = page.matches(of: /object\(s\) in ([A-Z0-9_\/]+)<\/p>/).map { String($0.1) }
        XCTAssertFalse(folders.isEmpty, page)
        for folder in folders {
            XCTAssertFalse(folder.hasPrefix("DICOM/DICOM"), folder)
            XCTAssertTrue(listing.stdout.split(separator: "\n").contains { $0 == "/\(folder)" }, "\(folder) is not a folder on the disc:\n\(listing.stdout)")
        }
    }

    // MARK: transcode

    /// A bare data set in gives a PS3.10 file out (it gave a bare data set, which pydicom refuses).
    func testTranscodeOfBareDataSetWritesPart10File() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        let bare = tmp.appendingPathComponent("bare.dcm").path
        let made = try make("bare", try corpusFile("pydicom", "CT_small.dcm"), bare)
        XCTAssertEqual(made["has_meta"] as? Bool, false, "\(made)")
        XCTAssertEqual(made["part10"] as? Bool, false, "\(made)")
        let out = tmp.appendingPathComponent("out.dcm").path
        let r = try runCommand(lightbox, ["transcode", bare, out, "--syntax", "explicit-le"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let f = try facts(out)
        XCTAssertEqual(f["part10"] as? Bool, true, "pydicom refuses the output as a PS3.10 file: \(f)")
        XCTAssertEqual(f["has_meta"] as? Bool, true, "\(f)")
        XCTAssertEqual(f["transfer_syntax"] as? String, "1.2.840.10008.1.2.1")
        XCTAssertEqual(f["media_sop_instance"] as? String, made["SOPInstanceUID"] as? String)
        let dump = try runCommand(dcmdump, [out])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        XCTAssertTrue(dump.stdout.contains("# Dicom-File-Format"), String(dump.stdout.prefix(300)))
    }

    /// Pixel data shorter than its description (or odd in OW) is refused with both lengths, as
    /// pydicom computes them; `--keep-short-pixel-data` passes it on with a warning.
    func testTranscodeRefusesShortPixelData() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let source = try corpusFile("pydicom", "CT_small.dcm")
        for (verb, extra) in [("short", ["100"]), ("oddow", [])] {
            let bad = tmp.appendingPathComponent("\(verb).dcm").path
            let f = try make(verb, source, bad, extra.first ?? "")
            let actual = try XCTUnwrap(f["pixel_bytes"] as? Int), expected = try XCTUnwrap(f["expected_pixel_bytes"] as? Int)
            XCTAssertTrue(verb == "short" ? actual < expected : actual == expected + 1, "\(f)")
            let out = tmp.appendingPathComponent("\(verb)-out.dcm").path
            let r = try runCommand(lightbox, ["transcode", bad, out, "--syntax", "explicit-le"])
            XCTAssertEqual(r.status, 1, "\(verb): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(bad) && r.stderr.contains("\(actual)") && r.stderr.contains("\(expected)"), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
            let kept = try runCommand(lightbox, ["transcode", bad, out, "--syntax", "explicit-le", "--keep-short-pixel-data"])
            XCTAssertEqual(kept.status, 0, kept.stderr)
            XCTAssertTrue(kept.stderr.contains("warning: \(bad)") && kept.stderr.contains("\(actual)"), kept.stderr)
            XCTAssertEqual(try facts(out)["part10"] as? Bool, true)
        }
    }

    // MARK: truncation

    /// A file cut inside its File Meta Information: DCMTK notices; `dump` warns that it is
    /// truncated; `transcode`, `burn` and `send` refuse it, naming the file (it was dumped
    /// silently and transcoded into a 292-byte file).
    func testFileCutInsideFileMetaIsTruncatedEverywhere() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        let storescp = try Oracles.require("storescp", package: "dcmtk")
        let source = try corpusFile("pydicom", "CT_small.dcm")
        let input = tmp.appendingPathComponent("cut")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: input.appendingPathComponent("whole.dcm").path)
        for mode in ["element", "boundary"] {
            let cut = input.appendingPathComponent("cut-\(mode).dcm").path
            let r = try runCommand(try Oracles.requirePython(), [Oracles.oracleScript("make_defective.py"), "cutmeta", source, cut, mode])
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)

            let reference = try runCommand(dcmdump, [cut])
            XCTAssertTrue(reference.status != 0 || !reference.stderr.isEmpty, "dcmdump sees nothing wrong with \(mode): \(reference.stdout)")

            let dump = try runCommand(lightbox, ["dump", cut])
            XCTAssertTrue(dump.stderr.contains(cut) && dump.stderr.contains("truncated"), "\(mode): \(dump.stderr)")

            let out = tmp.appendingPathComponent("t-\(mode).dcm").path
            let t = try runCommand(lightbox, ["transcode", cut, out])
            XCTAssertNotEqual(t.status, 0, "\(mode): transcode accepted it")
            XCTAssertTrue(t.stderr.contains(cut) && t.stderr.contains("truncated"), "\(mode): \(t.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        }

        let burn = try runCommand(lightbox, ["burn", input.path, "-o", tmp.appendingPathComponent("cut.iso").path, "--no-web",
                                             "--work-dir", tmp.path])
        XCTAssertEqual(burn.status, 1, burn.stdout + burn.stderr)
        for mode in ["element", "boundary"] {
            XCTAssertTrue(burn.stdout.split(separator: "\n").contains { $0.hasPrefix("rejected: ") && $0.contains("cut-\(mode).dcm") && $0.contains("truncated") },
                          burn.stdout)
        }
        XCTAssertTrue(burn.stdout.contains("done: 1 instance(s)"), burn.stdout)

        // send: the cut files are refused before the association; the whole one reaches storescp.
        let received = try NetworkTestSupport.temporaryDirectory("cut-scp")
        defer { try? FileManager.default.removeItem(atPath: received) }
        let port = NetworkTestSupport.freePort()
        let scp = try NetworkTestSupport.launch(storescp, ["-aet", "STORESCP", "-od", received, "\(port)"], environment: NetworkTestSupport.nodelay)
        defer { NetworkTestSupport.stop(scp) }
        try NetworkTestSupport.waitForListener(port: port)
        let send = try runCommand(lightbox, ["send", "127.0.0.1", "\(port)", "--call", "STORESCP", input.path])
        XCTAssertEqual(send.status, 1, send.stdout + send.stderr)
        for mode in ["element", "boundary"] {
            XCTAssertTrue(send.stderr.contains("skipped \(input.appendingPathComponent("cut-\(mode).dcm").path)") && send.stderr.contains("truncated"), send.stderr)
        }
        XCTAssertTrue(send.stdout.contains("sent 1 of 1 files"), send.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: received).filter { !$0.hasPrefix(".") }.count, 1)
    }

    // MARK: send

    /// Scanner files that Orthanc 1.10 and pynetdicom both store (Orthanc answers C000 to
    /// explicit_VR-UN.dcm; pynetdicom aborts on the retired US Image Storage of color-pl.dcm).
    static let sendableFiles = ["693_UNCI.dcm", "JPGLosslessP14SV1_1s_1f_8b.dcm", "OT-PAL-8-face.dcm", "emri_small.dcm",
                                "MR2_UNCR.dcm", "RG1_UNCR.dcm", "US1_UNCR.dcm"]

    /// A folder holding a file with an odd-length value (DCMTK's dcmdump warns about it), sent to
    /// Orthanc: sent as stored (by pynetdicom here, by Lightbox before) it makes an odd P-DATA
    /// fragment, which Orthanc refuses with an A-ABORT ("Odd Fragment Length"). Lightbox pads the
    /// value as PS3.5 §7.1.1 requires and every instance is stored, the odd one with its value intact.
    func testSendToOrthancPadsOddLengthValues() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        let input = tmp.appendingPathComponent("send")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        var uids: Set<String> = []
        for name in Self.sendableFiles + ["color-pl.dcm"] {
            let dest = input.appendingPathComponent(name).path
            try FileManager.default.copyItem(atPath: try corpusFile("pydicom-data", name), toPath: dest)
            uids.insert(try XCTUnwrap(try facts(dest)["SOPInstanceUID"] as? String))
        }
        let oddUID = UIDGenerator.makeUID()
        let odd = input.appendingPathComponent("odd.dcm").path
        try make("odd", try corpusFile("pydicom", "CT_small.dcm"), odd, oddUID)
        uids.insert(oddUID)

        let reference = try runCommand(dcmdump, [odd])
        XCTAssertTrue(reference.stderr.contains("Length of element (0008,0080) is odd"), reference.stderr)

        let orthanc = try OrthancPeer()
        defer { orthanc.stop() }
        // The defect as Orthanc meets it: the data set sent as stored (pynetdicom streams the
        // file's bytes) makes an odd P-DATA fragment, and Orthanc aborts the association.
        let raw = try runCommand(try Oracles.requirePython(), [Oracles.oracleScript("pynetdicom_send_file.py"), odd,
                                                               "\(orthanc.dicomPort)", orthanc.aeTitle])
        XCTAssertTrue(raw.stdout.contains("\"aborted\": true"), raw.stdout + raw.stderr)
        XCTAssertTrue(orthanc.log.contains("Odd Fragment Length"), orthanc.log)
        XCTAssertFalse(try orthanc.storedInstances().contains(oddUID))

        let send = try runCommand(lightbox, ["send", "127.0.0.1", "\(orthanc.dicomPort)", "--call", orthanc.aeTitle, "--aet", "DESK", input.path])
        XCTAssertEqual(send.status, 0, send.stdout + send.stderr + orthanc.log)
        XCTAssertTrue(send.stdout.contains("odd.dcm: 1 value(s) of odd length padded"), send.stdout)
        XCTAssertTrue(send.stdout.contains("sent \(uids.count) of \(uids.count) files"), send.stdout)
        XCTAssertEqual(Set(try orthanc.storedInstances()), uids)
        let stored = tmp.appendingPathComponent("odd-from-orthanc.dcm").path
        try orthanc.downloadInstance(oddUID, to: stored)
        XCTAssertEqual(try facts(stored)["InstitutionName"] as? String, "ODD")
    }

    /// After the peer aborts during one file, `send` reports that file once, opens a new
    /// association and sends the rest; the exit status is 1 (it stopped, unreported, after 8 of 34).
    func testSendCarriesOnAfterAnAbort() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let input = tmp.appendingPathComponent("abort")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        var uids: [String: String] = [:]
        for name in Self.sendableFiles {
            let dest = input.appendingPathComponent(name).path
            try FileManager.default.copyItem(atPath: try corpusFile("pydicom-data", name), toPath: dest)
            uids[name] = try XCTUnwrap(try facts(dest)["SOPInstanceUID"] as? String)
        }
        let victim = uids.keys.sorted()[1]
        let received = tmp.appendingPathComponent("received").path
        let port = NetworkTestSupport.freePort()
        let scp = try NetworkTestSupport.launch(try Oracles.requirePython(),
                                                [Oracles.oracleScript("pynetdicom_store_scp.py"), "\(port)", "PYSCP", received,
                                                 "--abort-on", try XCTUnwrap(uids[victim])],
                                                log: tmp.appendingPathComponent("scp.log").path)
        defer { NetworkTestSupport.stop(scp) }
        try NetworkTestSupport.waitForListener(port: port, timeout: 30)
        let send = try runCommand(lightbox, ["send", "127.0.0.1", "\(port)", "--call", "PYSCP", input.path])
        XCTAssertEqual(send.status, 1, send.stdout + send.stderr)
        let victimLines = (send.stdout + send.stderr).split(separator: "\n").filter { $0.contains(victim) }
        XCTAssertEqual(victimLines.count, 1, "the failing file should be reported exactly once:\n\(send.stdout)\(send.stderr)")
        XCTAssertTrue(victimLines.first?.contains("not stored") == true, "\(victimLines)")
        XCTAssertTrue(send.stdout.contains("sent \(uids.count - 1) of \(uids.count) files") && send.stdout.contains("over 2 associations"), send.stdout)
        let got = Set(try FileManager.default.contentsOfDirectory(atPath: received).filter { $0.hasSuffix(".dcm") }.map { String($0.dropLast(4)) })
        XCTAssertEqual(got, Set(uids.filter { $0.key != victim }.values))
    }

    /// `--aet`, `-aet` and `--aetitle` all set our AE title: pynetdicom records the calling AE of
    /// each association; DCMTK's echoscu reaches a store-server only under its `--aet`.
    func testAETitleSpellings() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let echoscu = try Oracles.require("echoscu", package: "dcmtk")
        let received = tmp.appendingPathComponent("aet").path
        let port = NetworkTestSupport.freePort()
        let scp = try NetworkTestSupport.launch(try Oracles.requirePython(),
                                                [Oracles.oracleScript("pynetdicom_store_scp.py"), "\(port)", "PYSCP", received],
                                                log: tmp.appendingPathComponent("aet.log").path)
        defer { NetworkTestSupport.stop(scp) }
        try NetworkTestSupport.waitForListener(port: port, timeout: 30)
        let spellings = ["--aet": "DESK_A", "-aet": "DESK_B", "--aetitle": "DESK_C"]
        for (flag, title) in spellings.sorted(by: { $0.key < $1.key }) {
            let r = try runCommand(lightbox, ["echo", "127.0.0.1", "\(port)", "--call", "PYSCP", flag, title])
            XCTAssertEqual(r.status, 0, "\(flag): \(r.stdout)\(r.stderr)")
        }
        let calling = try String(contentsOfFile: received + "/calling.log", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(Set(calling), Set(spellings.values))

        for flag in ["--aet", "-aet", "--aetitle"] {
            let inbox = tmp.appendingPathComponent("inbox\(flag)").path
            let serverPort = NetworkTestSupport.freePort()
            let server = try NetworkTestSupport.launch(lightbox, ["store-server", "--port", "\(serverPort)", flag, "FRONTDESK", "--inbox", inbox,
                                                                  "--host", "127.0.0.1"])
            defer { NetworkTestSupport.stop(server) }
            try NetworkTestSupport.waitForListener(port: serverPort, timeout: 30)
            let ok = try runCommand(echoscu, ["-aec", "FRONTDESK", "127.0.0.1", "\(serverPort)"], environment: NetworkTestSupport.nodelay)
            XCTAssertEqual(ok.status, 0, "\(flag): \(ok.stdout)\(ok.stderr)")
            let wrong = try runCommand(echoscu, ["-aec", "LIGHTBOX", "127.0.0.1", "\(serverPort)"], environment: NetworkTestSupport.nodelay)
            XCTAssertNotEqual(wrong.status, 0, "\(flag): the server answered a called AE title that is not its own")
        }
    }
}
