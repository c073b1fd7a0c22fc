import XCTest
import DICOM

final class DataDictionaryTests: XCTestCase {
    func testPatientName() throws {
        let e = try XCTUnwrap(DataDictionary.entry(for: Tag(0x0010, 0x0010)))
        XCTAssertEqual(e.tag, Tag(0x0010, 0x0010))
        XCTAssertEqual(e.vr, .PN)
        XCTAssertEqual(e.vrs, [.PN])
        XCTAssertFalse(e.isAmbiguousVR)
        XCTAssertEqual(e.name, "Patient's Name")
        XCTAssertEqual(e.keyword, "PatientName")
        XCTAssertEqual(e.multiplicity, "1")
        XCTAssertFalse(e.isRetired)
        XCTAssertEqual(DataDictionary.entry(forKeyword: "PatientName"), e)
        XCTAssertEqual(Tag(parsing: "PatientName"), Tag(0x0010, 0x0010))
    }

    func testAmbiguousVRs() throws {
        let pixelData = try XCTUnwrap(DataDictionary.entry(for: Tag(0x7FE0, 0x0010)))
        XCTAssertEqual(pixelData.keyword, "PixelData")
        XCTAssertEqual(pixelData.vrs, [.OB, .OW])
        XCTAssertTrue(pixelData.isAmbiguousVR)
        let smallest = try XCTUnwrap(DataDictionary.entry(for: Tag(0x0028, 0x0106)))
        XCTAssertEqual(smallest.keyword, "SmallestImagePixelValue")
        XCTAssertEqual(smallest.vrs, [.US, .SS])
        XCTAssertEqual(smallest.vr, .US)
    }

    func testMultiplicity() throws {
        XCTAssertEqual(DataDictionary.entry(forKeyword: "ImageType")?.multiplicity, "2-n")
        XCTAssertEqual(DataDictionary.entry(forKeyword: "ImagePositionPatient")?.multiplicity, "3")
    }

    func testRepeatingGroups() throws {
        for group: UInt16 in [0x6000, 0x6002, 0x601E] {
            let e = try XCTUnwrap(DataDictionary.entry(for: Tag(group, 0x3000)), "\(group)")
            XCTAssertEqual(e.keyword, "OverlayData")
            XCTAssertEqual(e.tag, Tag(0x6000, 0x3000))
            XCTAssertEqual(e.vrs, [.OB, .OW])
        }
        let curve = try XCTUnwrap(DataDictionary.entry(for: Tag(0x5000, 0x0005)))
        XCTAssertEqual(curve.keyword, "CurveDimensions")
        XCTAssertTrue(curve.isRetired)
        XCTAssertEqual(DataDictionary.entry(forKeyword: "OverlayRows")?.tag, Tag(0x6000, 0x0010))
        XCTAssertEqual(DataDictionary.entry(for: Tag(0x6004, 0x0010))?.keyword, "OverlayRows")
        // Odd groups are private, not repeating groups.
        XCTAssertNil(DataDictionary.entry(for: Tag(0x6001, 0x3000)))
    }

    func testGroupLengthAndPrivateCreator() throws {
        let gl = try XCTUnwrap(DataDictionary.entry(for: Tag(0x0008, 0x0000)))
        XCTAssertEqual(gl.vr, .UL)
        XCTAssertEqual(gl.name, "Group Length")
        XCTAssertEqual(DataDictionary.entry(for: Tag(0x0002, 0x0000))?.keyword, "FileMetaInformationGroupLength")
        let pc = try XCTUnwrap(DataDictionary.entry(for: Tag(0x0029, 0x0010)))
        XCTAssertEqual(pc.vr, .LO)
        XCTAssertEqual(pc.name, "Private Creator")
        XCTAssertEqual(DataDictionary.entry(for: Tag(0x0029, 0x00FF))?.name, "Private Creator")
        XCTAssertNil(DataDictionary.entry(for: Tag(0x0029, 0x1010)))
        XCTAssertNil(DataDictionary.entry(for: Tag(0x0008, 0x0003)))
    }

