import XCTest
import Foundation
import DICOM
import TestSupport

final class DICOMDateTests: XCTestCase {
    func testParsesYYYYMMDD() throws {
        let d = try XCTUnwrap(DICOMDate("19930822"))
        XCTAssertEqual([d.year, d.month, d.day], [1993, 8, 22])
        XCTAssertEqual(d.dicomString, "19930822")
        XCTAssertEqual(d.description, "1993-08-22")
        XCTAssertEqual(DICOMDate("20240131 ")?.day, 31)   // trailing pad
        XCTAssertEqual(DICOMDate(" 20240131\0")?.day, 31)
    }

    func testLenientACRNEMA() {
        XCTAssertEqual(DICOMDate("1993.08.22"), DICOMDate("19930822"))
        XCTAssertNil(DICOMDate("1993-08-22"))
        XCTAssertNil(DICOMDate("1993.0822."))
    }

    func testLeapYears() {
        XCTAssertNotNil(DICOMDate("20240229"))
        XCTAssertNotNil(DICOMDate("20000229"))   // divisible by 400
        XCTAssertNil(DICOMDate("19000229"))      // century, not by 400
        XCTAssertNil(DICOMDate("20230229"))
        XCTAssertNil(DICOMDate("20240230"))
        XCTAssertTrue(DICOMDate.isLeapYear(2024))
        XCTAssertFalse(DICOMDate.isLeapYear(2100))
    }

    func testBadDates() {
        for s in ["", "2024", "202401", "2024013", "202401011", "20241301", "20240001",
                  "20240100", "20240431", "00000000", "2024O101", "+2024010", "2024 101"] {
            XCTAssertNil(DICOMDate(s), s)
        }
        XCTAssertNotNil(DICOMDate("20241231"))
        XCTAssertNotNil(DICOMDate("00010101"))
    }

    func testOrderingAndFoundation() throws {
        XCTAssertLessThan(DICOMDate("20231231")!, DICOMDate("20240101")!)
        let d = try XCTUnwrap(DICOMDate("20240229"))
        let date = try XCTUnwrap(d.date())
        XCTAssertEqual(date.timeIntervalSince1970, 1_709_164_800)
        XCTAssertEqual(DICOMDate(date), d)
        XCTAssertEqual(d.dateComponents.month, 2)
    }

    func testRanges() throws {
        let r = try XCTUnwrap(DICOMDateRange("20240101-20241231"))
        XCTAssertTrue(r.contains(DICOMDate("20240615")!))
        XCTAssertTrue(r.contains(DICOMDate("20241231")!))
        XCTAssertFalse(r.contains(DICOMDate("20250101")!))
        let before = try XCTUnwrap(DICOMDateRange("-20240101"))
        XCTAssertNil(before.lower)
        XCTAssertTrue(before.contains(DICOMDate("19000101")!))
        XCTAssertFalse(before.contains(DICOMDate("20240102")!))
        let after = try XCTUnwrap(DICOMDateRange("20240101- "))
        XCTAssertNil(after.upper)
        XCTAssertEqual(after.dicomString, "20240101-")
        XCTAssertEqual(DICOMDateRange("20240101")?.dicomString, "20240101-20240101")
        XCTAssertNil(DICOMDateRange("-"))
        XCTAssertNil(DICOMDateRange(""))
        XCTAssertNil(DICOMDateRange("20241231-20240101"))   // reversed
        XCTAssertNil(DICOMDateRange("20240101-2024"))
        XCTAssertNil(DICOMDateRange("20240101-20240102-20240103"))
    }
}

final class DICOMTimeTests: XCTestCase {
    func testPrecisions() throws {
        let h = try XCTUnwrap(DICOMTime("07"))
        XCTAssertEqual(h.precision, .hour); XCTAssertEqual(h.dicomString, "07")
        let hm = try XCTUnwrap(DICOMTime("1430"))
        XCTAssertEqual(hm.precision, .minute); XCTAssertEqual(hm.minute, 30); XCTAssertEqual(hm.dicomString, "1430")
        let hms = try XCTUnwrap(DICOMTime("235960"))   // leap second
        XCTAssertEqual(hms.second, 60); XCTAssertEqual(hms.precision, .second)
        let f = try XCTUnwrap(DICOMTime("070907.0705 "))
        XCTAssertEqual(f.microsecond, 70_500); XCTAssertEqual(f.fractionDigits, 4)
        XCTAssertEqual(f.dicomString, "070907.0705")
        XCTAssertEqual(DICOMTime("000000.000001")?.microsecond, 1)
        XCTAssertEqual(DICOMTime("120000.5")?.microsecond, 500_000)
        XCTAssertEqual(DICOMTime("120000.5")?.description, "12:00:00.5")
    }

