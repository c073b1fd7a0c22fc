import DICOM
import Foundation
@testable import Imaging
import XCTest

/// Rendering against DCMTK (must-show 4): `lightbox render` must produce exactly the pixels of
/// `dcmj2pnm` for linear windows (`+Wi n`, which floors, MONOCHROME1 as floor(255 − y)), VOI LUT
/// Sequences (`+Wl n`) and Modality LUT Sequences; and our GSDF must match `dcmdspfn`.
final class RenderConformanceTests: XCTestCase {
    /// The `lightbox` executable: `LIGHTBOX_BINARY` when set (a build under another scratch path),
    /// else the one built next to the test bundle (`swift build --build-tests` builds it).
    static func lightboxBinary() throws -> String {
        if let p = ProcessInfo.processInfo.environment["LIGHTBOX_BINARY"], !p.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: p) else { try Oracles.missing("LIGHTBOX_BINARY=\(p) (not an executable)") }
            return p
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0 ..< 3 {
            let p = dir.appendingPathComponent("lightbox").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
            dir.deleteLastPathComponent()
        }
        for b in [".build/debug/lightbox", ".build/release/lightbox"] {
            let p = Oracles.repositoryRoot.appendingPathComponent(b).path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        try Oracles.missing("the lightbox executable (run `swift build`)")
    }

    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-render-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: tmp)
    }

    /// Pixels of a binary PGM/PPM and its header fields. A file that is not one is a failure of the
    /// test (Lightbox or the oracle wrote no image), never a skip.
    static func readPNM(_ path: String) throws -> (width: Int, height: Int, maxval: Int, pixels: [UInt8]) {
        let d = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var fields: [String] = [], i = 0, cur = ""
        while fields.count < 4 && i < d.count {
            let c = d[i]
            if c == UInt8(ascii: "#") { while i < d.count && d[i] != 10 { i += 1 } }
            else if c == 32 || c == 10 || c == 13 || c == 9 { if !cur.isEmpty { fields.append(cur); cur = "" } }
            else { cur.append(Character(UnicodeScalar(c))) }
            i += 1
        }
        guard fields.count == 4, ["P5", "P6"].contains(fields[0]), let w = Int(fields[1]), let h = Int(fields[2]),
              let m = Int(fields[3]) else {
            throw TestFailure.unusable("unreadable PNM \(path): header fields \(fields)")
        }
        return (w, h, m, Array(d[i...]))
    }

    /// Runs dcmj2pnm with `options` and `lightbox render` with `ours`, both to PGM, and requires
    /// identical output; also renders to PNG and checks it decodes to the same pixels.
    func assertSameAsDCMTK(_ file: String, dcmtk options: [String], lightbox ours: [String],
                           checkPNG: Bool = false, line: UInt = #line) throws {
        let dcmj2pnm = try Oracles.require("dcmj2pnm", package: "dcmtk")
        let lightbox = try Self.lightboxBinary()
        let name = (file as NSString).lastPathComponent
        let theirs = tmp.appendingPathComponent("\(name).dcmtk.pgm").path
        let mine = tmp.appendingPathComponent("\(name).lightbox.pgm").path
        let r1 = try runCommand(dcmj2pnm, options + ["+op", file, theirs])
        XCTAssertEqual(r1.status, 0, "dcmj2pnm \(name): \(r1.stderr)", line: line)
        let r2 = try runCommand(lightbox, ["render", file, "-o", mine] + ours)
        XCTAssertEqual(r2.status, 0, "lightbox render \(name): \(r2.stderr)", line: line)
        guard r1.status == 0, r2.status == 0 else { return }
        let a = try Self.readPNM(theirs), b = try Self.readPNM(mine)
        XCTAssertEqual(a.width, b.width, name, line: line)
        XCTAssertEqual(a.height, b.height, name, line: line)
        XCTAssertEqual(a.pixels.count, b.pixels.count, name, line: line)
        if a.pixels != b.pixels {
            let diffs = zip(a.pixels, b.pixels).enumerated().filter { $0.element.0 != $0.element.1 }
            let maxDiff = diffs.map { abs(Int($0.element.0) - Int($0.element.1)) }.max() ?? 0
            XCTFail("\(name): \(diffs.count) of \(a.pixels.count) pixels differ from dcmj2pnm \(options.joined(separator: " ")) (max \(maxDiff)); first at \(diffs.first.map { "\($0.offset): dcmtk \($0.element.0), lightbox \($0.element.1)" } ?? "")", line: line)
        }
        if checkPNG {
            let python = try Oracles.requirePython()
            let png = tmp.appendingPathComponent("\(name).png").path, back = tmp.appendingPathComponent("\(name).png.pgm").path
            let r3 = try runCommand(lightbox, ["render", file, "-o", png] + ours)
            XCTAssertEqual(r3.status, 0, r3.stderr, line: line)
            let r4 = try runCommand(python, [Oracles.oracleScript("png_to_pnm.py"), png, back])
            XCTAssertEqual(r4.status, 0, r4.stderr, line: line)
            XCTAssertEqual(try Self.readPNM(back).pixels, a.pixels, "\(name): PNG pixels differ from dcmj2pnm", line: line)
        }
    }

    /// MONOCHROME2, linear windows from the file: CT (rescale −1024), MR, 12-bit MR with a
    /// non-integer rescale slope, several windows (+Wi 2).
    func testMonochrome2WindowsMatchDcmj2pnm() throws {
        let pd = try Oracles.requireCorpus("pydicom"), pdd = try Oracles.requireCorpus("pydicom-data")
        try assertSameAsDCMTK(pd.appendingPathComponent("CT_small.dcm").path,
                              dcmtk: ["+Ww", "40", "400"], lightbox: ["--window", "40,400"], checkPNG: true)
        try assertSameAsDCMTK(pd.appendingPathComponent("MR_small.dcm").path,
                              dcmtk: ["+Wi", "1"], lightbox: ["--voi", "1"], checkPNG: true)
        for f in ["MR2_UNCI.dcm", "693_UNCI.dcm", "JPEG2000_UNC.dcm"] {
            let path = try Oracles.corpusFile("pydicom-data", f)
            if f == "JPEG2000_UNC.dcm" {
                try assertSameAsDCMTK(path, dcmtk: ["+Ww", "1000", "2500"], lightbox: ["--window", "1000,2500"])
            } else {
                try assertSameAsDCMTK(path, dcmtk: ["+Wi", "1"], lightbox: ["--voi", "1"])
            }
        }
        // Second of two windows.
        try assertSameAsDCMTK(pdd.appendingPathComponent("MR-SIEMENS-DICOM-WithOverlays.dcm").path,
                              dcmtk: ["+Wi", "2", "-O"], lightbox: ["--voi", "2"])
    }

    /// MONOCHROME1 (CR): floor(255 − y).
    func testMonochrome1WindowsMatchDcmj2pnm() throws {
        let pdd = try Oracles.requireCorpus("pydicom-data")
        for f in ["RG1_UNCI.dcm", "RG3_UNCI.dcm"] {
            try assertSameAsDCMTK(pdd.appendingPathComponent(f).path, dcmtk: ["+Wi", "1"], lightbox: ["--voi", "1"], checkPNG: f == "RG3_UNCI.dcm")
        }
        // CR MONOCHROME1 with a fractional rescale slope (0.684) from pydicom's DICOMDIR tests.
        let pd = try Oracles.requireCorpus("pydicom")
        guard let cr = Oracles.files(under: pd).first(where: { $0.hasSuffix("/6154") }) else {
            try Oracles.missing("the CR file 6154 of pydicom's dicomdirtests (run `make deps`)")
        }
        try assertSameAsDCMTK(cr, dcmtk: ["+Wi", "1"], lightbox: ["--voi", "1"])
    }

    /// VOI LUT Sequence (+Wl 1) and Modality LUT Sequence (with and without a window).
    func testLUTSequencesMatchDcmj2pnm() throws {
        let pdd = try Oracles.requireCorpus("pydicom-data")
        try assertSameAsDCMTK(pdd.appendingPathComponent("vlut_04.dcm").path,
                              dcmtk: ["+Wl", "1"], lightbox: ["--voi", "1", "--voi-lut"])
        try assertSameAsDCMTK(pdd.appendingPathComponent("mlut_18.dcm").path,
                              dcmtk: ["+Ww", "2000", "3000"], lightbox: ["--window", "2000,3000"])
        try assertSameAsDCMTK(pdd.appendingPathComponent("mlut_18.dcm").path,
                              dcmtk: [], lightbox: ["--no-voi"])
    }

    /// GSDF luminances of a display against `dcmdspfn +Og` (DCMTK's DiGSDFunction): a monitor
    /// 0.5…300 cd/m² with 1 cd/m² ambient (256 DDLs), and film (OD 0.2…3.0 on a 2000 cd/m² light
    /// box, 10 cd/m² ambient, 4096 DDLs = 12-bit print).
    func testGSDFMatchesDcmdspfn() throws {
        let dcmdspfn = try Oracles.require("dcmdspfn", package: "dcmtk")
        func curve(_ args: [String]) throws -> [Double] {
            let out = tmp.appendingPathComponent("gsdf-\(UUID().uuidString.prefix(6)).txt").path
            let r = try runCommand(dcmdspfn, args + ["+Og", out])
            XCTAssertEqual(r.status, 0, r.stderr)
            let text = try String(contentsOfFile: out, encoding: .utf8)
            return text.split(separator: "\n").compactMap { line -> Double? in
                let f = line.split(separator: "\t")
                guard f.count == 2, Int(f[0]) != nil else { return nil }
                return Double(f[1])
            }
        }
        let monitor = try curve(["+Il", "0.5", "300", "+Ca", "1", "+Cd", "256"])
        XCTAssertEqual(monitor.count, 256)
        let ours = GSDF.luminances(levels: 256, minLuminance: 0.5 + 1, maxLuminance: 300 + 1)
        for (i, (a, b)) in zip(monitor, ours).enumerated() {
            XCTAssertLessThan(abs(a - b) / a, 1e-5, "DDL \(i): dcmdspfn \(a), lightbox \(b)")
        }
        let film = try curve(["+Io", "0.2", "3.0", "+Ci", "2000", "+Ca", "10", "+Cd", "4096"])
        XCTAssertEqual(film.count, 4096)
        let h = HardcopyCalibration(minDensity: 0.2, maxDensity: 3.0, illumination: 2000, reflectedAmbientLight: 10)
        let r = h.luminanceRange
        let ours2 = GSDF.luminances(levels: 4096, minLuminance: r.lowerBound, maxLuminance: r.upperBound)
        for (i, (a, b)) in zip(film, ours2).enumerated() where i % 7 == 0 || i == 4095 {
            XCTAssertLessThan(abs(a - b) / a, 1e-5, "DDL \(i): dcmdspfn \(a), lightbox \(b)")
        }
    }

    /// The CLI names the file in errors.
    func testErrorsNameTheFile() throws {
        let lightbox = try Self.lightboxBinary()
        let pd = try Oracles.requireCorpus("pydicom")
        let f = pd.appendingPathComponent("CT_small.dcm").path
        let r = try runCommand(lightbox, ["render", f, "-o", tmp.appendingPathComponent("x.png").path, "--voi", "5"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("CT_small.dcm"), r.stderr)
    }
}
