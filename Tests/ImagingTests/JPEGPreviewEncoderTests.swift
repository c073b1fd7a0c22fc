import XCTest
import Foundation
@testable import Imaging

/// Preview JPEGs for IHE PDI web content: baseline, JFIF, PSNR, sizes; thumbnails.
final class JPEGPreviewEncoderTests: XCTestCase {
    /// A smooth test frame with an edge (like a CT slice edge), 8-bit grey.
    func grayFrame(width w: Int = 96, height h: Int = 64) -> RenderedImage {
        var a = [UInt8](repeating: 0, count: w * h)
        for y in 0 ..< h { for x in 0 ..< w {
            let r = hypot(Double(x - w / 2), Double(y - h / 2))
            a[y * w + x] = r < Double(h) / 3 ? UInt8(180 + (x % 16)) : UInt8(40 + (y * 2) % 60)
        } }
        return RenderedImage(width: w, height: h, pixels: .gray8(a))
    }

    func rgbFrame(width w: Int = 80, height h: Int = 48) -> RenderedImage {
        var a = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0 ..< h { for x in 0 ..< w {
            let i = (y * w + x) * 3
            a[i] = UInt8(x * 255 / (w - 1)); a[i + 1] = UInt8(y * 255 / (h - 1)); a[i + 2] = UInt8((x + y) % 128 + 64)
        } }
        return RenderedImage(width: w, height: h, pixels: .rgb8(a))
    }

