import DICOM
import XCTest
@testable import Network

final class DIMSECommandTests: XCTestCase {
    func testRoundTripOfEveryCommand() throws {
        var nget = DIMSECommand.nGetRQ(messageID: 7, sopClassUID: "1.2.840.10008.5.1.1.16", sopInstanceUID: "1.2.840.10008.5.1.1.17",
                                       attributes: [Tag(0x2110, 0x0010), Tag(0x2110, 0x0020)])
        nget.priority = nil
        let commands: [DIMSECommand] = [
            .cEchoRQ(messageID: 1),
            .cStoreRQ(messageID: 2, sopClassUID: UIDs.ctImageStorage, sopInstanceUID: "1.2.3.4"),
            .nCreateRQ(messageID: 3, sopClassUID: "1.2.840.10008.5.1.1.1", hasDataSet: true),
            .nSetRQ(messageID: 4, sopClassUID: "1.2.840.10008.5.1.1.2", sopInstanceUID: "1.2.3"),
            nget,
            .nActionRQ(messageID: 5, sopClassUID: "1.2.840.10008.5.1.1.2", sopInstanceUID: "1.2.3", actionTypeID: 1, hasDataSet: false),
            .nDeleteRQ(messageID: 6, sopClassUID: "1.2.840.10008.5.1.1.2", sopInstanceUID: "1.2.3"),
            .nEventReportRQ(messageID: 8, sopClassUID: "1.2.840.10008.5.1.1.16", sopInstanceUID: "1.2.840.10008.5.1.1.17",
                            eventTypeID: 2, hasDataSet: true),
        ]
        for c in commands {
            XCTAssertEqual(try DIMSECommand(encoded: c.encoded()), c, "\(c.field)")
            var r = c.response(status: .success)
            r.errorComment = "fine"
            XCTAssertEqual(try DIMSECommand(encoded: r.encoded()), r, "\(r.field)")
            XCTAssertEqual(r.messageIDBeingRespondedTo, c.messageID)
        }
    }

    func testCommandSetMatchesDCMTKLayout() throws {
        // C-ECHO-RQ as DCMTK sends it: group length 56, SOP class, command field 0030H, message ID 1, no data set.
        let bytes = DIMSECommand.cEchoRQ(messageID: 1).encoded()
        let ds = try Part10Reader.readDataSet(bytes: bytes, syntax: .implicitVRLittleEndian)
        XCTAssertEqual(ds.int(Tag(0x0000, 0x0000)), bytes.count - 12)
        XCTAssertEqual(ds.string(.affectedSOPClassUID), "1.2.840.10008.1.1")
        XCTAssertEqual(ds.int(.commandField), 0x0030)
        XCTAssertEqual(ds.int(.commandDataSetType), 0x0101)
    }

    /// Move Destination is (0000,0600) on a C-MOVE-RQ; the Move Originator AE Title and Message
    /// ID of a C-STORE sub-operation are (0000,1030) and (0000,1031) (PS3.7 Tables 9.3-1, 9.3-5).
    func testMoveDestinationAndOriginatorTags() throws {
        var move = DIMSECommand(field: .cMoveRQ, hasDataSet: true)
        move.messageID = 3; move.affectedSOPClassUID = "1.2.840.10008.5.1.4.1.2.2.2"; move.moveDestination = "DESK"
        var store = DIMSECommand.cStoreRQ(messageID: 4, sopClassUID: UIDs.ctImageStorage, sopInstanceUID: "1.2.3.4")
        store.moveOriginatorAETitle = "ORTHANC"; store.moveOriginatorMessageID = 3
        let m = try Part10Reader.readDataSet(bytes: move.encoded(), syntax: .implicitVRLittleEndian)
        XCTAssertEqual(m.string(Tag(0x0000, 0x0600)), "DESK")
        XCTAssertNil(m[Tag(0x0000, 0x1030)])
        let s = try Part10Reader.readDataSet(bytes: store.encoded(), syntax: .implicitVRLittleEndian)
        XCTAssertEqual(s.string(Tag(0x0000, 0x1030)), "ORTHANC")
        XCTAssertEqual(s.int(Tag(0x0000, 0x1031)), 3)
        XCTAssertNil(s[Tag(0x0000, 0x0600)])
        XCTAssertEqual(try DIMSECommand(encoded: move.encoded()), move)
        XCTAssertEqual(try DIMSECommand(encoded: store.encoded()), store)
    }

    func testMissingMandatoryField() {
        var c = DIMSECommand(field: .cStoreRQ, hasDataSet: true)
        c.messageID = 1
        c.affectedSOPClassUID = UIDs.ctImageStorage
        XCTAssertThrowsError(try DIMSECommand(encoded: c.encoded())) { e in
            XCTAssertEqual(e as? DIMSEError, .missingField(command: "C-STORE-RQ", tag: .affectedSOPInstanceUID))
        }
        XCTAssertThrowsError(try DIMSECommand(encoded: [0, 0, 0, 1, 0xFF, 0, 0, 0]))
    }

    func testStatusNames() {
        XCTAssertEqual(DIMSEStatus(0xA701).name, "Refused: Out of Resources")
        XCTAssertEqual(DIMSEStatus(0xB000).category, .warning)
        XCTAssertEqual(DIMSEStatus.noSuchObjectInstance.description, "No Such Object Instance (0x0112)")
        XCTAssertEqual(DIMSEStatus(0xFF00).category, .pending)
    }
}
