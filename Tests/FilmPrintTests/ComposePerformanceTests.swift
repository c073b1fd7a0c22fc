import XCTest
@testable import FilmPrint

/// Issue 17's benchmark film: 14INX17IN STANDARD\4,5 of 512² 12-bit images to PDF plus the
/// 300 dpi density PNG. Prints the time; the bound here is loose because tests run as a debug
/// build (see docs/film-output.md for release timings).
final class ComposePerformanceTests: XCTestCase {
    func testBenchmarkFilm() throws {
        let c = try Fixtures.composer()
        var rng = SystemRandomNumberGenerator()
        let images = (1 ... 20).map { pos -> FilmImage in
            var s = [UInt16](repeating: 0, count: 512 * 512)
            for i in s.indices { s[i] = UInt16((i % 512) * 8 + Int(rng.next() % 8)) }
            return FilmImage(position: pos, rows: 512, columns: 512, bits: 12, samples: s)
        }
        var sheet = try Fixtures.sheet("14INX17IN", .portrait, format: "STANDARD\\4,5", profile: c.profile, images: images)
        sheet.magnification = .cubic
        let dir = try FilmOracle.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let t0 = Date()
        let plan = try c.compose(sheet, to: .init(pdf: "\(dir)/f.pdf", densityPNG: "\(dir)/f.png"))
        let dt = Date().timeIntervalSince(t0)
        print("FilmPrint benchmark film: \(plan.pixelWidth)×\(plan.pixelHeight) px, \(String(format: "%.3f", dt)) s")
        XCTAssertEqual(plan.placements.count, 20)
        XCTAssertLessThan(dt, 60)
    }
}
