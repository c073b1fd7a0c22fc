import DICOM
import NIOCore
import NIOPosix
import Synchronization
import XCTest
@testable import Network

/// `DIMSEDispatcher` without sockets: DIMSE messages in, response commands out, per verb.
final class DIMSEDispatcherTests: XCTestCase {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    static let ctImage = "1.2.840.10008.5.1.4.1.1.2"
    static let findModel = "1.2.840.10008.5.1.4.1.2.2.1"   // Study Root Query/Retrieve Information Model - FIND
    static let getModel = "1.2.840.10008.5.1.4.1.2.2.3"    // … - GET
    static let moveModel = "1.2.840.10008.5.1.4.1.2.2.2"   // … - MOVE
    static let printMeta = "1.2.840.10008.5.1.1.9"         // Basic Grayscale Print Management Meta
    static let filmSession = "1.2.840.10008.5.1.1.1"
    static let filmBox = "1.2.840.10008.5.1.1.2"
    static let imageBox = "1.2.840.10008.5.1.1.4"          // Basic Grayscale Image Box
    static let printer = "1.2.840.10008.5.1.1.16"
    static let syntax = TransferSyntax.explicitVRLittleEndian.uid

    /// The presentation contexts of the test association: 1 Verification, 3 CT Image Storage, 5 the
    /// print meta SOP class, 7 Q/R FIND, 9 Q/R GET, 11 Q/R MOVE, 13 Printer.
    static let contexts: [UInt8: AcceptedPresentationContext] = {
        let list: [(UInt8, String)] = [(1, UIDs.verification), (3, ctImage), (5, printMeta), (7, findModel), (9, getModel),
                                        (11, moveModel), (13, printer)]
        var out: [UInt8: AcceptedPresentationContext] = [:]
        for (id, uid) in list { out[id] = AcceptedPresentationContext(id: id, abstractSyntax: uid, transferSyntax: syntax) }
        return out
    }()

    /// Collects what the dispatcher sends; used only on the event loop.
    final class Harness: DIMSEDispatcherDelegate, @unchecked Sendable {
        let loop: EventLoop
        var dispatcher: DIMSEDispatcher!
        var sent: [(command: DIMSECommand, dataSet: ByteBuffer?, contextID: UInt8)] = []
        var progressed = 0
        /// What `dispatcherCanWrite` answers (a channel above or below its high-water mark).
        var writable = true

        init(loop: EventLoop, registry: ServiceRegistry, window: Int) {
            self.loop = loop
            let context = AssociationContext(associationID: 1, callingAETitle: "SCU", calledAETitle: "SCP", peerAddress: "test",
                                             acceptedContexts: DIMSEDispatcherTests.contexts, userIdentity: nil,
                                             state: AssociationState(), eventLoop: loop)
            dispatcher = DIMSEDispatcher(registry: registry, context: context, eventLoop: loop,
                                         executor: EventLoopTaskExecutor(loop), window: window)
            dispatcher.delegate = self
        }

        func dispatcher(_ dispatcher: DIMSEDispatcher, send command: DIMSECommand, dataSet: ByteBuffer?, contextID: UInt8) {
            sent.append((command, dataSet, contextID))
        }
        func dispatcherDidProgress(_ dispatcher: DIMSEDispatcher) { progressed += 1 }
        var dispatcherCanWrite: Bool { writable }
    }

    /// Streams `matches` Pending responses through `DIMSEResponder.stream` (waits while the peer does not read).
    struct StreamingFind: DIMSEService {
        let matches: Int
        var sopClassUIDs: [String] { [DIMSEDispatcherTests.findModel] }
        func cFind(_ request: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse {
            for i in 0 ..< matches {
                var ds = DataSet()
                try ds.set(Tag(0x0020, 0x000D), .UI, "1.2.\(i)")
                await responder.stream(DIMSEResponse(status: .pending, dataSet: ds))
            }
            return .success
        }
    }

