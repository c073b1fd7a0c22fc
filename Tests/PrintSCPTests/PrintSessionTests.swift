import DICOM
@testable import FilmPrint
import Network
import XCTest

/// The rules of PS3.4 Annex H on one film session, without a network. Where the standard leaves
/// the status to the SCP, the one DCMTK's dcmprscp answers (docs facts "Print") is expected, since
/// modalities are tested against it.
final class PrintSessionTests: XCTestCase {
    func ds(_ pairs: [(Tag, VR, String)]) -> DataSet {
        var d = DataSet()
        for (t, vr, v) in pairs { try! d.set(t, vr, v) }
        return d
    }

    func session() -> (PrintSession, String) {
        var s = PrintSession()
        let r = s.createSession(uid: nil, attributes: ds([(.numberOfCopies, .IS, "1"), (.mediumType, .CS, "BLUE FILM")]))
        XCTAssertEqual(r.status, .success)
        return (s, r.affectedSOPInstanceUID!)
    }

    func filmBoxAttributes(_ session: String, format: String = "STANDARD\\2,3") -> DataSet {
        var d = ds([(.imageDisplayFormat, .ST, format), (.filmSizeID, .CS, "14INX17IN")])
        d.set(.referencedFilmSessionSequence, sequence: [PrintSession.reference(UIDs.basicFilmSession, session)])
        return d
    }

    func image(rows: Int = 4, cols: Int = 3, bits: Int = 12, bytes: Int? = nil) -> DataSet {
        var item = DataSet()
        item.set(.samplesPerPixel, uint16: 1)
        try! item.set(.photometricInterpretation, .CS, "MONOCHROME2")
        item.set(.rows, uint16: UInt16(rows)); item.set(.columns, uint16: UInt16(cols))
        item.set(.bitsAllocated, uint16: bits == 8 ? 8 : 16); item.set(.bitsStored, uint16: UInt16(bits))
        item.set(.highBit, uint16: UInt16(bits - 1)); item.set(.pixelRepresentation, uint16: 0)
        let n = bytes ?? rows * cols * (bits == 8 ? 1 : 2)
        item.insert(DataElement(tag: .pixelData, vr: bits == 8 ? .OB : .OW, value: .bytes([UInt8](repeating: 7, count: n + (n & 1)))))
        return item
    }

    func testSessionAttributesAndStatuses() {
        var s = PrintSession()
        XCTAssertEqual(s.createSession(uid: "1.2.3", attributes: ds([(.memoryAllocation, .IS, "1000")])).status, PrintStatus.memoryAllocationNotSupported)
        XCTAssertEqual(s.sessionUID, "1.2.3", "the SCU's proposed UID is honoured")
        XCTAssertEqual(s.createSession(uid: nil, attributes: DataSet()).status, .duplicateSOPInstance, "one film session per association")
        var t = PrintSession()
        let bad = t.createSession(uid: nil, attributes: ds([(.mediumType, .CS, "GREEN FILM")]))
        XCTAssertEqual(bad.status, .invalidAttributeValue)
        XCTAssertEqual(bad.offendingElements, [.mediumType])
        var u = PrintSession()
        let unknown = u.createSession(uid: nil, attributes: ds([(.colorImagePrintingFlag, .CS, "YES")]))
        XCTAssertEqual(unknown.status, .noSuchAttribute)
        for (tag, value, ok) in [(Tag.printPriority, "HIGH", true), (.printPriority, "URGENT", false), (.filmDestination, "BIN_3", true),
                                 (.filmDestination, "BIN_", false), (.numberOfCopies, "0", false), (.numberOfCopies, "3", true)] {
            var v = PrintSession()
            let vr = DataDictionary.entry(for: tag)!.vr
            XCTAssertEqual(v.createSession(uid: nil, attributes: ds([(tag, vr, value)])).status.isSuccess, ok, "\(tag) \(value)")
        }
    }

