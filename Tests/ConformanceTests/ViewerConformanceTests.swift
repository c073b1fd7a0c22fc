import DICOM
import Foundation
import Media
import Synthesis
import XCTest

/// Issue 20: the viewer on the disc, opened from file:// in headless Chromium (DevTools protocol)
/// and Firefox ESR (WebDriver BiDi) by Tests/Oracles/viewer_browser.py, on a read-only copy of a
/// burnt disc holding a mixed study: CT (a Chinese patient, two series) and MR multi-slice, an MR
/// with a fractional rescale, a 30-frame ultrasound cine (JPEG, YBR), a CR in MONOCHROME1 and a DX
/// with Imager Pixel Spacing. Pixel truth is `lightbox render` of the same frame and window (±1),
/// values are pydicom's (apply_modality_lut); screenshots are kept in .build/test-artefacts/viewer.
final class ViewerConformanceTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-viewer-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        _ = try? runCommand("/bin/chmod", ["-R", "u+w", tmp.path])
        try? FileManager.default.removeItem(at: tmp)
    }

    func testViewerOpensEveryFrameInChromiumAndFirefox() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let python = try Oracles.requirePython()
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        _ = try Oracles.require("chromium", package: "chromium")
        _ = try Oracles.require("firefox-esr", package: "firefox-esr")

        // The mixed study.
        let input = tmp.appendingPathComponent("input")
        var o = SynthesisOptions()
        o.seriesPerStudy = 2; o.imagesPerSeries = 5; o.rows = 128; o.columns = 128; o.characterSet = .gb18030; o.seed = 81
        o.noise = false; o.concurrency = 2
        try StudyGenerator(options: o).write(to: input.appendingPathComponent("ct").path)
        o.modality = .mr; o.seriesPerStudy = 1; o.imagesPerSeries = 4; o.characterSet = .utf8; o.seed = 82
        try StudyGenerator(options: o).write(to: input.appendingPathComponent("mr").path)
        let corpus = try Oracles.requireCorpus("pydicom"), data = try Oracles.requireCorpus("pydicom-data")
        for (folder, name) in [(corpus, "examples_ybr_color.dcm"), (data, "RG3_UNCR.dcm"), (data, "MR2_UNCR.dcm")] {
            let source = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: source.path) else { throw TestFailure.oracleMissing("corpus file \(source.path)") }
            try FileManager.default.copyItem(at: source, to: input.appendingPathComponent(name))
        }
        let dx = try runCommand(python, [Oracles.oracleScript("make_dx.py"), data.appendingPathComponent("RG3_UNCR.dcm").path,
                                         input.appendingPathComponent("DX.dcm").path])
        guard dx.status == 0 else { throw TestFailure.oracleFailed("make_dx.py: \(dx.stderr)") }

        let image = tmp.appendingPathComponent("disc.iso").path
        let burn = try runCommand(lightbox, ["burn", input.path, "-o", image, "--profile", "STD-GEN-DVD-JPEG", "--work-dir", tmp.path])
        XCTAssertEqual(burn.status, 0, burn.stdout + burn.stderr)
        XCTAssertTrue(burn.stdout.contains("(viewer "), burn.stdout)
        // The disc as a patient's laptop sees it: extracted by xorriso, read-only.
        let disc = tmp.appendingPathComponent("disc")
        let x = try runCommand(xorriso, ["-osirrox", "on", "-indev", image, "-extract", "/", disc.path])
        XCTAssertEqual(x.status, 0, x.stderr)
        _ = try runCommand("/bin/chmod", ["-R", "a-w", disc.path])
        let index = try String(contentsOf: disc.appendingPathComponent("INDEX.HTM"), encoding: .utf8)
        XCTAssertTrue(index.contains("href=\"IHE_PDI/VIEWER.HTM\""), index)

        // What the viewer should show: every series of STUDIES.JS, and probes whose expected
        // pixels come from `lightbox render` and values from pydicom.
        let series = try studies(disc)
        XCTAssertEqual(series.count, 7, "\(series.map { $0["modality"] ?? "" })")  // CT ×2, MR, MR2, US, CR, DX
        let files = try discFiles(dcmdump, disc)
        var probes: [[String: Any]] = []
        func probe(_ modality: String, where match: ([String: Any]) -> Bool = { _ in true }, frame: Int, instanceFrame: Int? = nil,
                   window: (Double, Double)?, points: [[Int]], values: Bool = true) throws {
            guard let s = series.first(where: { ($0["modality"] as? String) == modality && match($0) }),
                  let key = s["key"] as? String, let uid = s["uid"] as? String else {
                return XCTFail("no \(modality) series in STUDIES.JS")
            }
            let instances = try frameInstances(disc, key: key)
            let instance = instances[frame]
            guard let path = files[uid]?[instance] else { return XCTFail("no file of series \(uid) instance \(instance)") }
            let within = instanceFrame ?? 0
            let rendered = tmp.appendingPathComponent("r-\(probes.count).pnm").path
            var args = ["render", path, "-o", rendered, "--frame", String(within + 1)]
            if let w = window { args += ["--window", "\(w.0),\(w.1)"] }
            let r = try runCommand(lightbox, args)
            XCTAssertEqual(r.status, 0, r.stderr)
            let pnm = try PNM(path: rendered)
            // Colour frames have no modality values to compare (the page reads RGB there).
            var expected: [String: Any] = ["rgba": points.map { pnm.rgba($0[0], $0[1]) }, "values": [Double]()]
            if values {
                let pts = tmp.appendingPathComponent("p-\(probes.count).json")
                try JSONSerialization.data(withJSONObject: points).write(to: pts)
                let v = try runCommand(python, [Oracles.oracleScript("pydicom_values.py"), path, String(within), pts.path])
                guard v.status == 0, let list = try JSONSerialization.jsonObject(with: Data(v.stdout.utf8)) as? [Double] else {
                    throw TestFailure.oracleFailed("pydicom_values.py \(path): \(v.stderr)")
                }
                expected["values"] = list
            }
            var entry: [String: Any] = ["series": key, "frame": frame, "points": points, "expected": expected]
            entry["center"] = window.map { $0.0 } ?? NSNull()
            entry["width"] = window.map { $0.1 } ?? NSNull()
            probes.append(entry)
        }
        try probe("CT", frame: 3, window: (40, 400), points: [[5, 5], [64, 64], [40, 80], [100, 30]])
        try probe("MR", where: { ($0["rows"] as? Int) == 1024 }, frame: 0, window: (1000, 2000), points: [[100, 100], [512, 512], [700, 300]])
        try probe("CR", frame: 0, window: (550, 1100), points: [[100, 100], [880, 880], [1500, 400]])
        try probe("DX", frame: 0, window: (550, 1100), points: [[100, 100], [880, 880], [1500, 400]])
        try probe("US", frame: 10, instanceFrame: 10, window: nil, points: [[10, 10], [160, 120], [250, 200]], values: false)
        let probeFile = tmp.appendingPathComponent("probes.json")
        try JSONSerialization.data(withJSONObject: probes).write(to: probeFile)

        let artefacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/test-artefacts/viewer")
        try FileManager.default.createDirectory(at: artefacts, withIntermediateDirectories: true)
        let chinese = try BurnFixtures.ideographicName(in: input.appendingPathComponent("ct")).display
        for browser in ["chromium", "firefox"] {
            let out = tmp.appendingPathComponent("\(browser).json")
            let shot = artefacts.appendingPathComponent("\(browser).png")
            let r = try runCommand(python, [Oracles.oracleScript("viewer_browser.py"), "--browser", browser,
                                            "--page", disc.appendingPathComponent("INDEX.HTM").path, "--out", out.path,
                                            "--probe", probeFile.path, "--screenshot", shot.path])
            guard r.status == 0 || r.status == 1, let result = try? JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any] else {
                throw TestFailure.oracleFailed("viewer_browser.py \(browser): \(r.stdout)\(r.stderr)")
            }
            XCTAssertEqual(result["consoleErrors"] as? [String], [], "\(browser): console errors")
            XCTAssertEqual(result["requests"] as? [String], [], "\(browser): network requests")
            let opened = result["series"] as? [[String: Any]] ?? []
            XCTAssertEqual(opened.count, series.count, browser)
            for s in series {
                let o = opened.first { ($0["key"] as? String) == (s["key"] as? String) }
                XCTAssertEqual(o?["opened"] as? Bool, true, "\(browser) \(s["key"] ?? "")")
                XCTAssertEqual(o?["frames"] as? Int, s["frames"] as? Int, "\(browser) \(s["key"] ?? ""): frames stepped through")
            }
            let cine = series.first { ($0["modality"] as? String) == "US" }?["key"] as? String
            XCTAssertEqual(opened.first { ($0["key"] as? String) == cine }?["frames"] as? Int, 30, "\(browser): the ultrasound cine")
            let probed = result["probes"] as? [[String: Any]] ?? []
            XCTAssertEqual(probed.count, probes.count, browser)
            XCTAssertEqual(result["probeMismatches"] as? Int, 0, "\(browser): \(probed.filter { ($0["match"] as? Bool) != true })")
            XCTAssertTrue((result["names"] as? [String] ?? []).contains { $0.contains(chinese) }, "\(browser): \(result["names"] ?? "") lacks \(chinese)")
            let ui = result["ui"] as? [String: Any] ?? [:]
            XCTAssertEqual(ui["keyOk"] as? Bool, true, "\(browser): \(ui)")
            XCTAssertEqual(ui["cineOk"] as? Bool, true, "\(browser): \(ui)")
            XCTAssertEqual(result["ok"] as? Bool, true, "\(browser): \(r.stdout)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: shot.path), "\(browser): no screenshot")
        }
    }

    /// The viewer's size per profile: full on DVD, light on CD, on the synthetic CT of `make bench`
    /// (512×512 with noise, 120 images here; make bench reports the 2,000-image study).
    func testViewerSizePerProfile() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let input = tmp.appendingPathComponent("ct")
        let s = try runCommand(lightbox, ["synth", input.path, "--patients", "1", "--studies", "1", "--series", "1", "--images", "120",
                                          "--size", "512", "--modality", "CT", "--seed", "1"])
        XCTAssertEqual(s.status, 0, s.stderr)
        let pixelBytes = 120.0 * 512 * 512 * 2
        for (profile, mode, limit) in [("STD-GEN-DVD-JPEG", "full", 0.60), ("STD-GEN-CD", "light", 0.25)] {
            let out = tmp.appendingPathComponent("\(mode).iso").path
            let r = try runCommand(lightbox, ["burn", input.path, "-o", out, "--profile", profile, "--work-dir", tmp.path])
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            let mb = try XCTUnwrap(r.stdout.components(separatedBy: "(viewer ").dropFirst().first?.split(separator: " ").first.flatMap { Double($0) },
                                   r.stdout)
            let share = mb * 1_000_000 / pixelBytes
            print("viewer \(mode) on \(profile): \(mb) MB for \(Int(pixelBytes / 1_000_000)) MB of pixel data, \(String(format: "%.1f", share * 100)) %")
            XCTAssertLessThanOrEqual(share, limit, "\(mode): \(mb) MB")
            XCTAssertGreaterThan(share, 0.01, mode)
        }
    }

    // MARK: Helpers

    private func s(_ any: Any?) -> [[String: Any]] { any as? [[String: Any]] ?? [] }

    /// The series entries of IHE_PDI/VIEWER/STUDIES.JS.
    private func studies(_ disc: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: disc.appendingPathComponent("IHE_PDI/VIEWER/STUDIES.JS"), encoding: .utf8)
        guard let open = text.range(of: "LIGHTBOX_VIEWER.index("), let close = text.range(of: ");", options: .backwards),
              let json = try JSONSerialization.jsonObject(with: Data(text[open.upperBound..<close.lowerBound].utf8)) as? [String: Any] else {
            throw TestFailure.unusable("STUDIES.JS is not LIGHTBOX_VIEWER.index({...});")
        }
        return s(json["patients"]).flatMap { s($0["studies"]) }.flatMap { s($0["series"]) }
    }

    /// The instance number of each frame of a series file, in order.
    private func frameInstances(_ disc: URL, key: String) throws -> [Int] {
        let text = try String(contentsOf: disc.appendingPathComponent("IHE_PDI/VIEWER/\(key).JS"), encoding: .utf8)
        return text.components(separatedBy: "{\"instance\":").dropFirst().compactMap { Int($0.prefix { $0.isNumber || $0 == "-" }) }
    }

    /// Every DICOM file on the disc by Series Instance UID and Instance Number, as dcmdump reads them.
    private func discFiles(_ dcmdump: String, _ disc: URL) throws -> [String: [Int: String]] {
        var out: [String: [Int: String]] = [:]
        for f in Oracles.files(under: disc.appendingPathComponent("DICOM")) {
            let r = try runCommand(dcmdump, ["-q", "+P", "0020,000e", "+P", "0020,0013", f])
            guard r.status == 0 else { throw TestFailure.oracleFailed("dcmdump \(f): \(r.stderr)") }
            let values = r.stdout.split(separator: "\n").map { $0.split(separator: "[").dropFirst().first?.split(separator: "]").first.map(String.init) ?? "" }
            guard values.count >= 1 else { continue }
            let number = values.count > 1 ? Int(values[1].trimmingCharacters(in: .whitespaces)) ?? 0 : 0
            out[values[0], default: [:]][number] = f
        }
        return out
    }
}

