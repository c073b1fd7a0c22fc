import DICOM
import XCTest
@testable import Media

/// The disc builder's decisions, without files: what is copied, rewritten or transcoded for a
/// profile (PS3.11), how volumes are split, and how names are shown.
final class BurnPlanTests: XCTestCase {
    func instance(_ sop: String, syntax: String, conformantMeta: Bool = true, pixels: Int64 = 512 * 512 * 2,
                  study: String = "1.2.3.1", series: String = "1.2.3.1.1", size: Int64 = 530_000,
                  sopClass: String = UIDs.ctImageStorage) throws -> ScannedInstance {
        var t = TestInstance()
        t.sopInstanceUID = sop; t.studyUID = study; t.seriesUID = series; t.sopClassUID = sopClass
        var i = ScannedInstance(path: "/in/\(sop)", fileID: nil, sopClassUID: sopClass, sopInstanceUID: sop,
                                transferSyntaxUID: syntax, recordType: .image, recordTypeIsFallback: false, keys: try t.dataSet())
        i.storage = StorageFacts(fileSize: size, hasConformantFileMeta: conformantMeta, nativePixelBytes: pixels)
        return i
    }

    func profile(_ id: String) throws -> ApplicationProfile { try XCTUnwrap(ProfileCatalog.loadDefault().profile(id)) }

    func testPlannerKeepsAllowedSyntaxesAndDecompressesTheRest() throws {
        let cd = BurnPlanner(profile: try profile("STD-GEN-CD"))
        let ele = try cd.plan(instance("1", syntax: UIDs.explicitVRLittleEndian)).get()
        XCTAssertEqual(ele.action, .copy)
        XCTAssertEqual(try cd.plan(instance("2", syntax: UIDs.explicitVRLittleEndian, conformantMeta: false)).get().action, .rewrite)
        let implicit = try cd.plan(instance("3", syntax: "1.2.840.10008.1.2")).get()
        XCTAssertEqual(implicit.action, .rewrite)
        XCTAssertEqual(implicit.targetTransferSyntaxUID, UIDs.explicitVRLittleEndian)
        let jpeg = try cd.plan(instance("4", syntax: "1.2.840.10008.1.2.4.50")).get()
        XCTAssertEqual(jpeg.action, .transcode)
        XCTAssertEqual(jpeg.targetTransferSyntaxUID, UIDs.explicitVRLittleEndian)
        XCTAssertTrue(jpeg.note?.contains("lossy source") == true && jpeg.note?.contains("not re-encoded") == true, jpeg.note ?? "")
        XCTAssertEqual(jpeg.onMedium.transferSyntaxUID, UIDs.explicitVRLittleEndian)
        XCTAssertEqual(jpeg.source.transferSyntaxUID, "1.2.840.10008.1.2.4.50")
        // Video is never decoded: not allowed on CD.
        guard case .failure(.transferSyntaxNotAllowed) = cd.plan(try instance("5", syntax: "1.2.840.10008.1.2.4.102")) else {
            return XCTFail("H.264 should be refused on STD-GEN-CD")
        }

        let dvd = BurnPlanner(profile: try profile("STD-GEN-DVD-JPEG"))
        XCTAssertEqual(try dvd.plan(instance("6", syntax: "1.2.840.10008.1.2.4.50")).get().action, .copy)
        let j2k = try dvd.plan(instance("7", syntax: "1.2.840.10008.1.2.4.90")).get()
        XCTAssertEqual(j2k.targetTransferSyntaxUID, UIDs.explicitVRLittleEndian)
        // --compress jpeg-lossless: native and lossless sources become .70; lossy ones never do.
        let compressing = BurnPlanner(profile: try profile("STD-GEN-DVD-JPEG"), compression: .jpegLossless)
        XCTAssertEqual(try compressing.plan(instance("8", syntax: UIDs.explicitVRLittleEndian)).get().targetTransferSyntaxUID, "1.2.840.10008.1.2.4.70")
        XCTAssertEqual(try compressing.plan(instance("9", syntax: "1.2.840.10008.1.2.4.90")).get().targetTransferSyntaxUID, "1.2.840.10008.1.2.4.70")
        XCTAssertEqual(try compressing.plan(instance("10", syntax: "1.2.840.10008.1.2.4.91")).get().targetTransferSyntaxUID, UIDs.explicitVRLittleEndian)

        let mime = BurnPlanner(profile: try profile("STD-GEN-MIME"))
        XCTAssertEqual(try mime.plan(instance("11", syntax: "1.2.840.10008.1.2.4.102")).get().action, .copy)
    }

