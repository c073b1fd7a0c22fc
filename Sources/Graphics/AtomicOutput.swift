import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let sysWrite = Glibc.write
#elseif canImport(Darwin)
private let sysWrite = Darwin.write
#endif

/// Output files are written under a temporary name in the destination folder and renamed into
/// place only when complete, so a failed or interrupted run never leaves a partial file under
/// the final name. Public so other composers (film printing) write their files the same way.
public enum AtomicOutput {
    /// `<path>.tmp-<pid>-<n>` beside `path`.
    public static func temporaryPath(for path: String) -> String {
        counterLock.lock(); defer { counterLock.unlock() }
        counter += 1
        return "\(path).tmp-\(getpid())-\(counter)"
    }

    nonisolated(unsafe) private static var counter = 0
    private static let counterLock = NSLock()

    /// Checks that the destination folder exists, so the error names the real path.
    public static func checkFolder(of path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.isEmpty ? "." : dir, isDirectory: &isDir), isDir.boolValue else {
            throw GraphicsError.cannotWrite(path: path, reason: "folder \(dir) does not exist")
        }
    }

    public static func commit(_ temporary: String, to path: String) throws {
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw GraphicsError.cannotWrite(path: path, reason: reason)
        }
    }

    public static func discard(_ temporary: String) { unlink(temporary) }

    /// Writes `bytes` to a temporary name beside `path` and renames it into place.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try checkFolder(of: path)
        let tmp = temporaryPath(for: path)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw GraphicsError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { sysWrite(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd); unlink(tmp)
                throw GraphicsError.cannotWrite(path: path, reason: reason)
            }
            done += n
        }
        guard close(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw GraphicsError.cannotWrite(path: path, reason: reason)
        }
        try commit(tmp, to: path)
    }
}
