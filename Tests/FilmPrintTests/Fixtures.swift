import Foundation
import Graphics
@testable import FilmPrint

/// Shared inputs: the repository's Layouts/ data, fonts, and images of known values.
enum Fixtures {
    static func profile(_ name: String = "lightbox-dry") throws -> PrinterProfile { try PrinterProfile.load(named: name) }
    static func catalog() throws -> FilmSizeCatalog { try FilmSizeCatalog.load() }
    static func composer(_ name: String = "lightbox-dry") throws -> FilmComposer {
        FilmComposer(profile: try profile(name), fonts: try FontLibrary.shared())
    }

    /// A sheet with the profile's defaults.
    static func sheet(_ sizeID: String = "8INX10IN", _ orientation: FilmOrientation = .portrait, format: String = "STANDARD\\1,1",
                      profile p: PrinterProfile, images: [FilmImage] = []) throws -> FilmSheet {
        FilmSheet(filmSize: try catalog().size(sizeID), orientation: orientation,
                  displayFormat: try ImageDisplayFormat(dicom: format), calibration: p.defaultCalibration,
                  magnification: .replicate, images: images)
    }

    /// An image of one value everywhere.
    static func flat(position: Int, rows: Int, columns: Int, value: UInt16, bits: Int = 8) -> FilmImage {
        FilmImage(position: position, rows: rows, columns: columns, bits: bits,
                  samples: [UInt16](repeating: value, count: rows * columns))
    }

    /// A horizontal ramp 0 … 2^bits − 1 (columns = 2^bits), `rows` high.
    static func ramp(position: Int, bits: Int, rows: Int) -> FilmImage {
        let n = 1 << bits
        var s = [UInt16](repeating: 0, count: n * rows)
        for r in 0 ..< rows { for c in 0 ..< n { s[r * n + c] = UInt16(c) } }
        return FilmImage(position: position, rows: rows, columns: n, bits: bits, samples: s, magnification: MagnificationType.none)
    }
}