    func psnr(_ a: [UInt8], _ b: [UInt8]) -> Double {
        precondition(a.count == b.count)
        var se = 0.0
        for i in 0 ..< a.count { let d = Double(a[i]) - Double(b[i]); se += d * d }
        let mse = se / Double(a.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    func decode(_ jpeg: [UInt8], width: Int, height: Int, samplesPerPixel: Int) throws -> DecodedFrame {
        let d = PixelDescription(rows: height, columns: width, samplesPerPixel: samplesPerPixel, bitsAllocated: 8, bitsStored: 8,
                                 photometricInterpretation: samplesPerPixel == 3 ? .ybrFull422 : .monochrome2)
        return try JPEGDCTDecoder().decode(jpeg, description: d)
    }

    func bytes(_ s: PixelSamples) -> [UInt8] {
        if case .uint8(let a) = s { return a }
        XCTFail("expected 8-bit samples, got \(s)"); return []
    }

    /// Marker segments before the first SOS: (marker, payload).
    func markers(_ j: [UInt8]) -> [(UInt8, [UInt8])] {
        var out: [(UInt8, [UInt8])] = []
        var i = 2
        while i + 4 <= j.count, j[i] == 0xFF {
            let m = j[i + 1], len = Int(j[i + 2]) << 8 | Int(j[i + 3])
            out.append((m, Array(j[(i + 4) ..< min(i + 2 + len, j.count)])))
            if m == 0xDA { break }
            i += 2 + len
        }
        return out
    }

    func testGrayRoundTripAbove35dB() throws {
        let img = grayFrame()
        let jpeg = try JPEGPreviewEncoder.encode(img, options: .init(quality: 90))
        let f = try decode(jpeg, width: img.width, height: img.height, samplesPerPixel: 1)
        XCTAssertEqual(f.description.columns, 96); XCTAssertEqual(f.description.rows, 64)
        XCTAssertEqual(f.description.samplesPerPixel, 1)
        guard case .gray8(let src) = img.pixels else { return XCTFail() }
        let p = psnr(src, bytes(f.samples))
        XCTAssertGreaterThan(p, 35, "PSNR \(p) dB")
    }

    func testRGBRoundTripAbove35dB() throws {
        for chroma in [JPEGPreviewEncoder.ChromaSubsampling.none444, .both420] {
            let img = rgbFrame()
            let jpeg = try JPEGPreviewEncoder.encode(img, options: .init(quality: 90, chromaSubsampling: chroma))
            let f = try decode(jpeg, width: img.width, height: img.height, samplesPerPixel: 3)
            XCTAssertEqual(f.description.columns, 80); XCTAssertEqual(f.description.rows, 48)
            XCTAssertEqual(f.description.samplesPerPixel, 3)
            guard case .rgb8(let src) = img.pixels else { return XCTFail() }
            let p = psnr(src, bytes(f.samples))
            XCTAssertGreaterThan(p, 35, "PSNR \(p) dB with \(chroma)")
        }
    }

    func testStreamIsBaselineJFIF() throws {
        let jpeg = try JPEGPreviewEncoder.encode(rgbFrame())
        XCTAssertEqual(Array(jpeg.prefix(2)), [0xFF, 0xD8], "SOI")
        XCTAssertEqual(Array(jpeg.suffix(2)), [0xFF, 0xD9], "EOI")
        let segs = markers(jpeg)
        let app0 = try XCTUnwrap(segs.first { $0.0 == 0xE0 }, "APP0 marker")
        XCTAssertEqual(Array(app0.1.prefix(5)), Array("JFIF\0".utf8))
        XCTAssertTrue(segs.contains { $0.0 == 0xC0 }, "SOF0 (baseline) expected, got \(segs.map { String($0.0, radix: 16) })")
        XCTAssertFalse(segs.contains { $0.0 == 0xC2 }, "no progressive SOF2")
        // SOF0: precision 8, height, width, 3 components.
        let sof = try XCTUnwrap(segs.first { $0.0 == 0xC0 }).1
        XCTAssertEqual(sof[0], 8)
        XCTAssertEqual(Int(sof[1]) << 8 | Int(sof[2]), 48)
        XCTAssertEqual(Int(sof[3]) << 8 | Int(sof[4]), 80)
        XCTAssertEqual(sof[5], 3)
    }

    func testGray16IsScaledTo8Bits() throws {
        let w = 32, h = 16
        let a = (0 ..< w * h).map { UInt16(($0 % w) * 4095 / (w - 1)) }
        let jpeg = try JPEGPreviewEncoder.encode(RenderedImage(width: w, height: h, pixels: .gray16(a, bits: 12)))
        let f = try decode(jpeg, width: w, height: h, samplesPerPixel: 1)
        let out = bytes(f.samples)
        let expected = JPEGPreviewEncoder.to8Bit(a, bits: 12)
        XCTAssertEqual(expected.first, 0); XCTAssertEqual(expected.last, 255)
        XCTAssertGreaterThan(psnr(expected, out), 35)
    }

    func testWriteFileRenamesIntoPlace() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jpegpreview-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("IMG00001.JPG").path
        try JPEGPreviewEncoder.write(grayFrame(), to: path)
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(Array(data.prefix(2)), [0xFF, 0xD8])
        XCTAssertEqual(Array(data[6 ..< 10]), Array("JFIF".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["IMG00001.JPG"], "no temporary left")

        XCTAssertThrowsError(try JPEGPreviewEncoder.write(grayFrame(), to: dir.path + "/missing/X.JPG")) { e in
            guard case JPEGPreviewError.cannotWrite(let p, _) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(p.hasSuffix("missing/X.JPG"))
        }
    }

    func testTypedErrors() {
        XCTAssertThrowsError(try JPEGPreviewEncoder.encode(grayFrame(), options: .init(quality: 0))) {
            XCTAssertEqual($0 as? JPEGPreviewError, .invalidQuality(0))
        }
        XCTAssertThrowsError(try JPEGPreviewEncoder.encode(RenderedImage(width: 0, height: 5, pixels: .gray8([])))) {
            XCTAssertEqual($0 as? JPEGPreviewError, .invalidSize(width: 0, height: 5))
        }
        XCTAssertThrowsError(try JPEGPreviewEncoder.encode(RenderedImage(width: 4, height: 4, pixels: .rgb8([1, 2, 3])))) {
            XCTAssertEqual($0 as? JPEGPreviewError, .bufferTooShort(expected: 48, actual: 3))
            XCTAssertTrue("\($0)".contains("48"))
        }
    }

    func testThumbnailKeepsAspectRatio() {
        let t = Resampler.thumbnail(grayFrame(width: 512, height: 256), maxSide: 128)
        XCTAssertEqual(t.width, 128); XCTAssertEqual(t.height, 64)
        if case .gray8(let a) = t.pixels { XCTAssertEqual(a.count, 128 * 64) } else { XCTFail() }
        let tall = Resampler.thumbnail(rgbFrame(width: 30, height: 90), maxSide: 45)
        XCTAssertEqual(tall.width, 15); XCTAssertEqual(tall.height, 45)
        if case .rgb8(let a) = tall.pixels { XCTAssertEqual(a.count, 15 * 45 * 3) } else { XCTFail() }
        // Already small: unchanged.
        let small = Resampler.thumbnail(grayFrame(width: 40, height: 20), maxSide: 128)
        XCTAssertEqual(small.width, 40); XCTAssertEqual(small.height, 20)
        XCTAssertTrue(Resampler.sizeToFit(width: 1000, height: 3, maxWidth: 100, maxHeight: 100) == (100, 1))
        XCTAssertTrue(Resampler.sizeToFit(width: 40, height: 20, maxWidth: 100, maxHeight: 100, allowEnlarging: true) == (100, 50))
    }
}
