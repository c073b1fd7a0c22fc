import NIOCore
import NIOEmbedded
import XCTest
@testable import Network

/// `RequestTracker` without a channel: Message IDs, the operations window, Pending and final responses.
final class RequestTrackerTests: XCTestCase {
    let loop = EmbeddedEventLoop()

    func response(to id: UInt16, _ status: DIMSEStatus) -> DIMSEMessage {
        var c = DIMSECommand(field: .cFindRSP)
        c.messageIDBeingRespondedTo = id
        c.status = status
        return DIMSEMessage(contextID: 1, command: c, dataSet: nil)
    }

    func testMessageIDsWindowAndCompletion() throws {
        var tracker = RequestTracker()
        tracker.window = 1
        let p1 = loop.makePromise(of: DIMSEMessage.self), p2 = loop.makePromise(of: DIMSEMessage.self)
        let r1 = tracker.add(.cEchoRQ(messageID: 0), dataSet: nil, contextID: 1, promise: p1)
        XCTAssertTrue(tracker.admit(r1))
        let r2 = tracker.add(.cEchoRQ(messageID: 0), dataSet: nil, contextID: 1, promise: p2)
        XCTAssertFalse(tracker.admit(r2), "the window of one is full")
        XCTAssertEqual(r1.command.messageID, 1)
        XCTAssertEqual(r2.command.messageID, 2)
        XCTAssertNil(tracker.nextToSend())

        guard case .final(let done, _) = tracker.received(response(to: 1, .success)) else { return XCTFail() }
        done.succeed(response(to: 1, .success))
        XCTAssertEqual(tracker.nextToSend()?.command.messageID, 2)
        guard case .final(let done2, _) = tracker.received(response(to: 2, .success)) else { return XCTFail() }
        done2.succeed(response(to: 2, .success))
        XCTAssertEqual(tracker.outstandingCount, 0)
        guard case .unexpected = tracker.received(response(to: 2, .success)) else { return XCTFail() }
        XCTAssertEqual(try p2.futureResult.wait().command.messageIDBeingRespondedTo, 2)
    }

    func testPendingResponsesGoToTheHandler() throws {
        var tracker = RequestTracker()
        final class Seen: @unchecked Sendable { var statuses: [DIMSEStatus?] = [] } // one thread
        let seen = Seen()
        let p = loop.makePromise(of: DIMSEMessage.self)
        let r = tracker.add(.queryRQ(messageID: 0, sopClassUID: "1.2"), dataSet: nil, contextID: 1, promise: p,
                            onPending: { m in seen.statuses.append(m.command.status) })
        XCTAssertTrue(tracker.admit(r))
        for _ in 0 ..< 2 {
            guard case .pending(let handler, let m) = tracker.received(response(to: 1, .pending)) else { return XCTFail() }
            handler?(m)
        }
        XCTAssertEqual(tracker.outstandingCount, 1)
        guard case .final(let done, let m) = tracker.received(response(to: 1, .success)) else { return XCTFail() }
        done.succeed(m)
        XCTAssertEqual(seen.statuses, [DIMSEStatus.pending, .pending])
        XCTAssertEqual(try p.futureResult.wait().command.status, .success)
    }

    func testTimedOutHeldRequestIsSkippedAndMessageIDsWrap() {
        var tracker = RequestTracker()
        let promises = (0 ..< 3).map { _ in loop.makePromise(of: DIMSEMessage.self) }
        let requests = promises.map { tracker.add(.cEchoRQ(messageID: 0), dataSet: nil, contextID: 1, promise: $0) }
        XCTAssertEqual(requests.map { tracker.admit($0) }, [true, false, false])
        let removed = tracker.remove(2)
        XCTAssertEqual(removed?.awaited, "C-ECHO-RSP")
        removed?.promise.fail(AssociationError.timeout("C-ECHO-RSP"))
        guard case .final(let done, let m) = tracker.received(response(to: 1, .success)) else { return XCTFail() }
        done.succeed(m)
        XCTAssertEqual(tracker.nextToSend()?.command.messageID, 3, "request 2 timed out while held")
        for p in tracker.removeAll() { p.fail(AssociationError.connectionClosed) }

        var wrapping = RequestTracker()
        for _ in 0 ..< 65_535 {
            let r = wrapping.add(.cEchoRQ(messageID: 0), dataSet: nil, contextID: 1, promise: loop.makePromise())
            wrapping.remove(r.command.messageID!)?.promise.fail(AssociationError.connectionClosed)
        }
        XCTAssertEqual(wrapping.lastMessageID, 65_535)
        let next = wrapping.add(.cEchoRQ(messageID: 0), dataSet: nil, contextID: 1, promise: loop.makePromise())
        XCTAssertEqual(next.command.messageID, 1, "0 is skipped")
        for p in wrapping.removeAll() { p.fail(AssociationError.connectionClosed) }
    }
}

/// `PDataFragmenter`: fragments within the peer's Maximum Length, last-fragment bits (PS3.8 Annex E).
final class PDataFragmenterTests: XCTestCase {
    func testFragmentsRespectPeerMaximumAndMarkTheLast() {
        let fragmenter = PDataFragmenter(peerMaxPDULength: 16) // 10 data bytes per PDV
        var pdvs: [PresentationDataValue] = []
        fragmenter.fragment(command: ByteBuffer(bytes: Array(repeating: 1, count: 25)), dataSet: ByteBuffer(bytes: Array(repeating: 2, count: 10)),
                            contextID: 3) { pdu in
            guard case .pData(let p) = pdu else { return XCTFail() }
            pdvs += p.values
        }
        XCTAssertEqual(pdvs.map(\.data.readableBytes), [10, 10, 5, 10])
        XCTAssertEqual(pdvs.map(\.isCommand), [true, true, true, false])
        XCTAssertEqual(pdvs.map(\.isLast), [false, false, true, true])
        XCTAssertEqual(Set(pdvs.map(\.contextID)), [3])
        XCTAssertEqual(PDataFragmenter(peerMaxPDULength: 0).maxFragmentLength, 1 << 20)
    }
}
