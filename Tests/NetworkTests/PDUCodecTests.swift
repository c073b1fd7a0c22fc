import NIOCore
import NIOEmbedded
import XCTest
@testable import Network
import TestSupport

final class PDUCodecTests: XCTestCase {
    let parser = PDUParser()

    func testDecodesAssociateRQFixture() throws {
        guard case .associateRQ(let rq) = try parser.parse(bytes: EncodedPDUs.associateRQ) else { return XCTFail("not an RQ") }
        XCTAssertEqual(rq.calledAETitle, "ANY-SCP")
        XCTAssertEqual(rq.callingAETitle, "ECHOSCU")
        XCTAssertEqual(rq.applicationContextName, "1.2.840.10008.3.1.1.1")
        XCTAssertEqual(rq.presentationContexts, [PresentationContextRQ(id: 1, abstractSyntax: "1.2.840.10008.1.1",
                                                                       transferSyntaxes: ["1.2.840.10008.1.2"])])
        XCTAssertEqual(rq.userInformation.maxPDULength, 16382)
        XCTAssertEqual(rq.userInformation.implementationClassUID, "1.2.826.0.1.3680043.9.3811.0.9.0")
        XCTAssertEqual(rq.userInformation.implementationVersionName, "PYNETDICOM_090")
        // Our encoder produces the same bytes.
        XCTAssertEqual(PDUSerializer.encode(.associateRQ(rq)), EncodedPDUs.associateRQ)
    }

    func testFixedPDUs() throws {
        XCTAssertEqual(try parser.parse(bytes: EncodedPDUs.associateRJ), .associateRJ(.calledAETitleNotRecognized))
        XCTAssertEqual(try parser.parse(bytes: EncodedPDUs.releaseRQ), .releaseRQ)
        XCTAssertEqual(try parser.parse(bytes: EncodedPDUs.releaseRP), .releaseRP)
        XCTAssertEqual(try parser.parse(bytes: EncodedPDUs.abort), .abort(.invalidPDUParameter))
        for b in [EncodedPDUs.associateRJ, EncodedPDUs.releaseRQ, EncodedPDUs.releaseRP, EncodedPDUs.abort, EncodedPDUs.pData] {
            XCTAssertEqual(PDUSerializer.encode(try parser.parse(bytes: b)), b)
        }
        guard case .pData(let p) = try parser.parse(bytes: EncodedPDUs.pData) else { return XCTFail() }
        XCTAssertEqual(p.values.count, 1)
        XCTAssertEqual(p.values[0].contextID, 1)
        XCTAssertTrue(p.values[0].isCommand)
        XCTAssertTrue(p.values[0].isLast)
        XCTAssertEqual(Array(p.values[0].data.readableBytesView), [1, 2, 3, 4])
    }

