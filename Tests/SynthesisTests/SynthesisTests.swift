import DICOM
import Foundation
import XCTest
@testable import Synthesis

final class SheppLoganTests: XCTestCase {
    func testBackgroundIsAirAndInsideIsTissue() {
        let img = SheppLogan().slice(z: 0, rows: 256, columns: 256, pixelSpacing: 1.0)
        XCTAssertEqual(img.count, 256 * 256)
        // Corners are air.
        for (r, c) in [(0, 0), (0, 255), (255, 0), (255, 255)] { XCTAssertEqual(img[r * 256 + c], -1000) }
        // Centre is inside the head, and soft tissue (brain ≈ 40 HU, CSF ≈ 8 HU).
        let centre = img[128 * 256 + 128]
        XCTAssertGreaterThan(centre, -1000)
        XCTAssertTrue((0 ... 80).contains(centre), "centre \(centre)")
        // The skull is bone: some pixels near +1000.
        XCTAssertTrue(img.contains { $0 >= 900 })
        // Nothing outside the CT range.
        XCTAssertTrue(img.allSatisfy { (-1024 ... 3071).contains($0) })
        // Inside: most of a 256 mm image is head (152 × 202 mm ellipse ≈ 37 %).
        let inside = img.filter { $0 > -1000 }.count
        XCTAssertGreaterThan(inside, 256 * 256 / 4)
    }

    func testLeftRightSymmetry() {
        let n = 200
        // Above the ventricles only the symmetric skull and brain are present: exact mirror.
        let top = SheppLogan().slice(z: 55, rows: n, columns: n, pixelSpacing: 1.2)
        XCTAssertTrue(top.contains { $0 > -1000 })
        for r in 0 ..< n { for c in 0 ..< n / 2 { XCTAssertEqual(top[r * n + c], top[r * n + n - 1 - c], "row \(r) col \(c)") } }
        // At z = 0 the outline of the head is symmetric even though the inner structures are not.
        let mid = SheppLogan().slice(z: 0, rows: n, columns: n, pixelSpacing: 1.2)
        for r in 0 ..< n { for c in 0 ..< n / 2 {
            XCTAssertEqual(mid[r * n + c] == -1000, mid[r * n + n - 1 - c] == -1000, "row \(r) col \(c)")
        } }
    }

    func testOutsideTheHeadIsEmpty() {
        let img = SheppLogan().slice(z: 200, rows: 64, columns: 64, pixelSpacing: 4)
        XCTAssertTrue(img.allSatisfy { $0 == -1000 })
    }

    func testMRContrastIsUnsigned12Bit() {
        let img = SheppLogan().slice(z: 0, rows: 128, columns: 128, pixelSpacing: 2, contrast: .mr)
        XCTAssertEqual(img[0], 0)
        XCTAssertTrue(img.allSatisfy { (0 ... 4095).contains($0) })
        XCTAssertTrue(img.contains { $0 >= 2500 }, "bright CSF on T2")
    }

    func testVariationIsDeterministicAndDifferent() {
        XCTAssertEqual(SheppLogan(variation: 7), SheppLogan(variation: 7))
        XCTAssertNotEqual(SheppLogan(variation: 7), SheppLogan(variation: 8))
        let a = SheppLogan(variation: 7).slice(z: 0, rows: 64, columns: 64, pixelSpacing: 4)
        let b = SheppLogan(variation: 8).slice(z: 0, rows: 64, columns: 64, pixelSpacing: 4)
        XCTAssertNotEqual(a, b)
    }
}