/// A binary PGM/PPM (P5/P6, maxval 255) as `lightbox render` writes it.
private struct PNM {
    var width: Int, height: Int, channels: Int, bytes: [UInt8]

    init(path: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var fields: [String] = [], i = 0
        while fields.count < 4, i < data.count {
            while i < data.count, data[i] == 0x20 || data[i] == 0x0A || data[i] == 0x0D || data[i] == 0x09 { i += 1 }
            var f = ""
            while i < data.count, !(data[i] == 0x20 || data[i] == 0x0A || data[i] == 0x0D || data[i] == 0x09) { f.append(Character(Unicode.Scalar(data[i]))); i += 1 }
            fields.append(f)
        }
        i += 1
        guard fields.count == 4, let w = Int(fields[1]), let h = Int(fields[2]), fields[3] == "255" else {
            throw TestFailure.unusable("\(path) is not an 8-bit P5/P6 file")
        }
        width = w; height = h; channels = fields[0] == "P6" ? 3 : 1
        bytes = Array(data[i...])
    }

    func rgba(_ x: Int, _ y: Int) -> [Int] {
        let at = (y * width + x) * channels
        return channels == 3 ? [Int(bytes[at]), Int(bytes[at + 1]), Int(bytes[at + 2]), 255] : [Int(bytes[at]), Int(bytes[at]), Int(bytes[at]), 255]
    }
}
