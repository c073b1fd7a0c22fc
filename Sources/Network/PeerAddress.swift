import NIOCore

/// Formats a peer's socket address as `host:port` for logs, events and receipts.
enum PeerAddress {
    /// IPv4 is formatted here (dotted quad and port, no `inet_ntop`, whose `sprintf` was most of
    /// the cost); other families through `SocketAddress.ipAddress`. "?" when there is no address.
    static func format(_ address: SocketAddress?) -> String {
        guard let address else { return "?" }
        if case .v4(let v4) = address {
            let a = UInt32(bigEndian: v4.address.sin_addr.s_addr)
            var s = ""
            s.reserveCapacity(21)
            for shift in stride(from: UInt32(24), through: 0, by: -8) {
                s += String((a >> shift) & 0xFF)
                s += shift == 0 ? ":" : "."
            }
            s += String(UInt16(bigEndian: v4.address.sin_port))
            return s
        }
        return "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
    }
}
