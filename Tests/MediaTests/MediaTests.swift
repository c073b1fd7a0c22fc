import DICOM
import Foundation
@testable import Media
import XCTest

/// A small instance without pixel data, written under `dir/relative`.
struct TestInstance {
    var patientID: String? = "PID1"
    var patientName = "DOE^JOHN"
    var studyUID: String? = "1.2.3.1"
    var studyDate = "20240101"
    var seriesUID: String? = "1.2.3.1.1"
    var seriesNumber: String? = "1"
    var sopInstanceUID = "1.2.3.1.1.1"
    var sopClassUID = UIDs.ctImageStorage
    var instanceNumber: String? = "1"
    var charset: String? = nil
    var description = "HEAD"

    func dataSet() throws -> DataSet {
        var ds = DataSet()
        if let charset { try ds.set(.specificCharacterSet, .CS, charset) }
        try ds.set(.sopClassUID, .UI, sopClassUID)
        try ds.set(.sopInstanceUID, .UI, sopInstanceUID)
        try ds.set(.studyDate, .DA, studyDate)
        try ds.set(.studyTime, .TM, "101010")
        try ds.set(.accessionNumber, .SH, "")
        try ds.set(.modality, .CS, "CT")
        try ds.set(.studyDescription, .LO, description)
        try ds.set(.patientName, .PN, patientName)
        if let patientID { try ds.set(.patientID, .LO, patientID) }
        if let studyUID { try ds.set(.studyInstanceUID, .UI, studyUID) }
        if let seriesUID { try ds.set(.seriesInstanceUID, .UI, seriesUID) }
        try ds.set(.studyID, .SH, "1")
        if let seriesNumber { try ds.set(.seriesNumber, .IS, seriesNumber) }
        if let instanceNumber { try ds.set(.instanceNumber, .IS, instanceNumber) }
        return ds
    }

    @discardableResult
    func write(_ dir: URL, _ relative: String) throws -> String {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Part10Writer.write(DICOMFile(dataSet: try dataSet(), transferSyntax: .explicitVRLittleEndian), to: url.path)
        return url.path
    }
}

