import Foundation
import Media
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar for work in phases (copy, web, write, verify) on standard error,
/// drawn only when standard error is a terminal; `--progress` forces plain lines for logs.
final class PhaseProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var last = Date.distantPast
    private var lastPhase = ""
    private let start = Date()
    private let tty = isatty(2) == 1
    private let plain: Bool

    init(plain: Bool = false) { self.plain = plain }

    func update(_ p: BurnProgress) {
        lock.lock(); defer { lock.unlock() }
        let key = "\(p.volume)/\(p.phase.rawValue)"
        let finished = (p.total > 0 && p.done >= p.total) || (p.totalBytes > 0 && p.bytes >= p.totalBytes)
        let now = Date()
        guard key != lastPhase || finished || now.timeIntervalSince(last) > 0.1 else { return }
        if plain {
            // Logs: one line per phase start and end.
            if key != lastPhase || finished {
                printError("volume \(p.volume) \(p.phase.rawValue): \(p.total > 0 ? "\(p.done)/\(p.total)" : "")\(p.totalBytes > 0 ? String(format: " %.0f/%.0f MB", Double(p.bytes) / 1e6, Double(p.totalBytes) / 1e6) : "")")
            }
        } else if tty {
            let width = 24
            let fraction = p.totalBytes > 0 ? Double(p.bytes) / Double(p.totalBytes) : p.total > 0 ? Double(p.done) / Double(p.total) : 0
            let filled = max(0, min(width, Int(fraction * Double(width))))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let mb = p.totalBytes > 0 ? String(format: "  %.0f/%.0f MB", Double(p.bytes) / 1e6, Double(p.totalBytes) / 1e6) : ""
            let line = String(format: "\r\u{1B}[Kvol %d %-6@ %@ %d/%d%@", p.volume, p.phase.rawValue, bar, p.done, p.total, mb)
            printError(line, newline: false)
        }
        last = now
        lastPhase = key
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if tty && !plain { printError("\r\u{1B}[K", newline: false) }
    }
}
