import DICOM
import Foundation
@testable import Media
import XCTest

/// The tolerant reading of received media: File ID resolution, DICOMDIR spellings, hostile File
/// IDs, the in-use flag and UID checks, on DICOMDIRs written by `DICOMDIRBuilder` and patched.
final class MediaImportTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    func testFileIDResolutionOrder() {
        let r = FileIDResolver(paths: ["DICOM/IMG1", "DICOM/IMG2;1", "DICOM/IMG3.", "dicom/img4", "DICOM/IMG5.dcm", "DICOM/IMG6.;1"])
        XCTAssertEqual(r.resolve(["DICOM", "IMG1"])?.match, .exact)
        XCTAssertEqual(r.resolve(["DICOM", "IMG2;1"])?.match, .exact)
        XCTAssertEqual(r.resolve(["DICOM", "IMG1;1"])?.match, .withoutVersion)
        XCTAssertEqual(r.resolve(["DICOM", "IMG1."])?.match, .withoutTrailingDot)
        XCTAssertEqual(r.resolve(["DICOM", "IMG4"])?.path, "dicom/img4")
        XCTAssertEqual(r.resolve(["DICOM", "IMG4"])?.match, .caseInsensitive)
        XCTAssertEqual(r.resolve(["DICOM", "IMG3"])?.match, .caseInsensitive, "IMG3. on the medium folds to IMG3")
        XCTAssertEqual(r.resolve(["DICOM", "IMG5"])?.path, "DICOM/IMG5.dcm")
        XCTAssertEqual(r.resolve(["DICOM", "IMG5"])?.match, .withDCMExtension)
        XCTAssertEqual(r.resolve(["DICOM", "IMG6"])?.path, "DICOM/IMG6.;1")
        XCTAssertNil(r.resolve(["DICOM", "IMG7"]))
    }

    func testHostileFileIDsAreRefused() {
        XCTAssertEqual(FileIDResolver.refusal(["..", "..", "ETC", "PASSWD"]), .parentReference)
        XCTAssertEqual(FileIDResolver.refusal(["/etc", "passwd"]), .absolute)
        XCTAssertEqual(FileIDResolver.refusal(["DICOM", "", "IMG1"]), .emptyComponent)
        XCTAssertEqual(FileIDResolver.refusal(["DICOM", "A/B"]), .separatorInComponent("A/B"))
        XCTAssertEqual(FileIDResolver.refusal([]), .empty)
        XCTAssertNil(FileIDResolver.refusal(["DICOM", "PAT00001", "IMG00001"]))
    }

    func testDICOMDIRFoundWhateverItsSpelling() throws {
        for spelling in ["DICOMDIR", "DICOMDIR.", "DICOMDIR;1", "dicomdir", "DicomDir.;1"] {
            let dir = tmp.appendingPathComponent(UUID().uuidString)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try TestInstance().write(dir, "DICOM/IMG1")
            try buildDICOMDIR(dir, name: spelling)
            let source = try MediaSource.open(dir.path)
            XCTAssertEqual(source.dicomdir?.path, spelling)
            let catalog = MediaCatalogReader().catalog(source)
            XCTAssertEqual(catalog.instances.map(\.path), ["DICOM/IMG1"], spelling)
            XCTAssertEqual(catalog.instances.first?.foundBy, .dicomdir, spelling)
            XCTAssertEqual(catalog.findings.contains { $0.kind == .dicomdirSpelling }, spelling != "DICOMDIR", spelling)
            XCTAssertFalse(catalog.findings.contains { $0.severity == .error }, "\(spelling): \(catalog.findings)")
        }
    }

    func testInactiveRecordHostileFileIDAndUIDMismatch() throws {
        for i in 1 ... 3 {
            try TestInstance(sopInstanceUID: "1.2.3.1.1.\(i)", instanceNumber: "\(i)").write(tmp, "DICOM/IMG\(i)")
        }
        try buildDICOMDIR(tmp, name: "DICOMDIR")
        let path = tmp.appendingPathComponent("DICOMDIR").path
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        // IMG1's File ID becomes "..\..\ETC\PASSWD" (same value length, 16 bytes).
        try patch(&bytes, Array("DICOM\\IMG1".utf8), Array("..\\..\\ETC\\".utf8))
        // IMG2's record becomes inactive (Record In-use Flag 0000H).
        let walked = try DICOMDIRContents.walkOffsets(bytes: bytes)
        let img2 = try XCTUnwrap(walked.first { $0.record.strings(.referencedFileID).last == "IMG2" }).offset
        let flag: [UInt8] = [0x04, 0x00, 0x10, 0x14, 0x55, 0x53, 0x02, 0x00, 0xFF, 0xFF]
        let at = try XCTUnwrap(find(bytes, flag, from: img2))
        bytes[at + 8] = 0; bytes[at + 9] = 0
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        // IMG3 now holds another instance.
        try TestInstance(sopInstanceUID: "9.9.9", instanceNumber: "3").write(tmp, "DICOM/IMG3")

        let catalog = try MediaCatalogReader().read(tmp.path)
        let kinds = Set(catalog.findings.map(\.kind))
        XCTAssertTrue(kinds.isSuperset(of: [.unsafeFileID, .inactiveRecords, .uidMismatch, .unreferencedFiles]), "\(catalog.findings)")
        XCTAssertEqual(catalog.findings.first { $0.kind == .unsafeFileID }?.files, ["..\\..\\ETC\\"])
        XCTAssertEqual(catalog.findings.first { $0.kind == .uidMismatch }?.files, ["DICOM/IMG3"])
        // IMG1 and IMG2 are still found, by content; IMG3 through its record.
        let byPath = Dictionary(uniqueKeysWithValues: catalog.instances.map { ($0.path, $0.foundBy) })
        XCTAssertEqual(byPath, ["DICOM/IMG1": .contentScan, "DICOM/IMG2": .contentScan, "DICOM/IMG3": .dicomdir])
        XCTAssertEqual(Set(catalog.findings.first { $0.kind == .unreferencedFiles }?.files ?? []), ["DICOM/IMG1", "DICOM/IMG2"])
    }

    func testContentScanIgnoresExtensionsAndNonDICOM() throws {
        try TestInstance().write(tmp, "a/picture.jpg")
        try Data("not dicom at all, even if named .dcm".utf8).write(to: tmp.appendingPathComponent("a/fake.dcm"))
        let catalog = try MediaCatalogReader().read(tmp.path)
        XCTAssertEqual(catalog.instances.map(\.path), ["a/picture.jpg"])
        XCTAssertEqual(catalog.findings.map(\.kind), [.noDICOMDIR])
        XCTAssertThrowsError(try MediaCatalogReader().read(tmp.appendingPathComponent("absent").path)) { e in
            XCTAssertEqual(e as? MediaSourceError, .missing(path: tmp.appendingPathComponent("absent").path))
        }
    }

    // MARK: Helpers

    private func buildDICOMDIR(_ dir: URL, name: String) throws {
        let scan = FileSetScanner(options: .init(root: dir.path)).scan([dir.appendingPathComponent("DICOM").path])
        XCTAssertEqual(scan.rejections, [])
        try DICOMDIRBuilder(fileSetID: "T").write(scan.fileSet, to: dir.appendingPathComponent(name).path)
    }

    private func find(_ bytes: [UInt8], _ needle: [UInt8], from: Int = 0) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (from ... bytes.count - needle.count).first { bytes[$0 ..< $0 + needle.count].elementsEqual(needle) }
    }

    private func patch(_ bytes: inout [UInt8], _ old: [UInt8], _ new: [UInt8]) throws {
        XCTAssertEqual(old.count, new.count)
        let at = try XCTUnwrap(find(bytes, old))
        bytes.replaceSubrange(at ..< at + old.count, with: new)
    }
}