final class MediaTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-media-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    // MARK: File IDs

    func testFileIDValidation() throws {
        XCTAssertEqual(try FileID(path: "DICOM/PAT00001/IMG_0001").components, ["DICOM", "PAT00001", "IMG_0001"])
        for bad in ["dicom/IMG1", "DICOM/IMG00001.DCM", "DICOM/IMAGE0001", "DICOM//IMG1", "A/B/C/D/E/F/G/H/I", "DICOM/IMG-1", ""] {
            XCTAssertThrowsError(try FileID(path: bad), bad)
        }
        XCTAssertThrowsError(try FileID(path: "DICOM/img1")) { e in
            XCTAssertTrue("\(e)".contains("lower case"), "\(e)")
        }
    }

    func testFileIDGeneratorIsStableAndOrdered() throws {
        var instances: [ScannedInstance] = []
        // Patient B first in input order; numbers out of order.
        for (pid, study, date, series, number, n, sop) in [
            ("B", "1.9", "20200101", "1.9.1", "2", "2", "1.9.1.2"), ("A", "1.8", "20230101", "1.8.1", "1", "1", "1.8.1.1"),
            ("B", "1.9", "20200101", "1.9.1", "2", "1", "1.9.1.1"), ("B", "1.7", "20190101", "1.7.1", "1", "10", "1.7.1.10"),
            ("B", "1.9", "20200101", "1.9.2", "1", "1", "1.9.2.1"),
        ] {
            let t = TestInstance(patientID: pid, studyUID: study, studyDate: date, seriesUID: series, seriesNumber: number,
                                 sopInstanceUID: sop, instanceNumber: n)
            instances.append(ScannedInstance(path: sop, fileID: nil, sopClassUID: t.sopClassUID, sopInstanceUID: sop,
                                             transferSyntaxUID: UIDs.explicitVRLittleEndian, recordType: .image,
                                             recordTypeIsFallback: false, keys: try t.dataSet()))
        }
        let ids = try FileIDGenerator().assign(FileSet(instances: instances))
        XCTAssertEqual(ids["1.8.1.1"]?.path, "DICOM/PAT00001/STU00001/SER00001/IMG00001")
        XCTAssertEqual(ids["1.7.1.10"]?.path, "DICOM/PAT00002/STU00001/SER00001/IMG00001")  // earlier study date
        XCTAssertEqual(ids["1.9.2.1"]?.path, "DICOM/PAT00002/STU00002/SER00001/IMG00001")   // series number 1
        XCTAssertEqual(ids["1.9.1.1"]?.path, "DICOM/PAT00002/STU00002/SER00002/IMG00001")
        XCTAssertEqual(ids["1.9.1.2"]?.path, "DICOM/PAT00002/STU00002/SER00002/IMG00002")
        let again = try FileIDGenerator().assign(FileSet(instances: instances.reversed()))
        XCTAssertEqual(ids, again)
    }

    // MARK: Record types

    func testRecordTypes() {
        let cases: [(String, DirectoryRecordType)] = [
            (UIDs.ctImageStorage, .image), (UIDs.ultrasoundMultiFrameImageStorage, .image),
            (UIDs.comprehensiveSRStorage, .srDocument), (UIDs.keyObjectSelectionDocumentStorage, .keyObjectDoc),
            (UIDs.grayscaleSoftcopyPresentationStateStorage, .presentation), (UIDs.encapsulatedPDFStorage, .encapDoc),
            (UIDs.twelveLeadECGWaveformStorage, .waveform), (UIDs.rtDoseStorage, .rtDose), (UIDs.rtPlanStorage, .rtPlan),
            ("1.2.840.10008.5.1.4.1.1.481.3", .rtStructureSet), ("1.2.840.10008.5.1.4.1.1.481.4", .rtTreatRecord),
            (UIDs.mrSpectroscopyStorage, .spectroscopy), (UIDs.spatialFiducialsStorage, .fiducial),
            ("1.2.840.10008.5.1.4.1.1.66", .rawData), ("1.2.840.10008.5.1.4.1.1.66.1", .registration),
            ("1.2.840.10008.5.1.4.1.1.66.5", .surface), ("1.2.840.10008.5.1.4.1.1.66.4", .image),
            ("1.2.840.10008.5.1.4.1.1.78.1", .measurement),
        ]
        for (uid, expected) in cases {
            let r = DirectoryRecordType.leaf(forSOPClass: uid, hasPixelData: false)
            XCTAssertEqual(r?.type, expected, uid)
            XCTAssertEqual(r?.isFallback, false, uid)
        }
        XCTAssertEqual(DirectoryRecordType.leaf(forSOPClass: "1.2.3.4.5", hasPixelData: true)?.type, .image)
        XCTAssertEqual(DirectoryRecordType.leaf(forSOPClass: "1.2.3.4.5", hasPixelData: true)?.isFallback, true)
        XCTAssertNil(DirectoryRecordType.leaf(forSOPClass: UIDs.hangingProtocolStorage, hasPixelData: false))
    }

    // MARK: Profiles

    func testProfilesLoad() throws {
        let catalog = try ProfileCatalog.loadDefault()
        for id in ["STD-GEN-CD", "STD-GEN-DVD-JPEG", "STD-GEN-DVD-J2K", "STD-GEN-USB-JPEG", "STD-GEN-USB-J2K",
                   "STD-GEN-BD-JPEG", "STD-GEN-BD-J2K", "STD-GEN-MIME", "STD-GEN-DVD-RAM", "STD-GEN-BD"] {
            XCTAssertNotNil(catalog.profile(id), id)
        }
        let cd = try XCTUnwrap(catalog.profile("std-gen-cd"))
        XCTAssertTrue(cd.allows(transferSyntax: UIDs.explicitVRLittleEndian))
        XCTAssertFalse(cd.allows(transferSyntax: UIDs.implicitVRLittleEndian))
        XCTAssertTrue(cd.allows(sopClass: UIDs.ctImageStorage))
        XCTAssertFalse(cd.allows(sopClass: UIDs.storageCommitmentPushModel))
        XCTAssertFalse(cd.allows(sopClass: UIDs.mediaStorageDirectoryStorage))
        let jpeg = try XCTUnwrap(catalog.profile("STD-GEN-DVD-JPEG"))
        XCTAssertEqual(Set(jpeg.transferSyntaxes), [UIDs.explicitVRLittleEndian, "1.2.840.10008.1.2.4.70",
                                                    "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"])
        XCTAssertTrue(try XCTUnwrap(catalog.profile("STD-GEN-BD-J2K")).allows(transferSyntax: "1.2.840.10008.1.2.4.91"))
        XCTAssertTrue(try XCTUnwrap(catalog.profile("STD-GEN-MIME")).allows(transferSyntax: "1.2.840.10008.1.2.4.100"))
        XCTAssertEqual(cd.capacityBytes, 681_984_000)

        // LIGHTBOX_DATA_DIR wins over the walk.
        let data = tmp.appendingPathComponent("Media/profiles")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let found = try MediaData.folder(environment: ["LIGHTBOX_DATA_DIR": tmp.path], executable: nil)
        XCTAssertEqual(found.standardizedFileURL.path, tmp.appendingPathComponent("Media").standardizedFileURL.path)
    }

    // MARK: Scanning

    func testDuplicatesAndConflicts() throws {
        let a = try TestInstance().write(tmp, "A/IMG1")
        let b = tmp.appendingPathComponent("A/IMG2").path
        try FileManager.default.copyItem(atPath: a, toPath: b)
        let c = try TestInstance(description: "OTHER").write(tmp, "A/IMG3")
        let r = FileSetScanner().scan([tmp.path])
        XCTAssertEqual(r.fileSet.instanceCount, 1)
        XCTAssertEqual(r.duplicates.map(\.path), [b])
        XCTAssertEqual(r.rejections, [.conflictingDuplicate(sopInstanceUID: "1.2.3.1.1.1", path: c, otherPath: a)])
        XCTAssertTrue(r.rejections[0].description.contains(a) && r.rejections[0].description.contains(c))
    }

    func testMissingKeysRejectedOrInvented() throws {
        try TestInstance(patientID: nil, studyUID: "1.5.10", seriesUID: "1.5.10.1", sopInstanceUID: "1.5.1").write(tmp, "A/IMG1")
        try TestInstance(studyUID: nil, seriesUID: "1.5.20.1", sopInstanceUID: "1.5.2").write(tmp, "A/IMG2")
        try TestInstance(seriesUID: "1.2.3.2.9", sopInstanceUID: "1.5.3", instanceNumber: nil).write(tmp, "A/IMG3")
        try TestInstance(seriesUID: "1.2.3.2.9", sopInstanceUID: "1.5.4", instanceNumber: "7").write(tmp, "A/IMG4")
        let strict = FileSetScanner().scan([tmp.path])
        XCTAssertEqual(strict.rejections.count, 3)
        XCTAssertTrue(strict.rejections.contains { if case .missingKey(_, .patientID, _, .patient) = $0 { return true }; return false })
        XCTAssertTrue(strict.rejections.contains { if case .missingKey(_, .instanceNumber, _, .image) = $0 { return true }; return false })
        XCTAssertTrue(strict.rejections[0].description.contains("IMG1"), strict.rejections[0].description)

        let lax = FileSetScanner(options: .init(invent: true)).scan([tmp.path])
        XCTAssertEqual(lax.rejections, [])
        XCTAssertEqual(lax.fileSet.instanceCount, 4)
        XCTAssertEqual(Set(lax.invented.map(\.tag)), [.patientID, .studyInstanceUID, .instanceNumber])
        let numbered = lax.fileSet.instances.first { $0.sopInstanceUID == "1.5.3" }
        XCTAssertEqual(numbered?.instanceNumber, 8)
        // Invented values are stable.
        XCTAssertEqual(FileSetScanner(options: .init(invent: true)).scan([tmp.path]).invented, lax.invented)
    }

    /// A missing Study Date comes from the file's Series Date before today's; a missing Patient
    /// ID from the other files of its study (a new one would put the study under two patients).
    func testFilledKeysComeFromWhatTheFilesHave() throws {
        try TestInstance(studyUID: "1.7.1", seriesUID: "1.7.1.1", sopInstanceUID: "1.7.1.1.1").write(tmp, "A/IMG1")
        try TestInstance(patientID: nil, studyUID: "1.7.1", seriesUID: "1.7.1.1", sopInstanceUID: "1.7.1.1.2").write(tmp, "A/IMG2")
        var noDate = try TestInstance(studyUID: "1.7.2", seriesUID: "1.7.2.1", sopInstanceUID: "1.7.2.1.1").dataSet()
        noDate.remove(.studyDate)
        try noDate.set(.seriesDate, .DA, "20230405")
        try Part10Writer.write(DICOMFile(dataSet: noDate, transferSyntax: .explicitVRLittleEndian), to: tmp.appendingPathComponent("A/IMG3").path)
        let r = FileSetScanner(options: .init(invent: true)).scan([tmp.path])
        XCTAssertEqual(r.rejections, [])
        XCTAssertEqual(r.invented.first { $0.tag == .patientID }?.value, "PID1")
        XCTAssertEqual(r.invented.first { $0.tag == .studyDate }?.value, "20230405")
        XCTAssertEqual(r.fileSet.patients.count, 1)
    }

    func testNonConformantNamesAndProfile() throws {
        try TestInstance(sopInstanceUID: "1.6.1").write(tmp, "DICOM/IMG1")
        let bad = try TestInstance(sopInstanceUID: "1.6.2").write(tmp, "DICOM/img2.dcm")
        let cd = try XCTUnwrap(ProfileCatalog.loadDefault().profile("STD-GEN-CD"))
        let implicitPath = tmp.appendingPathComponent("DICOM/IMG3").path
        try Part10Writer.write(DICOMFile(dataSet: try TestInstance(sopInstanceUID: "1.6.3").dataSet(),
                                         transferSyntax: .implicitVRLittleEndian), to: implicitPath)
        let r = FileSetScanner(options: .init(profile: cd, root: tmp.path)).scan([tmp.path])
        XCTAssertEqual(r.fileSet.instances.map { $0.fileID?.path }, ["DICOM/IMG1"])
        XCTAssertEqual(r.rejections.map(\.path).sorted(), [implicitPath, bad].sorted())
    }

    // MARK: DICOMDIR

    func testDICOMDIROffsetsWalkBack() throws {
        var n = 0
        let patients: [(id: String, name: String, charset: String?)] = [("P2", "\u{5F20}^\u{4E09}", "GB18030"), ("P1", "DOE^JANE", nil)]
        for (p, patient) in patients.enumerated() {
            for s in 1 ... 2 {
                for r in 1 ... 2 {
                    for i in 1 ... 3 {
                        n += 1
                        try TestInstance(patientID: patient.id, patientName: patient.name,
                                         studyUID: "1.4.\(p).\(s)", studyDate: "2020010\(s)", seriesUID: "1.4.\(p).\(s).\(r)",
                                         seriesNumber: "\(r)", sopInstanceUID: "1.4.\(p).\(s).\(r).\(i)", instanceNumber: "\(i)",
                                         charset: patient.charset)
                            .write(tmp, "DICOM/P\(p)/S\(s)/R\(r)/I\(i)")
                    }
                }
            }
        }
        let scan = FileSetScanner(options: .init(root: tmp.path)).scan([tmp.path])
        XCTAssertEqual(scan.rejections, [])
        XCTAssertEqual(scan.fileSet.instanceCount, n)
        let builder = try DICOMDIRBuilder(fileSetID: "TEST SET")
        let path = tmp.appendingPathComponent("DICOMDIR").path
        try builder.write(scan.fileSet, to: path)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))

        let walked = try DICOMDIRContents.walkOffsets(bytes: bytes)
        let contents = try DICOMDIRContents.read(path: path)
        XCTAssertEqual(walked.count, contents.records.count, "every record is reached once by the offsets")
        XCTAssertEqual(walked.count, 2 + 4 + 8 + n)
        // Types by depth, and pre-order equals sequence order.
        let expectedType: [Int: String] = [0: "PATIENT", 1: "STUDY", 2: "SERIES", 3: "IMAGE"]
        for (k, w) in walked.enumerated() {
            XCTAssertEqual(w.record.string(.directoryRecordType), expectedType[w.depth])
            XCTAssertEqual(w.record, contents.records[k])
            XCTAssertEqual(w.record.uint16(.recordInUseFlag), 0xFFFF)
        }
        let file = try Part10Reader.read(bytes: bytes)
        XCTAssertEqual(file.transferSyntax.uid, UIDs.explicitVRLittleEndian)
        XCTAssertEqual(file.meta.string(Tag(0x0002, 0x0002)), UIDs.mediaStorageDirectoryStorage)
        XCTAssertEqual(file.dataSet.string(.fileSetID), "TEST SET")
        XCTAssertEqual(file.dataSet.uint16(.fileSetConsistencyFlag), 0)
        XCTAssertEqual(file.dataSet.int(.offsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity),
                       walked.last { $0.depth == 0 }?.offset)
        // Leaves reference files that exist, with the right UIDs.
        for w in walked where w.depth == 3 {
            let id = w.record.strings(.referencedFileID)
            let target = try Part10Reader.read(path: tmp.appendingPathComponent(id.joined(separator: "/")).path, options: .headerOnly)
            XCTAssertEqual(target.dataSet.string(.sopInstanceUID), w.record.string(.referencedSOPInstanceUIDInFile))
        }
        // The GB18030 patient's record carries the character set and the source's bytes.
        let chinese = try XCTUnwrap(walked.first { $0.record.string(.patientID) == "P2" }?.record)
        XCTAssertEqual(chinese.string(.specificCharacterSet), "GB18030")
        XCTAssertEqual(chinese.string(.patientName), "\u{5F20}^\u{4E09}")
        let ascii = try XCTUnwrap(walked.first { $0.record.string(.patientID) == "P1" }?.record)
        XCTAssertNil(ascii[.specificCharacterSet])
        // Patients sorted by ID.
        XCTAssertEqual(walked.filter { $0.depth == 0 }.map { $0.record.string(.patientID) }, ["P1", "P2"])
    }

    func testFileSetIDValidation() {
        XCTAssertNoThrow(try DICOMDIRBuilder(fileSetID: "ABC_123 X"))
        XCTAssertThrowsError(try DICOMDIRBuilder(fileSetID: "lower"))
        XCTAssertThrowsError(try DICOMDIRBuilder(fileSetID: "ABCDEFGHIJKLMNOPQ"))
    }
}
