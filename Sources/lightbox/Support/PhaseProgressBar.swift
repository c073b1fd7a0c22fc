import Foundation
import Media
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar for work in phases (copy, web, write, verify; retrieve) on standard
/// error, drawn only when standard error is a terminal; `plain` prints one line per phase start
/// and end instead, for logs.
final class PhaseProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var last = Date.distantPast
    private var lastPhase = ""
    private let tty = isatty(2) == 1
    private let plain: Bool

    init(plain: Bool = false) { self.plain = plain }

    func update(_ p: BurnProgress) {
        update(phase: "volume \(p.volume) \(p.phase.rawValue)", done: p.done, total: p.total, bytes: p.bytes, totalBytes: p.totalBytes)
    }

    /// Draws `phase`: `done` of `total` items (total 0: unknown), and bytes when `totalBytes` > 0;
    /// `detail` is appended (e.g. "failed 2").
    func update(phase: String, done: Int, total: Int, bytes: Int64 = 0, totalBytes: Int64 = 0, detail: String = "") {
        lock.lock(); defer { lock.unlock() }
        let finished = (total > 0 && done >= total) || (totalBytes > 0 && bytes >= totalBytes)
        let now = Date()
        guard phase != lastPhase || finished || now.timeIntervalSince(last) > 0.1 else { return }
        let mb = totalBytes > 0 ? String(format: " %.0f/%.0f MB", Double(bytes) / 1e6, Double(totalBytes) / 1e6) : ""
        let extra = detail.isEmpty ? "" : "  " + detail
        if plain {
            if phase != lastPhase || finished { printError("\(phase): \(total > 0 ? "\(done)/\(total)" : "\(done)")\(mb)\(extra)") }
        } else if tty {
            let width = 24
            let fraction = totalBytes > 0 ? Double(bytes) / Double(totalBytes) : total > 0 ? Double(done) / Double(total) : 0
            let filled = max(0, min(width, Int(fraction * Double(width))))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            printError("\r\u{1B}[K\(phase) \(bar) \(done)/\(total > 0 ? "\(total)" : "?")\(mb)\(extra)", newline: false)
        }
        last = now
        lastPhase = phase
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if tty && !plain { printError("\r\u{1B}[K", newline: false) }
    }
}
