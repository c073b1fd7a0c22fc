import DICOM
import XCTest

/// Reading and writing PS3.10 files in every uncompressed transfer syntax, in memory.
final class Part10Tests: XCTestCase {
    func sampleFile() throws -> DICOMFile {
        var ds = DataSet()
        try ds.set(.specificCharacterSet, .CS, "ISO_IR 192")
        try ds.set(.sopClassUID, .UI, UIDs.ctImageStorage)
        try ds.set(.sopInstanceUID, .UI, "2.25.1234567")
        try ds.set(.patientName, .PN, "Müller^Jürgen=王^小东")
        try ds.set(.imageType, .CS, values: ["ORIGINAL", "PRIMARY", "AXIAL"])
        ds.set(.rows, uint16: 2)
        ds.set(.columns, uint16: 2)
        ds.set(.bitsAllocated, uint16: 16)
        ds.set(.pixelRepresentation, uint16: 1)
        ds.insert(DataElement(tag: .smallestImagePixelValue, vr: .SS, bytes: [0x00, 0xFC]))
        ds.insert(DataElement(tag: Tag(0x0018, 0x9089), vr: .FD, bytes: [0, 0, 0, 0, 0, 0, 0xF0, 0x3F]))
        var item = DataSet()
        try item.set(.referencedSOPClassUID, .UI, UIDs.ctImageStorage)
        try item.set(.referencedSOPInstanceUID, .UI, "2.25.99")
        ds.set(.referencedImageSequence, sequence: [item, item], undefinedLength: true)
        ds.set(Tag(0x0008, 0x1115), sequence: [item], undefinedLength: false)
        ds.insert(DataElement(tag: .pixelData, vr: .OW, bytes: [1, 0, 2, 0, 0xFF, 0xFF, 4, 0]))
        return DICOMFile(dataSet: ds, transferSyntax: .explicitVRLittleEndian)
    }

    func testRoundTripInEveryNativeSyntax() throws {
        let file = try sampleFile()
        for syntax in [TransferSyntax.implicitVRLittleEndian, .explicitVRLittleEndian, .explicitVRBigEndian,
                       .deflatedExplicitVRLittleEndian] {
            let bytes = try Part10Writer.encode(file, as: syntax)
            XCTAssertEqual(Array(bytes[128 ..< 132]), Array("DICM".utf8))
            let back = try Part10Reader.read(bytes: bytes)
            XCTAssertEqual(back.transferSyntax.uid, syntax.uid, "\(syntax)")
            XCTAssertEqual(back.meta.string(.transferSyntaxUID), syntax.uid)
            XCTAssertEqual(back.meta.string(.mediaStorageSOPInstanceUID), "2.25.1234567")
            for e in file.dataSet.elements {
                let b = try XCTUnwrap(back.dataSet[e.tag], "\(syntax): \(e.tag) missing")
                XCTAssertEqual(b.value, e.value, "\(syntax): \(e.tag)")
            }
            XCTAssertEqual(back.dataSet.string(.patientName), "Müller^Jürgen=王^小东")
            XCTAssertEqual(back.dataSet.int(.smallestImagePixelValue), -1024, "\(syntax)")
            XCTAssertEqual(back.dataSet.double(Tag(0x0018, 0x9089)), 1.0, "\(syntax)")
            XCTAssertEqual(back.dataSet[.referencedImageSequence]?.items.count, 2)
        }
    }

    func testBigEndianSwapsNumbersNotText() throws {
        let bytes = try Part10Writer.encode(try sampleFile(), as: .explicitVRBigEndian)
        // (0028,0010) Rows in big endian: 00 28 00 10 'U' 'S' 00 02 00 02
        let rows: [UInt8] = [0x00, 0x28, 0x00, 0x10, 0x55, 0x53, 0x00, 0x02, 0x00, 0x02]
        XCTAssertNotNil(bytes.firstRange(of: rows))
        XCTAssertNotNil(bytes.firstRange(of: Array("ORIGINAL\\PRIMARY".utf8)))
    }

    func testHeaderOnlyStopsBeforePixelData() throws {
        let bytes = try Part10Writer.encode(try sampleFile())
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-p10-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("a.dcm").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let file = try Part10Reader.read(path: path, options: .headerOnly)
        XCTAssertNil(file.dataSet[.pixelData])
        XCTAssertEqual(file.stoppedAt, .pixelData)
        XCTAssertEqual(file.dataSet.string(.sopInstanceUID), "2.25.1234567")
        let lazy = try Part10Reader.read(path: path, options: ReadOptions(lazyThreshold: 4))
        guard case .bulk(let ref)? = lazy.dataSet[.pixelData]?.value else { return XCTFail("pixel data should stay lazy") }
        XCTAssertEqual(try ref.loadBytes(), [1, 0, 2, 0, 0xFF, 0xFF, 4, 0])
        // Writing a lazily read file copies the value from the source.
        let rewritten = try Part10Reader.read(bytes: try Part10Writer.encode(lazy, as: .explicitVRBigEndian))
        XCTAssertEqual(rewritten.dataSet[.pixelData]?.bytes, [1, 0, 2, 0, 0xFF, 0xFF, 4, 0])
    }

    func testFileWithoutMetaHeaderIsDetected() throws {
        let file = try sampleFile()
        for syntax in [TransferSyntax.implicitVRLittleEndian, .explicitVRLittleEndian, .explicitVRBigEndian] {
            let body = try Part10Writer.encodeDataSet(file.dataSet, as: syntax)
            let back = try Part10Reader.read(bytes: body)
            XCTAssertTrue(back.meta.isEmpty)
            XCTAssertEqual(back.transferSyntax.uid, syntax.uid)
            XCTAssertEqual(back.dataSet.string(.sopInstanceUID), "2.25.1234567")
        }
    }

    func testAtomicWriteLeavesNothingOnFailure() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-atomic-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var file = try sampleFile()
        // A lazy value whose source has vanished makes the write fail part-way.
        file.dataSet.insert(DataElement(tag: .pixelData, vr: .OW, value: .bulk(BulkDataReference(path: dir.path + "/gone", offset: 0, length: 8))))
        let target = dir.appendingPathComponent("out.dcm").path
        XCTAssertThrowsError(try Part10Writer.write(file, to: target))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "no partial or temporary file left")
        XCTAssertThrowsError(try Part10Writer.write(file, to: dir.path + "/missing/folder/x.dcm")) { error in
            XCTAssertTrue("\(error)".contains("missing/folder/x.dcm"))
        }
    }

    func testDumpAndJSON() throws {
        let file = try Part10Reader.read(bytes: try Part10Writer.encode(try sampleFile()))
        let text = DataSetDumper().dump(file)
        XCTAssertTrue(text.contains("(0010,0010) PN [Müller^Jürgen=王^小东]"), text)
        XCTAssertTrue(text.contains("(0008,0008) CS [ORIGINAL\\PRIMARY\\AXIAL]"))
        XCTAssertTrue(text.contains("SmallestImagePixelValue"))
        let json = JSONModelWriter(pretty: false).json(file.dataSet)
        XCTAssertTrue(json.contains(#""00100010":{"vr":"PN","Value":[{"Alphabetic":"Müller^Jürgen","Ideographic":"王^小东"}]}"#), json)
        XCTAssertTrue(json.contains(#""00280106":{"vr":"SS","Value":[-1024]}"#))
        XCTAssertTrue(json.contains(#""7FE00010":{"vr":"OW","InlineBinary":"AQACAP//BAA="}"#))
    }
}
