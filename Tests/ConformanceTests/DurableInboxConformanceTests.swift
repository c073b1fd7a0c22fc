import Foundation
import XCTest

/// Issue 16: `store-server --durable` makes a received object survive a power cut before it answers
/// Success: the file is fsynced, renamed to its final name, and the inbox folder is fsynced after
/// the rename (POSIX makes a rename durable only then). Checked from the kernel's side with strace,
/// while DCMTK's storescu sends.
final class DurableInboxConformanceTests: XCTestCase {
    func testDurableStoreFsyncsFileThenRenamesThenFsyncsTheFolder() throws {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        let strace = try Oracles.require("strace", package: "strace")
        let storescu = try Oracles.require("storescu", package: "dcmtk")
        let source = try Oracles.corpusFile("pydicom", "CT_small.dcm")
        let folder = try NetworkTestSupport.temporaryDirectory("durable")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let inbox = folder + "/inbox", trace = folder + "/trace.log"
        let port = NetworkTestSupport.freePort()
        let server = try NetworkTestSupport.launch(strace, ["-f", "-e", "trace=openat,fsync,fdatasync,rename,renameat,renameat2",
                                                            "-o", trace, lightbox, "store-server", "--port", "\(port)", "--aet", "LIGHTBOX",
                                                            "--inbox", inbox, "--durable"], log: folder + "/server.log")
        // Stopping strace would leave the traced server running: stop the server, strace follows.
        func stop() {
            for child in Self.children(of: server.processIdentifier) { kill(child, SIGKILL) }
            NetworkTestSupport.stop(server)
        }
        defer { stop() }
        try NetworkTestSupport.waitForListener(port: port, timeout: 30)
        let sent = try runCommand(storescu, ["-aec", "LIGHTBOX", "127.0.0.1", "\(port)", source])
        XCTAssertEqual(sent.status, 0, sent.stdout + sent.stderr)
        stop()

        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").map(String.init)
        let final = inbox + "/1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322.dcm"
        XCTAssertTrue(FileManager.default.fileExists(atPath: final))
        // The rename into the final name, and the temporary name it came from.
        let renameIndex = try XCTUnwrap(lines.firstIndex { $0.contains("rename") && $0.contains("\"\(final)\"") }, lines.joined(separator: "\n"))
        let temp = try XCTUnwrap(lines[renameIndex].split(separator: "\"").dropFirst().first.map(String.init))
        XCTAssertNotEqual(temp, final)
        // Before it: an fsync of a descriptor opened on the temporary file.
        let tempFDs = Set(lines[..<renameIndex].filter { $0.contains("openat(") && $0.contains("\"\(temp)\"") }.compactMap(Self.result))
        XCTAssertFalse(tempFDs.isEmpty, "the temporary file was opened")
        XCTAssertTrue(lines[..<renameIndex].contains { l in tempFDs.contains { fd in l.contains("fsync(\(fd))") && l.hasSuffix("= 0") } },
                      "the file is fsynced before the rename")
        // After it: the inbox folder opened as a directory and fsynced.
        let after = lines[(renameIndex + 1)...]
        let dirFDs = after.filter { $0.contains("openat(") && $0.contains("\"\(inbox)\"") && $0.contains("O_DIRECTORY") }.compactMap(Self.result)
        XCTAssertFalse(dirFDs.isEmpty, "the inbox folder is opened after the rename:\n\(after.prefix(20).joined(separator: "\n"))")
        XCTAssertTrue(after.contains { l in dirFDs.contains { fd in l.contains("fsync(\(fd))") && l.hasSuffix("= 0") } },
                      "the inbox folder is fsynced after the rename")
    }

    /// The processes a process started (/proc/PID/task/*/children).
    static func children(of pid: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { t in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(t)/children", encoding: .utf8)) ?? "").split(separator: " ").compactMap { Int32($0) }
        }
    }

    /// The number a system call returned ("… = 7" → 7).
    static func result(_ line: String) -> Int? {
        guard let eq = line.range(of: " = ", options: .backwards) else { return nil }
        return Int(line[eq.upperBound...].prefix { $0.isNumber })
    }
}
