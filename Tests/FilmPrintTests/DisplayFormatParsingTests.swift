import XCTest
@testable import FilmPrint

/// Image Display Format (2010,0010), PS3.3 C.13.8, parsed strictly: a table of values and what
/// each must give (a box count, or the error the SCP maps to 0106).
final class DisplayFormatParsingTests: XCTestCase {
    enum Expect { case boxes(Int), invalid, unsupported }

    let table: [(String, Expect)] = [
        ("STANDARD\\1,1", .boxes(1)),
        ("STANDARD\\2,3", .boxes(6)),
        ("STANDARD\\5,6", .boxes(30)),
        ("STANDARD\\4,5 ", .boxes(20)),          // trailing ST padding
        ("ROW\\2", .boxes(2)),
        ("ROW\\1,3,2", .boxes(6)),
        ("COL\\2,1", .boxes(3)),
        ("COL\\3,3,3,3", .boxes(12)),
        ("Standard \\ 2.3", .invalid),           // issue 17's example: case, spaces, decimal point
        ("standard\\2,3", .invalid),
        ("STANDARD\\2.3", .invalid),
        ("STANDARD\\2,3,4", .invalid),
        ("STANDARD\\2", .invalid),
        ("STANDARD\\0,2", .invalid),
        ("STANDARD\\2,0", .invalid),
        ("STANDARD\\02,2", .invalid),
        ("STANDARD\\-1,2", .invalid),
        ("STANDARD\\+1,2", .invalid),
        ("STANDARD\\ 1,2", .invalid),
        ("STANDARD\\1 ,2", .invalid),
        ("STANDARD\\1,,2", .invalid),
        ("STANDARD\\1,2,", .invalid),
        ("STANDARD\\65,1", .invalid),            // above the hard limit
        ("STANDARD\\1000000000000000000000,1", .invalid),
        ("STANDARD", .invalid),
        ("STANDARD\\", .invalid),
        ("STANDARD\\2,2\\1", .invalid),
        ("ROW\\", .invalid),
        ("ROW\\0", .invalid),
        ("ROW\\1,0,1", .invalid),
        ("COL\\a", .invalid),
        ("COL\\١,٢", .invalid),                 // non-ASCII digits
        ("GRID\\2,2", .invalid),
        ("", .invalid),
        (" STANDARD\\1,1", .invalid),
        ("SLIDE", .unsupported),
        ("SUPERSLIDE", .unsupported),
        ("CUSTOM\\1", .unsupported),
    ]

    func testTable() {
        for (value, expect) in table {
            let result = Result { try ImageDisplayFormat(dicom: value) }
            switch (expect, result) {
            case (.boxes(let n), .success(let f)):
                XCTAssertEqual(f.boxCount, n, value)
            case (.invalid, .failure(let e)):
                guard case FilmPrintError.invalidDisplayFormat = e else { return XCTFail("\(value): \(e)") }
            case (.unsupported, .failure(let e)):
                guard case FilmPrintError.unsupportedDisplayFormat = e else { return XCTFail("\(value): \(e)") }
            default:
                XCTFail("\(value): expected \(expect), got \(result)")
            }
        }
    }

    func testTooManyValues() {
        let v = "ROW\\" + Array(repeating: "1", count: 65).joined(separator: ",")
        XCTAssertThrowsError(try ImageDisplayFormat(dicom: v))
    }

    func testCanonicalSpellingRoundTrips() throws {
        for v in ["STANDARD\\3,4", "ROW\\1,2,3", "COL\\4,1"] {
            XCTAssertEqual(try ImageDisplayFormat(dicom: v).description, v)
        }
    }

    func testProfileLimits() throws {
        let p = try Fixtures.profile()
        XCTAssertNoThrow(try p.check(ImageDisplayFormat(dicom: "STANDARD\\5,6")))
        XCTAssertThrowsError(try p.check(ImageDisplayFormat(dicom: "STANDARD\\9,1"))) { e in
            guard case FilmPrintError.displayFormatTooLarge = e else { return XCTFail("\(e)") }
        }
    }

    func testErrorsSayWhatToDo() {
        XCTAssertThrowsError(try ImageDisplayFormat(dicom: "Standard \\ 2.3")) { e in
            XCTAssertTrue("\(e)".contains("STANDARD\\C,R"), "\(e)")
        }
    }
}
