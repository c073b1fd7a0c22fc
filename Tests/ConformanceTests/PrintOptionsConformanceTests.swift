import Foundation
import XCTest

/// Issue 17, must-show 2: the options a film printer honours, as a table. Each row is printed by a
/// foreign SCU (pynetdicom 3) on its own association against `lightbox print-server`, and gets the
/// status PS3.4 §H.4 gives it (where the standard leaves it to the SCP, DCMTK's: 0106 for a value
/// outside the defined terms, 0105 for an unsupported attribute, 0120 for a missing one, 0112 for
/// an unknown instance).
final class PrintOptionsConformanceTests: XCTestCase {
    struct Row {
        var name: String
        var level: String          // session, filmbox, imagebox, format, action
        var attrs: [String: Any] = [:]
        var format: String? = "STANDARD\\1,1"
        var image: [String: Any]? = nil
        var action: String? = nil
        var unknownUID = false
        var step: String           // which step's status is checked
        var status: Int
    }

    static func rows() -> [Row] {
        var rows: [Row] = []
        func session(_ k: String, _ v: Any, _ s: Int) { rows.append(Row(name: "session \(k)=\(v)", level: "session", attrs: [k: v], step: "session", status: s)) }
        func film(_ k: String, _ v: Any, _ s: Int) { rows.append(Row(name: "filmbox \(k)=\(v)", level: "filmbox", attrs: [k: v], step: "filmbox", status: s)) }
        func image(_ k: String, _ v: Any, _ s: Int) {
            rows.append(Row(name: "imagebox \(k)=\(v)", level: "imagebox", attrs: [k: v], image: ["bits": 8], step: "imagebox", status: s))
        }
        // Film Session (PS3.3 C.13.1)
        session("NumberOfCopies", 2, 0x0000); session("NumberOfCopies", 0, 0x0106)
        for p in ["HIGH", "MED", "LOW"] { session("PrintPriority", p, 0x0000) }
        session("PrintPriority", "URGENT", 0x0106)
        for m in ["PAPER", "CLEAR FILM", "BLUE FILM", "MAMMO CLEAR FILM", "MAMMO BLUE FILM"] { session("MediumType", m, 0x0000) }
        session("MediumType", "GREEN FILM", 0x0106)
        for d in ["MAGAZINE", "PROCESSOR", "BIN_2"] { session("FilmDestination", d, 0x0000) }
        session("FilmDestination", "TRAY", 0x0106)
        session("FilmSessionLabel", "CHEST PA", 0x0000)
        session("OwnerID", "DR LI", 0x0000)
        session("MemoryAllocation", 1000, 0xB600)
        session("ColorImagePrintingFlag", "YES", 0x0105)
        // Film Box (PS3.3 C.13.3, C.13.8)
        for c in 1 ... 5 { for r in 1 ... 6 {
            rows.append(Row(name: "STANDARD\\\(c),\(r)", level: "format", format: "STANDARD\\\(c),\(r)", step: "boxes", status: c * r))
        } }
        for (f, n) in [("ROW\\2,1", 3), ("ROW\\1,2,3", 6), ("COL\\1,3", 4), ("COL\\4", 4)] {
            rows.append(Row(name: f, level: "format", format: f, step: "boxes", status: n))
        }
        for f in ["Standard \\ 2.3", "STANDARD\\2.3", "STANDARD\\0,1", "SLIDE", "ROW\\"] {
            rows.append(Row(name: "format \(f)", level: "format", format: f, step: "filmbox", status: 0x0106))
        }
        rows.append(Row(name: "format missing", level: "format", format: nil, step: "filmbox", status: 0x0120))
        for o in ["PORTRAIT", "LANDSCAPE"] { film("FilmOrientation", o, 0x0000) }
        film("FilmOrientation", "DIAGONAL", 0x0106)
        for s in ["8INX10IN", "8_5INX11IN", "10INX12IN", "10INX14IN", "11INX14IN", "11INX17IN", "14INX14IN", "14INX17IN",
                  "24CMX24CM", "24CMX30CM", "A4", "A3"] { film("FilmSizeID", s, 0x0000) }
        film("FilmSizeID", "9INX9IN", 0x0106)
        for m in ["REPLICATE", "BILINEAR", "CUBIC", "NONE"] { film("MagnificationType", m, 0x0000) }
        film("MagnificationType", "SINC", 0x0106)
        film("SmoothingType", "MEDIUM", 0x0000)
        for d in ["BLACK", "WHITE", "150"] { film("BorderDensity", d, 0x0000); film("EmptyImageDensity", d, 0x0000) }
        film("BorderDensity", "GREY", 0x0106); film("EmptyImageDensity", "-3", 0x0106)
        film("MinDensity", 20, 0x0000); film("MaxDensity", 300, 0x0000)
        film("MinDensity", 2, 0xB605); film("MaxDensity", 390, 0xB605)
        film("Trim", "YES", 0x0000); film("Trim", "MAYBE", 0x0106)
        film("ConfigurationInformation", "GAMMA 2.2", 0x0000)
        film("Illumination", 2000, 0x0000); film("ReflectedAmbientLight", 10, 0x0000)
        film("RequestedResolutionID", "HIGH", 0x0000); film("RequestedResolutionID", "ULTRA", 0x0106)
        film("AnnotationDisplayFormatID", "LABEL", 0x0000)
        // Image Box (PS3.3 C.13.5)
        for p in ["NORMAL", "REVERSE"] { image("Polarity", p, 0x0000) }
        image("Polarity", "INVERTED", 0x0106)
        for m in ["REPLICATE", "BILINEAR", "CUBIC", "NONE"] { image("MagnificationType", m, 0x0000) }
        image("RequestedImageSize", "100", 0x0000); image("RequestedImageSize", "-5", 0x0106)
        for b in ["DECIMATE", "CROP", "FAIL"] { image("RequestedDecimateCropBehavior", b, 0x0000) }
        image("RequestedDecimateCropBehavior", "SQUEEZE", 0x0106)
        rows.append(Row(name: "12-bit image", level: "imagebox", image: ["bits": 12], step: "imagebox", status: 0))
        // Image larger than its box: a 14×17 in film at 300 dpi has boxes of ~800 printer pixels in
        // STANDARD\\5,6; at one printer pixel per image pixel (NONE) a 1200² image does not fit.
        let big: [String: Any] = ["bits": 8, "rows": 1200, "cols": 1200]
        for (behavior, status) in [("CROP", 0xB609), ("DECIMATE", 0xB60A), ("FAIL", 0xC603)] {
            rows.append(Row(name: "image larger than its box, \(behavior)", level: "imagebox",
                            attrs: ["MagnificationType": "NONE", "RequestedDecimateCropBehavior": behavior],
                            format: "STANDARD\\5,6", image: big, step: "imagebox", status: status))
        }
        // At a Requested Image Size wider than its box (the combined print image), FAIL: C613.
        rows.append(Row(name: "requested image size larger than its box, FAIL", level: "imagebox",
                        attrs: ["RequestedImageSize": "300", "RequestedDecimateCropBehavior": "FAIL"],
                        format: "STANDARD\\5,6", image: ["bits": 8], step: "imagebox", status: 0xC613))
        rows.append(Row(name: "image larger than its box, magnified to fit", level: "imagebox", format: "STANDARD\\5,6",
                        image: big, step: "imagebox", status: 0xB604))
        rows.append(Row(name: "pixel data of the wrong size", level: "imagebox", image: ["bits": 12, "wrong_size": true], step: "imagebox", status: 0x0106))
        rows.append(Row(name: "unknown image box", level: "imagebox", image: ["bits": 8], unknownUID: true, step: "imagebox", status: 0x0112))
        // Actions (PS3.4 §H.4.1.2.4, §H.4.2.2.4)
        rows.append(Row(name: "film box N-ACTION with empty image boxes", level: "action", action: "filmbox", step: "action", status: 0xB603))
        rows.append(Row(name: "film box N-ACTION", level: "action", image: ["bits": 8], action: "filmbox", step: "action", status: 0))
        rows.append(Row(name: "session N-ACTION with no film box", level: "action", format: "BAD", action: "session", step: "action", status: 0xC600))
        rows.append(Row(name: "session N-ACTION with empty image boxes", level: "action", action: "session", step: "action", status: 0xB602))
        return rows
    }

