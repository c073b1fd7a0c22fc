import XCTest
@testable import Graphics

final class GraphicsVersionTests: XCTestCase {
    func testCairoVersionIsReported() {
        XCTAssertTrue(Graphics.cairoVersion.hasPrefix("1."), Graphics.cairoVersion)
    }
}
