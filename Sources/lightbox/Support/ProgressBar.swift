import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar on standard error, drawn only when standard error is a terminal.
/// Thread-safe: workers call `advance` from any thread.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private var done = 0
    private var bytes: UInt64 = 0
    private let lock = NSLock()
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let enabled = isatty(2) == 1

    init(total: Int, label: String) { self.total = total; self.label = label }

    func advance(bytes n: UInt64 = 0) {
        lock.lock(); defer { lock.unlock() }
        done += 1; bytes += n
        guard enabled else { return }
        let now = Date()
        if done == total || now.timeIntervalSince(lastDraw) > 0.1 {
            lastDraw = now
            draw()
        }
    }

    private func draw() {
        let width = 30
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let elapsed = Date().timeIntervalSince(start)
        let mb = Double(bytes) / 1_048_576
        let rate = elapsed > 0 ? mb / elapsed : 0
        let line = String(format: "\r%@ %@ %d/%d files  %.0f MB  %.0f MB/s ", label, bar, done, total, mb, rate)
        printError(line, newline: false)
    }

    func finish() {
        guard enabled else { return }
        printError("", newline: true)
    }
}