    func testLenientColons() {
        XCTAssertEqual(DICOMTime("14:30:05")?.dicomString, "143005")
        XCTAssertEqual(DICOMTime("14:30")?.dicomString, "1430")
        XCTAssertEqual(DICOMTime("14:30:05.25")?.microsecond, 250_000)
        XCTAssertNil(DICOMTime("14:3005"))
    }

    func testBadTimes() {
        for s in ["", "7", "123", "12345", "240000", "1260", "126000", "120061", "120000.1234567",
                  "12a000", "120000,5", "-10000", "12:60"] {
            XCTAssertNil(DICOMTime(s), s)
        }
        XCTAssertNotNil(DICOMTime("235959.999999"))
        XCTAssertNotNil(DICOMTime("00"))
    }

    func testOrdering() {
        XCTAssertLessThan(DICOMTime("0959")!, DICOMTime("1000")!)
        XCTAssertLessThan(DICOMTime("10")!, DICOMTime("1000")!)   // same instant, coarser first
        XCTAssertNotEqual(DICOMTime("10"), DICOMTime("1000"))
    }
}

final class DICOMDateTimeTests: XCTestCase {
    func testFullWithOffset() throws {
        let dt = try XCTUnwrap(DICOMDateTime("20240229134501.123456+0900"))
        XCTAssertEqual(dt.precision, .fraction)
        XCTAssertEqual([dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond],
                       [2024, 2, 29, 13, 45, 1, 123_456])
        XCTAssertEqual(dt.utcOffsetMinutes, 540)
        XCTAssertEqual(dt.dicomString, "20240229134501.123456+0900")
        XCTAssertEqual(dt.date, DICOMDate("20240229"))
        XCTAssertEqual(dt.time?.dicomString, "134501.123456")
        let instant = try XCTUnwrap(dt.foundationDate())
        // 13:45:01.123456 at +09:00 is 04:45:01.123456 UTC.
        XCTAssertEqual(instant.timeIntervalSince1970, 1_709_181_901.123456, accuracy: 1e-5)
    }

    func testNegativeOffsetAndPrecision() throws {
        let dt = try XCTUnwrap(DICOMDateTime("199308-0500"))
        XCTAssertEqual(dt.precision, .month)
        XCTAssertEqual(dt.utcOffsetMinutes, -300)
        XCTAssertNil(dt.date)
        XCTAssertEqual(dt.dicomString, "199308-0500")
        XCTAssertEqual(DICOMDateTime("2024")?.precision, .year)
        XCTAssertEqual(DICOMDateTime("2024")?.dicomString, "2024")
        XCTAssertEqual(DICOMDateTime("2024010112")?.precision, .hour)
        XCTAssertEqual(DICOMDateTime("202401011230")?.dicomString, "202401011230")
        XCTAssertEqual(DICOMDateTime("20240101123000.5")?.fractionDigits, 1)
        XCTAssertEqual(DICOMDateTime("20240101+1400")?.utcOffsetMinutes, 840)
        XCTAssertEqual(DICOMDateTime("20240101-1200")?.utcOffsetMinutes, -720)
    }

    func testBadDateTimes() {
        for s in ["", "202", "20241", "20241301", "20240230", "2024010125", "20240101+0960",
                  "20240101+1401", "20240101-1201", "20240101+09", "2024-01-01", "20240101123000.1234567",
                  "20240101123", "20240101+0900+0100"] {
            XCTAssertNil(DICOMDateTime(s), s)
        }
    }

    func testCombineDateAndTime() {
        let dt = DICOMDateTime(date: DICOMDate("20240101")!, time: DICOMTime("0930"), utcOffsetMinutes: 60)
        XCTAssertEqual(dt.dicomString, "202401010930+0100")
        XCTAssertEqual(DICOMDateTime(date: DICOMDate("20240101")!, time: nil).dicomString, "20240101")
    }
}

