import Foundation
@testable import Media
import TestSupport
import XCTest

/// Disc label and case insert PDF (IHE PDI label content) for a Chinese patient, checked with
/// poppler-utils; layout loading errors.
final class DiscLabelTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-disclabel-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static let utc = TimeZone(identifier: "UTC")!

    func chineseLabel(studies: Int = 2, content: DiscLabel.Content = .dicomPlusWeb) -> DiscLabel {
        let all = [
            DiscLabel.Study(date: "20240305", description: "胸部CT平扫 Chest CT", modalities: ["CT", "SR"]),
            DiscLabel.Study(date: "20231120", description: "头颅MRI Head MR", modalities: ["MR"]),
        ]
        let list = (0 ..< studies).map { i in i < 2 ? all[i] : DiscLabel.Study(date: "2022\(String(format: "%02d", i % 12 + 1))01", description: "Follow-up \(i)", modalities: ["CR"]) }
        return DiscLabel(patientName: PDIText.displayName("Wang^Xiaoming=王^小明"), patientID: "BJ-0042",
                         birthDate: "19800102", studies: list, institution: "北京协和医院 Peking Union Medical College Hospital",
                         applicationName: "Lightbox", applicationVersion: "0.9.1",
                         creationDate: Date(timeIntervalSince1970: 1_714_521_600), // 2024-05-01 UTC
                         content: content, volume: 1, volumeCount: 2)
    }

    func composer() throws -> DiscLabelComposer {
        try DiscLabelComposer(timeZone: Self.utc)
    }

    func testDisplayNameFromPersonName() {
        XCTAssertEqual(PDIText.displayName("Wang^Xiaoming=王^小明"), "王小明 (WANG, Xiaoming)")
        XCTAssertEqual(PDIText.displayName("DOE^JOHN^^DR"), "DOE, DR JOHN")
        XCTAssertEqual(PDIText.displayName("=王^小明"), "王小明")
        XCTAssertEqual(PDIText.displayName("Yamada^Tarou=山田^太郎=やまだ^たろう"), "山田太郎 (YAMADA, Tarou)")
    }

    func testChinesePatientLabelPDF() throws {
        let path = dir.appendingPathComponent("LABEL.PDF").path
        let report = try composer().render(chineseLabel(), to: path)
        XCTAssertEqual(report.pages, 2)
        XCTAssertEqual(Set(report.fonts.map(\.family)), ["DejaVu Sans", "WenQuanYi Micro Hei"])
        XCTAssertEqual(report.studiesNotListed, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["LABEL.PDF"], "no temporary left")

        let info = try LabelPoppler.run("pdfinfo", [path])
        XCTAssertTrue(info.split(separator: "\n").contains { $0.hasPrefix("Pages:") && $0.hasSuffix(" 2") }, info)
        XCTAssertTrue(info.contains("340.157 x 340.157 pts"), "120 mm square pages: \(info)")

        for page in 1 ... 2 {
            let text = try LabelPoppler.run("pdftotext", ["-enc", "UTF-8", "-f", "\(page)", "-l", "\(page)", path, "-"])
            for expected in ["王小明", "WANG, Xiaoming", "BJ-0042", "1980-01-02", "北京协和医院", "DICOM PLUS WEB",
                             "2024-03-05", "2023-11-20", "胸部CT平扫", "2024-05-01", "Lightbox 0.9.1", "Volume 1 of 2"] {
                XCTAssertTrue(text.contains(expected), "page \(page) lacks \(expected): \(text)")
            }
        }
        let insert = try LabelPoppler.run("pdftotext", ["-enc", "UTF-8", "-f", "2", "-l", "2", path, "-"])
        XCTAssertTrue(insert.contains("INDEX.HTM"), insert)

        let fonts = try LabelPoppler.run("pdffonts", [path])
        XCTAssertTrue(fonts.contains("DejaVuSans") && fonts.contains("WenQuanYi"), fonts)

        // pdftoppm renders both pages: 120 mm at 50 dpi = 236.2 px (poppler rounds up).
        let prefix = dir.appendingPathComponent("render").path
        _ = try LabelPoppler.run("pdftoppm", ["-r", "50", "-png", path, prefix])
        let pngs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("render") }.sorted()
        XCTAssertEqual(pngs, ["render-1.png", "render-2.png"])
        for name in pngs {
            let png = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
            XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
            XCTAssertTrue((236 ... 237).contains(png[16 ..< 20].reduce(0) { $0 << 8 | Int($1) }))
            XCTAssertGreaterThan(png.count, 2000, "\(name) is not blank")
        }
    }

    func testManyStudiesAreSummarisedAndDICOMOnly() throws {
        let path = dir.appendingPathComponent("MANY.PDF").path
        let report = try composer().render(chineseLabel(studies: 14, content: .dicomOnly), to: path)
        XCTAssertEqual(report.studiesNotListed, 11, "disc shows 3 studies + a summary line")
        let text = try LabelPoppler.run("pdftotext", ["-enc", "UTF-8", path, "-"])
        XCTAssertTrue(text.contains("DICOM ONLY"), text)
        XCTAssertFalse(text.contains("DICOM PLUS WEB"), text)
        XCTAssertTrue(text.contains("+ 11 more studies"), text)
        XCTAssertTrue(text.contains("+ 5 more studies"), "case insert lists 9 + summary: \(text)")
        XCTAssertTrue(text.contains("14 studies"), text)
    }

    func testEmptyFieldsDisappear() throws {
        var label = chineseLabel()
        label.patientID = ""; label.birthDate = ""
        let path = dir.appendingPathComponent("NOID.PDF").path
        try composer().render(label, to: path)
        let text = try LabelPoppler.run("pdftotext", ["-enc", "UTF-8", path, "-"])
        XCTAssertFalse(text.contains("Born"), text)
        XCTAssertTrue(text.contains("王小明"), text)
    }

    func testMissingLayoutIsTypedError() throws {
        XCTAssertThrowsError(try DiscLabelLayout.loadDefault(environment: ["LIGHTBOX_LAYOUTS": dir.path])) { error in
            guard case DiscLabelError.layoutMissing(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, dir.appendingPathComponent("disc-label.json").path)
            XCTAssertTrue("\(error)".contains("LIGHTBOX_LAYOUTS"), "\(error)")
        }
    }

    func testMalformedLayoutsAreTypedErrors() throws {
        let url = dir.appendingPathComponent("disc-label.json")
        try "{ \"version\": 1, \"pages\": [".write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DiscLabelLayout.load(from: url)) { error in
            guard case DiscLabelError.layoutMalformed(let p, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(p, url.path)
        }
        try #"{ "version": 1, "fontFamilies": [], "pages": [ { "name": "disc", "width": 120, "height": 120, "elements": [ { "type": "text", "box": [0, 0, 10, 5], "text": "{patientNmae}", "size": 8 } ] } ] }"#
            .write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DiscLabelLayout.loadDefault(environment: ["LIGHTBOX_LAYOUTS": dir.path])) { error in
            guard case DiscLabelError.layoutMalformed(_, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("{patientNmae}") && reason.contains("page 1 (disc) element 1"), reason)
        }
        try #"{ "version": 1, "fontFamilies": [], "pages": [ { "name": "disc", "width": 120, "height": 120, "elements": [ { "type": "sticker" } ] } ] }"#
            .write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DiscLabelLayout.load(from: url)) { error in
            guard case DiscLabelError.layoutMalformed = error else { return XCTFail("\(error)") }
        }
    }

    func testDefaultLayoutHasDiscAndInsert() throws {
        let layout = try DiscLabelLayout.loadDefault(environment: [:], executable: nil)
        XCTAssertEqual(layout.pages.map(\.name), ["disc", "case-insert"])
        XCTAssertEqual(layout.problems(), [])
        let disc = layout.pages[0]
        XCTAssertEqual(disc.width, 120)
        XCTAssertEqual(disc.elements.filter { $0.type == .circle }.compactMap(\.diameter).sorted(), [41, 120])
    }

    func testInvalidVolumeIsRejected() throws {
        var label = chineseLabel()
        label.volume = 3
        XCTAssertThrowsError(try composer().render(label, to: dir.appendingPathComponent("X.PDF").path)) { error in
            guard case DiscLabelError.invalidLabel = error else { return XCTFail("\(error)") }
        }
    }

    func testUncoverableCharacterNamesIt() throws {
        var label = chineseLabel()
        label.patientName = "Test \u{E123}"
        XCTAssertThrowsError(try composer().render(label, to: dir.appendingPathComponent("PUA.PDF").path)) { error in
            XCTAssertTrue("\(error)".contains("U+E123"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "nothing left behind")
    }
}

/// poppler-utils for these tests; a missing tool fails the test under LIGHTBOX_REQUIRE_ORACLES=1
/// (`make test`, see `TestRequirement`), and skips it in a plain `swift test`.
private enum LabelPoppler {
    static func run(_ name: String, _ args: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            try TestRequirement.unmet("oracle missing: \(name) (Debian package poppler-utils); `make deps` installs it")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "\(name) \(args): \(String(decoding: e, as: UTF8.self))", file: file, line: line)
        return String(decoding: o, as: UTF8.self)
    }
}
