import Foundation
import XCTest

/// What the print conformance tests share: the pynetdicom print SCU oracle
/// (Tests/Oracles/pynetdicom_print_scu.py) run against a `PrintServerPeer`, the films the server
/// renders into SPOOL/films/<date>/<calling AE>/<Film Session Label>/, and their density PNGs read
/// back by an outside decoder (Tests/Oracles/png_sample.py; sample = optical density × 10000,
/// docs/film-output.md).
enum PrintFilms {
    /// Runs the SCU with `plan` (the JSON plan the script documents) and returns its report.
    static func runSCU(_ plan: [String: Any], to server: PrintServerPeer) throws -> [String: Any] {
        let python = try Oracles.requirePython()
        let path = server.folder + "/plan-\(UUID().uuidString.prefix(8)).json"
        try JSONSerialization.data(withJSONObject: plan).write(to: URL(fileURLWithPath: path))
        let r = try runCommand(python, [Oracles.oracleScript("pynetdicom_print_scu.py"), "127.0.0.1", "\(server.port)", server.aeTitle, path])
        guard r.status == 0 else { throw TestFailure.oracleFailed("pynetdicom_print_scu.py exited \(r.status): \(r.stderr)") }
        return try report(r.stdout + "\n" + r.stderr)
    }

    /// The SCU's JSON report: the last line of `output` that is a JSON object.
    static func report(_ output: String) throws -> [String: Any] {
        for line in output.split(separator: "\n").reversed() where line.hasPrefix("{") {
            if let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] { return o }
        }
        throw TestFailure.oracleFailed("no JSON report from the print SCU: \(output.suffix(2000))")
    }

    /// Every (step, status) of a report, in order (status nil: no response came).
    static func steps(_ report: [String: Any]) -> [(String, Int?)] {
        ((report["steps"] as? [[String: Any]]) ?? []).map { ($0["step"] as? String ?? "?", $0["status"] as? Int) }
    }

    /// The status of the last step called `name`.
    static func status(_ report: [String: Any], _ name: String) -> Int? {
        steps(report).last { $0.0 == name }?.1
    }

    /// Steps whose status is not Success (0000), for messages and "all succeeded" checks.
    static func nonSuccess(_ report: [String: Any]) -> [String] {
        steps(report).filter { $0.1 != 0 }.map { "\($0.0): \($0.1.map { String($0, radix: 16) } ?? "no response")" }
    }

    /// The density PNGs (film-N.png, not the previews) printed for a Film Session Label, sorted.
    static func films(label: String, in spool: String) -> [String] {
        Oracles.files(under: URL(fileURLWithPath: spool + "/films"))
            .filter { $0.contains("/\(label)/") && $0.hasSuffix(".png") && !$0.hasSuffix("-preview.png") }
            .filter { FileManager.default.fileExists(atPath: String($0.dropLast(4)) + ".pdf") }
            .sorted { $0.localizedStandardCompare($1) == .orderedAscending }
    }

    /// Waits until `count` films (PNG and PDF, both renamed into place whole) exist for `label`.
    /// The timeout is generous: it only ends a test whose film never comes.
    static func waitForFilms(label: String, count: Int, in spool: String, server: PrintServerPeer,
                             timeout: TimeInterval = 180) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var found = films(label: label, in: spool)
        while found.count < count && Date() < deadline {
            usleep(50_000)
            found = films(label: label, in: spool)
        }
        guard found.count >= count else {
            throw TestFailure.unusable("\(found.count) of \(count) films for \(label) after \(Int(timeout)) s\n\(server.log.suffix(3000))")
        }
        return found
    }

    /// Entries of SPOOL/queue, hidden ones (a half-written `.incoming-…` job) included.
    static func queueEntries(_ spool: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: spool + "/queue")) ?? []).sorted()
    }

    struct Samples: Decodable {
        var width: Int, height: Int, depth: Int
        /// One sample per point: optical density × 10000.
        var samples: [Int]
        /// Per point, the largest difference to any sample within 2 pixels (0: a flat area).
        var spread: [Int]
    }

    /// Samples of a density PNG at pixel points, read by Tests/Oracles/png_sample.py.
    static func sample(_ png: String, at points: [(x: Int, y: Int)]) throws -> Samples {
        let python = try Oracles.requirePython()
        let list = FileManager.default.temporaryDirectory.appendingPathComponent("points-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: list) }
        try JSONSerialization.data(withJSONObject: points.map { [$0.x, $0.y] }).write(to: list)
        let r = try runCommand(python, [Oracles.oracleScript("png_sample.py"), png, list.path])
        guard r.status == 0 else { throw TestFailure.oracleFailed("png_sample.py \(png): \(r.stderr)") }
        return try JSONDecoder().decode(Samples.self, from: Data(r.stdout.utf8))
    }
}

/// Where a printer puts an image, worked out in the test from the printer profile's data file
/// (Layouts/printers/<name>.json: margin, gap, dpi) and the rules docs/film-output.md states, not
/// from Lightbox's layout code: STANDARD\C,R boxes share the area inside the margin with `gap`
/// between them (PS3.3 C.13.8), an image without Requested Image Size is scaled to fit its box,
/// aspect ratio kept, and centred (PS3.3 C.13.5); a point at x mm lies in pixel ⌊x / 25.4 × dpi⌋.
struct FilmGeometry {
    var marginMM: Double
    var gapMM: Double
    var dpi: Double

    init(profile: String = "lightbox-dry") throws {
        let path = Oracles.repositoryRoot.appendingPathComponent("Layouts/printers/\(profile).json").path
        guard let o = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any],
              let margin = o["marginMM"] as? Double, let gap = o["gapMM"] as? Double,
              let dpi = (o["resolutions"] as? [String: Any])?["STANDARD"] as? Double else {
            throw TestFailure.unusable("\(path) lacks marginMM, gapMM or resolutions.STANDARD")
        }
        marginMM = margin; gapMM = gap; self.dpi = dpi
    }

    /// The centre pixel of every image pixel, in raster order, of the image at `position`
    /// (1-based, left to right then top to bottom) in a STANDARD\columns,rows film of
    /// `filmMM` (width, height as the film lies).
    func imagePixelCentres(filmMM: (Double, Double), columns: Int, rows: Int, position: Int,
                           imageColumns: Int, imageRows: Int) -> [(x: Int, y: Int)] {
        let areaW = filmMM.0 - 2 * marginMM, areaH = filmMM.1 - 2 * marginMM
        let col = Double((position - 1) % columns), row = Double((position - 1) / columns)
        let boxW = (areaW + gapMM) / Double(columns) - gapMM, boxH = (areaH + gapMM) / Double(rows) - gapMM
        let boxX = marginMM + col * (areaW + gapMM) / Double(columns), boxY = marginMM + row * (areaH + gapMM) / Double(rows)
        let mmPerPixel = min(boxW / Double(imageColumns), boxH / Double(imageRows))
        let x0 = boxX + (boxW - mmPerPixel * Double(imageColumns)) / 2
        let y0 = boxY + (boxH - mmPerPixel * Double(imageRows)) / 2
        let k = dpi / 25.4
        return (0 ..< imageRows).flatMap { r in (0 ..< imageColumns).map { c in
            (x: Int(((x0 + (Double(c) + 0.5) * mmPerPixel) * k).rounded(.down)),
             y: Int(((y0 + (Double(r) + 0.5) * mmPerPixel) * k).rounded(.down)))
        } }
    }
}