final class PersonNameTests: XCTestCase {
    func testThreeGroups() {
        let pn = PersonName("Yamada^Tarou=山田^太郎=やまだ^たろう")
        XCTAssertEqual(pn.alphabetic.familyName, "Yamada")
        XCTAssertEqual(pn.alphabetic.givenName, "Tarou")
        XCTAssertEqual(pn.ideographic.familyName, "山田")
        XCTAssertEqual(pn.ideographic.givenName, "太郎")
        XCTAssertEqual(pn.phonetic.familyName, "やまだ")
        XCTAssertEqual(pn.phonetic.givenName, "たろう")
        XCTAssertEqual(pn.dicomString, "Yamada^Tarou=山田^太郎=やまだ^たろう")
        XCTAssertEqual(pn.formatted, "Yamada Tarou")
        XCTAssertEqual(pn.formatted(preferring: [.ideographic]), "山田太郎")
        XCTAssertEqual(pn.formatted(preferring: [.phonetic]), "やまだたろう")
    }

    func testTrailingEmptyGroupDropped() {
        let pn = PersonName("Wang^XiaoDong=王^小東=")
        XCTAssertEqual(pn.alphabetic.givenName, "XiaoDong")
        XCTAssertEqual(pn.ideographic.givenName, "小東")
        XCTAssertTrue(pn.phonetic.isEmpty)
        XCTAssertEqual(pn.dicomString, "Wang^XiaoDong=王^小東")
        XCTAssertEqual(pn.ideographic.formatted, "王小東")
    }

    func testEmptyLeadingGroupKept() {
        let pn = PersonName("=王^小東")
        XCTAssertTrue(pn.alphabetic.isEmpty)
        XCTAssertEqual(pn.ideographic.familyName, "王")
        XCTAssertEqual(pn.dicomString, "=王^小東")
        XCTAssertEqual(pn.formatted, "王小東")     // falls back to the ideographic group
        XCTAssertEqual(PersonName("==やまだ^たろう").dicomString, "==やまだ^たろう")
    }

    func testAllComponentsAndTrailingEmptyComponents() {
        let pn = PersonName("Adams^John Robert Quincy^^Rev.^B.A. M.Div.")
        XCTAssertEqual(pn.alphabetic.namePrefix, "Rev.")
        XCTAssertEqual(pn.alphabetic.nameSuffix, "B.A. M.Div.")
        XCTAssertEqual(pn.alphabetic.middleName, "")
        XCTAssertEqual(pn.formatted, "Rev. Adams John Robert Quincy B.A. M.Div.")
        XCTAssertEqual(PersonName("Smith^John^^^").dicomString, "Smith^John")
        XCTAssertEqual(PersonName("Smith^John^^^=^^=  ").dicomString, "Smith^John")
        XCTAssertEqual(PersonName("Smith^^Q").formatted, "Smith Q")
        XCTAssertEqual(PersonName("SMITH^JOHN ").alphabetic.givenName, "JOHN")
    }

    func testEmptyAndOddInputs() {
        XCTAssertTrue(PersonName("").isEmpty)
        XCTAssertEqual(PersonName("").dicomString, "")
        XCTAssertEqual(PersonName("").formatted, "")
        XCTAssertTrue(PersonName("^^^^").isEmpty)
        XCTAssertTrue(PersonName("==").isEmpty)
        // Lenient: a sixth component is folded into the suffix.
        XCTAssertEqual(PersonName("A^B^C^D^E^F").alphabetic.nameSuffix, "E F")
        // Lenient: a fourth group is ignored.
        XCTAssertEqual(PersonName("a=b=c=d").dicomString, "a=b=c")
        // CJK written in the alphabetic group (common with GB18030) still joins without spaces.
        XCTAssertEqual(PersonName("王^小东").formatted, "王小东")
        XCTAssertEqual(PersonName("홍^길동").formatted, "홍길동")
    }

    func testBuildFromGroups() {
        let pn = PersonName(alphabetic: .init(familyName: "Wang", givenName: "XiaoDong"),
                            ideographic: PersonName.ComponentGroup("王^小东"))
        XCTAssertEqual(pn.dicomString, "Wang^XiaoDong=王^小东")
        XCTAssertEqual(pn.description, pn.dicomString)
    }
}

