import XCTest
import DICOM
@testable import Imaging

/// Modality, VOI and Presentation LUTs (PS3.3 §C.11) and the precomputed pipeline.
final class LUTTests: XCTestCase {
    // PS3.3 §C.11.2.1.2.1 LINEAR
    func testLinearWindowFormula() {
        let w = Window(center: 40, width: 400)
        XCTAssertEqual(w.apply(-160, yMin: 0, yMax: 255), 0)            // x ≤ c − 0.5 − (w−1)/2 = −160
        XCTAssertEqual(w.apply(240, yMin: 0, yMax: 255), 255)           // x > c − 0.5 + (w−1)/2 = 239
        XCTAssertEqual(w.apply(40, yMin: 0, yMax: 255), ((40 - 39.5) / 399 + 0.5) * 255, accuracy: 1e-12)
        XCTAssertEqual(w.apply(100, yMin: 0, yMax: 255), ((100 - 39.5) / 399 + 0.5) * 255, accuracy: 1e-12)
        // Width 1: threshold at c − 0.5.
        let t = Window(center: 10, width: 1)
        XCTAssertEqual(t.apply(9, yMin: 0, yMax: 255), 0)
        XCTAssertEqual(t.apply(10, yMin: 0, yMax: 255), 255)
    }

    // PS3.3 §C.11.2.1.3.2 LINEAR_EXACT
    func testLinearExactWindowFormula() {
        let w = Window(center: 40, width: 400, function: .linearExact)
        XCTAssertEqual(w.apply(-160, yMin: 0, yMax: 255), 0)
        XCTAssertEqual(w.apply(241, yMin: 0, yMax: 255), 255)
        XCTAssertEqual(w.apply(40, yMin: 0, yMax: 255), 127.5, accuracy: 1e-12)
        XCTAssertEqual(w.apply(140, yMin: 0, yMax: 255), (100.0 / 400 + 0.5) * 255, accuracy: 1e-12)
    }

    // PS3.3 §C.11.2.1.3.1 SIGMOID
    func testSigmoidWindowFormula() {
        let w = Window(center: 40, width: 400, function: .sigmoid)
        XCTAssertEqual(w.apply(40, yMin: 0, yMax: 255), 127.5, accuracy: 1e-12)
        XCTAssertEqual(w.apply(140, yMin: 0, yMax: 255), 255 / (1 + exp(-4 * 100.0 / 400)), accuracy: 1e-12)
        XCTAssertLessThan(w.apply(-2000, yMin: 0, yMax: 255), 1e-6)
    }

    func testModalityRescaleAndTable() throws {
        var ds = DataSet()
        try ds.set(.rescaleSlope, .DS, "2")
        try ds.set(.rescaleIntercept, .DS, "-1024")
        let m = try ModalityLUT(dataSet: ds, isSigned: false)
        XCTAssertEqual(m(1000), 976)

        var item = DataSet()
        item.insert(DataElement(tag: .lutDescriptor, vr: .SS, bytes: [4, 0, 0xFE, 0xFF, 16, 0]))   // 4 entries from −2
        item.insert(DataElement(tag: .lutData, vr: .OW, bytes: [10, 0, 20, 0, 30, 0, 40, 0]))
        var ds2 = DataSet()
        ds2.set(.modalityLUTSequence, sequence: [item])
        let t = try ModalityLUT(dataSet: ds2, isSigned: true)
        XCTAssertEqual(t(-5), 10)     // below first mapped: first entry
        XCTAssertEqual(t(-1), 20)
        XCTAssertEqual(t(1), 40)
        XCTAssertEqual(t(100), 40)    // above last: last entry
    }

    func testSeveralWindowsAreSelectable() throws {
        var ds = DataSet()
        try ds.set(.windowCenter, .DS, values: ["40", "450"])
        try ds.set(.windowWidth, .DS, values: ["400", "1500"])
        try ds.set(.voilutFunction, .CS, "SIGMOID")
        let m = try VOILUTModule(dataSet: ds, modalityOutputSigned: true)
        XCTAssertEqual(m.windows.count, 2)
        XCTAssertEqual(m.windows[1], Window(center: 450, width: 1500, function: .sigmoid))
        let r = Renderer(voiModule: m)
        XCTAssertEqual(try r.voiTransform(.fileWindow(1)), .window(m.windows[1]))
        XCTAssertThrowsError(try r.voiTransform(.fileWindow(2)))
    }

    /// MONOCHROME1: minimum is white; output floor(max − y) as DCMTK does.
    func testMonochrome1Inverts() throws {
        let d = PixelDescription(rows: 1, columns: 4, bitsAllocated: 16, bitsStored: 12, photometricInterpretation: .monochrome1)
        let frame = DecodedFrame(description: d, samples: .uint16([0, 1000, 2000, 4095]))
        let r = Renderer(voiModule: VOILUTModule(windows: [Window(center: 2048, width: 4096)]))
        let img = try r.render(frame)
        guard case .gray8(let px) = img.pixels else { return XCTFail("expected grey") }
        let w = Window(center: 2048, width: 4096)
        let expected = [0, 1000, 2000, 4095].map { UInt8((255 - w.apply(Double($0), yMin: 0, yMax: 255)).rounded(.down)) }
        XCTAssertEqual(px, expected)
        XCTAssertEqual(px.first, 255)
        XCTAssertEqual(px.last, 0)

        var m2 = d; m2.photometricInterpretation = .monochrome2
        let img2 = try r.render(DecodedFrame(description: m2, samples: frame.samples))
        guard case .gray8(let px2) = img2.pixels else { return XCTFail("expected grey") }
        XCTAssertEqual(px2.first, 0)
        XCTAssertEqual(px2.last, 255)
    }

    func testTwelveBitOutputAndTableMatchesDirectEvaluation() {
        let p = GrayscalePipeline(modality: .rescale(slope: 1, intercept: -1024), voi: .window(Window(center: 40, width: 400)), outputBits: 12)
        let t: GrayscaleTable<UInt16> = p.table(for: -32768 ... 32767)
        for s in stride(from: 0, through: 4095, by: 7) {
            XCTAssertEqual(Int(t[s]), p.outputLevel(stored: s))
        }
        XCTAssertEqual(t[0], 0)
        XCTAssertEqual(t[4095], 4095)
        let out = t.apply(to: .int16([0, 1064, 4095]))
        XCTAssertEqual(out, [0, UInt16(p.outputLevel(stored: 1064)), 4095])
    }

    func testPresentationLUTTable() {
        let inv = LookupTable(firstMapped: 0, bitsPerEntry: 8, entries: (0 ..< 256).map { UInt16(255 - $0) })
        let p = GrayscalePipeline(voi: .window(Window(center: 127.5, width: 256)), presentation: .table(inv))
        XCTAssertEqual(p.outputLevel(stored: 0), 255)
        XCTAssertEqual(p.outputLevel(stored: 255), 0)
    }

    func testVOILUTTable() {
        let lut = LookupTable(firstMapped: 0, bitsPerEntry: 16, entries: (0 ..< 256).map { UInt16($0 * 257) })
        let p = GrayscalePipeline(voi: .table(lut))
        XCTAssertEqual(p.outputLevel(stored: 0), 0)
        XCTAssertEqual(p.outputLevel(stored: 128), 128)
        XCTAssertEqual(p.outputLevel(stored: 300), 255)
    }
}
