import DICOM
import Foundation
import Network
import NIOCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Must-show 2: association negotiation over real sockets.
final class NetworkNegotiationTests: XCTestCase {
    let verification = PresentationContextRQ(id: 1, abstractSyntax: UIDs.verification, transferSyntaxes: [TransferSyntax.implicitVRLittleEndian.uid])

    func testUnknownCalledAETitleRejected() async throws {
        let server = try await NetworkTestSupport.startStoreServer(inbox: try NetworkTestSupport.temporaryDirectory("neg"))
        defer { Task { await server.close() } }
        let client = DICOMClient(host: "127.0.0.1", port: server.port, calledAETitle: "NOT-ME")
        do {
            _ = try await client.associate(contexts: [verification])
            XCTFail("association should be rejected")
        } catch let e as AssociationError {
            XCTAssertEqual(e, .rejected(AssociateRJ(result: 1, source: 1, reason: 7)))
        }
        // DCMTK sees the rejection too.
        let echoscu = try Oracles.require("echoscu", package: "dcmtk")
        let r = try runCommand(echoscu, ["-aec", "NOT-ME", "127.0.0.1", "\(server.port)"], environment: NetworkTestSupport.nodelay)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue((r.stdout + r.stderr).contains("Called AE Title Not Recognized"), r.stderr)
    }

    func testUnknownCallingAETitleRejectedWithAllowList() async throws {
        let server = try await NetworkTestSupport.startStoreServer(inbox: try NetworkTestSupport.temporaryDirectory("neg")) {
            $0.callingAETitles = ["MODALITY"]
        }
        defer { Task { await server.close() } }
        do {
            _ = try await DICOMClient(host: "127.0.0.1", port: server.port, callingAETitle: "INTRUDER", calledAETitle: "LIGHTBOX")
                .associate(contexts: [verification])
            XCTFail("association should be rejected")
        } catch let e as AssociationError {
            XCTAssertEqual(e, .rejected(AssociateRJ(result: 1, source: 1, reason: 3)))
        }
        let ok = DICOMClient(host: "127.0.0.1", port: server.port, callingAETitle: "MODALITY", calledAETitle: "LIGHTBOX")
        let echoStatus = try await ok.echo()
        XCTAssertEqual(echoStatus, .success)
    }

    func testUnsupportedAbstractSyntaxRejectsOnlyTheContext() async throws {
        let server = try await NetworkTestSupport.startStoreServer(inbox: try NetworkTestSupport.temporaryDirectory("neg"))
        defer { Task { await server.close() } }
        let client = DICOMClient(host: "127.0.0.1", port: server.port, calledAETitle: "LIGHTBOX")
        let a = try await client.associate(contexts: [
            PresentationContextRQ(id: 1, abstractSyntax: "1.2.840.10008.5.1.4.1.2.1.1", transferSyntaxes: [TransferSyntax.implicitVRLittleEndian.uid]), // C-FIND
            verification.with(id: 3),
        ])
        XCTAssertNil(a.negotiated.contexts[1], "Patient Root Query/Retrieve is not served")
        XCTAssertNotNil(a.negotiated.contexts[3])
        let echoStatus = try await a.echo()
        XCTAssertEqual(echoStatus, .success)
        try await a.release()
    }