    func testEveryOptionGetsItsStatus() throws {
        let python = try Oracles.requirePython()
        let server = try PrintServerPeer()
        defer { server.stop() }
        let rows = Self.rows()
        let cases: [[String: Any]] = rows.map { r in
            var c: [String: Any] = ["name": r.name, "unknown_uid": r.unknownUID]
            c["format"] = r.format ?? NSNull()
            if r.level == "session" { c["session"] = r.attrs }
            if r.level == "filmbox" { c["filmbox"] = r.attrs }
            if r.level == "imagebox" { c["imagebox"] = r.attrs }
            if let i = r.image { c["image"] = i; if r.level != "imagebox" { c["imagebox"] = [String: Any]() } }
            if let a = r.action { c["action"] = a }
            return c
        }
        let plan = server.folder + "/cases.json"
        try JSONSerialization.data(withJSONObject: cases).write(to: URL(fileURLWithPath: plan))
        let r = try runCommand(python, [Oracles.oracleScript("pynetdicom_print_cases.py"), "127.0.0.1", "\(server.port)", server.aeTitle, plan])
        XCTAssertEqual(r.status, 0, r.stderr)
        let results = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]], r.stdout + r.stderr)
        XCTAssertEqual(results.count, rows.count)
        for (row, result) in zip(rows, results) {
            let steps = result["steps"] as? [String: Int] ?? [:]
            XCTAssertEqual(steps[row.step], row.status,
                           "\(row.name): \(row.step) answered \(steps[row.step].map { String($0, radix: 16) } ?? "nothing"), expected \(String(row.status, radix: 16)); \(result)")
        }
        XCTAssertTrue(server.isRunning, "the server serves on after every row\n\(server.log)")
    }
}