final class StudyGeneratorTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "lightbox-synth-\(UUID().uuidString)"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func small(_ configure: (inout SynthesisOptions) -> Void = { _ in }) -> SynthesisOptions {
        var o = SynthesisOptions()
        o.patients = 2; o.studiesPerPatient = 2; o.seriesPerStudy = 2; o.imagesPerSeries = 3
        o.rows = 64; o.columns = 64; o.seed = 42
        configure(&o)
        return o
    }

    func testWritesHierarchyWithConsistentUIDs() throws {
        let o = small()
        let progressCount = Counter()
        let summary = try StudyGenerator(options: o).write(to: dir) { _ in progressCount.increment() }
        XCTAssertEqual(summary.files, 24)
        XCTAssertEqual(progressCount.value, 24)
        XCTAssertEqual(summary.seed, 42)
        XCTAssertEqual(summary.studyInstanceUIDs.count, 4)
        XCTAssertGreaterThan(summary.bytes, 24 * 64 * 64 * 2)

        var patients: [String: Set<String>] = [:]     // patient ID → study UIDs
        var studies: [String: Set<String>] = [:]      // study UID → series UIDs
        var series: [String: [Int]] = [:]             // series UID → instance numbers
        var sops = Set<String>()
        var frames: [String: Set<String>] = [:]       // study UID → frame of reference UIDs
        for p in 0 ..< 2 { for st in 0 ..< 2 { for se in 0 ..< 2 { for i in 0 ..< 3 {
            let path = dir + "/" + StudyGenerator.relativePath(patient: p, study: st, series: se, image: i)
            let file = try Part10Reader.read(path: path)
            let ds = file.dataSet
            XCTAssertEqual(file.transferSyntax, .explicitVRLittleEndian)
            let pid = try XCTUnwrap(ds.string(.patientID))
            let study = try XCTUnwrap(ds.string(.studyInstanceUID))
            let ser = try XCTUnwrap(ds.string(.seriesInstanceUID))
            let sop = try XCTUnwrap(ds.string(.sopInstanceUID))
            for uid in [study, ser, sop] { XCTAssertTrue(UIDGenerator.isValid(uid), uid) }
            XCTAssertEqual(file.meta.string(Tag(0x0002, 0x0003)), sop)
            XCTAssertEqual(ds.string(.sopClassUID), UIDs.ctImageStorage)
            XCTAssertEqual(ds.int(.instanceNumber), i + 1)
            XCTAssertEqual(ds.int(.seriesNumber), se + 1)
            XCTAssertEqual(ds.int(.rows), 64)
            XCTAssertEqual(ds.string(.modality), "CT")
            XCTAssertEqual(ds.string(.manufacturer), "Lightbox Synthetic")
            patients[pid, default: []].insert(study)
            studies[study, default: []].insert(ser)
            series[ser, default: []].append(i + 1)
            frames[study, default: []].insert(try XCTUnwrap(ds.string(.frameOfReferenceUID)))
            XCTAssertTrue(sops.insert(sop).inserted, "duplicate SOP Instance UID")
        } } } }
        XCTAssertEqual(patients.count, 2)
        XCTAssertTrue(patients.values.allSatisfy { $0.count == 2 })
        XCTAssertEqual(studies.count, 4)
        XCTAssertTrue(studies.values.allSatisfy { $0.count == 2 })
        XCTAssertEqual(series.count, 8)
        XCTAssertTrue(series.values.allSatisfy { $0.sorted() == [1, 2, 3] })
        XCTAssertTrue(frames.values.allSatisfy { $0.count == 1 }, "one frame of reference per study")
        XCTAssertEqual(Set(frames.values.map { $0.first! }).count, 4)
        XCTAssertEqual(Set(summary.studyInstanceUIDs), Set(studies.keys))
    }

    func testPixelDataAndGeometry() throws {
        let ds = try StudyGenerator(options: small()).makeDataSet(patient: 0, study: 0, series: 0, image: 1)
        let px = try XCTUnwrap(ds[.pixelData]?.bytes)
        XCTAssertEqual(px.count, 64 * 64 * 2)
        XCTAssertEqual(ds.int(.bitsAllocated), 16)
        XCTAssertEqual(ds.int(.pixelRepresentation), 1)
        XCTAssertEqual(ds.double(.rescaleIntercept), -1024)
        let corner = Int(Int16(bitPattern: UInt16(px[0]) | UInt16(px[1]) << 8))
        XCTAssertEqual(Double(corner) - 1024, -1000, accuracy: 30, "air in the corner")
        let mid = (32 * 64 + 32) * 2
        let centre = Int(Int16(bitPattern: UInt16(px[mid]) | UInt16(px[mid + 1]) << 8)) - 1024
        XCTAssertTrue((-30 ... 120).contains(centre), "soft tissue in the centre, got \(centre)")
        // Image Position (z) follows the instance number with the slice spacing.
        let z1 = try XCTUnwrap(ds.double(.imagePositionPatient, index: 2))
        let z2 = try XCTUnwrap(try StudyGenerator(options: small()).makeDataSet(patient: 0, study: 0, series: 0, image: 2)
            .double(.imagePositionPatient, index: 2))
        XCTAssertEqual(z2 - z1, try XCTUnwrap(ds.double(.sliceThickness)), accuracy: 1e-6)
        XCTAssertEqual(ds.double(.sliceLocation), z1)
    }

    func testChineseNamesRoundTripInEveryCharacterSet() throws {
        for cs in SynthesisOptions.CharacterSet.allCases {
            for syntax in [TransferSyntax.explicitVRLittleEndian, .implicitVRLittleEndian, .explicitVRBigEndian, .deflatedExplicitVRLittleEndian] {
                let o = small { $0.characterSet = cs; $0.transferSyntax = syntax; $0.patients = 3
                    $0.studiesPerPatient = 1; $0.seriesPerStudy = 1; $0.imagesPerSeries = 1 }
                let gen = try StudyGenerator(options: o)
                let out = dir + "/\(cs.rawValue)-\(syntax.uid)"
                try gen.write(to: out)
                for p in 0 ..< 3 {
                    let expected = try gen.makeDataSet(patient: p, study: 0, series: 0, image: 0)
                    let name = try XCTUnwrap(expected.string(.patientName))
                    let file = try Part10Reader.read(path: out + "/" + StudyGenerator.relativePath(patient: p, study: 0, series: 0, image: 0))
                    XCTAssertEqual(file.transferSyntax, syntax)
                    XCTAssertEqual(file.dataSet.string(.patientName), name, "\(cs) \(syntax.name)")
                    XCTAssertEqual(file.dataSet.string(.institutionName), expected.string(.institutionName))
                    XCTAssertEqual(file.dataSet[.specificCharacterSet]?.bytes, expected[.specificCharacterSet]?.bytes)
                    XCTAssertEqual(file.dataSet[.pixelData]?.bytes, expected[.pixelData]?.bytes, "pixels, \(syntax.name)")
                    if cs.holdsChinese {
                        XCTAssertTrue(name.unicodeScalars.contains { $0.value >= 0x3400 }, "\(cs): \(name)")
                        XCTAssertTrue(name.contains("="), "alphabetic=ideographic by default: \(name)")
                    }
                    if cs == .ascii { XCTAssertTrue(name.utf8.allSatisfy { $0 < 0x80 }); XCTAssertNil(file.dataSet[.specificCharacterSet]) }
                    if cs == .latin1 { XCTAssertFalse(name.utf8.allSatisfy { $0 < 0x80 }, name) }
                }
            }
        }
    }

    func testGBKNameHasTrailByte5C() throws {
        for cs in [SynthesisOptions.CharacterSet.gbk, .gb18030] {
            let ds = try StudyGenerator(options: small { $0.characterSet = cs; $0.nameStyle = .ideographic })
                .makeDataSet(patient: 0, study: 0, series: 0, image: 0)
            let raw = try XCTUnwrap(ds[.patientName]?.bytes)
            XCTAssertTrue(raw.contains(0x5C), "\(cs): first patient's name should contain a 0x5C trail byte")
            XCTAssertEqual(ds.strings(.patientName).count, 1, "0x5C inside a character is not a delimiter")
            let name = try XCTUnwrap(ds.string(.patientName))
            XCTAssertFalse(name.contains("\\"))
            XCTAssertFalse(name.contains("\u{FFFD}"))
        }
    }

    func testISO2022IR58UsesEscapeSequences() throws {
        let ds = try StudyGenerator(options: small { $0.characterSet = .iso2022IR58 })
            .makeDataSet(patient: 0, study: 0, series: 0, image: 0)
        XCTAssertEqual(ds.specificCharacterSet.terms, ["", "ISO 2022 IR 58"])
        let raw = try XCTUnwrap(ds[.patientName]?.bytes)
        XCTAssertTrue(raw.contains(0x1B), "ESC $ ) A expected")
        let name = try XCTUnwrap(ds.string(.patientName))
        XCTAssertTrue(name.unicodeScalars.contains { $0.value >= 0x4E00 })
    }

    func testSeedIsDeterministic() throws {
        let o = small { $0.patients = 1; $0.studiesPerPatient = 1; $0.imagesPerSeries = 2 }
        try StudyGenerator(options: o).write(to: dir + "/a")
        try StudyGenerator(options: o).write(to: dir + "/b")
        for se in 0 ..< 2 { for i in 0 ..< 2 {
            let rel = StudyGenerator.relativePath(patient: 0, study: 0, series: se, image: i)
            let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a/" + rel))
            let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/b/" + rel))
            XCTAssertEqual(a, b, rel)
        } }
        var other = o; other.seed = 43
        let x = try StudyGenerator(options: o).makeDataSet(patient: 0, study: 0, series: 0, image: 0)
        let y = try StudyGenerator(options: other).makeDataSet(patient: 0, study: 0, series: 0, image: 0)
        XCTAssertNotEqual(x.string(.studyInstanceUID), y.string(.studyInstanceUID))
        XCTAssertNotEqual(x[.pixelData], y[.pixelData])
        // Without a seed, two generators differ.
        var random = o; random.seed = nil
        XCTAssertNotEqual(try StudyGenerator(options: random).makeDataSet(patient: 0, study: 0, series: 0, image: 0).string(.sopInstanceUID),
                          try StudyGenerator(options: random).makeDataSet(patient: 0, study: 0, series: 0, image: 0).string(.sopInstanceUID))
    }

    func testMRSeries() throws {
        let o = small { $0.modality = .mr; $0.seriesPerStudy = 3; $0.patients = 1; $0.studiesPerPatient = 1 }
        let gen = try StudyGenerator(options: o)
        try gen.write(to: dir)
        var descriptions = Set<String>()
        var centres = Set<[UInt8]>()
        for se in 0 ..< 3 {
            let ds = try Part10Reader.read(path: dir + "/" + StudyGenerator.relativePath(patient: 0, study: 0, series: se, image: 1),
                                           options: .loadAll).dataSet
            XCTAssertEqual(ds.string(.sopClassUID), UIDs.mrImageStorage)
            XCTAssertEqual(ds.int(.bitsStored), 12)
            XCTAssertEqual(ds.int(.pixelRepresentation), 0)
            XCTAssertNotNil(ds.string(.scanningSequence))
            descriptions.insert(try XCTUnwrap(ds.string(.seriesDescription)))
            let px = try XCTUnwrap(ds[.pixelData]?.bytes)
            XCTAssertTrue(stride(from: 0, to: px.count, by: 2).allSatisfy { Int(px[$0]) | Int(px[$0 + 1]) << 8 <= 4095 })
            centres.insert(px)
        }
        XCTAssertEqual(descriptions.count, 3)
        XCTAssertEqual(centres.count, 3, "T2, T1 and FLAIR have different contrast")
    }

    func testRejectsBadOptions() {
        var o = SynthesisOptions(); o.imagesPerSeries = 0
        XCTAssertThrowsError(try StudyGenerator(options: o))
        o = SynthesisOptions(); o.transferSyntax = .jpegBaseline
        XCTAssertThrowsError(try StudyGenerator(options: o))
        o = SynthesisOptions(); o.rows = 8
        XCTAssertThrowsError(try StudyGenerator(options: o))
    }

    func testFileNamesAndNoExtension() throws {
        XCTAssertEqual(StudyGenerator.relativePath(patient: 0, study: 1, series: 2, image: 16), "PAT00001/STU00002/SER00003/IMG00017.dcm")
        let o = small { $0.patients = 1; $0.studiesPerPatient = 1; $0.seriesPerStudy = 1; $0.imagesPerSeries = 1; $0.fileExtension = "" }
        try StudyGenerator(options: o).write(to: dir)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/PAT00001/STU00001/SER00001/IMG00001"))
    }

    func testValueFormatting() {
        XCTAssertEqual(formatDS(-124.755859375), "-124.755859")
        XCTAssertEqual(formatDS(5), "5")
        XCTAssertEqual(formatDS(0.48828125), "0.488281")
        XCTAssertEqual(tm(3600 * 9 + 61), "090101")
        XCTAssertEqual(tm(3600 * 9 + 61.5), "090101.500")
        XCTAssertEqual(CivilDate(days: 0).da, "19700101")
        XCTAssertEqual(CivilDate(days: CivilDate(year: 2024, month: 2, day: 29).days), CivilDate(year: 2024, month: 2, day: 29))
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