    /// A streaming operation stops while the channel is not writable and goes on when it is again.
    func testStreamedPendingsWaitForAWritableChannel() async throws {
        let h = try await makeHarness([StreamingFind(matches: 3)])
        try await h.loop.submit { h.writable = false }.get()
        try await receive(h, .queryRQ(messageID: 5, sopClassUID: Self.findModel), contextID: 7, dataSet: [])
        try await Task.sleep(nanoseconds: 200_000_000)
        let held = try await h.loop.submit { h.sent.count }.get()
        XCTAssertEqual(held, 0, "nothing is sent while the peer does not read")
        try await h.loop.submit { h.writable = true; h.dispatcher.writabilityChanged() }.get()
        let out = try await responses(h, count: 4)
        XCTAssertEqual(out.map(\.status), [.pending, .pending, .pending, .success])
    }

    func makeHarness(_ services: [any DIMSEService], window: Int = 1) async throws -> Harness {
        let loop = Self.group.next()
        let registry = ServiceRegistry(services)
        return try await loop.submit { Harness(loop: loop, registry: registry, window: window) }.get()
    }

    func receive(_ h: Harness, _ command: DIMSECommand, contextID: UInt8, dataSet: [UInt8]? = nil) async throws {
        let message = DIMSEMessage(contextID: contextID, command: command, dataSet: dataSet.map { .bytes($0) })
        try await h.loop.submit { h.dispatcher.receive(message) }.get()
    }