    func testEveryItemRoundTrips() throws {
        var info = UserInformation(maxPDULength: 65536, implementationClassUID: "1.2.3.4", implementationVersionName: "TEST_1")
        info.asyncOperationsWindow = AsyncOperationsWindow(maxInvoked: 5, maxPerformed: 3)
        info.roleSelections = [RoleSelection(sopClassUID: "1.2.840.10008.5.1.4.1.1.2", scuRole: true, scpRole: true)]
        info.extendedNegotiations = [SOPClassExtendedNegotiation(sopClassUID: "1.2.840.10008.5.1.4.1.1.2",
                                                                 serviceClassApplicationInformation: [1, 0, 1, 0])]
        info.commonExtendedNegotiations = [SOPClassCommonExtendedNegotiation(sopClassUID: "1.2.840.10008.5.1.4.1.1.88.22",
                                                                             serviceClassUID: "1.2.840.10008.4.2",
                                                                             relatedGeneralSOPClassUIDs: ["1.2.840.10008.5.1.4.1.1.88.11"])]
        info.userIdentity = UserIdentityRQ(type: 2, positiveResponseRequested: true, primaryField: Array("user".utf8),
                                           secondaryField: Array("pass".utf8))
        let rq = AssociateRQ(calledAETitle: "STORESCP", callingAETitle: "A", presentationContexts: [
            PresentationContextRQ(id: 1, abstractSyntax: "1.2.840.10008.1.1", transferSyntaxes: ["1.2.840.10008.1.2"]),
            PresentationContextRQ(id: 3, abstractSyntax: "1.2.840.10008.5.1.4.1.1.2",
                                  transferSyntaxes: ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"]),
        ], userInformation: info)
        XCTAssertEqual(try parser.parse(bytes: PDUSerializer.encode(.associateRQ(rq))), .associateRQ(rq))

        var acInfo = UserInformation(maxPDULength: 16384, implementationClassUID: "1.2.3")
        acInfo.userIdentityResponse = [9, 9]
        acInfo.roleSelections = [RoleSelection(sopClassUID: "1.2.840.10008.5.1.4.1.1.2", scuRole: true, scpRole: false)]
        let ac = AssociateAC(calledAETitle: "STORESCP", callingAETitle: "A", presentationContexts: [
            PresentationContextAC(id: 1, result: .acceptance, transferSyntax: "1.2.840.10008.1.2"),
            PresentationContextAC(id: 3, result: .abstractSyntaxNotSupported, transferSyntax: ""),
        ], userInformation: acInfo)
        XCTAssertEqual(try parser.parse(bytes: PDUSerializer.encode(.associateAC(ac))), .associateAC(ac))
    }

    func testIncompleteInputIsNotYet() throws {
        var buffer = ByteBuffer()
        for b in EncodedPDUs.associateRQ.dropLast() {
            buffer.writeInteger(b)
            XCTAssertNil(try parser.parse(&buffer))
        }
        buffer.writeInteger(EncodedPDUs.associateRQ.last!)
        XCTAssertNotNil(try parser.parse(&buffer))
        XCTAssertEqual(buffer.readableBytes, 0)
    }

    func testHugeLengthRejectedBeforeBuffering() {
        var buffer = ByteBuffer(bytes: [0x04, 0x00, 0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertThrowsError(try PDUParser(maxPDataLength: 16384).parse(&buffer)) { error in
            XCTAssertEqual(error as? PDUDecodingError, .pduTooLarge(pduType: 4, length: 0xFFFF_FFFF, maxLength: 16384))
        }
        var rq = ByteBuffer(bytes: [0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertThrowsError(try parser.parse(&rq))
    }

    func testUnknownTypeAndMalformedItems() throws {
        XCTAssertEqual(try parser.parse(bytes: [0x09, 0, 0, 0, 0, 2, 0xAA, 0xBB]), .unknown(type: 9, length: 2))
        // A PDV item-length of 1 is below its 2-byte header.
        XCTAssertThrowsError(try parser.parse(bytes: [0x04, 0, 0, 0, 0, 5, 0, 0, 0, 1, 1]))
        // An A-ASSOCIATE-RQ cut inside its fixed fields.
        XCTAssertThrowsError(try parser.parse(bytes: [0x01, 0, 0, 0, 0, 4, 0, 1, 0, 0]))
        // An item whose length runs past the PDU.
        var bad = EncodedPDUs.associateRQ
        bad[77] = 0xFF
        XCTAssertThrowsError(try parser.parse(bytes: bad))
    }

    func testDecoderInEmbeddedChannelByteByByte() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(PDUDecoder()))
        let all = EncodedPDUs.associateRQ + EncodedPDUs.pData + EncodedPDUs.releaseRQ
        for b in all { try channel.writeInbound(ByteBuffer(bytes: [b])) }
        var got: [PDU] = []
        while let p = try channel.readInbound(as: PDU.self) { got.append(p) }
        XCTAssertEqual(got.count, 3)
        XCTAssertEqual(got.last, .releaseRQ)
        // And all at once.
        try channel.writeInbound(ByteBuffer(bytes: all))
        var again = 0
        while try channel.readInbound(as: PDU.self) != nil { again += 1 }
        XCTAssertEqual(again, 3)
        _ = try channel.finish()
    }

    func testFuzzEntryPointOnRandomAndMutatedInput() {
        var rng = SeededRandom(defaultSeed: 0x50_D0, label: "PDUCodecTests.testFuzzEntryPointOnRandomAndMutatedInput")
        let seeds = [EncodedPDUs.associateRQ, EncodedPDUs.associateRJ, EncodedPDUs.pData, EncodedPDUs.abort, EncodedPDUs.releaseRQ]
        for i in 0 ..< 20_000 {
            var b: [UInt8]
            if i % 2 == 0 {
                b = (0 ..< Int.random(in: 0 ..< 300, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
                if !b.isEmpty { b[0] = UInt8.random(in: 1 ... 8, using: &rng) }
                if b.count >= 6 { let n = UInt32(b.count - 6); b[2] = 0; b[3] = 0; b[4] = UInt8(n >> 8); b[5] = UInt8(n & 0xFF) }
            } else {
                b = seeds[i % seeds.count]
                for _ in 0 ..< Int.random(in: 1 ... 4, using: &rng) {
                    b[Int.random(in: 0 ..< b.count, using: &rng)] = UInt8.random(in: 0 ... 255, using: &rng)
                }
            }
            PDUFuzzing.feed(b)
        }
    }
}
