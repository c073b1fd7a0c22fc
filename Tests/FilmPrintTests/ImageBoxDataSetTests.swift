import XCTest
import DICOM
@testable import FilmPrint

/// Image Box N-SET data sets (PS3.4 H.4.3.1.2.1) to `FilmImage`.
final class ImageBoxDataSetTests: XCTestCase {
    func item(bits: (Int, Int, Int), rows: Int = 2, cols: Int = 3, pi: String = "MONOCHROME2", pixels: [UInt8]) throws -> DataSet {
        var i = DataSet()
        i.set(.samplesPerPixel, uint16: 1)
        try i.set(.photometricInterpretation, .CS, pi)
        i.set(.rows, uint16: UInt16(rows)); i.set(.columns, uint16: UInt16(cols))
        i.set(.bitsAllocated, uint16: UInt16(bits.0)); i.set(.bitsStored, uint16: UInt16(bits.1)); i.set(.highBit, uint16: UInt16(bits.2))
        i.set(.pixelRepresentation, uint16: 0)
        try i.set(.pixelAspectRatio, .IS, "1\\1")
        i.insert(DataElement(tag: .pixelData, vr: bits.0 == 8 ? .OB : .OW, bytes: pixels))
        var ds = DataSet()
        ds.set(.basicGrayscaleImageSequence, sequence: [i])
        return ds
    }

    func testEightAndTwelveBit() throws {
        let a = try FilmImage(imageBox: item(bits: (8, 8, 7), pixels: [0, 1, 2, 253, 254, 255]), position: 3)
        XCTAssertEqual(a.samples, [0, 1, 2, 253, 254, 255]); XCTAssertEqual(a.bits, 8); XCTAssertEqual(a.position, 3)
        // 12-bit little endian, with garbage above the high bit masked off.
        let b = try FilmImage(imageBox: item(bits: (16, 12, 11), pixels: [0xFF, 0x0F, 0x00, 0xF0, 0x34, 0x12, 1, 0, 2, 0, 3, 0]), position: 1)
        XCTAssertEqual(b.samples, [4095, 0, 0x234, 1, 2, 3]); XCTAssertEqual(b.bits, 12)
    }

    func testMonochrome1AndBoxAttributes() throws {
        var ds = try item(bits: (8, 8, 7), pi: "MONOCHROME1", pixels: [0, 10, 20, 30, 40, 255])
        try ds.set(.polarity, .CS, "REVERSE")
        try ds.set(.magnificationType, .CS, "BILINEAR")
        try ds.set(.requestedImageSize, .DS, "120.5")
        try ds.set(.requestedDecimateCropBehavior, .CS, "CROP")
        let f = try FilmImage(imageBox: ds, position: 1)
        XCTAssertEqual(f.samples, [255, 245, 235, 225, 215, 0])
        XCTAssertEqual(f.polarity, .reverse); XCTAssertEqual(f.magnification, .bilinear)
        XCTAssertEqual(f.requestedWidthMM, 120.5); XCTAssertEqual(f.decimateCrop, .crop)
    }

    func testRefusals() throws {
        XCTAssertThrowsError(try FilmImage(imageBox: item(bits: (16, 16, 15), pixels: [UInt8](repeating: 0, count: 12)), position: 1))
        XCTAssertThrowsError(try FilmImage(imageBox: item(bits: (8, 8, 7), pixels: [1, 2, 3]), position: 1))   // short
        XCTAssertThrowsError(try FilmImage(imageBox: item(bits: (8, 8, 7), pi: "RGB", pixels: [UInt8](repeating: 0, count: 6)), position: 1))
        XCTAssertThrowsError(try FilmImage(imageBox: DataSet(), position: 1))
        var ds = try item(bits: (8, 8, 7), pixels: [UInt8](repeating: 0, count: 6))
        try ds.set(.polarity, .CS, "INVERSE")
        XCTAssertThrowsError(try FilmImage(imageBox: ds, position: 1)) { e in
            guard case FilmPrintError.invalidPolarity = e else { return XCTFail("\(e)") }
        }
    }
}