    /// The response commands sent so far, once there are at least `count` (each decoded from its
    /// encoding, as the peer would see it).
    func responses(_ h: Harness, count: Int, file: StaticString = #filePath, line: UInt = #line) async throws -> [DIMSECommand] {
        for _ in 0 ..< 3000 {  // up to 30 s: a bound for a hang, not a speed claim
            let sent = try await h.loop.submit { h.sent.map(\.command) }.get()
            if sent.count >= count { return try sent.map { try DIMSECommand(encoded: $0.encoded()) } }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTFail("fewer than \(count) responses", file: file, line: line)
        return []
    }

    // MARK: Test services

    /// Records each per-verb call and answers Success, with sub-operation counts for C-GET / C-MOVE.
    final class EveryVerb: DIMSEService {
        let calls = Mutex<[String]>([])
        var sopClassUIDs: [String] { [UIDs.verification, DIMSEDispatcherTests.ctImage, DIMSEDispatcherTests.findModel,
                                      DIMSEDispatcherTests.getModel, DIMSEDispatcherTests.moveModel, DIMSEDispatcherTests.printer] }
        var metaSOPClasses: [MetaSOPClass] {
            [MetaSOPClass(uid: DIMSEDispatcherTests.printMeta, memberSOPClassUIDs: [DIMSEDispatcherTests.filmSession, DIMSEDispatcherTests.filmBox])]
        }
        func record(_ verb: String) -> DIMSEResponse { calls.withLock { $0.append(verb) }; return .success }

        func cEcho(_ r: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse { record("C-ECHO") }
        func cStore(_ r: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse { record("C-STORE") }
        func cFind(_ r: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse { record("C-FIND") }
        func cGet(_ r: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse {
            responder.pending(DIMSEResponse(status: .pending, subOperations: SubOperationCounts(remaining: 1, completed: 1)))
            var final = record("C-GET")
            final.subOperations = SubOperationCounts(completed: 2)
            return final
        }
        func cMove(_ r: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse {
            responder.pending(DIMSEResponse(status: .pending, subOperations: SubOperationCounts(remaining: 2, completed: 0)))
            var final = record("C-MOVE")
            final.subOperations = SubOperationCounts(completed: 1, failed: 1)
            return final
        }
        func nCreate(_ r: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
            var response = record("N-CREATE")
            response.affectedSOPInstanceUID = "1.2.3.4"
            return response
        }
        func nSet(_ r: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse { record("N-SET") }
        func nGet(_ r: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse { record("N-GET") }
        func nAction(_ r: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse { record("N-ACTION") }
        func nDelete(_ r: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse { record("N-DELETE") }
        func nEventReport(_ r: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse { record("N-EVENT-REPORT") }
    }

    /// C-FIND-like: one Pending response per match, then Success; with `waitForCancel`, after the
    /// first match it waits until the peer cancels and answers Cancel.
    struct FindLike: DIMSEService {
        var matches = 3
        var waitForCancel = false
        var sopClassUIDs: [String] { [DIMSEDispatcherTests.findModel] }
        func cFind(_ r: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse {
            for i in 0 ..< matches {
                var match = DataSet()
                match.insert(DataElement(tag: Tag(0x0020, 0x000D), vr: .UI, value: .bytes(Array("1.2.\(i)".utf8) + [0])))
                responder.pending(DIMSEResponse(status: .pending, dataSet: match))
                if waitForCancel {
                    while !responder.isCancelled { try? await Task.sleep(nanoseconds: 5_000_000) }
                    return DIMSEResponse(status: .cancel)
                }
            }
            return .success
        }
    }

    /// Records the association lifecycle.
    final class Lifecycle: DIMSEService {
        let events = Mutex<[String]>([])
        var sopClassUIDs: [String] { [UIDs.verification] }
        var execution: DIMSEServiceExecution { .eventLoop }
        func immediateResponse(to request: DIMSERequest, context: AssociationContext) throws -> DIMSEResponse? { .success }
        func associationStarted(_ context: AssociationContext) { events.withLock { $0.append("started \(context.callingAETitle)") } }
        func associationEnded(_ context: AssociationContext, reason: AssociationEndReason) {
            events.withLock { $0.append("ended \(reason)") }
        }
    }

    struct Failing: DIMSEService {
        var sopClassUIDs: [String] { [DIMSEDispatcherTests.printer] }
        var failureStatus: DIMSEStatus { .outOfResources }
        func nGet(_ r: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
            throw DIMSEServiceError(.noSuchObjectInstance, "no such printer")
        }
        func nSet(_ r: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
            struct Broken: Error {}
            throw Broken()
        }
    }

    // MARK: One test per verb

    func assertVerb(_ command: DIMSECommand, contextID: UInt8, verb: String, dataSet: [UInt8]? = nil,
                    file: StaticString = #filePath, line: UInt = #line) async throws -> [DIMSECommand] {
        let service = EveryVerb()
        let h = try await makeHarness([service])
        try await receive(h, command, contextID: contextID, dataSet: dataSet)
        let expected = command.field == .cGetRQ || command.field == .cMoveRQ ? 2 : 1
        let out = try await responses(h, count: expected, file: file, line: line)
        XCTAssertEqual(service.calls.withLock { $0 }, [verb], file: file, line: line)
        XCTAssertEqual(out.last?.field, command.field.response, file: file, line: line)
        XCTAssertEqual(out.last?.messageIDBeingRespondedTo, command.messageID, file: file, line: line)
        XCTAssertEqual(out.last?.status, .success, file: file, line: line)
        return out
    }

    func testCEcho() async throws {
        _ = try await assertVerb(.cEchoRQ(messageID: 1), contextID: 1, verb: "C-ECHO")
    }

    func testCStore() async throws {
        let out = try await assertVerb(.cStoreRQ(messageID: 2, sopClassUID: Self.ctImage, sopInstanceUID: "1.2.3"), contextID: 3,
                                       verb: "C-STORE", dataSet: [0x08, 0x00, 0x18, 0x00, 0, 0, 0, 0])
        XCTAssertEqual(out[0].affectedSOPInstanceUID, "1.2.3")
    }

    func testCFind() async throws {
        _ = try await assertVerb(.queryRQ(.cFindRQ, messageID: 3, sopClassUID: Self.findModel), contextID: 7, verb: "C-FIND", dataSet: [])
    }

    func testCGetPendingThenFinalWithSubOperationCounts() async throws {
        let out = try await assertVerb(.queryRQ(.cGetRQ, messageID: 4, sopClassUID: Self.getModel), contextID: 9, verb: "C-GET", dataSet: [])
        XCTAssertEqual(out.map(\.status), [.pending, .success])
        XCTAssertEqual(out[0].subOperations, SubOperationCounts(remaining: 1, completed: 1))
        XCTAssertEqual(out[1].subOperations, SubOperationCounts(completed: 2))
    }

    func testCMovePendingThenFinalWithSubOperationCounts() async throws {
        let out = try await assertVerb(.queryRQ(.cMoveRQ, messageID: 5, sopClassUID: Self.moveModel), contextID: 11, verb: "C-MOVE", dataSet: [])
        XCTAssertEqual(out.map(\.status), [.pending, .success])
        XCTAssertEqual(out[1].subOperations, SubOperationCounts(completed: 1, failed: 1))
    }

    func testNCreateOnMemberOfMetaSOPClass() async throws {
        let out = try await assertVerb(.nCreateRQ(messageID: 6, sopClassUID: Self.filmSession, hasDataSet: false), contextID: 5, verb: "N-CREATE")
        XCTAssertEqual(out[0].affectedSOPInstanceUID, "1.2.3.4")
        XCTAssertEqual(out[0].affectedSOPClassUID, Self.filmSession)
    }

    func testNSet() async throws {
        _ = try await assertVerb(.nSetRQ(messageID: 7, sopClassUID: Self.filmBox, sopInstanceUID: "1.2.5"), contextID: 5, verb: "N-SET")
    }

    func testNGet() async throws {
        _ = try await assertVerb(.nGetRQ(messageID: 8, sopClassUID: Self.printer, sopInstanceUID: "1.2.840.10008.5.1.1.17"),
                                 contextID: 13, verb: "N-GET")
    }

    func testNAction() async throws {
        _ = try await assertVerb(.nActionRQ(messageID: 9, sopClassUID: Self.filmBox, sopInstanceUID: "1.2.5", actionTypeID: 1, hasDataSet: false),
                                 contextID: 5, verb: "N-ACTION")
    }

    func testNDelete() async throws {
        _ = try await assertVerb(.nDeleteRQ(messageID: 10, sopClassUID: Self.filmSession, sopInstanceUID: "1.2.4"), contextID: 5, verb: "N-DELETE")
    }

    func testNEventReport() async throws {
        _ = try await assertVerb(.nEventReportRQ(messageID: 11, sopClassUID: Self.printer, sopInstanceUID: "1.2.840.10008.5.1.1.17",
                                                 eventTypeID: 1, hasDataSet: false), contextID: 13, verb: "N-EVENT-REPORT")
    }

    // MARK: Routing

    func testUnknownSOPClassIsNotSupported() async throws {
        let h = try await makeHarness([VerificationService()])
        try await receive(h, .cStoreRQ(messageID: 1, sopClassUID: Self.ctImage, sopInstanceUID: "1.2.3"), contextID: 3, dataSet: [])
        let out = try await responses(h, count: 1)
        XCTAssertEqual(out[0].status, .sopClassNotSupported)
        XCTAssertEqual(out[0].status?.rawValue, 0x0122)
        XCTAssertEqual(out[0].field, .cStoreRSP)
    }

    func testSOPClassMustBelongToTheContext() async throws {
        let h = try await makeHarness([EveryVerb()])
        // Image Box is served by nobody and is no member of the meta SOP class of context 5.
        try await receive(h, .nSetRQ(messageID: 1, sopClassUID: Self.imageBox, sopInstanceUID: "1.2.6"), contextID: 5)
        // Film Session is a member of the print meta SOP class, but context 1 is Verification.
        try await receive(h, .nCreateRQ(messageID: 2, sopClassUID: Self.filmSession, hasDataSet: false), contextID: 1)
        // CT Image Storage is served, but context 7 is Q/R FIND.
        try await receive(h, .cStoreRQ(messageID: 3, sopClassUID: Self.ctImage, sopInstanceUID: "1.2.3"), contextID: 7, dataSet: [])
        let out = try await responses(h, count: 3)
        XCTAssertEqual(out.map(\.status), [.sopClassNotSupported, .sopClassNotSupported, .sopClassNotSupported])
        XCTAssertEqual(out.map(\.messageIDBeingRespondedTo), [1, 2, 3])
    }

    func testVerbTheServiceDoesNotImplementIsUnrecognized() async throws {
        let h = try await makeHarness([FindLike()])
        try await receive(h, .queryRQ(.cGetRQ, messageID: 1, sopClassUID: Self.findModel), contextID: 7, dataSet: [])
        let out = try await responses(h, count: 1)
        XCTAssertEqual(out[0].status, .unrecognizedOperation)
    }

    func testThrownErrorsMapToStatuses() async throws {
        let h = try await makeHarness([Failing()])
        try await receive(h, .nGetRQ(messageID: 1, sopClassUID: Self.printer, sopInstanceUID: "1.2"), contextID: 13)
        try await receive(h, .nSetRQ(messageID: 2, sopClassUID: Self.printer, sopInstanceUID: "1.2"), contextID: 13)
        let out = try await responses(h, count: 2)
        XCTAssertEqual(out[0].status, .noSuchObjectInstance)
        XCTAssertEqual(out[0].errorComment, "no such printer")
        XCTAssertEqual(out[1].status, .outOfResources)
    }

    // MARK: Streamed responses and cancellation

    func testPendingResponsesThenFinal() async throws {
        let h = try await makeHarness([FindLike(matches: 3)])
        try await receive(h, .queryRQ(messageID: 9, sopClassUID: Self.findModel), contextID: 7, dataSet: [])
        let out = try await responses(h, count: 4)
        XCTAssertEqual(out.map(\.status), [.pending, .pending, .pending, .success])
        XCTAssertEqual(out.map(\.hasDataSet), [true, true, true, false])
        XCTAssertEqual(Set(out.compactMap(\.messageIDBeingRespondedTo)), [9])
        let first = try await h.loop.submit { h.sent[0].dataSet }.get()
        let match = try Part10Reader.readDataSet(bytes: Array(first!.readableBytesView), syntax: .explicitVRLittleEndian)
        XCTAssertNotNil(match[Tag(0x0020, 0x000D)])
    }

    func testCCancelReachesTheRunningOperation() async throws {
        let h = try await makeHarness([FindLike(matches: 5, waitForCancel: true)])
        try await receive(h, .queryRQ(messageID: 21, sopClassUID: Self.findModel), contextID: 7, dataSet: [])
        let first = try await responses(h, count: 1)
        XCTAssertEqual(first.map(\.status), [.pending])
        try await receive(h, .cCancelRQ(messageIDBeingRespondedTo: 21), contextID: 7)
        let out = try await responses(h, count: 2)
        XCTAssertEqual(out.map(\.status), [.pending, .cancel])
        XCTAssertEqual(out[1].messageIDBeingRespondedTo, 21)
        XCTAssertEqual(out[1].field, .cFindRSP)
        let idle = try await h.loop.submit { h.dispatcher.isIdle }.get()
        XCTAssertTrue(idle)
    }

    func testCCancelOfAQueuedRequestAnswersCancel() async throws {
        let h = try await makeHarness([FindLike(matches: 1, waitForCancel: true)])
        try await receive(h, .queryRQ(messageID: 1, sopClassUID: Self.findModel), contextID: 7, dataSet: [])
        try await receive(h, .queryRQ(messageID: 2, sopClassUID: Self.findModel), contextID: 7, dataSet: [])
        _ = try await responses(h, count: 1)
        try await receive(h, .cCancelRQ(messageIDBeingRespondedTo: 2), contextID: 7) // still queued: window 1
        try await receive(h, .cCancelRQ(messageIDBeingRespondedTo: 1), contextID: 7)
        let out = try await responses(h, count: 3)
        XCTAssertEqual(out.map(\.messageIDBeingRespondedTo), [1, 2, 1])
        XCTAssertEqual(out.map(\.status), [.pending, .cancel, .cancel])
    }

    func testCCancelOfUnknownOperationIsIgnored() async throws {
        let h = try await makeHarness([VerificationService()])
        try await receive(h, .cCancelRQ(messageIDBeingRespondedTo: 77), contextID: 1)
        try await receive(h, .cEchoRQ(messageID: 78), contextID: 1)
        let out = try await responses(h, count: 1)
        XCTAssertEqual(out.map(\.messageIDBeingRespondedTo), [78])
    }

    // MARK: Lifecycle and state

    func testLifecycleOnRelease() async throws {
        let service = Lifecycle()
        let h = try await makeHarness([service])
        try await h.loop.submit { h.dispatcher.associationStarted() }.get()
        try await receive(h, .cEchoRQ(messageID: 1), contextID: 1)
        try await h.loop.submit { h.dispatcher.associationEnded(.released); h.dispatcher.associationEnded(.aborted) }.get()
        XCTAssertEqual(service.events.withLock { $0 }, ["started SCU", "ended released"])
    }

    func testLifecycleOnAbortCancelsRunningOperation() async throws {
        let service = Lifecycle()
        let h = try await makeHarness([service, FindLike(matches: 2, waitForCancel: true)])
        try await h.loop.submit { h.dispatcher.associationStarted() }.get()
        try await receive(h, .queryRQ(messageID: 1, sopClassUID: Self.findModel), contextID: 7, dataSet: [])
        _ = try await responses(h, count: 1)
        try await h.loop.submit { h.dispatcher.associationEnded(.aborted) }.get()
        XCTAssertEqual(service.events.withLock { $0 }, ["started SCU", "ended aborted"])
        // The cancelled operation completes, but nothing more is sent on the ended association.
        for _ in 0 ..< 50 {
            if try await h.loop.submit({ h.dispatcher.isIdle }).get() { break }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        let sent = try await h.loop.submit { h.sent.count }.get()
        XCTAssertEqual(sent, 1)
    }

    func testOperationsWindowRunsRequestsConcurrently() async throws {
        let h = try await makeHarness([FindLike(matches: 1, waitForCancel: true)], window: 2)
        try await receive(h, .queryRQ(messageID: 1, sopClassUID: Self.findModel), contextID: 7, dataSet: [])
        try await receive(h, .queryRQ(messageID: 2, sopClassUID: Self.findModel), contextID: 7, dataSet: [])
        let out = try await responses(h, count: 2)
        XCTAssertEqual(Set(out.compactMap(\.messageIDBeingRespondedTo)), [1, 2])
        let inFlight = try await h.loop.submit { h.dispatcher.inFlight }.get()
        XCTAssertEqual(inFlight, 2)
        try await h.loop.submit { h.dispatcher.associationEnded(.aborted) }.get()
    }

    enum SessionKey: AssociationStateKey { typealias Value = [String] }
    enum CountKey: AssociationStateKey { typealias Value = Int }

    func testTypedAssociationState() {
        let state = AssociationState()
        XCTAssertNil(state[SessionKey.self])
        state[SessionKey.self] = ["film session"]
        state[CountKey.self] = 3
        XCTAssertEqual(state[SessionKey.self], ["film session"])
        XCTAssertEqual(state[CountKey.self], 3)
        state.removeAll()
        XCTAssertNil(state[CountKey.self])
    }

    func testRegistryMetaSOPClassMembership() {
        let registry = ServiceRegistry([EveryVerb()])
        XCTAssertTrue(registry.sopClassUIDs.contains(Self.printMeta))
        XCTAssertTrue(registry.sopClass(Self.filmBox, belongsTo: Self.printMeta))
        XCTAssertFalse(registry.sopClass(Self.imageBox, belongsTo: Self.printMeta))
        XCTAssertFalse(registry.sopClass(Self.filmBox, belongsTo: UIDs.verification))
        XCTAssertNotNil(registry.service(for: Self.filmSession))
        XCTAssertEqual(registry.services.count, 1)
    }
}
