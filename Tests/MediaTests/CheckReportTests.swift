import XCTest
@testable import Media

/// `lightbox check`'s wording without media: what still works, cut file lists, PS3.10 §8.2 File
/// ID components and HTML escaping.
final class CheckReportTests: XCTestCase {
    func report(instances: Int, readable: Int, findings: [CheckFinding]) -> MediaCheckReport {
        MediaCheckReport(source: "x", profile: "STD-GEN-CD", profileInferred: true, instances: instances, readable: readable,
                         patients: [], findings: findings)
    }

    func testSummarySaysWhatStillWorks() {
        let f = CheckFinding(.error, "missingFile", "m", clause: "PS3.3 F.3.2.2")
        XCTAssertEqual(report(instances: 1204, readable: 1204, findings: [f]).summary, "all 1,204 images can be read despite these problems")
        XCTAssertEqual(report(instances: 3, readable: 2, findings: [f]).summary, "2 of 3 images can be read despite these problems")
        XCTAssertEqual(report(instances: 3, readable: 3, findings: []).summary, "all 3 images can be read; no problems were found")
    }

    func testLongFileListsAreCut() {
        XCTAssertEqual(CheckReportText.files(["A", "B", "C", "D"], max: 2), "A, B … and 2 more")
        XCTAssertEqual(CheckReportText.files(["A", "B"], max: 2), "A, B")
    }

    func testFileIDComponents() {
        XCTAssertNil(FileIDRule.problem(["DICOM", "PAT00001", "IMG_0001"]))
        XCTAssertNotNil(FileIDRule.problem(["DICOM", "img1.dcm"]))
        XCTAssertNotNil(FileIDRule.problem(["DICOM", "IMAGE0001"]))
        XCTAssertNotNil(FileIDRule.problem(Array(repeating: "A", count: 9)))
        XCTAssertNotNil(FileIDRule.problem(["DICOM", ""]))
    }

    func testHTMLIsEscapedAndDeclaresUTF8() {
        var r = report(instances: 1, readable: 1, findings: [CheckFinding(.warning, "k", "a <b> & \"c\"", clause: "PS3.10 8.2", files: ["F"])])
        r.patients = ["王^小东 (ID1)"]
        let html = CheckReportHTML.render(r)
        XCTAssertTrue(html.contains("<meta charset=\"utf-8\">"))
        XCTAssertTrue(html.contains("a &lt;b&gt; &amp; &quot;c&quot;"))
        XCTAssertTrue(html.contains("王^小东 (ID1)"))
    }
}
