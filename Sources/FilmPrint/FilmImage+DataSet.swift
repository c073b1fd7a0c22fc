import Foundation
import DICOM

extension FilmImage {
    /// Reads a Basic Grayscale Image Box N-SET data set (PS3.4 H.4.3.1.2.1, PS3.3 C.13.5): the
    /// Basic Grayscale Image Sequence (2020,0110) item's pixels, and Polarity, Magnification Type,
    /// Requested Image Size and Requested Decimate/Crop Behavior when present.
    ///
    /// The item must be one sample per pixel, MONOCHROME1 or MONOCHROME2, unsigned, and either
    /// 8-bit (Bits Allocated 8, Bits Stored 8, High Bit 7) or 12-bit (16, 12, 11) — the two
    /// depths print SCPs accept (DCMTK's among them). MONOCHROME1 is stored inverted (minimum
    /// white) so that the image is MONOCHROME2 afterwards, as the film's P-Values expect.
    /// Throws `invalidImagePixels` (SCP: 0106 or C605/C603 as it judges) or the term errors.
    public init(imageBox ds: DataSet, position: Int, defaultDecimateCrop: DecimateCropBehavior = .decimate) throws {
        func bad(_ r: String) -> FilmPrintError { .invalidImagePixels(position: position, reason: r) }
        guard let item = ds[.basicGrayscaleImageSequence]?.items.first else {
            throw bad("no Basic Grayscale Image Sequence (2020,0110) item")
        }
        guard item.int(.samplesPerPixel) == 1 else { throw bad("Samples per Pixel must be 1") }
        let pi = item.string(.photometricInterpretation)?.trimmingCharacters(in: .whitespaces) ?? ""
        guard pi == "MONOCHROME2" || pi == "MONOCHROME1" else { throw bad("Photometric Interpretation \"\(pi)\" (MONOCHROME1 or MONOCHROME2)") }
        guard (item.int(.pixelRepresentation) ?? 0) == 0 else { throw bad("Pixel Representation must be 0 (unsigned)") }
        guard let rows = item.int(.rows), let cols = item.int(.columns), rows > 0, cols > 0, rows <= 32767, cols <= 32767 else {
            throw bad("Rows and Columns must be 1…32767")
        }
        let ba = item.int(.bitsAllocated), bs = item.int(.bitsStored), hb = item.int(.highBit)
        let bits: Int
        switch (ba, bs, hb) {
        case (8, 8, 7): bits = 8
        case (16, 12, 11): bits = 12
        default: throw bad("Bits Allocated/Stored/High Bit \(ba.map(String.init) ?? "-")/\(bs.map(String.init) ?? "-")/\(hb.map(String.init) ?? "-"); use 8/8/7 or 16/12/11")
        }
        guard let data = item[.pixelData]?.bytes else { throw bad("no native Pixel Data") }
        let n = rows * cols
        var samples = [UInt16](repeating: 0, count: n)
        if bits == 8 {
            guard data.count >= n else { throw bad("Pixel Data has \(data.count) bytes, \(n) needed") }
            for i in 0 ..< n { samples[i] = UInt16(data[i]) }
        } else {
            guard data.count >= 2 * n else { throw bad("Pixel Data has \(data.count) bytes, \(2 * n) needed") }
            // Bits above the high bit are not part of the value (PS3.5 §8.1.1): mask them off.
            for i in 0 ..< n { samples[i] = (UInt16(data[2 * i]) | UInt16(data[2 * i + 1]) << 8) & 0x0FFF }
        }
        if pi == "MONOCHROME1" {
            let m = UInt16((1 << bits) - 1)
            for i in 0 ..< n { samples[i] = m - samples[i] }
        }
        var ratio = 1.0
        let par = item.strings(.pixelAspectRatio).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        if par.count == 2, par[0] > 0, par[1] > 0 { ratio = par[0] / par[1] }
        self.init(position: position, rows: rows, columns: cols, bits: bits, samples: samples, pixelAspectRatio: ratio)
        if let p = ds.string(.polarity), !p.trimmingCharacters(in: .whitespaces).isEmpty { polarity = try Polarity(dicom: p) }
        if let m = ds.string(.magnificationType), !m.trimmingCharacters(in: .whitespaces).isEmpty { magnification = try MagnificationType(dicom: m) }
        if let s = ds.string(.requestedImageSize), !s.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let w = Double(s.trimmingCharacters(in: .whitespaces)) else { throw bad("Requested Image Size \"\(s)\" is not a number") }
            requestedWidthMM = w
        }
        decimateCrop = defaultDecimateCrop
        if let b = ds.string(.requestedDecimateCropBehavior), !b.trimmingCharacters(in: .whitespaces).isEmpty {
            decimateCrop = try DecimateCropBehavior(dicom: b)
        }
        try validate()
    }
}
