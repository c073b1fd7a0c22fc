import NIOCore
import XCTest
@testable import Network

/// The association handler's PDU framing: the same PDUs whether bytes come one at a time, in
/// arbitrary chunks or all at once (as swift-nio's ByteToMessageDecoderVerifier checks decoders).
final class PDUFramerTests: XCTestCase {
    let stream = EncodedPDUs.associateRQ + EncodedPDUs.releaseRQ + EncodedPDUs.abort
    let parser = PDUParser(maxPDataLength: 1 << 20, maxOtherLength: 1 << 20)

    func frames(chunks: [[UInt8]]) throws -> [PDU] {
        var framer = PDUFramer(parser: parser)
        var out: [PDU] = []
        for c in chunks {
            framer.append(ByteBuffer(bytes: c))
            while let pdu = try framer.next() { out.append(pdu) }
        }
        XCTAssertEqual(framer.bufferedBytes, 0, "nothing left over")
        return out
    }

    func testSamePDUsWhateverTheChunking() throws {
        let whole = try frames(chunks: [stream])
        XCTAssertEqual(whole.count, 3)
        guard case .associateRQ(let rq) = whole[0] else { return XCTFail("expected A-ASSOCIATE-RQ") }
        XCTAssertEqual(rq, try parser.parse(bytes: EncodedPDUs.associateRQ).associateRQValue)
        XCTAssertEqual(whole[1], .releaseRQ)
        XCTAssertEqual(try frames(chunks: stream.map { [$0] }), whole, "one byte at a time")
        for size in [5, 6, 7, 13, 100] {
            let chunks = stride(from: 0, to: stream.count, by: size).map { Array(stream[$0 ..< min($0 + size, stream.count)]) }
            XCTAssertEqual(try frames(chunks: chunks), whole, "chunks of \(size)")
        }
    }

    func testIncompletePDUWaitsAndOversizedThrows() throws {
        var framer = PDUFramer(parser: PDUParser(maxPDataLength: 16, maxOtherLength: 1 << 20))
        framer.append(ByteBuffer(bytes: Array(EncodedPDUs.releaseRQ.prefix(7))))
        XCTAssertNil(try framer.next())
        XCTAssertEqual(framer.bufferedBytes, 7)
        framer.append(ByteBuffer(bytes: Array(EncodedPDUs.releaseRQ.dropFirst(7))))
        XCTAssertEqual(try framer.next(), .releaseRQ)
        // A P-DATA-TF announcing 17 bytes against a limit of 16 is refused from its header alone.
        framer.append(ByteBuffer(bytes: [0x04, 0x00, 0x00, 0x00, 0x00, 0x11]))
        XCTAssertThrowsError(try framer.next()) { XCTAssertTrue($0 is PDUDecodingError, "\($0)") }
    }
}

private extension PDU {
    var associateRQValue: AssociateRQ? { if case .associateRQ(let rq) = self { return rq }; return nil }
}
