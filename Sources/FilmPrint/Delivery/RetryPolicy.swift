/// How long a failed delivery waits before its next attempt: `initial` after the first failure,
/// doubling after each further one, never more than `maximum`.
public struct RetryPolicy: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .seconds(5), maximum: Duration = .seconds(300)) {
        self.initial = initial; self.maximum = max(maximum, initial)
    }

    /// The wait after `failures` (≥ 1) failures in a row.
    public func delay(afterFailures failures: Int) -> Duration {
        var d = initial
        for _ in 1 ..< max(1, min(failures, 40)) {
            d = d * 2
            if d >= maximum { return maximum }
        }
        return min(d, maximum)
    }
}

extension Duration {
    /// Seconds, for log lines.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
