import DICOM
import XCTest

final class DataSetTests: XCTestCase {
    func testElementsStayOrderedWhateverTheInsertionOrder() throws {
        var ds = DataSet()
        try ds.set(.patientName, .PN, "Doe^John")
        try ds.set(.sopInstanceUID, .UI, "1.2.3")
        ds.set(.rows, uint16: 512)
        try ds.set(.modality, .CS, "CT")
        XCTAssertEqual(ds.tags, [.sopInstanceUID, .modality, .patientName, .rows])
        ds.remove(.modality)
        XCTAssertEqual(ds.tags, [.sopInstanceUID, .patientName, .rows])
        XCTAssertEqual(ds.string(.patientName), "Doe^John")
        XCTAssertEqual(ds.int(.rows), 512)
    }

    func testOddLengthTextIsPaddedPerVR() throws {
        var ds = DataSet()
        try ds.set(.sopInstanceUID, .UI, "1.2.345")
        try ds.set(.modality, .CS, "MRI")
        XCTAssertEqual(ds[.sopInstanceUID]?.bytes?.last, 0x00, "UI pads with NUL (PS3.5 §6.2)")
        XCTAssertEqual(ds[.modality]?.bytes?.last, 0x20, "text pads with space")
        XCTAssertEqual(ds.string(.sopInstanceUID), "1.2.345")
        XCTAssertEqual(ds.string(.modality), "MRI")
    }

    func testTextIsEncodedWithTheDataSetsCharacterSet() throws {
        var ds = DataSet()
        try ds.set(.specificCharacterSet, .CS, "GB18030")
        try ds.set(.patientName, .PN, "王^小东")
        XCTAssertEqual(ds[.patientName]?.bytes, [0xCD, 0xF5, 0x5E, 0xD0, 0xA1, 0xB6, 0xAB, 0x20])
        XCTAssertEqual(ds.string(.patientName), "王^小东")
        XCTAssertEqual(ds.personName(.patientName)?.alphabetic.familyName, "王")
    }

    func testMultipleValuesSplitAfterDecoding() throws {
        // 乗 in GBK is 81 5C: its trail byte is a backslash, which must not split the value.
        var ds = DataSet()
        try ds.set(.specificCharacterSet, .CS, "GBK")
        try ds.set(.institutionName, .LO, "乗\\院")
        XCTAssertEqual(ds[.institutionName]?.bytes?.prefix(2), [0x81, 0x5C])
        XCTAssertEqual(ds.strings(.institutionName), ["乗", "院"])
    }

    func testNumericAccessors() {
        var ds = DataSet()
        ds.insert(DataElement(tag: .rescaleIntercept, vr: .DS, bytes: Array("-1024 ".utf8)))
        ds.insert(DataElement(tag: .windowCenter, vr: .DS, bytes: Array("40\\400".utf8)))
        ds.insert(DataElement(tag: Tag(0x0018, 0x0088), vr: .DS, bytes: Array("1.25".utf8)))
        ds.insert(DataElement(tag: .smallestImagePixelValue, vr: .SS, bytes: [0x00, 0xFC]))
        XCTAssertEqual(ds.double(.rescaleIntercept), -1024)
        XCTAssertEqual(ds.double(.windowCenter, index: 1), 400)
        XCTAssertEqual(ds.double(Tag(0x0018, 0x0088)), 1.25)
        XCTAssertEqual(ds.int(.smallestImagePixelValue), -1024)
    }

    func testTagParsing() {
        XCTAssertEqual(Tag(parsing: "(0010,0010)"), .patientName)
        XCTAssertEqual(Tag(parsing: "0010,0010"), .patientName)
        XCTAssertEqual(Tag(parsing: "00100010"), .patientName)
        XCTAssertEqual(Tag(parsing: "PatientName"), .patientName)
        XCTAssertNil(Tag(parsing: "NoSuchKeyword"))
        XCTAssertEqual(Tag(0x0029, 0x1010).privateCreatorTag, Tag(0x0029, 0x0010))
        XCTAssertTrue(Tag(0x0029, 0x0010).isPrivateCreator)
        XCTAssertFalse(Tag(0x0008, 0x0010).isPrivate)
    }
}