final class NumberStringTests: XCTestCase {
    func testDecimalStringParse() {
        XCTAssertEqual(DecimalString.parse("  1.5E3 "), 1500)
        XCTAssertEqual(DecimalString.parse("-.5"), -0.5)
        XCTAssertEqual(DecimalString.parse("+3"), 3)
        XCTAssertEqual(DecimalString.parse("1."), 1)
        XCTAssertEqual(DecimalString.parse("1e-3"), 0.001)
        XCTAssertEqual(DecimalString.parse("-2.5e+02"), -250)
        XCTAssertEqual(DecimalString.parse("0.12345678901234567890"), 0.12345678901234568)  // lenient >16
        XCTAssertEqual(DecimalString.parse("1e-400"), 0)
        for s in ["", "   ", "1 5", "1.5.", "e5", ".", "+", "-", "1e", "1e+", "0x10", "inf", "nan",
                  "NaN", "1e400", "1,5", "١"] {
            XCTAssertNil(DecimalString.parse(s), s)
        }
        XCTAssertEqual(DecimalString.parseValues("0.5\\0.25 "), [0.5, 0.25])
        XCTAssertEqual(DecimalString.parseValues(""), [])
        XCTAssertNil(DecimalString.parseValues("0.5\\x"))
    }

    func testDecimalStringFormat() throws {
        XCTAssertEqual(DecimalString.format(100), "100")
        XCTAssertEqual(DecimalString.format(0.5), "0.5")
        XCTAssertEqual(DecimalString.format(-0.5), "-0.5")
        XCTAssertEqual(DecimalString.format(1e16), "1e16")
        XCTAssertEqual(DecimalString.format(1e-5), "1e-5")
        XCTAssertEqual(DecimalString.format(0), "0")
        XCTAssertNil(DecimalString.format(.nan))
        XCTAssertNil(DecimalString.format(.infinity))
        XCTAssertEqual(DecimalString.format(1.0 / 3), ".333333333333333")
        XCTAssertEqual(DecimalString.format([0.5, 2]), "0.5\\2")

        let samples: [Double] = [1.0 / 3, -2.0 / 3, .pi, -.pi * 1e-300, 123456789.123456789, 1.7976931348623157e308,
                                 Double.leastNonzeroMagnitude, -1234567890123456768, 0.000123456789012345, 987654.3210987654,
                                 Double.leastNormalMagnitude, -0.0, 1e21, 299792458]
        for v in samples {
            let s = try XCTUnwrap(DecimalString.format(v), "\(v)")
            XCTAssertLessThanOrEqual(s.utf8.count, 16, s)
            let back = try XCTUnwrap(DecimalString.parse(s), s)
            XCTAssertEqual(back, v, accuracy: abs(v) * 1e-8, s)
        }
        var g = SeededRandom(defaultSeed: 0xD5_2024, label: "ValueParsingTests.testDecimalStringFormat")
        for _ in 0..<2000 {
            let v = Double(bitPattern: g.next())
            guard v.isFinite else { continue }
            let s = try XCTUnwrap(DecimalString.format(v))
            XCTAssertLessThanOrEqual(s.utf8.count, 16, s)
            let back = try XCTUnwrap(DecimalString.parse(s), s)
            XCTAssertEqual(back, v, accuracy: abs(v) * 1e-8, s)
        }
        // Moderate magnitudes keep at least 13 significant digits.
        for _ in 0..<2000 {
            let v = Double.random(in: -1e6...1e6, using: &g)
            let back = try XCTUnwrap(DecimalString.parse(DecimalString.format(v)!))
            XCTAssertEqual(back, v, accuracy: abs(v) * 1e-12)
        }
    }

