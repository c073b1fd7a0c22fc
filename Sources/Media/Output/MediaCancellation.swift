import Foundation

/// A flag another thread (a signal handler's dispatch source, a UI) sets to stop a long media
/// write. Writers check it between chunks, stop, remove what they wrote and throw their
/// `.cancelled` error. Cancelling a Swift `Task` that runs the writer has the same effect.
public final class MediaCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    /// Asks the write to stop. Safe from any thread; idempotent.
    public func cancel() { lock.withLock { cancelled = true } }

    public var isCancelled: Bool { lock.withLock { cancelled } }

    /// True when `token` was cancelled or the current task was.
    static func requested(_ token: MediaCancellation?) -> Bool {
        (token?.isCancelled ?? false) || Task.isCancelled
    }
}

/// How far a media write has got, for a progress bar.
public struct MediaProgress: Sendable, Equatable, CustomStringConvertible {
    /// Bytes written so far.
    public var bytesWritten: Int64
    /// Bytes the whole write will take (image size, or the sum of file sizes).
    public var totalBytes: Int64
    /// Files done so far and in all, where the writer counts files (USB); 0 otherwise.
    public var filesWritten: Int
    public var totalFiles: Int

    public init(bytesWritten: Int64, totalBytes: Int64, filesWritten: Int = 0, totalFiles: Int = 0) {
        self.bytesWritten = bytesWritten
        self.totalBytes = totalBytes
        self.filesWritten = filesWritten
        self.totalFiles = totalFiles
    }

    /// 0…1.
    public var fraction: Double { totalBytes > 0 ? min(1, Double(bytesWritten) / Double(totalBytes)) : 1 }

    public var description: String {
        let mib = { (b: Int64) in String(format: "%.1f MiB", Double(b) / 1_048_576) }
        let files = totalFiles > 0 ? ", \(filesWritten)/\(totalFiles) files" : ""
        return "\(mib(bytesWritten)) of \(mib(totalBytes)) (\(Int(fraction * 100))%\(files))"
    }
}
