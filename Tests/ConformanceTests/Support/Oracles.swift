import Foundation
import XCTest

/// Finds the reference tools and test corpora the conformance tests run against.
///
/// Under `make test` (LIGHTBOX_REQUIRE_ORACLES=1) a missing tool or corpus is a failure, and only
/// that: the test throws `TestFailure.oracleMissing`, which XCTest records as a failure (never as a
/// skip too). In a plain `swift test` it skips the test with a note saying how to install it.
enum Oracles {
    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    static var required: Bool { ProcessInfo.processInfo.environment["LIGHTBOX_REQUIRE_ORACLES"] == "1" }

    /// Python of the venv the Makefile sets up, with pydicom, pynetdicom and pydicom-data.
    static var python: String { repositoryRoot.appendingPathComponent(".build/venv/bin/python").path }

    /// `.build/corpus/{pydicom,charset,pydicom-data}`, linked by `make corpus`.
    static func corpus(_ name: String) -> URL { repositoryRoot.appendingPathComponent(".build/corpus/\(name)") }

    static func oracleScript(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("Tests/Oracles/\(name)").path
    }

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Returns the tool's path, or fails/skips the test when it is missing.
    static func require(_ tool: String, package: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        if let p = which(tool) { return p }
        try missing("\(tool) (Debian package \(package))", file: file, line: line)
    }

    static func requirePython() throws -> String {
        if FileManager.default.isExecutableFile(atPath: python) { return python }
        try missing("the Python venv with pydicom (run `make deps`)")
    }

    static func requireCorpus(_ name: String) throws -> URL {
        let url = corpus(name)
        if FileManager.default.fileExists(atPath: url.path) { return url }
        try missing("test corpus \(url.path) (run `make deps`)")
    }

    /// Ends the test for want of an oracle: a failure under `make test`, a skip otherwise. A cached
    /// fixture that stores this error rethrows it to every test that uses it, so each of them fails.
    static func missing(_ what: String, file: StaticString = #filePath, line: UInt = #line) throws -> Never {
        if required { throw TestFailure.oracleMissing(what) }
        throw XCTSkip("oracle missing: \(what); `make test` installs it")
    }

    /// A corpus file that must exist (under `make test` its absence is a failure, not a silent pass).
    static func corpusFile(_ corpus: String, _ name: String) throws -> String {
        let path = try requireCorpus(corpus).appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else { try missing("corpus file \(path) (run `make deps`)") }
        return path
    }

    /// Every regular file under a folder, sorted.
    static func files(under url: URL) -> [String] {
        guard let e = FileManager.default.enumerator(at: url.resolvingSymlinksInPath(), includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var out: [String] = []
        for case let u as URL in e {
            if (try? u.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true { out.append(u.path) }
        }
        return out.sorted()
    }
}

/// Why a test stopped: thrown instead of `XCTSkip`, so that XCTest counts the test as failed.
enum TestFailure: Error, CustomStringConvertible {
    /// A reference tool, the venv or a corpus is missing under `make test`.
    case oracleMissing(String)
    /// A reference tool ran but did not do its job (bad status, no output): the comparison cannot
    /// be made, which is a failure, never a pass or a skip.
    case oracleFailed(String)
    /// Something the test itself needs (a file Lightbox wrote, a fixture) is not usable.
    case unusable(String)

    var description: String {
        switch self {
        case .oracleMissing(let what): return "oracle missing: \(what); `make deps` installs it"
        case .oracleFailed(let what): return "oracle failed: \(what)"
        case .unusable(let what): return what
        }
    }
}

/// Runs a command and captures its output.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

@discardableResult
func runCommand(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> CommandResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Read both pipes concurrently so neither fills up.
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    let errHandle = err.fileHandleForReading
    DispatchQueue.global().async { errBox.data = errHandle.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let errData = errBox.data
    p.waitUntilExit()
    return CommandResult(status: p.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}