    func testIntegerString() {
        XCTAssertEqual(IntegerString.parse(" 42 "), 42)
        XCTAssertEqual(IntegerString.parse("+7"), 7)
        XCTAssertEqual(IntegerString.parse("-0"), 0)
        XCTAssertEqual(IntegerString.parse("2147483647"), 2_147_483_647)
        XCTAssertEqual(IntegerString.parse("-2147483648"), -2_147_483_648)
        XCTAssertEqual(IntegerString.parse("000000000000042"), 42)      // lenient
        XCTAssertNil(IntegerString.parse("2147483648"))
        XCTAssertNil(IntegerString.parse("-2147483649"))
        XCTAssertNil(IntegerString.parse("99999999999999999999999"))
        for s in ["", " ", "+", "-", "1 2", "1.0", "1e3", "0x1F", "--1", "12a"] {
            XCTAssertNil(IntegerString.parse(s), s)
        }
        XCTAssertEqual(IntegerString.parseValues("1\\ 2\\-3"), [1, 2, -3])
        XCTAssertNil(IntegerString.parseValues("1\\"))
        XCTAssertEqual(IntegerString.format(-5), "-5")
        XCTAssertNil(IntegerString.format(1 << 31))
    }

    func testAttributeTag() {
        let bytes: [UInt8] = [0x18, 0x00, 0xFF, 0x00, 0x10, 0x00, 0x10, 0x00]
        let tags = AttributeTagValue.decode(bytes)
        XCTAssertEqual(tags, [Tag(0x0018, 0x00FF), Tag(0x0010, 0x0010)])
        XCTAssertEqual(AttributeTagValue.encode(tags!), bytes)
        XCTAssertEqual(AttributeTagValue.decode([]), [])
        XCTAssertNil(AttributeTagValue.decode([0x18, 0x00, 0xFF]))
        let be = AttributeTagValue.encode([Tag(0x7FE0, 0x0010)], bigEndian: true)
        XCTAssertEqual(be, [0x7F, 0xE0, 0x00, 0x10])
        XCTAssertEqual(AttributeTagValue.decode(be, bigEndian: true), [Tag(0x7FE0, 0x0010)])
    }
}

final class MultiValueTests: XCTestCase {
    func testSplit() {
        XCTAssertEqual(splitDICOMValues("ORIGINAL\\PRIMARY\\AXIAL"), ["ORIGINAL", "PRIMARY", "AXIAL"])
        XCTAssertEqual(splitDICOMValues(""), [])
        XCTAssertEqual(splitDICOMValues("a\\"), ["a", ""])
        XCTAssertEqual(splitDICOMValues("\\"), ["", ""])
        // Decoded GBK text: 0x5C trail bytes are gone after decoding, so only real '\' splits.
        XCTAssertEqual(splitDICOMValues("表\\能"), ["表", "能"])
    }

    func testTrim() {
        XCTAssertEqual(trimDICOMPadding("  CT ", vr: .CS), "CT")
        XCTAssertEqual(trimDICOMPadding(" 1.5 ", vr: .DS), "1.5")
        XCTAssertEqual(trimDICOMPadding(" STORESCP  ", vr: .AE), "STORESCP")
        XCTAssertEqual(trimDICOMPadding(" Head ", vr: .LO), "Head")
        XCTAssertEqual(trimDICOMPadding(" Smith^John ", vr: .PN), " Smith^John")
        XCTAssertEqual(trimDICOMPadding("  indented text  ", vr: .LT), "  indented text")
        XCTAssertEqual(trimDICOMPadding(" x ", vr: .UC), " x")
        XCTAssertEqual(trimDICOMPadding("1.2.840.10008.1.1\0", vr: .UI), "1.2.840.10008.1.1")
        XCTAssertEqual(trimDICOMPadding("1.2.3 ", vr: .UI), "1.2.3")
        XCTAssertEqual(trimDICOMPadding("ABC\0", vr: .SH), "ABC")
        XCTAssertEqual(trimDICOMPadding(Substring(" 20240101 "), vr: .DA), "20240101")
        XCTAssertEqual(trimDICOMPadding(" raw ", vr: .OB), " raw ")
    }

    func testDICOMValues() {
        XCTAssertEqual(dicomValues("0.5 \\ 0.25", vr: .DS), ["0.5", "0.25"])
        XCTAssertEqual(dicomValues("a\\b ", vr: .LT), ["a\\b"])
        XCTAssertEqual(dicomValues("", vr: .CS), [])
    }
}

