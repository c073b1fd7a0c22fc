import NIOCore
import XCTest
@testable import Network

/// ARTIM (PS3.8 §9.1.5) and the idle check sharing one wake-up.
final class AssociationTimerTests: XCTestCase {
    let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func testARTIMAloneWakesAtItsDeadline() {
        var timer = AssociationTimer(idleTimeout: nil)
        XCTAssertEqual(timer.startARTIM(timeout: 2, now: t0), t0 + .seconds(2))
        XCTAssertEqual(timer.fired(now: t0 + .seconds(1)).artimExpired, false)
        XCTAssertEqual(timer.wakeup, t0 + .seconds(2), "re-armed for the remaining time")
        let due = timer.fired(now: t0 + .seconds(2))
        XCTAssertTrue(due.artimExpired)
        XCTAssertFalse(due.checkIdle)
        XCTAssertNil(timer.wakeup, "nothing left to wait for")
    }

    func testOneWakeUpServesARTIMAndIdleChecks() {
        var timer = AssociationTimer(idleTimeout: 20) // checked every 5 s
        // Connection open: ARTIM 30 s, but the first wake-up is the idle period.
        XCTAssertEqual(timer.startARTIM(timeout: 30, now: t0), t0 + .seconds(5))
        timer.stopARTIM()                                          // A-ASSOCIATE-RQ arrived
        XCTAssertNil(timer.startIdleChecks(now: t0 + .milliseconds(1)), "the pending wake-up is soon enough")
        let due = timer.fired(now: t0 + .seconds(5))
        XCTAssertFalse(due.artimExpired)
        XCTAssertTrue(due.checkIdle)
        XCTAssertEqual(timer.wakeup, t0 + .seconds(10))
        // After A-RELEASE-RP, ARTIM again: later than the pending wake-up, so no new schedule.
        XCTAssertNil(timer.startARTIM(timeout: 30, now: t0 + .seconds(6)))
        // A short ARTIM must come earlier: a new wake-up.
        XCTAssertEqual(timer.startARTIM(timeout: 1, now: t0 + .seconds(6)), t0 + .seconds(7))
        XCTAssertTrue(timer.fired(now: t0 + .seconds(7)).artimExpired)
    }

    func testIdlePeriodBounds() {
        XCTAssertEqual(AssociationTimer(idleTimeout: 300).idlePeriod, .seconds(5))
        XCTAssertEqual(AssociationTimer(idleTimeout: 0.01).idlePeriod, .milliseconds(50))
        XCTAssertEqual(AssociationTimer(idleTimeout: 2).idlePeriod, .milliseconds(500))
    }
}
