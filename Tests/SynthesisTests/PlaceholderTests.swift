import XCTest
final class SynthesisPlaceholderTests: XCTestCase { func testModuleLinks() { XCTAssertTrue(true) } }
