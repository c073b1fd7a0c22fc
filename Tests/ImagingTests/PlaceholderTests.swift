import XCTest
final class ImagingPlaceholderTests: XCTestCase { func testModuleLinks() { XCTAssertTrue(true) } }