    func testPrivateDictionary() throws {
        let csa = try XCTUnwrap(DataDictionary.privateEntry(creator: "SIEMENS CSA HEADER", tag: Tag(0x0029, 0x1010)))
        XCTAssertEqual(csa.vr, .OB)
        XCTAssertEqual(csa.name, "CSA Image Header Info")
        XCTAssertEqual(csa.tag, Tag(0x0029, 0x1010))
        XCTAssertEqual(csa.keyword, "")
        // Any block, padded creator.
        XCTAssertEqual(DataDictionary.privateEntry(creator: "SIEMENS CSA HEADER ", tag: Tag(0x0029, 0x1110))?.name,
                       "CSA Image Header Info")
        XCTAssertNil(DataDictionary.privateEntry(creator: "SIEMENS CSA HEADER", tag: Tag(0x0029, 0x1011)))
        XCTAssertNil(DataDictionary.privateEntry(creator: "NO SUCH CREATOR", tag: Tag(0x0029, 0x1010)))
        // 'ggxxxxee' keys.
        XCTAssertEqual(DataDictionary.privateEntry(creator: "PAPYRUS 3.0", tag: Tag(0x6001, 0x1000))?.name, "Overlay ID")
    }

    func testUIDRegistry() throws {
        let e = try XCTUnwrap(UIDRegistry.entry(for: "1.2.840.10008.1.2.1"))
        XCTAssertEqual(e.name, "Explicit VR Little Endian")
        XCTAssertEqual(e.type, "Transfer Syntax")
        XCTAssertEqual(e.keyword, "ExplicitVRLittleEndian")
        XCTAssertFalse(e.isRetired)
        XCTAssertEqual(UIDRegistry.entry(for: "1.2.840.10008.1.2.1\0"), e)
        XCTAssertEqual(UIDRegistry.entry(forKeyword: "ExplicitVRLittleEndian"), e)
        XCTAssertEqual(UIDRegistry.name(for: UIDs.ctImageStorage), "CT Image Storage")
        XCTAssertEqual(UIDRegistry.entry(for: "1.2.840.10008.1.2.2")?.isRetired, true)
        XCTAssertNil(UIDRegistry.entry(for: "1.2.3.4"))
    }

    func testConstants() {
        XCTAssertEqual(Tag.patientName, Tag(0x0010, 0x0010))
        XCTAssertEqual(Tag.sopInstanceUID, Tag(0x0008, 0x0018))
        XCTAssertEqual(Tag.studyInstanceUID, Tag(0x0020, 0x000D))
        XCTAssertEqual(Tag.pixelData, Tag(0x7FE0, 0x0010))
        XCTAssertEqual(Tag.rtPlanLabel, Tag(0x300A, 0x0002))
        XCTAssertEqual(Tag.item, Tag(0xFFFE, 0xE000))
        XCTAssertEqual(UIDs.ctImageStorage, "1.2.840.10008.5.1.4.1.1.2")
        XCTAssertEqual(UIDs.explicitVRLittleEndian, "1.2.840.10008.1.2.1")
    }

    func testRoundTrips() {
        let all = DataDictionary.allEntries
        XCTAssertGreaterThan(all.count, 5000)
        // A few repeating-group templates (xx = 00) coincide with exact tags: (0028,0400) is both
        // Transform Label and the template of Rows For Nth Order Coefficients (002804x0).
        var seen = Set<Tag>(), shadowed = Set<Tag>()
        for e in all where !seen.insert(e.tag).inserted { shadowed.insert(e.tag) }
        XCTAssertLessThan(shadowed.count, 10)
        for e in all {
            if !e.keyword.isEmpty {
                XCTAssertEqual(DataDictionary.entry(forKeyword: e.keyword), e, e.keyword)
            }
            if !shadowed.contains(e.tag) { XCTAssertEqual(DataDictionary.entry(for: e.tag), e, "\(e.tag)") }
            XCTAssertFalse(e.vrs.isEmpty)
        }
        let uids = UIDRegistry.allEntries
        XCTAssertGreaterThan(uids.count, 400)
        for u in uids {
            XCTAssertEqual(UIDRegistry.entry(for: u.uid), u)
            if !u.keyword.isEmpty { XCTAssertEqual(UIDRegistry.entry(forKeyword: u.keyword), u) }
        }
    }
}
