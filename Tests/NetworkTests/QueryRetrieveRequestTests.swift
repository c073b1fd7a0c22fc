import DICOM
@testable import Network
import XCTest

/// Query keys, identifiers and retrieve selections (PS3.4 §C.2.2, §C.4), without sockets. The
/// identifiers' bytes are what findscu/getscu send for the same keys (PS3.4 Tables C.6-1 to C.6-6).
final class QueryRetrieveRequestTests: XCTestCase {
    func testKeysParseLikeFindscu() throws {
        XCTAssertEqual(try QueryKey(parsing: "PatientName=ZHANG*"), QueryKey(tag: Tag(0x0010, 0x0010), vr: .PN, value: "ZHANG*"))
        XCTAssertEqual(try QueryKey(parsing: "0008,0020=20240101-20241231"), QueryKey(tag: Tag(0x0008, 0x0020), vr: .DA, value: "20240101-20241231"))
        XCTAssertEqual(try QueryKey(parsing: "(0020,000D)"), QueryKey(tag: Tag(0x0020, 0x000D), vr: .UI))
        XCTAssertEqual(try QueryKey(parsing: "StudyInstanceUID="), QueryKey(tag: Tag(0x0020, 0x000D), vr: .UI))
        XCTAssertThrowsError(try QueryKey(parsing: "PatientNam=X")) { XCTAssertEqual($0 as? QueryKeyError, .unknownKeyword("PatientNam")) }
        XCTAssertThrowsError(try QueryKey(parsing: "ReferencedSeriesSequence=1")) { XCTAssertEqual($0 as? QueryKeyError, .sequenceValue("ReferencedSeriesSequence")) }
    }

    func testIdentifierEncodesChineseInTheQueryCharacterSet() throws {
        let key = try QueryKey(parsing: "PatientName=王*")
        let gb = try QueryIdentifier.make(level: .patient, keys: [key], characterSet: "GB18030")
        XCTAssertEqual(gb[Tag(0x0010, 0x0010)]?.bytes, [0xCD, 0xF5, 0x2A, 0x20]) // 王 in GB18030, *, pad
        XCTAssertEqual(gb.string(Tag(0x0008, 0x0052)), "PATIENT")
        let ir58 = try QueryIdentifier.make(level: .patient, keys: [key], characterSet: "\\ISO 2022 IR 58")
        XCTAssertEqual(ir58[Tag(0x0010, 0x0010)]?.bytes?.prefix(6).map { $0 }, [0x1B, 0x24, 0x29, 0x41, 0xCD, 0xF5]) // ESC $ ) A, 王 (G1)
        XCTAssertThrowsError(try QueryIdentifier.make(level: .patient, keys: [key])) // not in the default repertoire
    }

    func testRetrieveSelectsTheMostSpecificLevel() throws {
        let patient = try RetrieveRequest.selecting(patientID: "P1")
        XCTAssertEqual(patient.level, .patient)
        XCTAssertEqual(patient.model, .patientRoot)
        XCTAssertEqual(patient.identifier.string(Tag(0x0010, 0x0020)), "P1")
        let studies = try RetrieveRequest.selecting(patientID: nil, studies: ["1.2.3", "1.2.4"])
        XCTAssertEqual(studies.level, .study)
        XCTAssertEqual(studies.model, .studyRoot)
        XCTAssertEqual(studies.identifier.strings(Tag(0x0020, 0x000D)), ["1.2.3", "1.2.4"])
        let image = try RetrieveRequest.selecting(patientID: nil, studies: ["1.2"], series: ["1.2.3"], instances: ["1.2.3.4"])
        XCTAssertEqual(image.level, .image)
        XCTAssertEqual(image.identifier.string(Tag(0x0020, 0x000E)), "1.2.3")
        XCTAssertThrowsError(try RetrieveRequest.selecting(patientID: nil, series: ["1.2.3"]))
        XCTAssertThrowsError(try RetrieveRequest.selecting(patientID: nil, studies: ["1"], model: .patientRoot)) // Patient Root needs the patient ID
    }

    func testGetProposesTheStudysClassesWithEverySyntaxWithin128Contexts() {
        let classes = RetrieveSCU.storageSOPClasses(preferring: [UIDs.ctImageStorage, "1.2.3.4.5"], limit: 126)
        XCTAssertEqual(classes.count, min(126, RetrieveSCU.commonStorageSOPClasses.count + 1))
        XCTAssertEqual(Array(classes.prefix(2)), [UIDs.ctImageStorage, "1.2.3.4.5"])
        XCTAssertEqual(Set(classes).count, classes.count)
        let contexts = RetrieveSCU.storageContexts(known: [UIDs.ctImageStorage, "1.2.3.4.5"], budget: 126)
        XCTAssertEqual(contexts.count, 126)
        let proposed = Set(contexts.map(\.abstractSyntax))
        XCTAssertTrue(proposed.isSubset(of: Set(classes)) && proposed.contains("1.2.3.4.5") && proposed.contains(UIDs.mrImageStorage))
        for uid in proposed {
            XCTAssertTrue(contexts.contains { $0.abstractSyntax == uid && $0.transferSyntaxes.contains(TransferSyntax.explicitVRLittleEndian.uid) },
                          "\(uid) has no uncompressed context")
        }
        let ct = contexts.filter { $0.abstractSyntax == UIDs.ctImageStorage }.flatMap(\.transferSyntaxes)
        XCTAssertTrue(ct.contains(TransferSyntax.jpegLossless.uid) && ct.contains(TransferSyntax.explicitVRLittleEndian.uid), "\(ct)")
        let mr = contexts.filter { $0.abstractSyntax == UIDs.mrImageStorage }.flatMap(\.transferSyntaxes)
        XCTAssertEqual(mr, [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid], "not in the study: uncompressed only")
    }
}

extension QueryRetrieveRequestTests {
    /// PS3.3 §C.12.1.1.2: a multi-byte ISO 2022 term is never value 1.
    func testMultiByteISO2022TermMovesToValueTwo() throws {
        XCTAssertEqual(QueryIdentifier.normalized(characterSet: "ISO 2022 IR 58"), "\\ISO 2022 IR 58")
        XCTAssertEqual(QueryIdentifier.normalized(characterSet: "\\ISO 2022 IR 58"), "\\ISO 2022 IR 58")
        XCTAssertEqual(QueryIdentifier.normalized(characterSet: "GB18030"), "GB18030")
        XCTAssertEqual(QueryIdentifier.normalized(characterSet: "ISO 2022 IR 6\\ISO 2022 IR 87"), "ISO 2022 IR 6\\ISO 2022 IR 87")
        let ds = try QueryIdentifier.make(level: .patient, keys: [try QueryKey(parsing: "PatientName=罗*")], characterSet: "ISO 2022 IR 58")
        XCTAssertEqual(ds.strings(Tag(0x0008, 0x0005)), ["", "ISO 2022 IR 58"])
        XCTAssertEqual(ds[Tag(0x0010, 0x0010)]?.bytes?.prefix(4).map { $0 }, [0x1B, 0x24, 0x29, 0x41])
    }
}
