import DICOM
import Foundation
import Network
import NIOCore
import Synchronization
import XCTest

/// An accepting SCP that invokes operations on its association (PS3.7 §D.3.3.4 role selection):
/// where the requestor accepted the SCP role for a SOP class, the acceptor sends requests as SCU.
final class NetworkRoleReversalTests: XCTestCase {
    /// Server side: on C-ECHO, sends C-STORE of a CT object back to the requestor (which accepted
    /// the SCP role for CT Image Storage) and tries MR Image Storage, for which it has no SCU role.
    final class StoreBackOnEcho: DIMSEService {
        struct Seen { var storeResponse: DIMSECommand?; var refused: Error? }
        let seen = Mutex(Seen())
        var sopClassUIDs: [String] { [UIDs.verification] }
        func handle(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
            guard let requester = context.requester else { throw DIMSEServiceError(.processingFailure, "no requester") }
            var ds = DataSet()
            try ds.set(Tag(0x0008, 0x0016), .UI, UIDs.ctImageStorage)
            try ds.set(Tag(0x0008, 0x0018), .UI, "1.2.3.99")
            try ds.set(Tag(0x0010, 0x0010), .PN, "ROLE^REVERSAL")
            let (response, _) = try await requester.request(.cStoreRQ(messageID: 0, sopClassUID: UIDs.ctImageStorage, sopInstanceUID: "1.2.3.99"),
                                                            dataSet: ds)
            var refused: Error?
            do { _ = try await requester.request(.cStoreRQ(messageID: 0, sopClassUID: UIDs.mrImageStorage, sopInstanceUID: "1.2.3.100")) }
            catch { refused = error }
            seen.withLock { $0.storeResponse = response; $0.refused = refused }
            return .success
        }
    }

    /// Requestor side: a CT Storage SCP keeping what it receives.
    final class KeepStore: DIMSEService {
        let received = Mutex<[DataSet]>([])
        var sopClassUIDs: [String] { [UIDs.ctImageStorage] }
        func handle(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
            if let ds = try request.decodedDataSet() { received.withLock { $0.append(ds) } }
            return .success
        }
    }

    func testAcceptorSendsRequestsWhereItHasTheSCURole() async throws {
        let trigger = StoreBackOnEcho()
        var policy = AssociationPolicy(aeTitle: "LIGHTBOX")
        policy.scuRoleSOPClasses = [UIDs.ctImageStorage]
        let server = try await DICOMServer.start(.init(host: "127.0.0.1", port: 0, policy: policy), services: ServiceRegistry([trigger]))
        defer { Task { await server.close() } }

        let keep = KeepStore()
        let syntax = [TransferSyntax.explicitVRLittleEndian.uid]
        let a = try await DICOMClient(host: "127.0.0.1", port: server.port, calledAETitle: "LIGHTBOX").associate(
            contexts: [PresentationContextRQ(id: 1, abstractSyntax: UIDs.verification, transferSyntaxes: syntax),
                       PresentationContextRQ(id: 3, abstractSyntax: UIDs.ctImageStorage, transferSyntaxes: syntax),
                       PresentationContextRQ(id: 5, abstractSyntax: UIDs.mrImageStorage, transferSyntaxes: syntax)],
            roleSelections: [RoleSelection(sopClassUID: UIDs.ctImageStorage, scuRole: false, scpRole: true),
                             RoleSelection(sopClassUID: UIDs.mrImageStorage, scuRole: false, scpRole: true)],
            services: ServiceRegistry([keep]))
        // CT: the requestor is SCP only (the server is not a CT Storage SCP, but takes the SCU role);
        // MR: the server neither serves it nor takes the SCU role: rejected.
        XCTAssertEqual(a.negotiated.contexts[3]?.requestorIsSCP, true)
        XCTAssertEqual(a.negotiated.contexts[3]?.requestorIsSCU, false)
        XCTAssertNil(a.negotiated.contexts[5])

        let status = try await a.echo()
        try await a.release()
        XCTAssertEqual(status, .success)
        let received = keep.received.withLock { $0 }
        XCTAssertEqual(received.count, 1)
        XCTAssertEqual(received.first?.string(Tag(0x0008, 0x0018)), "1.2.3.99")
        XCTAssertEqual(received.first?.string(Tag(0x0010, 0x0010)), "ROLE^REVERSAL")
        let seen = trigger.seen.withLock { $0 }
        XCTAssertEqual(seen.storeResponse?.field, .cStoreRSP)
        XCTAssertEqual(seen.storeResponse?.status, .success)
        XCTAssertEqual(seen.storeResponse?.affectedSOPInstanceUID, "1.2.3.99")
        XCTAssertEqual(seen.refused as? AssociationError, .noPresentationContext(sopClassUID: UIDs.mrImageStorage))
    }

    func testNoRoleSelectionNoReversal() async throws {
        var policy = AssociationPolicy(aeTitle: "LIGHTBOX")
        policy.scuRoleSOPClasses = [UIDs.ctImageStorage]
        let server = try await DICOMServer.start(.init(host: "127.0.0.1", port: 0, policy: policy), services: ServiceRegistry([StoreBackOnEcho()]))
        defer { Task { await server.close() } }
        // Without a role selection item the default roles hold: the requestor would be SCU, which the
        // server cannot serve for CT (no CT Storage service), so the context is rejected.
        let a = try await DICOMClient(host: "127.0.0.1", port: server.port, calledAETitle: "LIGHTBOX").associate(
            contexts: [PresentationContextRQ(id: 1, abstractSyntax: UIDs.verification, transferSyntaxes: [TransferSyntax.implicitVRLittleEndian.uid]),
                       PresentationContextRQ(id: 3, abstractSyntax: UIDs.ctImageStorage, transferSyntaxes: [TransferSyntax.implicitVRLittleEndian.uid])])
        XCTAssertNil(a.negotiated.contexts[3])
        // The echo's store-back is refused locally; the service's failure is answered, not aborted.
        let status = try await a.echo()
        XCTAssertTrue(status.isFailure, "\(status)")
        try await a.release()
    }
}
