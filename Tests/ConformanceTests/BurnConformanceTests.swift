import DICOM
import Foundation
import Imaging
import Media
import Synthesis
import XCTest

/// Issue 5, must-show 1: `lightbox burn` for every application profile (once per transfer-syntax
/// policy) on a mixed input (CT, MR,
/// CR MONOCHROME1, US multi-frame and palette, NM, SR, RT Plan/Structure Set/Dose, ECG waveform;
/// Explicit and Implicit VR LE, Big Endian, Deflated, no meta header, RLE, JPEG baseline/extended/
/// lossless, JPEG-LS, JPEG 2000): the image opens in xorriso, `isoinfo -l` shows only Level 1
/// names and no Rock Ridge/Joliet, dcmdump, dcdirdmp and dciodvfy accept the DICOMDIR, pydicom's
/// FileSet finds every instance with the right SOP Instance UID, every file's transfer syntax is
/// one the profile allows, and pixels decoded by pydicom from the disc equal pydicom's decoding of
/// the source (Lightbox decodes neither side).
final class BurnConformanceTests: XCTestCase {
    /// Corpus files with distinct instances; `newUID` ones share a SOP Instance UID with another
    /// corpus file (facts.md, "Test data") and get a new one in the test.
    static let corpus: [(path: String, newUID: Bool)] = [
        ("pydicom/CT_small.dcm", false), ("pydicom/MR_small_RLE.dcm", false),
        ("pydicom/MR_small_jpeg_ls_lossless.dcm", true), ("pydicom/MR_small_jp2klossless.dcm", true),
        ("pydicom/MR_small_implicit.dcm", true), ("pydicom/MR_small_bigendian.dcm", true),
        ("pydicom/JPEG-lossy.dcm", false), ("pydicom/SC_rgb_jpeg_dcmtk.dcm", false), ("pydicom/image_dfl.dcm", false),
        ("pydicom/test-SR.dcm", false), ("pydicom/rtplan.dcm", false), ("pydicom/rtstruct.dcm", false),
        ("pydicom/rtdose.dcm", false), ("pydicom/waveform_ecg.dcm", false), ("pydicom/examples_palette.dcm", false),
        ("pydicom/ExplVR_LitEndNoMeta.dcm", false),
        ("pydicom-data/RG1_UNCR.dcm", false), ("pydicom-data/US1_J2KR.dcm", false),
        ("pydicom-data/emri_small_jpeg_ls_lossless.dcm", false), ("pydicom-data/JPEG-LL.dcm", false),
        ("pydicom-data/color3d_jpeg_baseline.dcm", false), ("pydicom-data/MR2_J2KI.dcm", false),
        ("pydicom-data/JPGLosslessP14SV1_1s_1f_8b.dcm", false),
    ]

