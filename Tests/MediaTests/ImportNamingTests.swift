@testable import Media
import XCTest

/// `SafeName` and `ImportPlan`'s folder names: safe on every file system, Chinese kept readable.
final class ImportNamingTests: XCTestCase {
    /// A component that no file system refuses and that cannot climb out of its folder.
    func assertSafe(_ s: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(s.isEmpty, file: file, line: line)
        XCTAssertFalse(s.contains("/") || s.contains("\\") || s.contains(".."), s, file: file, line: line)
        XCTAssertFalse(s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, s.debugDescription, file: file, line: line)
        XCTAssertFalse(s.hasSuffix(".") || s.hasSuffix(" ") || s.hasPrefix("."), s, file: file, line: line)
        XCTAssertLessThanOrEqual(s.utf8.count, SafeName.maxBytes, file: file, line: line)
    }

    func testHostileNames() {
        let cases: [(String, String)] = [
            ("../../etc", "_._etc"), ("a/b", "a_b"), ("a\\b", "a_b"), ("..", "X"), (".", "X"), ("", "X"),
            ("evil\u{0}name", "evil name"), ("line\nbreak\t\u{7}x", "line break x"), ("trail. . ", "trail"),
            ("CON", "_CON"), ("con.txt", "_con.txt"), ("Lpt9", "_Lpt9"), ("COM1.dcm", "_COM1.dcm"), ("CONSOLE", "CONSOLE"),
            ("a:b*c?d\"e<f>g|h", "a_b_c_d_e_f_g_h"), ("  spaced   out  ", "spaced out"),
            ("李娜", "李娜"), ("Li^Na=李^娜", "Li^Na=李^娜"),
        ]
        for (input, expected) in cases {
            let s = SafeName.component(input, fallback: "X")
            XCTAssertEqual(s, expected, input.debugDescription)
            assertSafe(s)
        }
    }

    func testLongNamesAreCutOnACharacterBoundary() {
        let chinese = String(repeating: "李", count: 80)  // 240 UTF-8 bytes
        let s = SafeName.component(chinese, fallback: "X")
        XCTAssertEqual(s, String(repeating: "李", count: 33))  // 99 bytes: a 34th would make 102
        assertSafe(s)
        let mixed = SafeName.component(String(repeating: "a", count: 99) + "娜娜", fallback: "X")
        XCTAssertEqual(mixed, String(repeating: "a", count: 99))
        let dots = SafeName.component(String(repeating: "a", count: 99) + ". b", fallback: "X")
        XCTAssertEqual(dots, String(repeating: "a", count: 99), "no trailing dot after the cut")
    }

    func testFolders() {
        XCTAssertEqual(ImportPlan.patientFolder(name: "Li^Na=李^娜=li^na", id: "P001"), "Li Na 李 娜 li na (P001)")
        XCTAssertEqual(ImportPlan.patientFolder(name: "", id: ""), "Unknown patient")
        XCTAssertEqual(ImportPlan.patientFolder(name: "^", id: "7"), "Unknown patient (7)")
        XCTAssertEqual(ImportPlan.patientFolder(name: "../../etc", id: "../x"), "_._etc (_x)")
        let long = ImportPlan.patientFolder(name: String(repeating: "张", count: 60), id: "ID12345")
        XCTAssertTrue(long.hasSuffix(" (ID12345)"), long)
        assertSafe(long)
        XCTAssertEqual(ImportPlan.studyFolder(date: "20240131", description: "CT 胸部"), "2024-01-31 – CT 胸部")
        XCTAssertEqual(ImportPlan.studyFolder(date: "", description: ""), "Unknown study")
        XCTAssertEqual(ImportPlan.seriesFolder(number: "2", description: "", modality: "CT"), "2 – CT")
        XCTAssertEqual(ImportPlan.seriesFolder(number: "", description: "", modality: ""), "Unknown series")
        XCTAssertEqual(ImportPlan.fileName(7), "IMG00007.dcm")
        XCTAssertEqual(ImportPlan.fileName(123456, suffix: "-2"), "IMG123456-2.dcm")
    }
}