    func testRoleSelectionHonoured() async throws {
        let server = try await NetworkTestSupport.startStoreServer(inbox: try NetworkTestSupport.temporaryDirectory("neg"))
        defer { Task { await server.close() } }
        let client = DICOMClient(host: "127.0.0.1", port: server.port, calledAETitle: "LIGHTBOX")
        let ct = PresentationContextRQ(id: 1, abstractSyntax: UIDs.ctImageStorage, transferSyntaxes: [TransferSyntax.explicitVRLittleEndian.uid])
        let mr = PresentationContextRQ(id: 3, abstractSyntax: UIDs.mrImageStorage, transferSyntaxes: [TransferSyntax.explicitVRLittleEndian.uid])
        let a = try await client.associate(contexts: [ct, mr], roleSelections: [
            RoleSelection(sopClassUID: UIDs.ctImageStorage, scuRole: true, scpRole: true),   // we may be SCU and SCP: only SCU granted
            RoleSelection(sopClassUID: UIDs.mrImageStorage, scuRole: false, scpRole: true),  // reversal only: refused
        ])
        XCTAssertEqual(a.negotiated.contexts[1]?.requestorIsSCU, true)
        XCTAssertEqual(a.negotiated.contexts[1]?.requestorIsSCP, false)
        XCTAssertNil(a.negotiated.contexts[3])
        try await a.release()

        // pynetdicom, proposing SCP/SCU role selection, sees the same answer.
        let python = try Oracles.requirePython()
        let script = #"""
        import sys
        from pynetdicom import AE, build_role
        from pynetdicom.sop_class import CTImageStorage
        ae = AE(ae_title='PYROLE')
        ae.add_requested_context(CTImageStorage)
        assoc = ae.associate('127.0.0.1', int(sys.argv[1]), ae_title='LIGHTBOX', ext_neg=[build_role(CTImageStorage, scu_role=True, scp_role=True)])
        assert assoc.is_established
        cx = assoc.accepted_contexts[0]
        print(cx.as_scu, cx.as_scp)
        assoc.release()
        """#
        let path = NSTemporaryDirectory() + "lightbox-pyrole-\(getpid()).py"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try runCommand(python, [path, "\(server.port)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // From the requestor's view: it may act as SCU (as_scu) but not as SCP.
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "True False")
    }

    func testLocalLimitExceeded() async throws {
        let server = try await NetworkTestSupport.startStoreServer(inbox: try NetworkTestSupport.temporaryDirectory("neg")) {
            $0.maxAssociations = 2
        }
        defer { Task { await server.close() } }
        let client = DICOMClient(host: "127.0.0.1", port: server.port, calledAETitle: "LIGHTBOX")
        let a1 = try await client.associate(contexts: [verification])
        let a2 = try await client.associate(contexts: [verification])
        do {
            _ = try await client.associate(contexts: [verification])
            XCTFail("third association should be rejected")
        } catch let e as AssociationError {
            XCTAssertEqual(e, .rejected(AssociateRJ(result: 2, source: 3, reason: 2)))
        }
        try await a1.release()
        // The server counts a1 out when its connection closes: wait for that event (the first
        // accepted association's), not for a while.
        try await NetworkTestSupport.waitForEvents(server) { events in
            let first = events.lazy.compactMap { e -> Int? in if case .accepted(let id, _, _, _, _) = e { return id }; return nil }.first
            return events.contains { e in if case .closed(let id?, _) = e, id == first { return true }; return false }
        }
        let a3 = try await client.associate(contexts: [verification])
        try await a3.release(); try await a2.release()
    }

    /// Max PDU honoured in both directions, by PDU sizes seen on the wire.
    func testMaxPDUHonouredBothDirections() async throws {
        // 1. Our SCU never sends a PDU longer than the peer's Maximum Length: a raw SCP announcing 4096 records sizes.
        let listener = try RawListener()
        let recorded = RecordedSizes()
        let peerThread = Thread {
            guard let peer = listener.accept() else { return }
            defer { peer.close() }
            guard case .associateRQ(let rq)? = peer.receivePDUParsed() else { return }
            var info = UserInformation(maxPDULength: 4096, implementationClassUID: "1.2.3.4")
            info.implementationVersionName = "RAWSCP"
            let ac = AssociateAC(calledAETitle: rq.calledAETitle, callingAETitle: rq.callingAETitle,
                                 presentationContexts: rq.presentationContexts.map { PresentationContextAC(id: $0.id, result: .acceptance, transferSyntax: $0.transferSyntaxes[0]) },
                                 userInformation: info)
            peer.send(PDUSerializer.encode(.associateAC(ac)))
            var command: [UInt8] = []
            while let bytes = peer.receivePDU() {
                recorded.add(bytes.count - 6)
                guard let pdu = try? PDUParser(maxPDataLength: .max).parse(bytes: bytes) else { return }
                switch pdu {
                case .pData(let p):
                    for v in p.values {
                        if v.isCommand { command += v.data.readableBytesView }
                        if !v.isCommand && v.isLast, let c = try? DIMSECommand(encoded: command) {
                            let rsp = c.response(status: .success).encoded()
                            let pdv = PresentationDataValue(contextID: v.contextID, isCommand: true, isLast: true, data: ByteBuffer(bytes: rsp))
                            peer.send(PDUSerializer.encode(.pData(PDataTF(values: [pdv]))))
                            command = []
                        }
                    }
                case .releaseRQ: peer.send(PDUSerializer.encode(.releaseRP)); return
                default: return
                }
            }
        }
        peerThread.start()
        let client = DICOMClient(host: "127.0.0.1", port: listener.port, calledAETitle: "RAW")
        let files = NetworkTestSupport.distinct(try NetworkTestSupport.corpusFiles(), syntax: "1.2.840.10008.1.2.1", limit: 2)
        let a = try await client.associate(contexts: StoreSCU.contexts(for: files))
        XCTAssertEqual(a.negotiated.peerMaxPDULength, 4096)
        let results = try await StoreSCU.send(files, on: a)
        try await a.release()
        XCTAssertTrue(results.allSatisfy { $0.status == .success })
        XCTAssertGreaterThan(recorded.values.count, 10, "a 39 KB CT must need many PDUs")
        XCTAssertLessThanOrEqual(recorded.values.max() ?? 0, 4096)
        XCTAssertEqual(recorded.values.max(), 4096, "fragments fill the PDU")
        listener.close()

        // 2. Our SCP announces its maximum and refuses a longer P-DATA-TF with A-ABORT.
        let server = try await NetworkTestSupport.startStoreServer(inbox: try NetworkTestSupport.temporaryDirectory("pdu")) {
            $0.maxPDULength = 8192
        }
        defer { Task { await server.close() } }
        let peer = try RawPeer(port: server.port)
        defer { peer.close() }
        let rq = AssociateRQ(calledAETitle: "LIGHTBOX", callingAETitle: "RAW", presentationContexts: [verification],
                             userInformation: UserInformation(maxPDULength: 0))
        peer.send(PDUSerializer.encode(.associateRQ(rq)))
        guard case .associateAC(let ac)? = peer.receivePDUParsed() else { return XCTFail("expected AC") }
        XCTAssertEqual(ac.userInformation.maxPDULength, 8192)
        let big = PresentationDataValue(contextID: 1, isCommand: false, isLast: true, data: ByteBuffer(repeating: 0, count: 9000))
        peer.send(PDUSerializer.encode(.pData(PDataTF(values: [big]))))
        guard case .abort? = peer.receivePDUParsed() else { return XCTFail("expected A-ABORT for an oversized PDU") }
    }
}

extension PresentationContextRQ {
    func with(id: UInt8) -> PresentationContextRQ { var c = self; c.id = id; return c }
}

final class RecordedSizes: @unchecked Sendable {
    private let lock = NSLock()
    private var sizes: [Int] = []
    func add(_ n: Int) { lock.lock(); sizes.append(n); lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return sizes }
}

/// A blocking listening socket on 127.0.0.1 for raw peers.
final class RawListener: @unchecked Sendable {
    let fd: Int32
    let port: Int
    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        listen(fd, 16)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
    }
    func accept() -> RawPeer? {
        let c = Glibc.accept(fd, nil, nil)
        guard c >= 0 else { return nil }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        return RawPeer(fd: c)
    }
    func close() { Glibc.close(fd) }
}
