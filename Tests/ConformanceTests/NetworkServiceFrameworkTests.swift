import DICOM
import Foundation
import Network
import NIOCore
import Synchronization
import XCTest

/// The service framework over sockets: a C-MOVE-like SCP that opens a sub-association to the move
/// destination and streams Pending responses with sub-operation counts (PS3.4 §C.4.2, PS3.7
/// §9.1.4), a C-FIND-like SCP cancelled by the SCU's C-CANCEL-RQ (PS3.7 §9.3.2.3), and the
/// association lifecycle reaching the service.
final class NetworkServiceFrameworkTests: XCTestCase {
    static let moveModel = "1.2.840.10008.5.1.4.1.2.2.2" // Study Root Query/Retrieve Information Model - MOVE
    static let findModel = "1.2.840.10008.5.1.4.1.2.2.1" // … - FIND
    static let syntax = TransferSyntax.explicitVRLittleEndian.uid

    /// Stores `count` CT objects on a sub-association to `destinationPort`, one Pending per object.
    final class MoveLike: DIMSEService {
        let destinationPort: Int
        let count: Int
        let ended = Mutex<[AssociationEndReason]>([])
        init(destinationPort: Int, count: Int) { self.destinationPort = destinationPort; self.count = count }
        var sopClassUIDs: [String] { [NetworkServiceFrameworkTests.moveModel] }

        func cMove(_ request: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse {
            let client = DICOMClient(host: "127.0.0.1", port: destinationPort, callingAETitle: "QR-SCP", calledAETitle: "LIGHTBOX")
            let sub = try await context.openSubAssociation(client, contexts: [
                PresentationContextRQ(id: 1, abstractSyntax: UIDs.ctImageStorage, transferSyntaxes: [NetworkServiceFrameworkTests.syntax])])
            var completed: UInt16 = 0
            for i in 0 ..< count {
                var ds = DataSet()
                try ds.set(Tag(0x0008, 0x0016), .UI, UIDs.ctImageStorage)
                try ds.set(Tag(0x0008, 0x0018), .UI, "1.2.3.77.\(i)")
                try ds.set(Tag(0x0010, 0x0010), .PN, "MOVE^\(i)")
                let (response, _) = try await sub.request(.cStoreRQ(messageID: 0, sopClassUID: UIDs.ctImageStorage, sopInstanceUID: "1.2.3.77.\(i)"),
                                                          dataSet: ds)
                if response.status == .success { completed += 1 }
                responder.pending(DIMSEResponse(status: .pending, subOperations: SubOperationCounts(remaining: UInt16(count - i - 1),
                                                                                                    completed: completed)))
            }
            try await sub.release()
            return DIMSEResponse(status: .success, subOperations: SubOperationCounts(completed: completed))
        }

        func associationEnded(_ context: AssociationContext, reason: AssociationEndReason) { ended.withLock { $0.append(reason) } }
    }

    /// One match, then waits for C-CANCEL and answers Cancel.
    struct FindUntilCancelled: DIMSEService {
        var sopClassUIDs: [String] { [NetworkServiceFrameworkTests.findModel] }
        func cFind(_ request: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse {
            var match = DataSet()
            try match.set(Tag(0x0020, 0x000D), .UI, "1.2.3")
            responder.pending(DIMSEResponse(status: .pending, dataSet: match))
            for _ in 0 ..< 6000 where !responder.isCancelled { try? await Task.sleep(nanoseconds: 5_000_000) }
            return DIMSEResponse(status: responder.isCancelled ? .cancel : .success)
        }
    }

    func identifier() throws -> ByteBuffer {
        var ds = DataSet()
        try ds.set(Tag(0x0008, 0x0052), .CS, "STUDY")
        try ds.set(Tag(0x0020, 0x000D), .UI, "1.2.3")
        return ByteBuffer(bytes: try Part10Writer.encodeDataSet(ds, as: .explicitVRLittleEndian))
    }

    func testMoveOpensSubAssociationAndStreamsSubOperationCounts() async throws {
        let inbox = try NetworkTestSupport.temporaryDirectory("move")
        defer { try? FileManager.default.removeItem(atPath: inbox) }
        let destination = try await NetworkTestSupport.startStoreServer(inbox: inbox)
        defer { Task { await destination.close() } }
        let move = MoveLike(destinationPort: destination.port, count: 3)
        let scp = try await DICOMServer.start(.init(host: "127.0.0.1", port: 0, policy: AssociationPolicy(aeTitle: "QR")),
                                              services: ServiceRegistry([move]))
        defer { Task { await scp.close() } }

        let a = try await DICOMClient(host: "127.0.0.1", port: scp.port, calledAETitle: "QR").associate(
            contexts: [PresentationContextRQ(id: 1, abstractSyntax: Self.moveModel, transferSyntaxes: [Self.syntax])])
        let pendings = Mutex<[SubOperationCounts?]>([])
        let final = try await a.send(.queryRQ(.cMoveRQ, messageID: 0, sopClassUID: Self.moveModel), dataSet: try identifier(), contextID: 1,
                                     onPending: { m in pendings.withLock { $0.append(m.command.subOperations) } })
        try await a.release()

        XCTAssertEqual(final.command.status, .success)
        XCTAssertEqual(final.command.subOperations, SubOperationCounts(completed: 3))
        XCTAssertEqual(pendings.withLock { $0 }, [SubOperationCounts(remaining: 2, completed: 1), SubOperationCounts(remaining: 1, completed: 2),
                                                  SubOperationCounts(remaining: 0, completed: 3)])
        let stored = try FileManager.default.contentsOfDirectory(atPath: inbox).filter { $0.hasSuffix(".dcm") }.sorted()
        XCTAssertEqual(stored, ["1.2.3.77.0.dcm", "1.2.3.77.1.dcm", "1.2.3.77.2.dcm"])
        for _ in 0 ..< 3000 where move.ended.withLock({ $0.isEmpty }) { try await Task.sleep(nanoseconds: 10_000_000) }
        XCTAssertEqual(move.ended.withLock { $0 }, [.released])
    }

    func testCancelFromTheSCUReachesTheRunningFind() async throws {
        let scp = try await DICOMServer.start(.init(host: "127.0.0.1", port: 0, policy: AssociationPolicy(aeTitle: "QR")),
                                              services: ServiceRegistry([FindUntilCancelled()]))
        defer { Task { await scp.close() } }
        let a = try await DICOMClient(host: "127.0.0.1", port: scp.port, calledAETitle: "QR").associate(
            contexts: [PresentationContextRQ(id: 1, abstractSyntax: Self.findModel, transferSyntaxes: [Self.syntax])])
        let matches = Mutex(0)
        let final = try await a.send(.queryRQ(.cFindRQ, messageID: 0, sopClassUID: Self.findModel), dataSet: try identifier(), contextID: 1,
                                     onPending: { m in
                                         matches.withLock { $0 += 1 }
                                         a.cancel(messageID: m.command.messageIDBeingRespondedTo ?? 0, contextID: 1)
                                     })
        try await a.release()
        XCTAssertEqual(matches.withLock { $0 }, 1)
        XCTAssertEqual(final.command.status, .cancel)
    }
}
