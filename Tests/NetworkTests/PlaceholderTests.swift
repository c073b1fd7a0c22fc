import XCTest
final class NetworkPlaceholderTests: XCTestCase { func testModuleLinks() { XCTAssertTrue(true) } }
