import Foundation

/// A DICOM application entity on the network, written `AE@host:port` (`ARCHIVE@pacs.example.org:104`,
/// `ARCHIVE@[::1]:11112`): the called AE title (PS3.8 §9.3.2: 1-16 characters of the default
/// repertoire, no backslash or control characters, not only spaces), the host name or address,
/// and the TCP port.
public struct DICOMPeerAddress: Sendable, Equatable, CustomStringConvertible {
    public var aeTitle: String
    public var host: String
    public var port: Int

    public init(aeTitle: String, host: String, port: Int) {
        self.aeTitle = aeTitle; self.host = host; self.port = port
    }

    /// Parses `AE@host:port`; the AE title is everything before the last `@` (AE titles may hold `@`).
    public init(parsing text: String) throws(FilmDeliveryError) {
        func fail(_ reason: String) -> FilmDeliveryError { .invalidAddress(text, reason: reason) }
        guard let at = text.lastIndex(of: "@") else { throw fail("no '@' between the AE title and the host") }
        let ae = String(text[..<at])
        var rest = Substring(text[text.index(after: at)...])
        guard !ae.isEmpty, ae.utf8.count <= 16 else { throw fail("the AE title must have 1 to 16 characters") }
        guard ae.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F && $0 != "\\" }) else {
            throw fail("the AE title may hold only printable ASCII characters other than backslash")
        }
        guard ae.contains(where: { $0 != " " }) else { throw fail("the AE title must not be only spaces") }
        let host: String
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw fail("an IPv6 address in '[' needs its ']'") }
            host = String(rest[rest.index(after: rest.startIndex) ..< close])
            rest = rest[rest.index(after: close)...]
            guard rest.hasPrefix(":") else { throw fail("no ':port' after the host") }
            rest = rest.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw fail("no ':port' after the host") }
            host = String(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
            guard !host.contains(":") else { throw fail("write an IPv6 address in brackets: AE@[::1]:104") }
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" || $0 == "@" }) else {
            throw fail("the host is empty or holds a space, '/' or '@'")
        }
        guard let port = Int(rest), (1 ... 65535).contains(port) else { throw fail("the port must be a number from 1 to 65535") }
        self.init(aeTitle: ae.trimmingCharacters(in: .whitespaces), host: host, port: port)
    }

    public var description: String { "\(aeTitle)@\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}
