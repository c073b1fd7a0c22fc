import NIOCore

/// The deadlines of one association, PS3.8 §9.1.5 (ARTIM) plus the idle limit, kept so that a
/// single scheduled wake-up serves them all: starting or stopping ARTIM only moves a deadline, and
/// the handler reschedules only when the next wake-up must come earlier. Pure: no event loop.
struct AssociationTimer {
    /// ARTIM expiry while the timer runs.
    private(set) var artimDeadline: NIODeadline?
    /// How often an established association is checked for idleness (nil: never).
    let idlePeriod: TimeAmount?
    /// When the scheduled wake-up fires, if one is scheduled.
    private(set) var wakeup: NIODeadline?

    init(idleTimeout: Double?) {
        // Checked four times per timeout, at least every 5 s and at most every 50 ms.
        idlePeriod = idleTimeout.map { .milliseconds(Int64(max(0.05, min($0 / 4, 5)) * 1000)) }
    }

    /// Starts ARTIM; returns the deadline to schedule a wake-up for, or nil when the pending
    /// wake-up comes soon enough (it re-arms when it fires).
    mutating func startARTIM(timeout: Double, now: NIODeadline) -> NIODeadline? {
        let deadline = now + .milliseconds(Int64(timeout * 1000))
        artimDeadline = deadline
        let next = idlePeriod.map { min(deadline, now + $0) } ?? deadline
        return arm(next)
    }

    mutating func stopARTIM() { artimDeadline = nil }

    /// What a wake-up at `now` must do; arms the next wake-up (`wakeup`) for the handler to schedule.
    mutating func fired(now: NIODeadline) -> (artimExpired: Bool, checkIdle: Bool) {
        wakeup = nil
        var expired = false
        if let a = artimDeadline, a <= now { artimDeadline = nil; expired = true }
        var next: NIODeadline?
        if let p = idlePeriod { next = now + p }
        if let a = artimDeadline { next = next.map { min($0, a) } ?? a }
        if let next { _ = arm(next) }
        return (expired, idlePeriod != nil)
    }

    /// Arms the idle check once the association is established; nil when a wake-up is pending.
    mutating func startIdleChecks(now: NIODeadline) -> NIODeadline? {
        guard let p = idlePeriod else { return nil }
        return arm(now + p)
    }

    mutating func cancelled() { wakeup = nil }

    private mutating func arm(_ deadline: NIODeadline) -> NIODeadline? {
        if let w = wakeup, w <= deadline { return nil }
        wakeup = deadline
        return deadline
    }
}
