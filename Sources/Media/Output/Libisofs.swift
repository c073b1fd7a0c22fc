import CIsoburn
import Foundation

/// Process-wide libisofs state: one initialisation, one lock, and its message queue.
///
/// libisofs keeps its message queue (and its locale set-up) in globals, and the xorriso API that
/// `OpticalDrive` uses starts the same library, so every call into libisofs or xorriso in this
/// module runs under `Libisofs.lock`: image writes and drive operations are serialised
/// process-wide. Different `ISOVolume`s (libcdio) do not take this lock.
enum Libisofs {
    static let lock = NSLock()

    /// `iso_init` once; messages of severity SORRY and above are queued for `drainMessages`, none
    /// are printed (libisofs would otherwise write to stderr).
    private static let started: Int32 = iso_init()

    /// Runs `body` under the lock with libisofs started and its message queue empty.
    static func withLibrary<T>(_ body: () throws -> T) throws -> T {
        try lock.withLock {
            guard started >= 0 else {
                throw DiscImageError.library(operation: "iso_init", message: errorText(started))
            }
            // Queue again each time: xorriso (OpticalDrive) changes the settings when it starts.
            _ = iso_set_msgs_severities(severities.sorry, severities.never, severities.prefix)
            _ = drainMessages()
            return try body()
        }
    }

    /// C strings for the non-const `char *` parameters; made once, never freed.
    private struct Severities: @unchecked Sendable {
        let sorry = strdup("SORRY")!, never = strdup("NEVER")!, prefix = strdup("libisofs")!
    }
    private static let severities = Severities()

    /// Queued messages (SORRY and above), oldest first; empties the queue.
    static func drainMessages() -> [String] {
        var out: [String] = []
        var code: Int32 = 0, imageID: Int32 = 0
        var text = [CChar](repeating: 0, count: Int(ISO_MSGS_MESSAGE_LEN))
        var severity = [CChar](repeating: 0, count: 80)
        while out.count < 100 {
            let r = iso_obtain_msgs(severities.sorry, &code, &imageID, &text, &severity)
            if r <= 0 { break }
            out.append("\(severity.nulTerminatedString): \(text.nulTerminatedString)")
        }
        return out
    }

    /// libisofs' text for a negative return code.
    static func errorText(_ code: Int32) -> String {
        if let p = iso_error_to_msg(code) { return String(cString: p) }
        return "error \(code)"
    }

    /// The failure message for `code`, with what libisofs queued about it.
    static func failure(_ operation: String, _ code: Int32) -> DiscImageError {
        let queued = drainMessages()
        let message = ([errorText(code)] + queued).joined(separator: "; ")
        return .library(operation: operation, message: message)
    }
}

extension Array where Element == CChar {
    /// The text before the first NUL of a C character buffer.
    var nulTerminatedString: String {
        String(decoding: prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
