/// Where a burn is, for a progress bar: the phase, items done of total, and bytes.
public struct BurnProgress: Sendable {
    public enum Phase: String, Sendable {
        case scanning = "scan", staging = "copy", previews = "web", viewer = "viewer", writing = "write", verifying = "verify"
    }
    public var phase: Phase
    public var volume: Int
    public var done: Int
    public var total: Int
    public var bytes: Int64
    public var totalBytes: Int64

    public init(phase: Phase, volume: Int, done: Int, total: Int, bytes: Int64 = 0, totalBytes: Int64 = 0) {
        self.phase = phase; self.volume = volume; self.done = done; self.total = total
        self.bytes = bytes; self.totalBytes = totalBytes
    }
}

public typealias BurnProgressHandler = @Sendable (BurnProgress) -> Void
