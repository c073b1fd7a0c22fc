import XCTest
import DICOM
@testable import Imaging

/// Colour conversion (PS3.3 §C.7.6.3.1.2), palettes (§C.7.6.3.1.5, §C.7.9.2), resizing, PNG/PGM.
final class ColorAndOutputTests: XCTestCase {
    func testYBRFullToRGB() {
        // Pure grey stays grey; red round-trips through BT.601 full range.
        XCTAssertTrue(ColorConversion.ybrFullToRGB(y: 128, cb: 128, cr: 128) == (128, 128, 128))
        let (y, cb, cr) = (76.245, 84.972, 255.5)   // R=255,G=0,B=0 (PS3.3 §C.7.6.3.1.2 equations)
        let (r, g, b) = ColorConversion.ybrFullToRGB(y: Int(y.rounded()), cb: Int(cb.rounded()), cr: min(255, Int(cr.rounded())))
        XCTAssertGreaterThanOrEqual(r, 253); XCTAssertLessThanOrEqual(g, 2); XCTAssertLessThanOrEqual(b, 2)
    }

    func testYBRRCTIsReversible() {
        for (r, g, b) in [(10, 200, 30), (255, 0, 128), (0, 0, 0), (255, 255, 255)] {
            let y = Int((Double(r + 2 * g + b) / 4).rounded(.down)), cb = b - g, cr = r - g
            // Stored as the decoder leaves it: DC level shift (+128) undone on each component after RCT.
            let out = ColorConversion.ybrRCTToRGB(y: y, cb: cb + 128, cr: cr + 128)
            XCTAssertTrue(out == (UInt8(r), UInt8(g), UInt8(b)), "\(out) for \((r, g, b))")
        }
    }

    func testYBR422NativeLayoutIsUpsampled() {
        let rgb = ColorConversion.toRGB([100, 200, 128, 128], pixels: 2, from: .ybrFull422)
        XCTAssertEqual(rgb, [100, 100, 100, 200, 200, 200])
    }

    /// PS3.3 §C.7.9.2 example: discrete, linear and indirect segments.
    func testSegmentedPaletteExpansion() throws {
        // Discrete [0, 10, 20]; linear 2 steps to 40 → 30, 40; indirect: copy 1 segment at byte 0.
        let words: [UInt16] = [0, 3, 0, 10, 20, 1, 2, 40, 2, 1, 0, 0]
        XCTAssertEqual(try PaletteColorLUT.expandSegmented(words), [0, 10, 20, 30, 40, 0, 10, 20])
        XCTAssertThrowsError(try PaletteColorLUT.expandSegmented([7, 1, 0]))
    }

    func testPaletteLookup() {
        let ramp = LookupTable(firstMapped: 0, bitsPerEntry: 16, entries: (0 ..< 256).map { UInt16($0) << 8 })
        let zero = LookupTable(firstMapped: 0, bitsPerEntry: 16, entries: [UInt16](repeating: 0, count: 256))
        let p = PaletteColorLUT(red: ramp, green: zero, blue: ramp)
        XCTAssertEqual(p.rgb8(.uint8([0, 7, 255])), [0, 0, 0, 7, 0, 7, 255, 0, 255])
    }

    func testBoxDownscaleAverages() {
        let img = RenderedImage(width: 4, height: 2, pixels: .gray8([0, 100, 200, 250, 0, 100, 200, 250]))
        let s = Resampler.resize(img, width: 2, height: 1)
        XCTAssertEqual(s.pixels, .gray8([50, 225]))
        let up = Resampler.resize(img, width: 8, height: 4)
        XCTAssertEqual(up.width, 8); XCTAssertEqual(up.height, 4)
    }

    func testPNGStructureAndCRC() throws {
        let img = RenderedImage(width: 3, height: 2, pixels: .gray16([0, 2048, 4095, 1, 2, 3], bits: 12))
        let png = try PNGWriter.encode(img)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var i = 8
        var types: [String] = []
        while i + 8 <= png.count {
            let len = Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3])
            let type = String(decoding: png[(i + 4) ..< (i + 8)], as: UTF8.self)
            types.append(type)
            let crc = png[(i + 8 + len) ..< (i + 12 + len)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            XCTAssertEqual(crc, Self.crc32(Array(png[(i + 4) ..< (i + 8 + len)])), type)
            if type == "IHDR" { XCTAssertEqual(Array(png[(i + 16) ..< (i + 18)]), [16, 0]) }
            if type == "sBIT" { XCTAssertEqual(png[i + 8], 12) }
            i += 12 + len
        }
        XCTAssertEqual(types, ["IHDR", "sBIT", "IDAT", "IEND"])
    }

    func testPGM() {
        let img = RenderedImage(width: 2, height: 1, pixels: .gray8([1, 2]))
        XCTAssertEqual(PNMWriter.encode(img), Array("P5\n2 1\n255\n".utf8) + [1, 2])
    }

    /// Bitwise CRC-32 (ISO 3309), independent of zlib.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0 ..< 8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return c ^ 0xFFFF_FFFF
    }
}
