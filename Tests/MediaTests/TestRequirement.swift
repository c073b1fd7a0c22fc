import Foundation
import XCTest

/// What a MediaTests test needs from the machine: a reference tool, or root to mount a small tmpfs.
/// Under `make test` (LIGHTBOX_REQUIRE_ORACLES=1, which runs as root with the tools installed) an
/// unmet need fails the test, and only fails it: the error is thrown, so XCTest counts one failure
/// and no skip. In a plain `swift test` (any user, tools perhaps missing) the test is skipped with
/// the reason.
enum TestRequirement {
    /// Thrown under `make test`; XCTest records it as the test's failure.
    struct Unmet: Error, CustomStringConvertible { var description: String }

    static var required: Bool { ProcessInfo.processInfo.environment["LIGHTBOX_REQUIRE_ORACLES"] == "1" }

    static func unmet(_ why: String) throws -> Never {
        if required { throw Unmet(description: why) }
        throw XCTSkip(why)
    }
}
