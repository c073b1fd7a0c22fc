#if canImport(Glibc)
import Glibc
#endif

/// Writes a line to standard error.
func printError(_ message: String, newline: Bool = true) {
    var bytes = Array((message + (newline ? "\n" : "")).utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
