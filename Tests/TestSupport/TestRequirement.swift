import Foundation
import XCTest

/// What a test needs from the machine: a reference tool, or root to mount a small tmpfs. Under
/// `make test` (LIGHTBOX_REQUIRE_ORACLES=1, which runs as root with the tools installed) an unmet
/// need fails the test, and only fails it: the error is thrown, so XCTest counts one failure and no
/// skip. In a plain `swift test` (any user, tools perhaps missing) the test is skipped with the
/// reason. Shared by the test targets that cannot reach ConformanceTests' `Oracles`.
public enum TestRequirement {
    /// Thrown under `make test`; XCTest records it as the test's failure.
    public struct Unmet: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public static var required: Bool { ProcessInfo.processInfo.environment["LIGHTBOX_REQUIRE_ORACLES"] == "1" }

    public static func unmet(_ why: String) throws -> Never {
        if required { throw Unmet(description: why) }
        throw XCTSkip(why)
    }

    /// The path of a program on PATH, or the unmet requirement naming its Debian package.
    public static func tool(_ name: String, package: String) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        try unmet("oracle missing: \(name) (Debian package \(package)); `make deps` installs it")
    }
}
