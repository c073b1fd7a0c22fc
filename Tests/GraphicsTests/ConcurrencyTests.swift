import XCTest
@testable import Graphics

/// One `FontLibrary` shared by pages drawn on several threads at once (its documented use).
final class ConcurrencyTests: XCTestCase {
    func testSharedLibraryAcrossThreads() throws {
        let lib = try FontLibrary(fontsFolder: nil)
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            do {
                let page = try RasterPage(size: Size(width: 60, height: 10), dpi: 100, fonts: lib)
                try page.draw { c in
                    let d = try c.drawText("王小明 \(i) Wang 北京 é", in: Rect(x: 0, y: 0, width: 60, height: 10), style: TextStyle(size: 10))
                    if Set(d.fonts.map(\.family)) != ["DejaVu Sans", "WenQuanYi Micro Hei"] { failures.add("fonts \(d.fonts)") }
                }
                if !page.grayPixels().contains(where: { $0 < 128 }) { failures.add("page \(i) is blank") }
            } catch {
                failures.add("\(error)")
            }
        }
        XCTAssertEqual(failures.all, [])
    }
}

private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
