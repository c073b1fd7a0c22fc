import XCTest
import DICOM
@testable import FilmPrint

/// What the print SCU sends: the Image Box N-SET data set is read back by the SCP's own parser
/// unchanged (8 and 12 bits, odd sample counts, aspect ratio, polarity), and a spooled film
/// (`FilmRecord`) becomes the same print request again for `--forward`.
final class PrintSCURequestTests: XCTestCase {
    func testImageBoxDataSetRoundTrips() throws {
        for (bits, samples) in [(8, [UInt16]([0, 1, 128, 254, 255])), (12, [0, 1, 2048, 4094, 4095])] {
            var image = FilmImage(position: 2, rows: 1, columns: 5, bits: bits, samples: samples, polarity: .reverse, pixelAspectRatio: 1.5)
            image.magnification = .bilinear; image.requestedWidthMM = 80
            let ds = image.imageBoxDataSet()
            let item = try XCTUnwrap(ds[.basicGrayscaleImageSequence]?.items.first)
            XCTAssertEqual(item[.pixelData]?.bytes?.count, bits == 8 ? 6 : 10, "even length (PS3.5 §7.1.1)")
            XCTAssertEqual(item.int(.bitsStored), bits); XCTAssertEqual(item.int(.highBit), bits - 1)
            let back = try FilmImage(imageBox: ds, position: 2)
            XCTAssertEqual(back.samples, samples); XCTAssertEqual(back.bits, bits)
            XCTAssertEqual(back.polarity, .reverse); XCTAssertEqual(back.magnification, .bilinear)
            XCTAssertEqual(back.requestedWidthMM, 80); XCTAssertEqual(back.pixelAspectRatio, 1.5, accuracy: 1e-3)
        }
    }

    func testFilmBoxAndSessionAttributes() throws {
        let box = FilmBoxRequest(imageDisplayFormat: "STANDARD\\2,3", filmSizeID: "8INX10IN", filmOrientation: "LANDSCAPE",
                                 minDensity: 20, maxDensity: 300, annotationDisplayFormatID: "LABEL")
        let ds = box.dataSet(sessionUID: "1.2.3")
        XCTAssertEqual(ds.string(.imageDisplayFormat), "STANDARD\\2,3")
        XCTAssertEqual(ds.int(.maxDensity), 300)
        XCTAssertEqual(ds.sequenceItems(.referencedFilmSessionSequence).first?.string(.referencedSOPInstanceUID), "1.2.3")
        XCTAssertNil(ds[.magnificationType], "nil leaves the printer's default")
        let session = FilmSessionRequest(numberOfCopies: 2, filmSessionLabel: "王伟").dataSet()
        XCTAssertEqual(session.string(.specificCharacterSet), "ISO_IR 192")
        XCTAssertEqual(session.string(.filmSessionLabel), "王伟")
    }

    func testSpooledFilmBecomesTheSameRequest() throws {
        let image = FilmImage(position: 1, rows: 2, columns: 2, bits: 12, samples: [0, 1000, 2000, 4095])
        var film = DataSet()
        try film.set(.imageDisplayFormat, .ST, "STANDARD\\1,2")
        try film.set(.filmSizeID, .CS, "14INX17IN")
        try film.set(.configurationInformation, .ST, "THIS PRINTER ONLY")
        try film.set(.annotationDisplayFormatID, .CS, "LABEL")
        var box = image.imageBoxDataSet()
        try box.set(.referencedSOPInstanceUID, .UI, "1.2.3.4")
        var empty = DataSet(); empty.set(.imageBoxPosition, uint16: 2)
        film.set(.imageBoxContentSequence, sequence: [box, empty])
        var note = DataSet(); try note.set(.specificCharacterSet, .CS, "ISO_IR 192"); note.set(.annotationPosition, uint16: 1)
        try note.set(.textString, .LO, "李娜")
        film.set(.annotationContentSequence, sequence: [note])
        let r = try PrinterDestination.filmRequest(from: film)
        XCTAssertEqual(r.filmBox.imageDisplayFormat, "STANDARD\\1,2"); XCTAssertEqual(r.filmBox.filmSizeID, "14INX17IN")
        XCTAssertNil(r.filmBox.configurationInformation, "this printer's configuration is not forwarded")
        XCTAssertEqual(r.filmBox.annotationDisplayFormatID, "LABEL")
        XCTAssertEqual(r.images.map(\.samples), [[0, 1000, 2000, 4095]]); XCTAssertEqual(r.images.first?.position, 1)
        XCTAssertEqual(r.annotations, [FilmAnnotation(position: 1, text: "李娜")])
    }
}