    func testFilmBoxMakesImageBoxesAndAnswersReferences() throws {
        var (s, uid) = session()
        XCTAssertEqual(s.printSession(uid: uid).0.status, PrintStatus.noFilmBox)
        let r = s.createFilmBox(uid: nil, attributes: filmBoxAttributes(uid), defaults: try PrintServerContext.Printer(profile: PrinterProfile.load(named: PrinterProfile.defaultName), catalog: FilmSizeCatalog.load()).filmBoxDefaults)
        XCTAssertEqual(r.status, .success)
        let refs = try XCTUnwrap(r.dataSet).sequenceItems(.referencedImageBoxSequence)
        XCTAssertEqual(refs.count, 6)
        XCTAssertEqual(Set(refs.compactMap { $0.string(.referencedSOPClassUID) }), [UIDs.basicGrayscaleImageBox])
        XCTAssertEqual(r.dataSet?.string(.magnificationType), "CUBIC", "defaults are answered")
        XCTAssertEqual(s.printFilmBox(uid: r.affectedSOPInstanceUID!).0.status, PrintStatus.filmBoxEmptyPage)
    }

    func testDisplayFormatsAreParsedStrictly() {
        for (format, count) in [("STANDARD\\1,1", 1), ("STANDARD\\5,6", 30), ("ROW\\2,3,1", 6), ("COL\\4", 4)] {
            XCTAssertEqual(try ImageDisplayFormat(dicom: format).boxCount, count, format)
        }
        for format in ["Standard\\2,2", "STANDARD\\2.3", "STANDARD\\2", "STANDARD\\0,1", "ROW\\", "COL\\1,,2", "STANDARD\\2,2\\", "SLIDE"] {
            XCTAssertThrowsError(try ImageDisplayFormat(dicom: format), format)
            var (s, uid) = session()
            let r = s.createFilmBox(uid: nil, attributes: filmBoxAttributes(uid, format: format), defaults: DataSet())
            XCTAssertEqual(r.status, .invalidAttributeValue, format)
            XCTAssertEqual(r.offendingElements, [.imageDisplayFormat], format)
        }
        var (s, uid) = session()
        var missing = filmBoxAttributes(uid)
        missing.remove(.imageDisplayFormat)
        XCTAssertEqual(s.createFilmBox(uid: nil, attributes: missing, defaults: DataSet()).status, .missingAttribute)
    }

    func testImageBoxChecksThePixels() throws {
        var (s, uid) = session()
        let r = s.createFilmBox(uid: nil, attributes: filmBoxAttributes(uid, format: "STANDARD\\1,2"), defaults: DataSet())
        let box = try XCTUnwrap(r.dataSet?.sequenceItems(.referencedImageBoxSequence).first?.string(.referencedSOPInstanceUID))
        func set(_ item: DataSet, position: Int = 1) -> DIMSEResponse {
            var a = DataSet()
            a.set(.imageBoxPosition, uint16: UInt16(position))
            a.set(.basicGrayscaleImageSequence, sequence: [item])
            return s.setImageBox(uid: box, attributes: a)
        }
        XCTAssertEqual(set(image(bits: 12)).status, .success)
        XCTAssertEqual(set(image(bits: 8)).status, .success)
        let short = set(image(bytes: 10))
        XCTAssertEqual(short.status, .invalidAttributeValue)
        XCTAssertEqual(short.offendingElements, [.pixelData])
        XCTAssertEqual(set(image(), position: 2).status, .invalidAttributeValue, "the position of another box")
        XCTAssertEqual(s.setImageBox(uid: "1.2.999", attributes: DataSet()).status, .noSuchObjectInstance)
        XCTAssertEqual(s.printFilmBox(uid: r.affectedSOPInstanceUID!).0.status, .success)
    }

    func testOnlyTheLastFilmBoxMayBeDeleted() {
        var (s, uid) = session()
        let a = s.createFilmBox(uid: nil, attributes: filmBoxAttributes(uid), defaults: DataSet()).affectedSOPInstanceUID!
        let b = s.createFilmBox(uid: "1.2.3.4", attributes: filmBoxAttributes(uid), defaults: DataSet()).affectedSOPInstanceUID!
        XCTAssertEqual(b, "1.2.3.4")
        XCTAssertTrue(s.deleteFilmBox(uid: a).status.isFailure)
        XCTAssertEqual(s.deleteFilmBox(uid: b).status, .success)
        XCTAssertEqual(s.deleteFilmBox(uid: a).status, .success)
        XCTAssertEqual(s.deleteFilmBox(uid: a).status, .noSuchObjectInstance)
    }
}
