import DICOM
import Foundation
import Network
import NIOCore
import XCTest

/// Asynchronous Operations Window (PS3.7 §D.3.3.3) over real sockets: negotiation as pynetdicom
/// sees it, and operations performed concurrently with each response matched to its request.
final class NetworkAsyncOperationsTests: XCTestCase {
    /// What the store saw: how many operations ran at once, and the order they started and
    /// finished in.
    struct Record: Sendable { var running = 0; var maxRunning = 0; var started: [String] = []; var finished: [String] = [] }

    /// Orders the store's operations by events, never by sleeping: operations are taken in groups
    /// of `groupSize` consecutive starts; each waits until its whole group has started (so the SCP
    /// must perform that many at once), then until the one started after it in its group has
    /// finished, so a group finishes in reverse order of its start. A wait that is not met within
    /// `timeout` throws (the request is answered with a failure status): a server that performs
    /// fewer operations at once than the window fails the test instead of hanging it.
    actor Choreography {
        struct Timeout: Error, CustomStringConvertible { var description: String }
        private struct Waiter { var ready: @Sendable (Record) -> Bool; var continuation: CheckedContinuation<Void, Error> }

        let groupSize: Int, total: Int
        private(set) var record = Record()
        private var waiters: [Int: Waiter] = [:]
        private var nextWaiter = 0
        static let timeout: Duration = .seconds(30)

        init(groupSize: Int, total: Int) { self.groupSize = groupSize; self.total = total }

        func perform(_ uid: String) async throws {
            record.running += 1; record.maxRunning = max(record.maxRunning, record.running); record.started.append(uid)
            let index = record.started.count - 1
            wake()
            let groupEnd = min((index / groupSize + 1) * groupSize, total)
            try await wait("operation \(index): its group of \(groupSize) starts") { $0.started.count >= groupEnd }
            if index + 1 < groupEnd {
                try await wait("operation \(index): operation \(index + 1) finishes") { r in
                    r.started.count > index + 1 && r.finished.contains(r.started[index + 1])
                }
            }
            record.running -= 1; record.finished.append(uid)
            wake()
        }

        private func wait(_ what: String, until ready: @escaping @Sendable (Record) -> Bool) async throws {
            if ready(record) { return }
            let id = nextWaiter
            nextWaiter += 1
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
                waiters[id] = Waiter(ready: ready, continuation: c)
                Task { try? await Task.sleep(for: Self.timeout); self.expire(id, what) }
            }
        }

        private func expire(_ id: Int, _ what: String) {
            waiters.removeValue(forKey: id)?.continuation.resume(throwing: Timeout(description: "waited \(Self.timeout) for \(what)"))
        }

