/// How long a failed delivery waits before its next attempt: `initial` after the first failure,
/// doubling after each further one, never more than `maximum`. A film the destination itself
/// refuses (not one that waits because the destination is down) is given up after
/// `attemptsPerFilm` refusals in a row: with the defaults, after about 25 minutes.
public struct RetryPolicy: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    public var attemptsPerFilm: Int

    public init(initial: Duration = .seconds(5), maximum: Duration = .seconds(300), attemptsPerFilm: Int = 10) {
        self.initial = initial; self.maximum = max(maximum, initial); self.attemptsPerFilm = max(1, attemptsPerFilm)
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
