import NIOCore

/// The timers of all the associations on one event loop, served by one repeating sweep.
///
/// ARTIM (PS3.8 §9.1.5) and the idle check are armed for every association, and almost never fire:
/// a peer sends its A-ASSOCIATE-RQ microseconds after connecting. Scheduling and cancelling an
/// event-loop task for each of them costs about 10 µs on the path from accept to A-ASSOCIATE-AC, so
/// an association here only joins the clock's set (a dictionary insert) and the clock checks the set
/// every `resolution`; a deadline fires at most that much late. The sweep stops after the set has
/// been empty for a while and restarts with the next association.
///
/// Confined to its event loop: every call is made on `loop`.
final class AssociationClock: @unchecked Sendable {
    let loop: EventLoop
    let resolution: TimeAmount
    private var members: [ObjectIdentifier: AssociationHandler] = [:]
    private var sweep: RepeatedTask?
    private var emptySweeps = 0
    /// Empty sweeps before the sweep stops (2 s at the default resolution).
    private let emptySweepsBeforeStop = 40

    init(loop: EventLoop, resolution: TimeAmount = .milliseconds(50)) {
        self.loop = loop; self.resolution = resolution
    }

    /// Associations being watched now (for tests).
    var count: Int { members.count }

    /// Watches `handler` until `remove`: its `timerDue(now:)` is called once its wake-up has passed.
    func add(_ handler: AssociationHandler) {
        loop.assertInEventLoop()
        members[ObjectIdentifier(handler)] = handler
        emptySweeps = 0
        if sweep == nil {
            sweep = loop.scheduleRepeatedTask(initialDelay: resolution, delay: resolution) { [self] _ in tick() }
        }
    }

    func remove(_ handler: AssociationHandler) {
        loop.assertInEventLoop()
        members[ObjectIdentifier(handler)] = nil
    }

    private func tick() {
        if members.isEmpty {
            emptySweeps += 1
            if emptySweeps >= emptySweepsBeforeStop { sweep?.cancel(); sweep = nil }
            return
        }
        let now = NIODeadline.now()
        // A copy: a handler that fires may close and leave the set.
        for handler in Array(members.values) where handler.timerWakeup.map({ $0 <= now }) ?? false {
            handler.timerDue()
        }
    }
}

/// One `AssociationClock` per event loop of a server's group.
struct AssociationClocks: Sendable {
    private let byLoop: [ObjectIdentifier: AssociationClock]

    init(_ loops: [EventLoop]) {
        var m: [ObjectIdentifier: AssociationClock] = [:]
        for l in loops { m[ObjectIdentifier(l)] = AssociationClock(loop: l) }
        byLoop = m
    }

    /// The clock of `loop`; nil for a loop outside the group (its associations schedule their own wake-ups).
    func clock(for loop: EventLoop) -> AssociationClock? { byLoop[ObjectIdentifier(loop)] }
}
