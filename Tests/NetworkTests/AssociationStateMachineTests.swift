import XCTest
@testable import Network

/// PS3.8 Table 9-10 cell by cell, against this transcription (as pynetdicom's fsm.py TRANSITION_TABLE).
final class AssociationStateMachineTests: XCTestCase {
    typealias SM = AssociationStateMachine

    /// "EvtN StaM ACTION" for every non-blank cell.
    static let table: String = """
    1 1 AE-1
    2 4 AE-2
    3 2 AA-1|3 3 AA-8|3 5 AE-3|3 6 AA-8|3 7 AA-8|3 8 AA-8|3 9 AA-8|3 10 AA-8|3 11 AA-8|3 12 AA-8|3 13 AA-6
    4 2 AA-1|4 3 AA-8|4 5 AE-4|4 6 AA-8|4 7 AA-8|4 8 AA-8|4 9 AA-8|4 10 AA-8|4 11 AA-8|4 12 AA-8|4 13 AA-6
    5 1 AE-5
    6 2 AE-6|6 3 AA-8|6 5 AA-8|6 6 AA-8|6 7 AA-8|6 8 AA-8|6 9 AA-8|6 10 AA-8|6 11 AA-8|6 12 AA-8|6 13 AA-7
    7 3 AE-7
    8 3 AE-8
    9 6 DT-1|9 8 AR-7
    10 2 AA-1|10 3 AA-8|10 5 AA-8|10 6 DT-2|10 7 AR-6|10 8 AA-8|10 9 AA-8|10 10 AA-8|10 11 AA-8|10 12 AA-8|10 13 AA-6
    11 6 AR-1
    12 2 AA-1|12 3 AA-8|12 5 AA-8|12 6 AR-2|12 7 AR-8|12 8 AA-8|12 9 AA-8|12 10 AA-8|12 11 AA-8|12 12 AA-8|12 13 AA-6
    13 2 AA-1|13 3 AA-8|13 5 AA-8|13 6 AA-8|13 7 AR-3|13 8 AA-8|13 9 AA-8|13 10 AR-10|13 11 AR-3|13 12 AA-8|13 13 AA-6
    14 8 AR-4|14 9 AR-9|14 12 AR-4
    15 3 AA-1|15 4 AA-2|15 5 AA-1|15 6 AA-1|15 7 AA-1|15 8 AA-1|15 9 AA-1|15 10 AA-1|15 11 AA-1|15 12 AA-1
    16 2 AA-2|16 3 AA-3|16 5 AA-3|16 6 AA-3|16 7 AA-3|16 8 AA-3|16 9 AA-3|16 10 AA-3|16 11 AA-3|16 12 AA-3|16 13 AA-2
    17 2 AA-5|17 3 AA-4|17 4 AA-4|17 5 AA-4|17 6 AA-4|17 7 AA-4|17 8 AA-4|17 9 AA-4|17 10 AA-4|17 11 AA-4|17 12 AA-4|17 13 AR-5
    18 2 AA-2|18 13 AA-2
    19 2 AA-1|19 3 AA-8|19 5 AA-8|19 6 AA-8|19 7 AA-8|19 8 AA-8|19 9 AA-8|19 10 AA-8|19 11 AA-8|19 12 AA-8|19 13 AA-7
    """