final class UIDGeneratorTests: XCTestCase {
    func testValidity() {
        for uid in ["1.2.840.10008.1.2.1", "0", "0.0", "2.25.0", "1.2.3.10",
                    "1.2." + String(repeating: "1", count: 60)] {
            XCTAssertTrue(UIDGenerator.isValid(uid), uid)
        }
        for uid in ["", ".", "1.", ".1", "1..2", "1.02", "01.2", "1.2.a", "1.2 ", "1.2\0", "1,2", "1.-2",
                    "1.2." + String(repeating: "1", count: 61), "１.２"] {
            XCTAssertFalse(UIDGenerator.isValid(uid), uid)
        }
    }

    func testUUIDFormKnownAnswer() {
        // PS3.5 §B.2 example.
        let uuid = UUID(uuidString: "f81d4fae-7dec-11d0-a765-00a0c91e6bf6")!
        XCTAssertEqual(UIDGenerator.uuidUID(uuid), "2.25.329800735698586629295641978511506172918")
        XCTAssertEqual(UIDGenerator.uuidUID(UUID(uuidString: "00000000-0000-0000-0000-000000000000")!), "2.25.0")
        XCTAssertEqual(UIDGenerator.uuidUID(UUID(uuidString: "ffffffff-ffff-ffff-ffff-ffffffffffff")!),
                       "2.25.340282366920938463463374607431768211455")
        XCTAssertEqual(UIDGenerator.uuidUID(UUID(uuidString: "00000000-0000-0000-0000-00003B9ACA00")!),
                       "2.25.1000000000")
        XCTAssertEqual(UIDGenerator.uuidUID(UUID(uuidString: "00000000-0000-0000-0000-00003B9AC9FF")!),
                       "2.25.999999999")
    }

    func testUniqueAndValid2_25() {
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let uid = UIDGenerator.makeUID()
            XCTAssertTrue(uid.hasPrefix("2.25."))
            XCTAssertTrue(UIDGenerator.isValid(uid), uid)
            seen.insert(uid)
        }
        XCTAssertEqual(seen.count, 10_000)
    }

    func testRootedUIDs() {
        let root = "1.2.826.0.1.3680043.10.1234"
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let uid = UIDGenerator.makeUID(root: root)
            XCTAssertTrue(uid.hasPrefix(root + "."), uid)
            XCTAssertTrue(UIDGenerator.isValid(uid), uid)
            XCTAssertLessThanOrEqual(uid.count, 64)
            seen.insert(uid)
        }
        XCTAssertEqual(seen.count, 10_000)
        // A long root leaves room only for random digits; a too-long or invalid root falls back.
        let longRoot = "1.2." + String(repeating: "9", count: 44)
        let u = UIDGenerator.makeUID(root: longRoot)
        XCTAssertTrue(u.hasPrefix(longRoot + ".") && UIDGenerator.isValid(u), u)
        XCTAssertTrue(UIDGenerator.makeUID(root: "1.2." + String(repeating: "9", count: 55)).hasPrefix("2.25."))
        XCTAssertTrue(UIDGenerator.makeUID(root: "1.02.3").hasPrefix("2.25."))
    }

    func testDerivedUID() {
        let a = UIDGenerator.derivedUID(from: "1.2.840.113619.2.55.3", salt: "lightbox-transcode")
        // Independently computed: SHA-1 of "1.2.840.113619.2.55.3\0lightbox-transcode", first
        // 16 bytes with RFC 4122 version 5 / variant bits, as a 2.25 UID.
        XCTAssertEqual(a, "2.25.178940716962696652024853086483257812077")
        XCTAssertEqual(a, UIDGenerator.derivedUID(from: "1.2.840.113619.2.55.3", salt: "lightbox-transcode"))
        XCTAssertNotEqual(a, UIDGenerator.derivedUID(from: "1.2.840.113619.2.55.3", salt: "other"))
        XCTAssertNotEqual(UIDGenerator.derivedUID(from: "1.2", salt: "3"), UIDGenerator.derivedUID(from: "1.23", salt: ""))
        XCTAssertTrue(UIDGenerator.isValid(a))
        var seen = Set<String>()
        for i in 0..<1000 {
            let d = UIDGenerator.derivedUID(from: "1.2.3.\(i)", salt: "x")
            XCTAssertTrue(UIDGenerator.isValid(d), d)
            seen.insert(d)
        }
        XCTAssertEqual(seen.count, 1000)
    }
}