    var tmp: URL!
    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-burn-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    /// Copies the corpus into `folder` under arbitrary names (some with extension, some nested)
    /// and returns source files by SOP Instance UID.
    func makeMixedInput(_ folder: URL) throws -> [String: String] {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("nested/deeper"), withIntermediateDirectories: true)
        var bySOP: [String: String] = [:]
        for (n, c) in Self.corpus.enumerated() {
            let parts = c.path.split(separator: "/").map(String.init)
            let source = try Oracles.requireCorpus(parts[0]).appendingPathComponent(parts[1]).path
            let dest = folder.appendingPathComponent(Self.inputName(n)).path
            if c.newUID {
                var file = try Part10Reader.read(path: source, options: .loadAll)
                let uid = UIDGenerator.derivedUID(from: file.dataSet.string(.sopInstanceUID) ?? "", salt: parts[1])
                try file.dataSet.set(.sopInstanceUID, .UI, uid)
                file.meta = DataSet()
                try Part10Writer.write(file, to: dest, as: file.transferSyntax)
            } else {
                try FileManager.default.copyItem(atPath: source, toPath: dest)
            }
            let uid = try XCTUnwrap(Part10Reader.read(path: dest, options: .headerOnly).dataSet.string(.sopInstanceUID))
            XCTAssertNil(bySOP[uid], "\(c.path) repeats an instance")
            bySOP[uid] = dest
        }
        return bySOP
    }

    func testEveryProfileOnMixedInput() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        let dcdirdmp = try Oracles.require("dcdirdmp", package: "dicom3tools")
        let dciodvfy = try Oracles.require("dciodvfy", package: "dicom3tools")
        let python = try Oracles.requirePython()

        let input = tmp.appendingPathComponent("input")
        let sources = try makeMixedInput(input)
        let inputDigest = try Self.digest(input)
        // pydicom's decoding of every source, once (YCbCr converted to RGB, so a source in YBR and
        // its copy decompressed to RGB compare sample for sample).
        let sourcePixels = try Self.pydicomPixels(Array(sources.values), in: tmp.appendingPathComponent("pixels-sources"))
        let catalog = try ProfileCatalog.loadDefault()
        XCTAssertGreaterThanOrEqual(catalog.profiles.count, 10)

        // What a burn does to the files depends on the profile's transfer-syntax policy and SOP
        // class rule only (medium and capacity change the volume split, tested below): profiles
        // that share a policy make the same file set. Each policy is burned once, on CD and
        // DVD-JPEG where they have it (the two burned with web content) — every profile of the
        // catalog is covered by its policy, and the catalog must not grow a policy unburned.
        func policy(_ p: ApplicationProfile) -> String {
            "\(p.anyTransferSyntax) \(p.transferSyntaxes.sorted()) \(p.sopClassRule) \(p.sopClasses.sorted())"
        }
        var representatives: [String: ApplicationProfile] = [:]
        for profile in catalog.profiles {
            let key = policy(profile)
            if representatives[key] == nil || ["STD-GEN-CD", "STD-GEN-DVD-JPEG"].contains(profile.id) { representatives[key] = profile }
        }
        let burned = representatives.values.sorted { $0.id < $1.id }
        XCTAssertEqual(Set(catalog.profiles.map(policy)), Set(burned.map(policy)))
        XCTAssertTrue(burned.contains { $0.id == "STD-GEN-CD" } && burned.contains { $0.id == "STD-GEN-DVD-JPEG" })
        XCTAssertGreaterThanOrEqual(burned.count, 4, "explicit-only, JPEG, JPEG 2000 and any-syntax profiles")

        for profile in burned {
            let out = tmp.appendingPathComponent(profile.id)
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let iso = out.appendingPathComponent("disc.iso").path
            // Web previews (rendering every series, slow in a debug build) on two profiles; the
            // others are "DICOM ONLY" discs, which must then have no INDEX.HTM. The viewer, which
            // decodes every frame (minutes in a debug build on this input), has its own tests
            // (ViewerConformanceTests).
            let web = ["STD-GEN-CD", "STD-GEN-DVD-JPEG"].contains(profile.id)
            let burn = try runCommand(lightbox, ["burn", input.path, "-o", iso, "--profile", profile.id, "--invent",
                                                 "--fileset-id", "TEST_DISC", "--institution", "Conformance Lab", "--viewer", "off",
                                                 "--plain-progress", "--work-dir", tmp.path] + (web ? [] : ["--no-web"]))
            XCTAssertEqual(burn.status, 0, "\(profile.id): \(burn.stdout)\n\(burn.stderr)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), ["disc.iso"], "\(profile.id): leftovers")

            // xorriso opens it and lists every file.
            let find = try runCommand(xorriso, ["-indev", iso, "-find", "/", "-type", "f"])
            XCTAssertEqual(find.status, 0, find.stderr)
            XCTAssertTrue(find.stdout.contains("'/DICOMDIR'"), "\(profile.id): \(find.stdout.prefix(500))")

            // isoinfo: Level 1 names only, no Rock Ridge or Joliet.
            let listing = try runCommand(isoinfo, ["-l", "-i", iso])
            XCTAssertEqual(listing.status, 0)
            let names = listing.stdout.split(separator: "\n").filter { $0.hasPrefix("-") || $0.hasPrefix("d") }
                .compactMap { $0.split(separator: " ").last.map(String.init) }.filter { $0 != "." && $0 != ".." }
            XCTAssertFalse(names.isEmpty)
            for n in names {
                XCTAssertNotNil(n.range(of: #"^[A-Z0-9_]{1,8}(\.[A-Z0-9_]{0,3};1)?$"#, options: .regularExpression), "\(profile.id): \(n) is not Level 1")
            }
            let descriptor = try runCommand(isoinfo, ["-d", "-i", iso])
            XCTAssertTrue(descriptor.stdout.contains("Volume id: TEST_DISC"), descriptor.stdout)
            XCTAssertTrue(descriptor.stdout.contains("NO Joliet present") && descriptor.stdout.contains("NO Rock Ridge present"), "\(profile.id): \(descriptor.stdout)")

            // Extract with xorriso (osirrox) and check the DICOMDIR with three oracles.
            let tree = out.appendingPathComponent("tree")
            let extract = try runCommand(xorriso, ["-osirrox", "on", "-indev", iso, "-extract", "/", tree.path])
            XCTAssertEqual(extract.status, 0, extract.stderr)
            let dicomdir = tree.appendingPathComponent("DICOMDIR").path
            let dump = try runCommand(dcmdump, ["-q", dicomdir])
            XCTAssertEqual(dump.status, 0, "\(profile.id): \(dump.stderr)")
            XCTAssertEqual(dump.stderr, "", "\(profile.id): dcmdump complained")
            let dir = try runCommand(dcdirdmp, [dicomdir])
            XCTAssertEqual(dir.status, 0, dir.stderr)
            XCTAssertFalse((dir.stdout + dir.stderr).contains("Error"), "\(profile.id): \((dir.stdout + dir.stderr).prefix(1500))")
            let vfy = try runCommand(dciodvfy, [dicomdir])
            // dciodvfy names the IOD it checked (a line of its own on stderr): without it, it checked nothing.
            XCTAssertTrue(vfy.stderr.split(separator: "\n").contains("BasicDirectory"), "\(profile.id): dciodvfy: \(vfy.stdout.prefix(300)) \(vfy.stderr.prefix(300))")
            XCTAssertEqual((vfy.stdout + vfy.stderr).split(separator: "\n").filter { $0.hasPrefix("Error") }, [], "\(profile.id): dciodvfy")

            // pydicom's FileSet: every instance, its file holds the record's UID.
            let py = try runCommand(python, [Oracles.oracleScript("pydicom_fileset.py"), dicomdir])
            XCTAssertEqual(py.status, 0, py.stdout + py.stderr)
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(py.stdout.utf8)) as? [String: Any])
            let instances = try XCTUnwrap(json["instances"] as? [[String: Any]])
            XCTAssertEqual(Set(instances.compactMap { $0["sop_instance_uid"] as? String }), Set(sources.keys), profile.id)
            for i in instances { XCTAssertEqual(i["sop_instance_uid"] as? String, i["file_sop_instance_uid"] as? String) }
            XCTAssertEqual(json["fileset_id"] as? String, "TEST_DISC")

            // PDI content at the root.
            for f in ["README.TXT", "INDEX.HTM", "IHE_PDI/STYLE.CSS", "IHE_PDI/STU00001.HTM", "IHE_PDI/IMAGES/I0000001.JPG"] {
                XCTAssertEqual(FileManager.default.fileExists(atPath: tree.appendingPathComponent(f).path), web || f == "README.TXT",
                               "\(profile.id): \(f) \(web ? "missing" : "present on a DICOM ONLY disc")")
            }
            let readme = try String(contentsOf: tree.appendingPathComponent("README.TXT"), encoding: .utf8)
            XCTAssertTrue(readme.contains("Conformance Lab") && readme.contains(profile.id) && readme.contains("\(sources.count) DICOM object(s)"), readme)

            // Every file: an allowed syntax, and pixels as pydicom decodes them equal to pydicom's
            // decoding of the source.
            var withPixels: [(disc: String, source: String, sameSyntax: Bool)] = []
            for path in Oracles.files(under: tree.appendingPathComponent("DICOM")) {
                let file = try Part10Reader.read(path: path, options: .headerOnly)
                let uid = try XCTUnwrap(file.dataSet.string(.sopInstanceUID))
                XCTAssertTrue(profile.allows(transferSyntax: file.transferSyntax.uid), "\(profile.id): \(path) is \(file.transferSyntax.uid)")
                XCTAssertTrue(file.hasFileMeta && file.preamble != nil, "\(path): no Part 10 header")
                guard file.stoppedAt == Tag(0x7FE0, 0x0010) else { continue }
                let source = try XCTUnwrap(sources[uid])
                let sourceSyntax = try Part10Reader.read(path: source, options: .headerOnly).transferSyntax
                withPixels.append((path, source, sourceSyntax.uid == file.transferSyntax.uid))
            }
            XCTAssertEqual(withPixels.count, Self.imageCount, "\(profile.id): files with pixel data on the disc")
            let discPixels = try Self.pydicomPixels(withPixels.map(\.disc), in: out.appendingPathComponent("pixels"))
            for (disc, source, sameSyntax) in withPixels {
                let name = "\(profile.id): \(Self.corpusName(source, sources: sources)) as \((disc as NSString).lastPathComponent)"
                let theirs = try XCTUnwrap(sourcePixels[source], name), ours = try XCTUnwrap(discPixels[disc], name)
                guard theirs.ok, ours.ok else {
                    XCTFail("\(name): pydicom cannot decode \(theirs.ok ? "the disc's file" : "the source"): \(theirs.error ?? ours.error ?? "")")
                    continue
                }
                XCTAssertEqual(ours.shape, theirs.shape, "\(name): shape")
                let a = theirs.values(), b = ours.values()
                let worst = a.count == b.count ? zip(a, b).map { abs($0 - $1) }.max() ?? 0 : Int.max
                // Copied or rewritten files keep the source's encoded pixels: pydicom decodes them
                // identically. A lossy source decompressed by Lightbox is Lightbox's decoder against
                // pydicom's (GDCM / pylibjpeg), plus YCbCr→RGB rounding: within `lossyTolerance`.
                let tolerance = sameSyntax || !Self.lossySources.contains(Self.corpusName(source, sources: sources)) ? 0 : Self.lossyTolerance
                XCTAssertLessThanOrEqual(worst, tolerance, "\(name): pixels on the disc differ from the source's by up to \(worst)")
            }
            try? FileManager.default.removeItem(at: tree)
        }
        XCTAssertEqual(try Self.digest(input), inputDigest, "the inputs were changed")
    }

    /// Content larger than the medium: complete volumes, each with its own DICOMDIR, split at
    /// study boundaries, every instance on exactly one of them.
    func testSplitsIntoCompleteVolumes() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let python = try Oracles.requirePython()
        var o = SynthesisOptions()
        o.patients = 2; o.studiesPerPatient = 2; o.seriesPerStudy = 2; o.imagesPerSeries = 20
        o.rows = 128; o.columns = 128; o.seed = 51; o.noise = false; o.concurrency = 2
        let input = tmp.appendingPathComponent("input")
        try StudyGenerator(options: o).write(to: input.path)
        var studyOf: [String: String] = [:]
        for f in Oracles.files(under: input) {
            let ds = try Part10Reader.read(path: f, options: .headerOnly).dataSet
            studyOf[try XCTUnwrap(ds.string(.sopInstanceUID))] = ds.string(.studyInstanceUID)
        }
        XCTAssertEqual(studyOf.count, 160)

        let iso = tmp.appendingPathComponent("disc.iso").path
        let r = try runCommand(lightbox, ["burn", input.path, "-o", iso, "--capacity", "12M", "--fileset-id", "SPLIT", "--work-dir", tmp.path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        let volumes = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasSuffix(".iso") }.sorted()
        XCTAssertGreaterThanOrEqual(volumes.count, 2, r.stdout)
        XCTAssertEqual(volumes, (1 ... volumes.count).map { "disc-\($0).iso" })
        var seen: [String: Int] = [:]
        for (n, name) in volumes.enumerated() {
            let tree = tmp.appendingPathComponent("v\(n + 1)")
            XCTAssertEqual(try runCommand(xorriso, ["-osirrox", "on", "-indev", tmp.appendingPathComponent(name).path, "-extract", "/", tree.path]).status, 0)
            XCTAssertLessThanOrEqual(try FileManager.default.attributesOfItem(atPath: tmp.appendingPathComponent(name).path)[.size] as? Int ?? 0, 12_000_000)
            let py = try runCommand(python, [Oracles.oracleScript("pydicom_fileset.py"), tree.appendingPathComponent("DICOMDIR").path])
            XCTAssertEqual(py.status, 0, py.stdout + py.stderr)
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(py.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(json["fileset_id"] as? String, "SPLIT_\(n + 1)")
            for i in try XCTUnwrap(json["instances"] as? [[String: Any]]) {
                let uid = try XCTUnwrap(i["sop_instance_uid"] as? String)
                XCTAssertEqual(uid, i["file_sop_instance_uid"] as? String)
                seen[uid, default: 0] += 1
            }
            let readme = try String(contentsOf: tree.appendingPathComponent("README.TXT"), encoding: .utf8)
            XCTAssertTrue(readme.contains("\(n + 1) of \(volumes.count)"), readme)
        }
        XCTAssertEqual(Set(seen.keys), Set(studyOf.keys), "every instance on some volume")
        XCTAssertEqual(seen.values.filter { $0 != 1 }, [], "no instance on two volumes")
        // Studies are never split (each fits a volume).
        for v in 1 ... volumes.count {
            let tree = tmp.appendingPathComponent("v\(v)")
            let here = Set(Oracles.files(under: tree.appendingPathComponent("DICOM")).compactMap {
                try? Part10Reader.read(path: $0, options: .headerOnly).dataSet.string(.sopInstanceUID) })
            let studies = Set(here.compactMap { studyOf[$0] })
            for s in studies { XCTAssertEqual(Set(studyOf.filter { $0.value == s }.keys).subtracting(here), [], "study \(s) split") }
        }
    }

    /// Instances of `corpus` that have pixel data: all but the SR, the RT Plan and Structure Set,
    /// the ECG waveform and ExplVR_LitEndNoMeta.dcm.
    static let imageCount = corpus.count - 5

    /// Corpus files whose pixel data is lossy (JPEG baseline/extended, irreversible JPEG 2000).
    static let lossySources: Set<String> = [
        "pydicom/JPEG-lossy.dcm", "pydicom/SC_rgb_jpeg_dcmtk.dcm", "pydicom-data/color3d_jpeg_baseline.dcm", "pydicom-data/MR2_J2KI.dcm",
    ]

    /// How far a lossy source decompressed by Lightbox may be from pydicom's decoding of it: two
    /// IJG-family DCT decoders agree to ±1, and YCbCr→RGB rounding (pydicom in float32) adds ±1.
    static let lossyTolerance = 2

    /// The name `makeMixedInput` gives corpus file `n` in the input folder: arbitrary, some with an
    /// extension, some nested.
    static func inputName(_ n: Int) -> String {
        n % 3 == 0 ? "nested/deeper/file \(n).dcm" : n % 3 == 1 ? "nested/x\(n)" : "input-\(n).DCM"
    }

    /// The corpus name ("pydicom/NAME") of a file of the mixed input.
    static func corpusName(_ source: String, sources: [String: String]) -> String {
        corpus.indices.first { source.hasSuffix("/" + inputName($0)) }.map { corpus[$0].path } ?? source
    }

    /// pydicom's decoding (Tests/Oracles/pydicom_pixels.py --rgb: every frame, YCbCr converted to
    /// RGB) of each file, by path. A JPEG file pydicom's plugins cannot decode (JPEG-lossy.dcm, 12-bit
    /// JPEG Extended: GDCM refuses 12 bits, pylibjpeg-libjpeg its SOS parameters) is decompressed by
    /// DCMTK `dcmdjpeg` first and pydicom reads that: Lightbox decodes neither way.
    static func pydicomPixels(_ paths: [String], in dir: URL) throws -> [String: ImagingCodecConformanceTests.Reference] {
        func run(_ paths: [String], _ dir: URL) throws -> [ImagingCodecConformanceTests.Reference] {
            let python = try Oracles.requirePython()
            let r = try runCommand(python, [Oracles.oracleScript("pydicom_pixels.py"), dir.path, "--rgb"] + paths)
            guard r.status == 0 else { throw TestFailure.oracleFailed("pydicom_pixels.py exited \(r.status): \(r.stderr.suffix(2000))") }
            return try paths.indices.map {
                try ImagingCodecConformanceTests.Reference(json: dir.appendingPathComponent("\($0).json"), bin: dir.appendingPathComponent("\($0).bin"))
            }
        }
        var out = Dictionary(uniqueKeysWithValues: zip(paths, try run(paths, dir)))
        let jpeg: Set<String> = ["1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70"]
        let undecoded = paths.filter { out[$0]?.ok == false && jpeg.contains(out[$0]?.transferSyntax ?? "") }
        guard !undecoded.isEmpty else { return out }
        let dcmdjpeg = try Oracles.require("dcmdjpeg", package: "dcmtk")
        let viaDCMTK = dir.appendingPathComponent("dcmdjpeg")
        try FileManager.default.createDirectory(at: viaDCMTK, withIntermediateDirectories: true)
        var decompressed: [String] = []
        for (i, path) in undecoded.enumerated() {
            let d = viaDCMTK.appendingPathComponent("\(i).dcm").path
            let r = try runCommand(dcmdjpeg, [path, d])
            guard r.status == 0 else { throw TestFailure.oracleFailed("dcmdjpeg \(path): status \(r.status): \(r.stderr.prefix(500))") }
            decompressed.append(d)
        }
        for (path, ref) in zip(undecoded, try run(decompressed, viaDCMTK.appendingPathComponent("pydicom"))) { out[path] = ref }
        return out
    }

    /// Size, modification time and SHA-256 (`sha256sum`, coreutils) of every file under `folder`:
    /// inputs must stay untouched, byte for byte.
    static func digest(_ folder: URL) throws -> [String: String] {
        let files = Oracles.files(under: folder)
        let sha256sum = try Oracles.require("sha256sum", package: "coreutils")
        var hashes: [String: String] = [:]
        for start in stride(from: 0, to: files.count, by: 500) {
            let batch = Array(files[start ..< min(start + 500, files.count)])
            let r = try runCommand(sha256sum, ["--"] + batch)
            guard r.status == 0 else { throw TestFailure.oracleFailed("sha256sum exited \(r.status): \(r.stderr)") }
            for line in r.stdout.split(separator: "\n") {
                // "HASH  PATH" (file names here have no backslash or newline, so no escaping).
                let hash = line.prefix(64), path = line.dropFirst(66)
                hashes[String(path)] = String(hash)
            }
        }
        var out: [String: String] = [:]
        for f in files {
            let a = try FileManager.default.attributesOfItem(atPath: f)
            let hash = try XCTUnwrap(hashes[f], "sha256sum printed no hash for \(f)")
            XCTAssertEqual(hash.count, 64, f)
            out[f] = "\(a[.size] ?? 0) \(a[.modificationDate] ?? 0) sha256:\(hash)"
        }
        return out
    }
}
