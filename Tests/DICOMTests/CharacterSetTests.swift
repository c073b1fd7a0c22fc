import XCTest
import DICOM
import TestSupport

/// Specific Character Set (0008,0005): PS3.5 §6.1 and the examples of PS3.5 Annexes H, I, J.
///
/// Expected bytes come from the standard's examples (as stored in pydicom's charset test files
/// chrH31, chrH32, chrI2, chrX1, chrX2, chrArab, chrFren, chrGerm, chrGreek, chrHbrw, chrRuss,
/// chrJapMulti, chrKoreanMulti), from pydicom 3.0.2's encoder (Japanese, Korean, GBK, GB18030,
/// single-byte sets), and for ISO 2022 IR 58 from DCMTK 3.6.7 (`dcmdump +U8`), because pydicom
/// 3.0.2 cannot encode IR 58 and leaves the `ESC $ ) A` inside decoded names.
final class CharacterSetTests: XCTestCase {
    private let esc: UInt8 = 0x1B

    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }   // for the ASCII/escape parts

    private func assertRoundTrip(_ string: String, _ cs: SpecificCharacterSet, vr: VR = .PN,
                                 expected: [UInt8]? = nil, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let encoded = try cs.encode(string, vr: vr)
            if let expected {
                XCTAssertEqual(encoded, expected, "encoding \(string) with \(cs)", file: file, line: line)
            }
            XCTAssertEqual(cs.decode(encoded, vr: vr), string, "round trip with \(cs)", file: file, line: line)
        } catch {
            XCTFail("encoding \(string) with \(cs) threw \(error)", file: file, line: line)
        }
    }

    // MARK: Parsing the value of (0008,0005)

    func testParsingTerms() {
        XCTAssertEqual(SpecificCharacterSet("").terms, [])
        XCTAssertEqual(SpecificCharacterSet(""), .default)
        XCTAssertTrue(SpecificCharacterSet.default.isDefaultRepertoire)
        XCTAssertEqual(SpecificCharacterSet.default.description, "")
        XCTAssertTrue(SpecificCharacterSet("ISO_IR 6").isDefaultRepertoire)
        XCTAssertTrue(SpecificCharacterSet("ISO 2022 IR 6").isDefaultRepertoire)
        XCTAssertFalse(SpecificCharacterSet("ISO_IR 100").isDefaultRepertoire)

        let jp = SpecificCharacterSet("\\ISO 2022 IR 87 ")
        XCTAssertEqual(jp.terms, ["", "ISO 2022 IR 87"])
        XCTAssertEqual(jp.description, "\\ISO 2022 IR 87")
        XCTAssertEqual(jp.unknownTerms, [])
        XCTAssertEqual(SpecificCharacterSet(terms: ["ISO 2022 IR 6", "ISO 2022 IR 58"]).description,
                       "ISO 2022 IR 6\\ISO 2022 IR 58")
        XCTAssertEqual(SpecificCharacterSet("ISO 2022 IR 13\\ISO 2022 IR 87"),
                       SpecificCharacterSet(terms: ["ISO 2022 IR 13", "ISO 2022 IR 87"]))
    }

    func testLenientTermsAndUnknownTerms() {
        // Misspellings seen in the wild are mapped to the defined terms.
        XCTAssertEqual(SpecificCharacterSet("ISO-IR 100").terms, ["ISO_IR 100"])
        XCTAssertEqual(SpecificCharacterSet("ISO_IR100").terms, ["ISO_IR 100"])
        XCTAssertEqual(SpecificCharacterSet("iso 2022 ir 87").terms, ["ISO 2022 IR 87"])
        XCTAssertEqual(SpecificCharacterSet("ISO IR 192").terms, ["ISO_IR 192"])
        XCTAssertEqual(SpecificCharacterSet("ISO-IR 100").decode([0xE9], vr: .LO), "é")

        // Unknown terms are recorded and ignored; the known ones still work.
        let cs = SpecificCharacterSet("ISO_IR 999\\ISO 2022 IR 87")
        XCTAssertEqual(cs.unknownTerms, ["ISO_IR 999"])
        XCTAssertFalse(cs.isDefaultRepertoire)
        let yamada: [UInt8] = [esc] + bytes("$B;3ED") + [esc] + bytes("(B")
        XCTAssertEqual(cs.decode(yamada, vr: .PN), "山田")
        let onlyUnknown = SpecificCharacterSet("KLINGON")
        XCTAssertEqual(onlyUnknown.unknownTerms, ["KLINGON"])
        XCTAssertEqual(onlyUnknown.decode(bytes("Smith^John "), vr: .PN), "Smith^John")
    }

    // MARK: PS3.5 Annex H — Japanese

    /// H.3.1: "\ISO 2022 IR 87", Yamada^Tarou=山田^太郎=やまだ^たろう.
    static let annexH1: [UInt8] = [
        0x59, 0x61, 0x6D, 0x61, 0x64, 0x61, 0x5E, 0x54, 0x61, 0x72, 0x6F, 0x75, 0x3D,
        0x1B, 0x24, 0x42, 0x3B, 0x33, 0x45, 0x44, 0x1B, 0x28, 0x42, 0x5E,
        0x1B, 0x24, 0x42, 0x42, 0x40, 0x4F, 0x3A, 0x1B, 0x28, 0x42, 0x3D,
        0x1B, 0x24, 0x42, 0x24, 0x64, 0x24, 0x5E, 0x24, 0x40, 0x1B, 0x28, 0x42, 0x5E,
        0x1B, 0x24, 0x42, 0x24, 0x3F, 0x24, 0x6D, 0x24, 0x26, 0x1B, 0x28, 0x42,
    ]

    func testAnnexH_IR87() throws {
        let cs = SpecificCharacterSet("\\ISO 2022 IR 87")
        let name = "Yamada^Tarou=山田^太郎=やまだ^たろう"
        XCTAssertEqual(cs.decode(Self.annexH1, vr: .PN), name)
        XCTAssertEqual(cs.decode(Self.annexH1 + [0x20], vr: .PN), name, "trailing padding")
        XCTAssertEqual(try cs.encode(name, vr: .PN), Self.annexH1)
        // "やまだ" holds 0x5E ('^') as the second byte of ま: it must not end the component.
        XCTAssertEqual(cs.decode([esc] + bytes("$B$d$^$@") + [esc] + bytes("(B"), vr: .PN), "やまだ")
    }

    /// H.3.2: "ISO 2022 IR 13\ISO 2022 IR 87": half-width katakana in G1 with no escape,
    /// and back to JIS X 0201 Romaji (ESC ( J) before delimiters.
    func testAnnexH_IR13_IR87() throws {
        let stored: [UInt8] = [
            0xD4, 0xCF, 0xC0, 0xDE, 0x5E, 0xC0, 0xDB, 0xB3, 0x3D,
            0x1B, 0x24, 0x42, 0x3B, 0x33, 0x45, 0x44, 0x1B, 0x28, 0x4A, 0x5E,
            0x1B, 0x24, 0x42, 0x42, 0x40, 0x4F, 0x3A, 0x1B, 0x28, 0x4A, 0x3D,
            0x1B, 0x24, 0x42, 0x24, 0x64, 0x24, 0x5E, 0x24, 0x40, 0x1B, 0x28, 0x4A, 0x5E,
            0x1B, 0x24, 0x42, 0x24, 0x3F, 0x24, 0x6D, 0x24, 0x26, 0x1B, 0x28, 0x4A,
        ]
        let cs = SpecificCharacterSet("ISO 2022 IR 13\\ISO 2022 IR 87")
        let name = "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"
        XCTAssertEqual(cs.decode(stored, vr: .PN), name)
        XCTAssertEqual(try cs.encode(name, vr: .PN), stored)
    }

    /// pydicom's chrJapMulti.dcm: a multi-valued PN, and an LT.
    func testJapaneseMultiValue() throws {
        let cs = SpecificCharacterSet("\\ISO 2022 IR 87")
        let one: [UInt8] = [esc] + bytes("$B$d$^$@") + [esc] + bytes("(B^") + [esc] + bytes("$B$?$m$&") + [esc] + bytes("(B")
        let two = one + [0x5C] + one + [0x20]
        XCTAssertEqual(cs.decode(two, vr: .PN), "やまだ^たろう\\やまだ^たろう")
        XCTAssertEqual(try cs.encode("やまだ^たろう\\やまだ^たろう", vr: .PN), one + [0x5C] + one)
        XCTAssertEqual(cs.decode([esc] + bytes("$B$?$m$&") + [esc] + bytes("(B"), vr: .LT), "たろう")
    }

    /// Cross-checked with pydicom 3.0.2: other names, and a line break inside LT text.
    func testJapaneseCrossCheckedWithPydicom() {
        let cs = SpecificCharacterSet("\\ISO 2022 IR 87")
        assertRoundTrip("佐藤^花子", cs, expected: [
            0x1B, 0x24, 0x42, 0x3A, 0x34, 0x46, 0x23, 0x1B, 0x28, 0x42, 0x5E,
            0x1B, 0x24, 0x42, 0x32, 0x56, 0x3B, 0x52, 0x1B, 0x28, 0x42])
        assertRoundTrip("東京\r\n大阪", cs, vr: .LT, expected: [
            0x1B, 0x24, 0x42, 0x45, 0x6C, 0x35, 0x7E, 0x1B, 0x28, 0x42, 0x0D, 0x0A,
            0x1B, 0x24, 0x42, 0x42, 0x67, 0x3A, 0x65, 0x1B, 0x28, 0x42])
        // ASCII in the middle of a kanji run switches G0 back to ASCII.
        assertRoundTrip("山田 Tarou", cs, vr: .LO, expected:
            [esc] + bytes("$B;3ED") + [esc] + bytes("(B Tarou"))
    }

    /// JIS X 0212 (ISO 2022 IR 159) in G0 with ESC $ ( D; pydicom 3.0.2 cannot encode it
    /// (it writes '?'); bytes from Python's iso2022_jp_2 codec.
    func testJISX0212() {
        let cs = SpecificCharacterSet("\\ISO 2022 IR 87\\ISO 2022 IR 159")
        let stored: [UInt8] = [esc] + bytes("$B>h") + [esc] + bytes("$(D0!eu") + [esc] + bytes("(B")
        XCTAssertEqual(cs.decode(stored, vr: .LO), "乗丂鑫")
        assertRoundTrip("乗丂鑫", cs, vr: .LO, expected: stored)
        // Without IR 159 in the terms, 丂 cannot be written.
        XCTAssertThrowsError(try SpecificCharacterSet("\\ISO 2022 IR 87").encode("丂", vr: .LO))
    }

    func testIR13Alone() throws {
        let cs = SpecificCharacterSet("ISO_IR 13")
        XCTAssertEqual(cs.decode([0xD4, 0xCF, 0xC0, 0xDE, 0x5E, 0xC0, 0xDB, 0xB3], vr: .PN), "ﾔﾏﾀﾞ^ﾀﾛｳ")
        XCTAssertEqual(try cs.encode("ﾔﾏﾀﾞ^ﾀﾛｳ", vr: .PN), [0xD4, 0xCF, 0xC0, 0xDE, 0x5E, 0xC0, 0xDB, 0xB3])
        XCTAssertThrowsError(try cs.encode("山", vr: .PN))   // no code extensions: no kanji
    }

    // MARK: PS3.5 Annex I — Korean

    static let annexI: [UInt8] = [
        0x48, 0x6F, 0x6E, 0x67, 0x5E, 0x47, 0x69, 0x6C, 0x64, 0x6F, 0x6E, 0x67, 0x3D,
        0x1B, 0x24, 0x29, 0x43, 0xFB, 0xF3, 0x5E, 0x1B, 0x24, 0x29, 0x43, 0xD1, 0xCE, 0xD4, 0xD7, 0x3D,
        0x1B, 0x24, 0x29, 0x43, 0xC8, 0xAB, 0x5E, 0x1B, 0x24, 0x29, 0x43, 0xB1, 0xE6, 0xB5, 0xBF,
    ]

    func testAnnexI_IR149() throws {
        let cs = SpecificCharacterSet("\\ISO 2022 IR 149")
        let name = "Hong^Gildong=洪^吉洞=홍^길동"
        XCTAssertEqual(cs.decode(Self.annexI, vr: .PN), name)
        XCTAssertEqual(try cs.encode(name, vr: .PN), Self.annexI)
        assertRoundTrip("김^민준", cs, expected: [
            0x1B, 0x24, 0x29, 0x43, 0xB1, 0xE8, 0x5E, 0x1B, 0x24, 0x29, 0x43, 0xB9, 0xCE, 0xC1, 0xD8])
    }

    /// pydicom's chrKoreanMulti.dcm: the writer also emitted ESC ( B; multi-valued PN.
    func testKoreanMulti() {
        let cs = SpecificCharacterSet("\\ISO 2022 IR 149")
        let one: [UInt8] = [0x1B, 0x24, 0x29, 0x43, 0xB1, 0xE8, 0xC8, 0xF1, 0xC1, 0xDF, 0x1B, 0x28, 0x42]
        XCTAssertEqual(cs.decode(one + [0x20], vr: .PN), "김희중")
        XCTAssertEqual(cs.decode(one + [0x5C] + one + [0x20], vr: .PN), "김희중\\김희중")
        XCTAssertEqual(cs.decode(one + [0x20], vr: .LT), "김희중")
        // High bytes with the escape sequence omitted: read with the terms' G1 set.
        XCTAssertEqual(cs.decode([0xB1, 0xE8, 0xC8, 0xF1, 0xC1, 0xDF], vr: .PN), "김희중")
    }

    // MARK: PS3.5 Annex J — Chinese

    func testAnnexJ_UTF8() throws {
        let stored: [UInt8] = bytes("Wang^XiaoDong=") + [0xE7, 0x8E, 0x8B, 0x5E, 0xE5, 0xB0, 0x8F, 0xE6, 0x9D, 0xB1, 0x3D]
        let cs = SpecificCharacterSet("ISO_IR 192")
        XCTAssertEqual(cs.decode(stored, vr: .PN), "Wang^XiaoDong=王^小東=")
        XCTAssertEqual(try cs.encode("Wang^XiaoDong=王^小東=", vr: .PN), stored)
    }

    func testAnnexJ_GB18030() throws {
        // The standard's GB18030 example stores 小东 (simplified), unlike its UTF-8 example.
        let stored: [UInt8] = bytes("Wang^XiaoDong=") + [0xCD, 0xF5, 0x5E, 0xD0, 0xA1, 0xB6, 0xAB, 0x3D]
        let cs = SpecificCharacterSet("GB18030")
        XCTAssertEqual(cs.decode(stored, vr: .PN), "Wang^XiaoDong=王^小东=")
        XCTAssertEqual(try cs.encode("Wang^XiaoDong=王^小东=", vr: .PN), stored)
        // pydicom 3.0.2: 東 (traditional) is the GBK-range pair 96 7C.
        assertRoundTrip("Wang^XiaoDong=王^小東=", cs, expected:
            bytes("Wang^XiaoDong=") + [0xCD, 0xF5, 0x5E, 0xD0, 0xA1, 0x96, 0x7C, 0x3D])
    }

    /// J.3: "ISO 2022 IR 6\ISO 2022 IR 58" (here "\ISO 2022 IR 58"): GB 2312 in G1 with
    /// ESC $ ) A, designated again after each delimiter. Checked against DCMTK 3.6.7;
    /// pydicom 3.0.2 cannot encode IR 58 and keeps the escape sequence in decoded names (bug).
    func testAnnexJ_IR58() throws {
        let stored: [UInt8] = bytes("Zhang^XiaoDong=") +
            [0x1B, 0x24, 0x29, 0x41, 0xD5, 0xC5, 0x5E, 0x1B, 0x24, 0x29, 0x41, 0xD0, 0xA1, 0xB6, 0xAB, 0x3D]
        for raw in ["\\ISO 2022 IR 58", "ISO 2022 IR 6\\ISO 2022 IR 58"] {
            let cs = SpecificCharacterSet(raw)
            XCTAssertEqual(cs.decode(stored, vr: .PN), "Zhang^XiaoDong=张^小东=")
            XCTAssertEqual(try cs.encode("Zhang^XiaoDong=张^小东=", vr: .PN), stored)
        }
        // Multi-valued LO (DCMTK: 张三\李四).
        let lo: [UInt8] = [0x1B, 0x24, 0x29, 0x41, 0xD5, 0xC5, 0xC8, 0xFD, 0x5C, 0x1B, 0x24, 0x29, 0x41, 0xC0, 0xEE, 0xCB, 0xC4]
        XCTAssertEqual(SpecificCharacterSet("\\ISO 2022 IR 58").decode(lo, vr: .LO), "张三\\李四")
        XCTAssertEqual(try SpecificCharacterSet("\\ISO 2022 IR 58").encode("张三\\李四", vr: .LO), lo)
    }

    // MARK: Chinese round trips, including GBK trail bytes 0x5C '\' and 0x5E '^'

    func testChineseRoundTrips() {
        let gb18030 = SpecificCharacterSet("GB18030")
        let gbk = SpecificCharacterSet("GBK")
        let ir58 = SpecificCharacterSet("\\ISO 2022 IR 58")
        for name in ["王^小东", "张三", "欧阳^娜娜", "Zhang^San=张^三=", "李四\r\n第二行"] {
            let vr: VR = name.contains("\r") ? .LT : .PN
            assertRoundTrip(name, gb18030, vr: vr)
            assertRoundTrip(name, gbk, vr: vr)
            assertRoundTrip(name, ir58, vr: vr)
        }
        assertRoundTrip("欧阳^娜娜", gbk, expected: [0xC5, 0xB7, 0xD1, 0xF4, 0x5E, 0xC4, 0xC8, 0xC4, 0xC8])
        assertRoundTrip("欧阳^娜娜", ir58, expected: [
            0x1B, 0x24, 0x29, 0x41, 0xC5, 0xB7, 0xD1, 0xF4, 0x5E, 0x1B, 0x24, 0x29, 0x41, 0xC4, 0xC8, 0xC4, 0xC8])
    }

    /// 乗 = 81 5C and 俓 = 82 5C, 乛 = 81 5E in GBK/GB18030 (pydicom 3.0.2): the trail byte is
    /// '\' or '^' and must not split the character.
    func testGBKTrailBytesBackslashAndCaret() throws {
        let gbk = SpecificCharacterSet("GBK")
        let stored: [UInt8] = [0x81, 0x5C, 0x82, 0x5C, 0x5E, 0x81, 0x5E]
        XCTAssertEqual(gbk.decode(stored, vr: .PN), "乗俓^乛")
        XCTAssertEqual(try gbk.encode("乗俓^乛", vr: .PN), stored)
        XCTAssertEqual(gbk.decode([0x81, 0x40], vr: .PN), "丂")

        let gb18030 = SpecificCharacterSet("GB18030")
        let multi: [UInt8] = [0x81, 0x5C, 0x5C, 0xD5, 0xC5, 0xC8, 0xFD, 0x20]
        let decoded = gb18030.decode(multi, vr: .LO)
        XCTAssertEqual(decoded, "乗\\张三")
        XCTAssertEqual(decoded.split(separator: "\\"), ["乗", "张三"])
        XCTAssertEqual(try gb18030.encode("乗\\张三", vr: .LO), Array(multi.dropLast()))
        // Components split after decoding.
        XCTAssertEqual(gbk.decode(stored, vr: .PN).split(separator: "^"), ["乗俓", "乛"])
    }

    func testGB18030FourByteAndGBKLimits() throws {
        let gb18030 = SpecificCharacterSet("GB18030")
        // pydicom 3.0.2: 😀 = 94 39 FC 36, 𠀀 = 95 32 82 36, € = A2 E3.
        assertRoundTrip("😀𠀀€", gb18030, vr: .LO, expected: [0x94, 0x39, 0xFC, 0x36, 0x95, 0x32, 0x82, 0x36, 0xA2, 0xE3])
        XCTAssertThrowsError(try SpecificCharacterSet("GBK").encode("😀", vr: .LO)) { error in
            guard case CharacterSetError.unrepresentable(let c, let cs, let vr)? = error as? CharacterSetError else {
                return XCTFail("wrong error \(error)")
            }
            XCTAssertEqual(c, "😀"); XCTAssertEqual(cs, "GBK"); XCTAssertEqual(vr, .LO)
        }
        XCTAssertThrowsError(try SpecificCharacterSet("\\ISO 2022 IR 58").encode("乗", vr: .LO))
    }

    // MARK: Single-byte sets (pydicom's charset files and encoder)

    func testSingleByteSets() {
        let cases: [(String, String, [UInt8])] = [
            ("ISO_IR 100", "Buc^Jérôme", [0x42, 0x75, 0x63, 0x5E, 0x4A, 0xE9, 0x72, 0xF4, 0x6D, 0x65]),
            ("ISO_IR 100", "Äneas^Rüdiger", [0xC4, 0x6E, 0x65, 0x61, 0x73, 0x5E, 0x52, 0xFC, 0x64, 0x69, 0x67, 0x65, 0x72]),
            ("ISO_IR 126", "Διονυσιος", [0xC4, 0xE9, 0xEF, 0xED, 0xF5, 0xF3, 0xE9, 0xEF, 0xF2]),
            ("ISO_IR 144", "Люкceмбypг", [0xBB, 0xEE, 0xDA, 0x63, 0x65, 0xDC, 0xD1, 0x79, 0x70, 0xD3]),
            ("ISO_IR 127", "قباني^لنزار", [0xE2, 0xC8, 0xC7, 0xE6, 0xEA, 0x5E, 0xE4, 0xE6, 0xD2, 0xC7, 0xD1]),
            ("ISO_IR 138", "שרון^דבורה", [0xF9, 0xF8, 0xE5, 0xEF, 0x5E, 0xE3, 0xE1, 0xE5, 0xF8, 0xE4]),
            ("ISO_IR 166", "ภาษาไทย", [0xC0, 0xD2, 0xC9, 0xD2, 0xE4, 0xB7, 0xC2]),
            ("ISO_IR 101", "Dvořák", [0x44, 0x76, 0x6F, 0xF8, 0xE1, 0x6B]),
            ("ISO_IR 109", "ĦĜ", [0xA1, 0xD8]),
            ("ISO_IR 110", "ĀĶ", [0xC0, 0xD3]),
            ("ISO_IR 148", "Işık", [0x49, 0xFE, 0xFD, 0x6B]),
            ("ISO_IR 203", "€œŸ", [0xA4, 0xBD, 0xBE]),
        ]
        for (term, text, stored) in cases {
            let cs = SpecificCharacterSet(term)
            XCTAssertEqual(cs.decode(stored, vr: .PN), text, term)
            assertRoundTrip(text, cs, expected: stored)
            // The same set with code extensions is designated in G1 by value 1: no escapes.
            let ext = SpecificCharacterSet("ISO 2022 IR " + term.dropFirst("ISO_IR ".count))
            assertRoundTrip(text, ext, expected: stored)
        }
        XCTAssertThrowsError(try SpecificCharacterSet("ISO_IR 100").encode("山田", vr: .PN))
        XCTAssertThrowsError(try SpecificCharacterSet("ISO_IR 126").encode("é", vr: .PN))
    }

    /// ISO 2022 single-byte sets switched with ESC - F, and back to value 1's G1 at delimiters.
    func testSingleByteCodeExtensions() throws {
        let cs = SpecificCharacterSet("ISO 2022 IR 100\\ISO 2022 IR 144\\ISO 2022 IR 126")
        let text = "Jérôme^Иван=Δ"
        let expected: [UInt8] = [0x4A, 0xE9, 0x72, 0xF4, 0x6D, 0x65, 0x5E,    // Latin-1 is value 1's G1
                                 esc, 0x2D, 0x4C, 0xB8, 0xD2, 0xD0, 0xDD,     // ESC - L Иван
                                 esc, 0x2D, 0x41, 0x3D,                       // back to ESC - A before '='
                                 esc, 0x2D, 0x46, 0xC4,                       // ESC - F Δ
                                 esc, 0x2D, 0x41]                             // and at the end
        let encoded = try cs.encode(text, vr: .PN)
        XCTAssertEqual(encoded, expected)
        XCTAssertEqual(cs.decode(encoded, vr: .PN), text)
        // A line break resets G1 to value 1's set even if the writer did not switch back.
        let lt: [UInt8] = [esc, 0x2D, 0x4C, 0xB8, 0x0D, 0x0A, 0xE9]
        XCTAssertEqual(cs.decode(lt, vr: .LT), "И\r\né")
        // Without the reset the é byte would be read as Cyrillic щ.
        XCTAssertEqual(cs.decode([esc, 0x2D, 0x4C, 0xB8, 0xE9], vr: .LT), "Ищ")
    }

    // MARK: Defaults, fallbacks and robustness

    func testDefaultRepertoireAndFallbacks() throws {
        let def = SpecificCharacterSet.default
        XCTAssertEqual(def.decode(bytes("Smith^John  "), vr: .PN), "Smith^John")
        XCTAssertEqual(def.decode(bytes(" leading kept\0"), vr: .LT), " leading kept")
        XCTAssertEqual(def.decode([0x4A, 0xE9], vr: .PN), "Jé", "Latin-1 fallback for undeclared bytes")
        XCTAssertThrowsError(try def.encode("Jé", vr: .PN)) { error in
            XCTAssertTrue("\(error)".contains("ISO_IR 192"), "\(error)")
        }
        XCTAssertEqual(try def.encode("Smith^John", vr: .PN), bytes("Smith^John"))
        // VRs outside Specific Character Set: default repertoire only.
        let utf8 = SpecificCharacterSet("ISO_IR 192")
        XCTAssertThrowsError(try utf8.encode("ÄB", vr: .CS)) { error in
            guard case CharacterSetError.defaultRepertoireOnly(_, .CS)? = error as? CharacterSetError else {
                return XCTFail("wrong error \(error)")
            }
        }
        XCTAssertEqual(try utf8.encode("ORIGINAL\\PRIMARY", vr: .CS), bytes("ORIGINAL\\PRIMARY"))
        // Non-contiguous collections work too.
        XCTAssertEqual(utf8.decode([0xE7, 0x8E, 0x8B].lazy.map { $0 }, vr: .PN), "王")
        XCTAssertEqual(utf8.decode(ArraySlice([0x41, 0xE7, 0x8E, 0x8B]).dropFirst(), vr: .PN), "王")
    }

    func testInvalidBytesBecomeReplacementCharacters() {
        XCTAssertEqual(SpecificCharacterSet("ISO_IR 192").decode([0x41, 0xFF, 0x42], vr: .LO), "A\u{FFFD}B")
        XCTAssertEqual(SpecificCharacterSet("GB18030").decode([0x41, 0x81], vr: .LO), "A\u{FFFD}")
        XCTAssertEqual(SpecificCharacterSet("GBK").decode([0x41, 0xFF, 0x42], vr: .LO), "A\u{FFFD}B")
        XCTAssertEqual(SpecificCharacterSet("\\ISO 2022 IR 87").decode([esc, 0x24, 0x42, 0x3B], vr: .PN), "\u{FFFD}")
        XCTAssertEqual(SpecificCharacterSet("\\ISO 2022 IR 149").decode([esc, 0x24, 0x29, 0x43, 0xB1], vr: .PN), "\u{FFFD}")
        XCTAssertEqual(SpecificCharacterSet("ISO_IR 127").decode([0xA1], vr: .LO), "\u{FFFD}", "undefined in ISO 8859-6")
        // Unknown and truncated escape sequences are dropped.
        XCTAssertEqual(SpecificCharacterSet("\\ISO 2022 IR 87").decode([0x41, esc, 0x24, 0x29, 0x5A, 0x42], vr: .LO), "AB")
        XCTAssertEqual(SpecificCharacterSet("\\ISO 2022 IR 87").decode([0x41, esc], vr: .LO), "A")
    }

    func testRandomBytesNeverTrap() {
        var rng = SeededRandom(defaultSeed: 0xC5_2024, label: "CharacterSetTests.testRandomBytesNeverTrap")
        let sets = ["", "ISO_IR 100", "ISO_IR 166", "ISO_IR 13", "ISO_IR 192", "GB18030", "GBK",
                    "\\ISO 2022 IR 87\\ISO 2022 IR 159", "ISO 2022 IR 13\\ISO 2022 IR 87",
                    "\\ISO 2022 IR 149", "\\ISO 2022 IR 58", "ISO 2022 IR 100\\ISO 2022 IR 126"]
        let pool: [UInt8] = [0x1B, 0x24, 0x28, 0x29, 0x2D, 0x41, 0x42, 0x43, 0x44, 0x49, 0x4A, 0x5C, 0x5E, 0x3D, 0x0D, 0x20]
        for term in sets {
            let cs = SpecificCharacterSet(term)
            for _ in 0..<300 {
                let count = Int.random(in: 0...24, using: &rng)
                let value: [UInt8] = (0..<count).map { _ in
                    Bool.random(using: &rng) ? pool.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
                }
                for vr in [VR.PN, .LO, .LT] { _ = cs.decode(value, vr: vr) }
            }
        }
    }

    func testEncodingErrorsSayWhatToDo() {
        XCTAssertThrowsError(try SpecificCharacterSet("ISO_IR 100").encode("山", vr: .PN)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("U+5C71"), text)
            XCTAssertTrue(text.contains("ISO_IR 100"), text)
            XCTAssertTrue(text.contains("ISO_IR 192"), text)
        }
        XCTAssertThrowsError(try SpecificCharacterSet("\\ISO 2022 IR 87").encode("a\u{1B}b", vr: .LO)) { error in
            guard case CharacterSetError.forbiddenControlCharacter? = error as? CharacterSetError else {
                return XCTFail("wrong error \(error)")
            }
        }
    }

    func testSuggested() {
        XCTAssertEqual(SpecificCharacterSet.suggested(for: ["Smith^John", "CT HEAD"]), .default)
        XCTAssertEqual(SpecificCharacterSet.suggested(for: []).description, "")
        XCTAssertEqual(SpecificCharacterSet.suggested(for: ["Buc^Jérôme"]).description, "ISO_IR 192")
        XCTAssertEqual(SpecificCharacterSet.suggested(for: ["A", "王^小东"]).description, "ISO_IR 192")
    }

    func testConcurrentDecoding() async {
        let cs = SpecificCharacterSet("\\ISO 2022 IR 149")
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<500).allSatisfy { _ in cs.decode(Self.annexI, vr: .PN) == "Hong^Gildong=洪^吉洞=홍^길동" }
                }
            }
            for await ok in group { XCTAssertTrue(ok) }
        }
    }
}