    func testEveryCellOfTable9_10() {
        var expected: [String: String] = [:]
        for line in Self.table.split(separator: "\n") {
            for cell in line.split(separator: "|") {
                let f = cell.split(separator: " ")
                expected["\(f[0]) \(f[1])"] = String(f[2])
            }
        }
        var checked = 0
        for e in SM.Event.allCases {
            for s in SM.State.allCases {
                let got = SM.table(e, s)?.rawValue
                XCTAssertEqual(got, expected["\(e.rawValue) \(s.rawValue)"], "Evt\(e.rawValue) in Sta\(s.rawValue)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 19 * 13)
    }

    func testAcceptorHappyPath() {
        var m = SM(isRequestor: false)
        XCTAssertEqual(m.handle(.evt5), [.startARTIM]); XCTAssertEqual(m.state, .sta2)
        XCTAssertEqual(m.handle(.evt6), [.stopARTIM, .evaluateAssociateRQ]); XCTAssertEqual(m.state, .sta3)
        XCTAssertEqual(m.handle(.evt7), [.sendAssociateAC]); XCTAssertEqual(m.state, .sta6)
        XCTAssertEqual(m.handle(.evt10), [.indicatePData])
        XCTAssertEqual(m.handle(.evt9), [.sendPData])
        XCTAssertEqual(m.handle(.evt12), [.indicateRelease]); XCTAssertEqual(m.state, .sta8)
        XCTAssertEqual(m.handle(.evt9), [.sendPData]); XCTAssertEqual(m.state, .sta8)
        XCTAssertEqual(m.handle(.evt14), [.sendReleaseRP, .startARTIM]); XCTAssertEqual(m.state, .sta13)
        XCTAssertEqual(m.handle(.evt17), [.stopARTIM]); XCTAssertEqual(m.state, .sta1)
    }

    func testRequestorAgainstAcceptorWithoutChannel() {
        var rq = SM(isRequestor: true), ac = SM(isRequestor: false)
        _ = rq.handle(.evt1); _ = ac.handle(.evt5)
        XCTAssertEqual(rq.handle(.evt2), [.sendAssociateRQ])
        _ = ac.handle(.evt6); XCTAssertEqual(ac.handle(.evt7), [.sendAssociateAC])
        XCTAssertEqual(rq.handle(.evt3), [.stopARTIM, .indicateAccepted]); XCTAssertEqual(rq.state, .sta6)
        XCTAssertEqual(rq.handle(.evt11), [.sendReleaseRQ]); XCTAssertEqual(rq.state, .sta7)
        _ = ac.handle(.evt12); XCTAssertEqual(ac.handle(.evt14), [.sendReleaseRP, .startARTIM])
        XCTAssertEqual(rq.handle(.evt13), [.stopARTIM, .indicateReleaseConfirmed, .closeTransport]); XCTAssertEqual(rq.state, .sta1)
    }

    func testReleaseCollision() {
        var rq = SM(isRequestor: true), ac = SM(isRequestor: false)
        for e: SM.Event in [.evt1, .evt2, .evt3] { _ = rq.handle(e) }
        for e: SM.Event in [.evt5, .evt6, .evt7] { _ = ac.handle(e) }
        _ = rq.handle(.evt11); _ = ac.handle(.evt11)          // both send A-RELEASE-RQ
        XCTAssertEqual(rq.handle(.evt12), [.indicateRelease]); XCTAssertEqual(rq.state, .sta9)
        XCTAssertEqual(ac.handle(.evt12), [.indicateRelease]); XCTAssertEqual(ac.state, .sta10)
        XCTAssertEqual(rq.handle(.evt14), [.sendReleaseRP]); XCTAssertEqual(rq.state, .sta11)
        XCTAssertEqual(ac.handle(.evt13), [.indicateReleaseConfirmed]); XCTAssertEqual(ac.state, .sta12)
        XCTAssertEqual(ac.handle(.evt14), [.sendReleaseRP, .startARTIM]); XCTAssertEqual(ac.state, .sta13)
        XCTAssertEqual(rq.handle(.evt13)?.contains(.closeTransport), true); XCTAssertEqual(rq.state, .sta1)
    }

    func testProtocolErrorsAbort() {
        var m = SM(isRequestor: false)
        _ = m.handle(.evt5)
        XCTAssertEqual(m.handle(.evt10), [.sendAbort(.unexpectedPDU), .startARTIM]) // P-DATA before association
        XCTAssertEqual(m.state, .sta13)
        XCTAssertEqual(m.handle(.evt18), [.stopARTIM, .closeTransport])
        var n = SM(isRequestor: false)
        for e: SM.Event in [.evt5, .evt6, .evt7] { _ = n.handle(e) }
        XCTAssertEqual(n.handle(.evt19), [.sendAbort(.unrecognizedPDU), .indicateProviderAbort, .startARTIM])
        XCTAssertNil(n.handle(.evt7), "blank cell leaves the state alone")
        XCTAssertEqual(n.state, .sta13)
    }
}