        private func wake() {
            for (id, w) in waiters where w.ready(record) {
                waiters[id] = nil
                w.continuation.resume()
            }
        }
    }

    /// A C-STORE SCP for CT Image Storage whose operations run as `choreography` orders them.
    final class ChoreographedStore: DIMSEService {
        let choreography: Choreography
        init(groupSize: Int, total: Int) { choreography = Choreography(groupSize: groupSize, total: total) }
        var sopClassUIDs: [String] { [UIDs.ctImageStorage] }
        func handle(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
            try await choreography.perform(request.command.affectedSOPInstanceUID ?? "")
            return .success
        }
        var record: Record { get async { await choreography.record } }
    }

    let ct = PresentationContextRQ(id: 1, abstractSyntax: UIDs.ctImageStorage, transferSyntaxes: [TransferSyntax.explicitVRLittleEndian.uid])

    func startServer(_ service: ChoreographedStore, maxOperations: Int = 16) async throws -> DICOMServer {
        var policy = AssociationPolicy(aeTitle: "LIGHTBOX")
        policy.maxOperationsInvoked = maxOperations
        return try await DICOMServer.start(.init(host: "127.0.0.1", port: 0, policy: policy), services: ServiceRegistry([service]))
    }

    /// Sends C-STORE of instances 1.2.3.1 … 1.2.3.count at once; returns the response commands by UID.
    func storeConcurrently(_ a: DICOMAssociation, count: Int) async throws -> [String: DIMSECommand] {
        try await withThrowingTaskGroup(of: (String, DIMSECommand).self) { group in
            for i in 1 ... count {
                let uid = "1.2.3.\(i)"
                group.addTask {
                    var ds = DataSet()
                    try ds.set(Tag(0x0008, 0x0018), .UI, uid)
                    let bytes = ByteBuffer(bytes: try Part10Writer.encodeDataSet(ds, as: .explicitVRLittleEndian))
                    return (uid, try await a.store(sopClassUID: UIDs.ctImageStorage, sopInstanceUID: uid, dataSet: bytes, contextID: 1))
                }
            }
            var out: [String: DIMSECommand] = [:]
            for try await (uid, response) in group { out[uid] = response }
            return out
        }
    }

    func testWindowPerformsConcurrentlyAndAnswersEachRequest() async throws {
        let service = ChoreographedStore(groupSize: 4, total: 8)
        let server = try await startServer(service)
        defer { Task { await server.close() } }
        let client = DICOMClient(host: "127.0.0.1", port: server.port, calledAETitle: "LIGHTBOX")
        let a = try await client.associate(contexts: [ct], operationsWindow: AsyncOperationsWindow(maxInvoked: 4, maxPerformed: 1))
        XCTAssertEqual(a.negotiated.operationsWindow, AsyncOperationsWindow(maxInvoked: 4, maxPerformed: 1))

        let responses = try await storeConcurrently(a, count: 8)
        try await a.release()
        XCTAssertEqual(responses.count, 8)
        for (uid, r) in responses {
            XCTAssertEqual(r.field, .cStoreRSP)
            XCTAssertEqual(r.status, .success, uid)
            XCTAssertEqual(r.affectedSOPInstanceUID, uid, "each response answers its own request")
        }
        // Every Message ID answered once.
        XCTAssertEqual(Set(responses.values.compactMap(\.messageIDBeingRespondedTo)), Set(1 ... 8))
        let record = await service.record
        XCTAssertEqual(record.maxRunning, 4, "the SCP performs up to the window at once, never more")
        XCTAssertEqual(record.finished.count, 8)
        // The first four run together and finish in reverse order; each finish frees one place in
        // the window for one of the next four, which then do the same: answered out of order.
        XCTAssertEqual(record.started.count, 8)
        if record.started.count == 8 {
            XCTAssertEqual(record.finished, [3, 2, 1, 0, 7, 6, 5, 4].map { record.started[$0] })
        }
    }

    func testWithoutWindowOneOperationAtATime() async throws {
        let service = ChoreographedStore(groupSize: 1, total: 3)
        let server = try await startServer(service)
        defer { Task { await server.close() } }
        let a = try await DICOMClient(host: "127.0.0.1", port: server.port, calledAETitle: "LIGHTBOX").associate(contexts: [ct])
        XCTAssertEqual(a.negotiated.operationsWindow, .synchronous)
        let responses = try await storeConcurrently(a, count: 3)
        try await a.release()
        XCTAssertEqual(responses.count, 3)
        XCTAssertTrue(responses.allSatisfy { $0.key == $0.value.affectedSOPInstanceUID && $0.value.status == .success })
        let record = await service.record
        XCTAssertEqual(record.maxRunning, 1)
        XCTAssertEqual(record.finished, record.started, "one at a time: each finishes before the next starts")
    }

    func testServerLimitCapsTheWindow() async throws {
        let service = ChoreographedStore(groupSize: 2, total: 5)
        let server = try await startServer(service, maxOperations: 2)
        defer { Task { await server.close() } }
        let a = try await DICOMClient(host: "127.0.0.1", port: server.port, calledAETitle: "LIGHTBOX")
            .associate(contexts: [ct], operationsWindow: AsyncOperationsWindow(maxInvoked: 0, maxPerformed: 0)) // 0: unlimited
        XCTAssertEqual(a.negotiated.operationsWindow, AsyncOperationsWindow(maxInvoked: 2, maxPerformed: 1))
        let responses = try await storeConcurrently(a, count: 5)
        try await a.release()
        XCTAssertEqual(responses.count, 5)
        let maxRunning = await service.record.maxRunning
        XCTAssertEqual(maxRunning, 2)
    }

    /// pynetdicom proposes a window; the A-ASSOCIATE-AC it receives carries the negotiated one.
    func testPynetdicomSeesNegotiatedWindow() async throws {
        let python = try Oracles.requirePython()
        let script = #"""
        import sys
        from pynetdicom import AE
        from pynetdicom.pdu_primitives import AsynchronousOperationsWindowNegotiation
        from pynetdicom.sop_class import Verification
        ae = AE(ae_title='PYASYNC')
        ae.add_requested_context(Verification)
        for invoked, performed in ((5, 3), (40, 0), (0, 2)):
            item = AsynchronousOperationsWindowNegotiation()
            item.maximum_number_operations_invoked = invoked
            item.maximum_number_operations_performed = performed
            assoc = ae.associate('127.0.0.1', int(sys.argv[1]), ae_title='LIGHTBOX', ext_neg=[item])
            assert assoc.is_established
            status = assoc.send_c_echo()
            print(*assoc.acceptor.asynchronous_operations, status.Status)
            assoc.release()
        """#
        let path = NSTemporaryDirectory() + "lightbox-pyasync-\(getpid()).py"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let server = try await NetworkTestSupport.startStoreServer(inbox: try NetworkTestSupport.temporaryDirectory("async"))
        defer { Task { await server.close() } }
        let r = try runCommand(python, [path, "\(server.port)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Invoked: as proposed up to the default limit 16 (0, unlimited, becomes 16); performed: 1.
        XCTAssertEqual(r.stdout.split(separator: "\n").map(String.init), ["5 1 0", "16 1 0", "16 1 0"])
    }
}
