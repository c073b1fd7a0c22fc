import DICOM
import Logging
import NIOCore
import NIOEmbedded
import XCTest
@testable import Network

/// The acceptor's I/O through testing channels: bytes in, bytes out, no sockets.
final class AssociationHandlerTests: XCTestCase {
    func makeChannel(policy: AssociationPolicy = AssociationPolicy(aeTitle: "ANY-SCP"), setup: AcceptorSetup? = nil) async throws -> NIOAsyncTestingChannel {
        let channel = NIOAsyncTestingChannel()
        let setup = setup ?? AcceptorSetup(policy: policy, registry: ServiceRegistry([VerificationService()]), server: ServerState(),
                                           events: nil, logger: Logger(label: "test"))
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.configureDICOMPipeline(tls: nil, maxPDULength: policy.maxPDULength,
                                                                       handler: AssociationHandler(role: .acceptor(setup)))
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 104))
        return channel
    }

    func readPDU(_ channel: NIOAsyncTestingChannel) async throws -> PDU {
        var buffer = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        guard let pdu = try PDUParser().parse(&buffer) else { throw PDUDecodingError.truncated(field: "test", pduType: 0) }
        return pdu
    }

    func testEchoAssociation() async throws {
        let channel = try await makeChannel()
        try await channel.writeInbound(ByteBuffer(bytes: EncodedPDUs.associateRQ))
        guard case .associateAC(let ac) = try await readPDU(channel) else { return XCTFail("expected A-ASSOCIATE-AC") }
        XCTAssertEqual(ac.presentationContexts.first?.result, .acceptance)
        XCTAssertEqual(ac.userInformation.implementationClassUID, Implementation.classUID)

        let echo = PresentationDataValue(contextID: 1, isCommand: true, isLast: true, data: ByteBuffer(bytes: DIMSECommand.cEchoRQ(messageID: 5).encoded()))
        var out = ByteBuffer()
        PDUSerializer.encode(.pData(PDataTF(values: [echo])), into: &out)
        try await channel.writeInbound(out)
        guard case .pData(let p) = try await readPDU(channel) else { return XCTFail("expected P-DATA") }
        let response = try DIMSECommand(encoded: Array(p.values[0].data.readableBytesView))
        XCTAssertEqual(response.field, .cEchoRSP)
        XCTAssertEqual(response.messageIDBeingRespondedTo, 5)
        XCTAssertEqual(response.status, .success)

        try await channel.writeInbound(ByteBuffer(bytes: EncodedPDUs.releaseRQ))
        let rp = try await readPDU(channel)
        XCTAssertEqual(rp, .releaseRP)
        _ = try? await channel.finish()
    }

    func testUnknownCalledAETitleRejected() async throws {
        let channel = try await makeChannel(policy: AssociationPolicy(aeTitle: "OTHER"))
        try await channel.writeInbound(ByteBuffer(bytes: EncodedPDUs.associateRQ))
        let rj = try await readPDU(channel)
        XCTAssertEqual(rj, .associateRJ(.calledAETitleNotRecognized))
        _ = try? await channel.finish()
    }

    func testPDataBeforeAssociationIsAborted() async throws {
        let channel = try await makeChannel()
        try await channel.writeInbound(ByteBuffer(bytes: EncodedPDUs.pData))
        guard case .abort = try await readPDU(channel) else { return XCTFail("expected A-ABORT") }
        _ = try? await channel.finish()
    }

    func testHugePDULengthIsAborted() async throws {
        let channel = try await makeChannel()
        try await channel.writeInbound(ByteBuffer(bytes: EncodedPDUs.associateRQ))
        _ = try await readPDU(channel)
        try? await channel.writeInbound(ByteBuffer(bytes: [0x04, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0]))
        guard case .abort = try await readPDU(channel) else { return XCTFail("expected A-ABORT") }
        _ = try? await channel.finish()
    }

    func testPeerMaxPDUIsHonouredWhenFragmenting() async throws {
        // A C-ECHO-RSP command set (about 80 bytes) to a peer whose maximum is 40 bytes: several PDUs, none longer.
        var rq = try PDUParser().parse(bytes: EncodedPDUs.associateRQ)
        guard case .associateRQ(var r) = rq else { return XCTFail() }
        r.userInformation.maxPDULength = 40
        rq = .associateRQ(r)
        let channel = try await makeChannel()
        try await channel.writeInbound(ByteBuffer(bytes: PDUSerializer.encode(rq)))
        _ = try await readPDU(channel)
        let echo = PresentationDataValue(contextID: 1, isCommand: true, isLast: true, data: ByteBuffer(bytes: DIMSECommand.cEchoRQ(messageID: 1).encoded()))
        try await channel.writeInbound(ByteBuffer(bytes: PDUSerializer.encode(.pData(PDataTF(values: [echo])))))
        var command: [UInt8] = []
        while true {
            var b = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
            XCTAssertLessThanOrEqual(b.readableBytes - 6, 40)
            guard case .pData(let p)? = try PDUParser().parse(&b) else { return XCTFail() }
            command += p.values[0].data.readableBytesView
            if p.values[0].isLast { break }
        }
        XCTAssertEqual(try DIMSECommand(encoded: command).status, .success)
        _ = try? await channel.finish()
    }

    /// A repeated A-ASSOCIATE-RQ is answered from the server's cache with the same A-ASSOCIATE-AC;
    /// any other request is negotiated afresh, and the association limit still applies.
    func testRepeatedRequestAnsweredFromCache() async throws {
        let policy = AssociationPolicy(aeTitle: "ANY-SCP", maxAssociations: 2).acceptingAnyCalledAETitle
        let setup = AcceptorSetup(policy: policy, registry: ServiceRegistry([VerificationService()]), server: ServerState(),
                                  events: nil, logger: Logger(label: "test"))
        func answer(_ rq: [UInt8]) async throws -> (NIOAsyncTestingChannel, ByteBuffer) {
            let channel = try await makeChannel(setup: setup)
            try await channel.writeInbound(ByteBuffer(bytes: rq))
            return (channel, try await channel.waitForOutboundWrite(as: ByteBuffer.self))
        }
        let (c1, first) = try await answer(EncodedPDUs.associateRQ)
        XCTAssertNotNil(setup.lastAccepted.withLock { $0 }, "accepted request cached")
        let (c2, again) = try await answer(EncodedPDUs.associateRQ)
        XCTAssertEqual(first, again, "same request, same answer")
        guard case .associateAC(let ac)? = try PDUParser().parse(bytes: Array(again.readableBytesView)) as PDU?,
              case .associateRQ(var rq) = try PDUParser().parse(bytes: EncodedPDUs.associateRQ) else { return XCTFail("expected AC") }
        XCTAssertEqual(ac.callingAETitle, rq.callingAETitle)

        // Two associations are established: the limit (2) rejects a third even from the cache.
        let (c3, third) = try await answer(EncodedPDUs.associateRQ)
        XCTAssertEqual(try PDUParser().parse(bytes: Array(third.readableBytesView)), .associateRJ(AssociateRJ(result: 2, source: 3, reason: 2)))
        _ = try? await c1.finish(); _ = try? await c3.finish()

        // Another calling AE title: negotiated afresh, answered with its own title.
        rq.callingAETitle = "OTHER-SCU"
        let (c4, other) = try await answer(PDUSerializer.encode(.associateRQ(rq)))
        guard case .associateAC(let ac2) = try PDUParser().parse(bytes: Array(other.readableBytesView)) else { return XCTFail("expected AC") }
        XCTAssertEqual(ac2.callingAETitle, "OTHER-SCU")
        XCTAssertEqual(setup.lastAccepted.withLock { $0?.rq.callingAETitle }, "OTHER-SCU")
        _ = try? await c2.finish(); _ = try? await c4.finish()
    }
}
