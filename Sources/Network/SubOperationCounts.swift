/// The sub-operation counts of a C-GET or C-MOVE response (PS3.7 §9.1.3.1.x, §9.1.4.1.x): Number of
/// Remaining (0000,1020), Completed (0000,1021), Failed (0000,1022) and Warning (0000,1023)
/// Sub-operations. Pending responses carry all four; the final one carries no Remaining count.
public struct SubOperationCounts: Sendable, Equatable {
    public var remaining: UInt16?
    public var completed: UInt16
    public var failed: UInt16
    public var warning: UInt16

    public init(remaining: UInt16? = nil, completed: UInt16 = 0, failed: UInt16 = 0, warning: UInt16 = 0) {
        self.remaining = remaining; self.completed = completed; self.failed = failed; self.warning = warning
    }
}
