import Foundation
@testable import Media
import XCTest

/// The ECMA-167 Part 4 decoding behind `UDFVolume`, on descriptors laid out by hand from the
/// standard's byte positions, and the Volume Recognition Sequence (ECMA-167 2/8.3).
final class UDFDescriptorTests: XCTestCase {
    private func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }

    // MARK: OSTA CS0 names (UDF 2.01 §2.1.1)

    func testCS0EightAndSixteenBitNames() {
        func decode(_ b: [UInt8]) -> String? { b.withUnsafeBufferPointer { UDFDescriptors.decodeCS0($0) } }
        XCTAssertEqual(decode([8] + Array("IMG00001".utf8)), "IMG00001")
        XCTAssertEqual(decode([8, 0x41, 0xC4, 0x42]), "AÄB", "8-bit CS0 bytes are code points U+0000–U+00FF")
        XCTAssertEqual(decode([16, 0x5F, 0x71, 0x50, 0xCF]), "影像", "16-bit CS0 is big-endian")
        XCTAssertNil(decode([16, 0x5F]), "odd byte count")
        XCTAssertNil(decode([1, 0x41]), "unknown compression ID")
        XCTAssertNil(decode([]))
    }

    // MARK: File Identifier Descriptor (4/14.4)

    func testFileIdentifierFieldsAndBounds() {
        var fid = [UInt8](repeating: 0, count: 2048)
        fid[0] = 1; fid[1] = 1  // tag 257
        fid[18] = 0x02          // directory
        fid[19] = 4             // L_FI
        fid.replaceSubrange(24..<28, with: le32(77))
        fid[36] = 2             // L_IU
        fid.replaceSubrange(40..<44, with: [8, 0x61, 0x62, 0x63])
        let parsed = fid.withUnsafeBufferPointer { UDFDescriptors.fileIdentifier($0.baseAddress!) }
        XCTAssertEqual(parsed?.name, "abc")
        XCTAssertEqual(parsed?.icbLocation, 77)
        XCTAssertEqual(parsed?.isDeleted, false)
        fid[18] = 0x04
        XCTAssertEqual(fid.withUnsafeBufferPointer { UDFDescriptors.fileIdentifier($0.baseAddress!) }?.isDeleted, true)
        fid[36] = 0xFF; fid[37] = 0x07  // L_IU 2047: runs past the block
        XCTAssertNil(fid.withUnsafeBufferPointer { UDFDescriptors.fileIdentifier($0.baseAddress!) })
        fid[0] = 0
        XCTAssertNil(fid.withUnsafeBufferPointer { UDFDescriptors.fileIdentifier($0.baseAddress!) }, "not a FID tag")
    }

    // MARK: File Entry / Extended File Entry (4/14.9, 4/14.17)

    /// A File Entry (or Extended File Entry) block of type `type` with `ads` as its allocation descriptors.
    private func entry(extended: Bool = false, type: UInt8 = 5, adKind: UInt8 = 0, length: UInt64, ea: Int = 0, ads: [UInt8]) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 2048)
        b[0] = extended ? 0x0A : 0x05; b[1] = 1  // 266 / 261
        b[27] = type
        b[34] = adKind
        for i in 0..<8 { b[56 + i] = UInt8(length >> (8 * UInt64(i)) & 0xFF) }
        let (eaAt, adAt, base) = extended ? (208, 212, 216) : (168, 172, 176)
        b.replaceSubrange(eaAt..<eaAt + 4, with: le32(UInt32(ea)))
        b.replaceSubrange(adAt..<adAt + 4, with: le32(UInt32(ads.count)))
        b.replaceSubrange(base + ea..<base + ea + ads.count, with: ads)
        return b
    }

    private func parse(_ b: [UInt8]) -> UDFDescriptors.FileEntry? { b.withUnsafeBufferPointer { UDFDescriptors.fileEntry($0.baseAddress!) } }

    func testFileEntryAndExtendedFileEntryOffsets() throws {
        let ads = le32(3000) + le32(10)
        let fe = try XCTUnwrap(parse(entry(length: 3000, ea: 16, ads: ads)))
        XCTAssertFalse(fe.isExtended)
        XCTAssertEqual(fe.fileType, 5)
        XCTAssertEqual(fe.informationLength, 3000)
        XCTAssertEqual(fe.allocationDescriptors, ads, "after the extended attributes")
        let efe = try XCTUnwrap(parse(entry(extended: true, type: 4, length: 40, ads: ads)))
        XCTAssertTrue(efe.isExtended)
        XCTAssertEqual(efe.fileType, 4)
        XCTAssertEqual(efe.allocationDescriptors, ads)
        var broken = entry(length: 1, ads: ads)
        broken.replaceSubrange(172..<176, with: le32(4000))
        XCTAssertNil(parse(broken), "L_AD past the block")
    }

    // MARK: Allocation descriptors (4/14.14)

    func testShortExtentsUnrecordedExtentAndContinuation() throws {
        // 4096 bytes at block 10, 2048 unrecorded, then a continuation at block 50 holding 100 bytes at block 60.
        let ads = le32(4096) + le32(10) + le32(1 << 30 | 2048) + le32(0) + le32(3 << 30 | 2048) + le32(50)
        let fe = try XCTUnwrap(parse(entry(length: 6244, ads: ads)))
        var aed = [UInt8](repeating: 0, count: 2048)
        aed[0] = 2; aed[1] = 1  // tag 258
        aed.replaceSubrange(20..<24, with: le32(8))
        aed.replaceSubrange(24..<32, with: le32(100) + le32(60))
        var asked: [UInt64] = []
        let layout = try UDFDescriptors.layout(fe, partition: 0, map: .single(start: 257), imageBlocks: 1000) { lba in asked.append(lba); return aed }
        XCTAssertEqual(asked, [307])
        XCTAssertEqual(layout.size, 6244)
        guard case .extents(let extents) = layout.data else { return XCTFail("\(layout)") }
        XCTAssertEqual(extents.map { $0.lba }, [267, nil, 317])
        XCTAssertEqual(extents.map { $0.length }, [4096, 2048, 100])
    }

    func testLongAndEmbeddedDescriptors() throws {
        let long = le32(5000) + le32(20) + [0, 0] + [UInt8](repeating: 0, count: 6)
        let layout = try UDFDescriptors.layout(XCTUnwrap(parse(entry(adKind: 1, length: 5000, ads: long))),
                                               partition: 0, map: .single(start: 100), imageBlocks: 1000) { _ in nil }
        guard case .extents(let extents) = layout.data else { return XCTFail("\(layout)") }
        XCTAssertEqual(extents.map { $0.lba }, [120])
        let embedded = try UDFDescriptors.layout(XCTUnwrap(parse(entry(adKind: 3, length: 5, ads: Array("hello world".utf8)))),
                                                 partition: 0, map: .single(start: 0), imageBlocks: 10) { _ in nil }
        guard case .embedded(let bytes) = embedded.data else { return XCTFail("\(embedded)") }
        XCTAssertEqual(bytes, Array("hello".utf8))
    }

    /// A Metadata Partition (UDF 2.60 §2.2.10): its blocks are the Metadata File's extents, here
    /// two pieces of the physical partition, so one folder extent that spans both is split.
    func testMetadataPartitionBlocksMapThroughTheMetadataFile() throws {
        let map = UDFVolumeMap(partitions: [.physical(start: 300, length: 1000), .metadata(extents: [(332, 4), (400, 8)])],
                               revision: 0x0250, root: (1, 2))
        XCTAssertEqual(map.resolve(partition: 1, block: 0)?.lba, 332)
        XCTAssertEqual(map.resolve(partition: 1, block: 3)?.contiguous, 1)
        XCTAssertEqual(map.resolve(partition: 1, block: 4)?.lba, 400)
        XCTAssertNil(map.resolve(partition: 1, block: 12))
        XCTAssertNil(map.resolve(partition: 2, block: 0))
        // short_ad in the entry's own (metadata) partition: 3 blocks from metadata block 2.
        let folder = try XCTUnwrap(parse(entry(length: 6144, ads: le32(6144) + le32(2))))
        let layout = try UDFDescriptors.layout(folder, partition: 1, map: map, imageBlocks: 2000) { _ in nil }
        guard case .extents(let extents) = layout.data else { return XCTFail("\(layout)") }
        XCTAssertEqual(extents.map { $0.lba }, [334, 400])
        XCTAssertEqual(extents.map { $0.length }, [4096, 2048])
        // long_ad naming partition 0 from an entry in the metadata partition: physical blocks.
        let file = try XCTUnwrap(parse(entry(adKind: 1, length: 100, ads: le32(100) + le32(7) + [0, 0] + [UInt8](repeating: 0, count: 6))))
        let data = try UDFDescriptors.layout(file, partition: 1, map: map, imageBlocks: 2000) { _ in nil }
        guard case .extents(let d) = data.data else { return XCTFail("\(data)") }
        XCTAssertEqual(d.map { $0.lba }, [307])
    }

    func testExtentsOutsideTheImageOrTooShortAreRefused() throws {
        let outside = try XCTUnwrap(parse(entry(length: 4096, ads: le32(4096) + le32(999))))
        XCTAssertThrowsError(try UDFDescriptors.layout(outside, partition: 0, map: .single(start: 0), imageBlocks: 1000) { _ in nil })
        let short = try XCTUnwrap(parse(entry(length: 10_000, ads: le32(4096) + le32(10))))
        XCTAssertThrowsError(try UDFDescriptors.layout(short, partition: 0, map: .single(start: 0), imageBlocks: 1000) { _ in nil })
        let missingContinuation = try XCTUnwrap(parse(entry(length: 10, ads: le32(3 << 30 | 2048) + le32(5))))
        XCTAssertThrowsError(try UDFDescriptors.layout(missingContinuation, partition: 0, map: .single(start: 0), imageBlocks: 1000) { _ in nil })
        // A continuation that points at itself stops after the cap instead of looping.
        var selfLoop = [UInt8](repeating: 0, count: 2048)
        selfLoop[0] = 2; selfLoop[1] = 1
        selfLoop.replaceSubrange(20..<24, with: le32(8))
        selfLoop.replaceSubrange(24..<32, with: le32(3 << 30 | 2048) + le32(5))
        XCTAssertThrowsError(try UDFDescriptors.layout(missingContinuation, partition: 0, map: .single(start: 0), imageBlocks: 1000) { _ in selfLoop })
    }

    // MARK: Symbolic links (4/14.16)

    func testSymbolicLinkPathComponents() {
        let parent: [UInt8] = [3, 0, 0, 0]
        func named(_ s: String) -> [UInt8] { [5, UInt8(s.utf8.count + 1), 0, 0, 8] + Array(s.utf8) }
        XCTAssertEqual(UDFDescriptors.symbolicLinkTarget(parent + named("IMAGES") + named("A")), "../IMAGES/A")
        XCTAssertEqual(UDFDescriptors.symbolicLinkTarget([2, 0, 0, 0] + named("etc") + named("passwd")), "/etc/passwd")
        XCTAssertNil(UDFDescriptors.symbolicLinkTarget([5, 9, 0, 0, 8]), "runs past the data")
        XCTAssertNil(UDFDescriptors.symbolicLinkTarget([9, 0, 0, 0]), "unknown component type")
    }

    // MARK: Volume Recognition Sequence (ECMA-167 2/8.3)

    private func image(_ ids: [String]) throws -> String {
        var bytes = [UInt8](repeating: 0, count: 32768)
        for id in ids {
            var d = [UInt8](repeating: 0, count: 2048)
            d.replaceSubrange(1..<6, with: Array(id.utf8))
            bytes += d
        }
        bytes += [UInt8](repeating: 0, count: 2048)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vrs-\(UUID().uuidString).img").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testVolumeRecognition() throws {
        XCTAssertEqual(VolumeRecognition.read(try image(["CD001", "CD001", "BEA01", "NSR02", "TEA01"])),
                       VolumeRecognition(hasISO9660: true, nsr: "NSR02"))
        XCTAssertEqual(VolumeRecognition.read(try image(["BEA01", "NSR03", "TEA01"])), VolumeRecognition(hasISO9660: false, nsr: "NSR03"))
        XCTAssertEqual(VolumeRecognition.read(try image(["CD001"])), VolumeRecognition(hasISO9660: true, nsr: nil))
        XCTAssertEqual(VolumeRecognition.read(try image(["NSR03"])).nsr, nil, "NSR outside an extended area does not count")
        XCTAssertEqual(VolumeRecognition.read("/nonexistent/image.iso"), VolumeRecognition(hasISO9660: false, nsr: nil))
    }
}
