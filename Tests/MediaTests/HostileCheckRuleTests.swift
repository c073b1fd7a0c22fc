import DICOM
import Foundation
import XCTest
@testable import Media

/// What was added for hostile media, on bytes built here: the two `check` rules — PS3.5 §7.1
/// element lengths past the end of the file (`ElementLengthRule`) and PS3.5 §6.2 control
/// characters in a patient's name (`NameCharacterRule`) — and the bounded DICOMDIR read
/// (`DICOMDIRBytes`).
final class HostileCheckRuleTests: XCTestCase {
    /// An Explicit VR Little Endian element.
    func element(_ group: UInt16, _ elem: UInt16, _ vr: String, _ value: [UInt8], claimed: UInt32? = nil) -> [UInt8] {
        var out = le16(group) + le16(elem) + Array(vr.utf8)
        if ["OB", "OW", "SQ", "UN", "UT"].contains(vr) {
            out += [0, 0] + le32(claimed ?? UInt32(value.count))
        } else {
            out += le16(UInt16(claimed ?? UInt32(value.count)))
        }
        return out + value
    }

    func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    func le32(_ v: UInt32) -> [UInt8] { (0 ..< 4).map { UInt8((v >> (8 * $0)) & 0xFF) } }

    func testElementPastTheEndIsFoundAndFittingFilesAreNot() throws {
        let head = element(0x0008, 0x0018, "UI", Array("1.2.3.4\0".utf8)) + element(0x0010, 0x0010, "PN", Array("A^B ".utf8))
        let pixels = [UInt8](repeating: 7, count: 64)
        let fine = head + element(0x7FE0, 0x0010, "OW", pixels)
        XCTAssertNil(ElementLengthRule.overrun(fine, size: Int64(fine.count), explicitVR: true, bigEndian: false))
        let hostile = head + element(0x7FE0, 0x0010, "OW", pixels, claimed: 0xFFFF_FFF0)
        let o = try XCTUnwrap(ElementLengthRule.overrun(hostile, size: Int64(hostile.count), explicitVR: true, bigEndian: false))
        XCTAssertEqual(o, .init(tag: "(7FE0,0010)", offset: head.count, claimed: 0xFFFF_FFF0, available: 64))
        // A short-VR element one byte too long, at the start.
        let short = element(0x0008, 0x0018, "UI", Array("1.2".utf8) + [0], claimed: 5)
        XCTAssertEqual(ElementLengthRule.overrun(short, size: Int64(short.count), explicitVR: true, bigEndian: false)?.tag, "(0008,0018)")
        // Only the first bytes were read: an element ending beyond them but inside the file is not judged.
        XCTAssertNil(ElementLengthRule.overrun(Array(fine.prefix(head.count + 12)), size: Int64(fine.count), explicitVR: true, bigEndian: false))
        // Undefined length ends the walk.
        let undefined = head + element(0x7FE0, 0x0010, "OB", [], claimed: 0xFFFF_FFFF)
        XCTAssertNil(ElementLengthRule.overrun(undefined, size: Int64(undefined.count), explicitVR: true, bigEndian: false))
        // Implicit VR: 4-byte lengths after the tag.
        let implicit = le16(0x0010) + le16(0x0010) + le32(0xFFFF_FFF0) + Array("A^B ".utf8)
        XCTAssertEqual(ElementLengthRule.overrun(implicit, size: Int64(implicit.count), explicitVR: false, bigEndian: false)?.claimed, 0xFFFF_FFF0)
    }

    func testControlCharactersInNames() {
        XCTAssertTrue(NameCharacterRule.hasControlCharacter("a\u{0}b"))
        XCTAssertTrue(NameCharacterRule.hasControlCharacter("x\u{01}"))
        XCTAssertTrue(NameCharacterRule.hasControlCharacter("x\u{7F}"))
        XCTAssertTrue(NameCharacterRule.hasControlCharacter("line\nbreak"))
        // ESC (ISO 2022 code extensions) is allowed in PN; "/" and ".." are ordinary characters.
        XCTAssertFalse(NameCharacterRule.hasControlCharacter("Yamada^Tarou=\u{1B}$B;3ED\u{1B}(B^\u{1B}$BB@O:\u{1B}(B"))
        XCTAssertFalse(NameCharacterRule.hasControlCharacter("../../etc"))
        XCTAssertFalse(NameCharacterRule.hasControlCharacter("李^洋"))
        XCTAssertEqual(NameCharacterRule.shown("a\u{0}b\u{7F}"), "a\u{2400}b\u{2421}")
    }

    func testDICOMDIRIsReadOnlyToTheEndOfItsRecords() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-dirbytes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        try TestInstance().write(tmp, "DICOM/IMG1")
        let scan = FileSetScanner(options: .init(root: tmp.path)).scan([tmp.appendingPathComponent("DICOM").path])
        try DICOMDIRBuilder(fileSetID: "T").write(scan.fileSet, to: tmp.appendingPathComponent("DICOMDIR").path)
        let original = try Array(Data(contentsOf: tmp.appendingPathComponent("DICOMDIR")))
        XCTAssertEqual(DICOMDIRBytes.sequenceEnd(original), Int64(original.count), "the record sequence is the last element")
        // 3 MiB after the records: not read, counted.
        try Data(original + element(0x0029, 0x1010, "OB", [UInt8](repeating: 1, count: 3 << 20))).write(to: tmp.appendingPathComponent("DICOMDIR"))
        let volume = try FolderVolume(root: tmp.path)
        let read = try DICOMDIRBytes.read(volume, "DICOMDIR")
        XCTAssertEqual(read.bytes, original)
        XCTAssertEqual(read.unreadAfterRecords, Int64(12 + (3 << 20)))
        XCTAssertFalse(read.cutAtLimit)
        // A limit below the records' end: cut there, and said so.
        let cut = try DICOMDIRBytes.read(volume, "DICOMDIR", limit: original.count - 10)
        XCTAssertEqual(cut.bytes, Array(original.prefix(original.count - 10)))
        XCTAssertTrue(cut.cutAtLimit)
    }
}