    func testSplitterKeepsStudiesTogetherAndSplitsOnlyOversizedSeries() throws {
        let planner = BurnPlanner(profile: try profile("STD-GEN-CD"))
        var planned: [PlannedInstance] = []
        // Study A: 3 × 40 MB; study B: 2 series of 3 × 40 MB; study C: 1 × 40 MB.
        for i in 0 ..< 3 { planned.append(try planner.plan(instance("A.\(i)", syntax: UIDs.explicitVRLittleEndian, study: "1.1", series: "1.1.1", size: 40_000_000)).get()) }
        for s in 0 ..< 2 {
            for i in 0 ..< 3 { planned.append(try planner.plan(instance("B.\(s).\(i)", syntax: UIDs.explicitVRLittleEndian, study: "1.2", series: "1.2.\(s)", size: 40_000_000)).get()) }
        }
        planned.append(try planner.plan(instance("C.0", syntax: UIDs.explicitVRLittleEndian, study: "1.3", series: "1.3.1", size: 40_000_000)).get())
        // 180 MB medium → ~168 MB usable: A (120) fits; B (240) does not, so by series (120 each).
        let volumes = try VolumeSplitter(mediumBytes: 180_000_000).split(planned, fileSetID: "CASE42")
        let groups = volumes.map { Set($0.instances.map { String($0.sopInstanceUID.prefix(3)) }) }
        XCTAssertEqual(volumes.map(\.fileSetID), volumes.count == 1 ? ["CASE42"] : (1 ... volumes.count).map { "CASE42_\($0)" })
        XCTAssertEqual(volumes.map(\.count), Array(repeating: volumes.count, count: volumes.count))
        for v in volumes { XCTAssertLessThanOrEqual(v.estimatedBytes, VolumeSplitter(mediumBytes: 180_000_000).capacity) }
        XCTAssertEqual(Set(volumes.flatMap { $0.instances.map(\.sopInstanceUID) }).count, planned.count, "every instance once")
        // No series is split: each series' instances are on one volume.
        for series in ["A.", "B.0", "B.1", "C."] {
            XCTAssertEqual(volumes.filter { $0.instances.contains { $0.sopInstanceUID.hasPrefix(series) } }.count, 1, series)
        }
        XCTAssertEqual(groups.count, 3, "A+… | B.0 | B.1+C expected, got \(groups)")

        // One instance larger than the medium: a clear error.
        let huge = try planner.plan(instance("H", syntax: UIDs.explicitVRLittleEndian, size: 900_000_000)).get()
        XCTAssertThrowsError(try VolumeSplitter(mediumBytes: 700_000_000).split([huge], fileSetID: "X")) { e in
            XCTAssertTrue("\(e)".contains("/in/H") && "\(e)".contains("larger medium"), "\(e)")
        }
        XCTAssertEqual(VolumeSplitter.fileSetID("ABCDEFGHIJKLMNOP", volume: 12, of: 12), "ABCDEFGHIJKLM_12")
        XCTAssertEqual(DiscBuilder.volumePath("/x/disc.iso", 2, of: 3), "/x/disc-2.iso")
        XCTAssertEqual(DiscBuilder.volumePath("/x/disc.iso", 1, of: 1), "/x/disc.iso")
    }

    func testDisplayNamesAndTemplates() throws {
        XCTAssertEqual(PDIText.displayName("Wang^Zhicheng=王^志誠"), "王志誠 (WANG, Zhicheng)")
        XCTAssertEqual(PDIText.displayName("王^志誠"), "王志誠")
        XCTAssertEqual(PDIText.displayName("Müller^Jürgen"), "MÜLLER, Jürgen")
        XCTAssertEqual(PDIText.date("20240131"), "2024-01-31")
        XCTAssertEqual(PDIText.html("<a & 'b'>"), "&lt;a &amp; &#39;b&#39;&gt;")
        let t = PDITemplate(name: "T", text: "Hello {{NAME}}!")
        XCTAssertEqual(try t.fill(["NAME": "王"]), "Hello 王!")
        XCTAssertThrowsError(try PDITemplate(name: "T", text: "{{NAMME}}").fill(["NAME": "x"])) { e in
            XCTAssertTrue("\(e)".contains("NAMME"), "\(e)")
        }
        for name in ["README.TXT", "INDEX.HTM", "STUDY.HTM", "STYLE.CSS"] { XCTAssertNoThrow(try PDITemplate.load(name)) }
        XCTAssertEqual(WebContentWriter.spaced(100, 3), [0, 50, 99])
        XCTAssertEqual(WebContentWriter.spaced(2, 6), [0, 1])
        XCTAssertEqual(WebContentWriter.spaced(9, 1), [4])
    }
}
