import DICOM
import Foundation
import Network
import NIOCore
import Synchronization
import XCTest

/// Asynchronous Operations Window (PS3.7 §D.3.3.3) over real sockets: negotiation as pynetdicom
/// sees it, and operations performed concurrently with each response matched to its request.
final class NetworkAsyncOperationsTests: XCTestCase {
    /// A C-STORE SCP for CT Image Storage that takes its time: of each four operations started,
    /// the earlier ones take longer, so concurrent operations finish in reverse order. It records
    /// how many run at once and the order they start and finish in.
    final class SlowStore: DIMSEService {
        struct Record { var running = 0; var maxRunning = 0; var started: [String] = []; var finished: [String] = [] }
        let record = Mutex(Record())
        var sopClassUIDs: [String] { [UIDs.ctImageStorage] }
        func handle(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
            let uid = request.command.affectedSOPInstanceUID ?? ""
            let index = record.withLock {
                $0.running += 1; $0.maxRunning = max($0.maxRunning, $0.running); $0.started.append(uid)
                return $0.started.count - 1
            }
            try await Task.sleep(for: .milliseconds(50 * (4 - index % 4)))
            record.withLock { $0.running -= 1; $0.finished.append(uid) }
            return .success
        }
    }

    let ct = PresentationContextRQ(id: 1, abstractSyntax: UIDs.ctImageStorage, transferSyntaxes: [TransferSyntax.explicitVRLittleEndian.uid])

    func startServer(_ service: SlowStore, maxOperations: Int = 16) async throws -> DICOMServer {
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
        let service = SlowStore()
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
        let record = service.record.withLock { $0 }
        XCTAssertEqual(record.maxRunning, 4, "the SCP performs up to the window at once, never more")
        XCTAssertEqual(record.finished.count, 8)
        // The first four run together and the fourth started finishes first: answered out of order.
        XCTAssertEqual(record.finished.first, record.started[3])
        XCTAssertNotEqual(record.finished, record.started)
    }

    func testWithoutWindowOneOperationAtATime() async throws {
        let service = SlowStore()
        let server = try await startServer(service)
        defer { Task { await server.close() } }
        let a = try await DICOMClient(host: "127.0.0.1", port: server.port, calledAETitle: "LIGHTBOX").associate(contexts: [ct])
        XCTAssertEqual(a.negotiated.operationsWindow, .synchronous)
        let responses = try await storeConcurrently(a, count: 3)
        try await a.release()
        XCTAssertEqual(responses.count, 3)
        XCTAssertTrue(responses.allSatisfy { $0.key == $0.value.affectedSOPInstanceUID && $0.value.status == .success })
        XCTAssertEqual(service.record.withLock { $0.maxRunning }, 1)
    }

    func testServerLimitCapsTheWindow() async throws {
        let service = SlowStore()
        let server = try await startServer(service, maxOperations: 2)
        defer { Task { await server.close() } }
        let a = try await DICOMClient(host: "127.0.0.1", port: server.port, calledAETitle: "LIGHTBOX")
            .associate(contexts: [ct], operationsWindow: AsyncOperationsWindow(maxInvoked: 0, maxPerformed: 0)) // 0: unlimited
        XCTAssertEqual(a.negotiated.operationsWindow, AsyncOperationsWindow(maxInvoked: 2, maxPerformed: 1))
        let responses = try await storeConcurrently(a, count: 5)
        try await a.release()
        XCTAssertEqual(responses.count, 5)
        XCTAssertEqual(service.record.withLock { $0.maxRunning }, 2)
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
