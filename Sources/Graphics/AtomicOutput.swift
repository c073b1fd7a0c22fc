import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Output files are written under a temporary name in the destination folder and renamed into
/// place only when complete, so a failed or interrupted run never leaves a partial file under
/// the final name.
enum AtomicOutput {
    /// `<path>.tmp-<pid>-<n>` beside `path`.
    static func temporaryPath(for path: String) -> String {
        counterLock.lock(); defer { counterLock.unlock() }
        counter += 1
        return "\(path).tmp-\(getpid())-\(counter)"
    }

    nonisolated(unsafe) private static var counter = 0
    private static let counterLock = NSLock()

    /// Checks that the destination folder exists, so the error names the real path.
    static func checkFolder(of path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.isEmpty ? "." : dir, isDirectory: &isDir), isDir.boolValue else {
            throw GraphicsError.cannotWrite(path: path, reason: "folder \(dir) does not exist")
        }
    }

    static func commit(_ temporary: String, to path: String) throws {
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw GraphicsError.cannotWrite(path: path, reason: reason)
        }
    }

    static func discard(_ temporary: String) { unlink(temporary) }
}
