import DICOM

extension PixelDescription {
    /// Reads the Image Pixel module (PS3.3 §C.7.6.3) and Number of Frames (0028,0008) from a data
    /// set. Missing mandatory attributes and impossible combinations are `ImagingError`s naming
    /// `path`; the pixel data itself is not looked at.
    public init(dataSet: DataSet, path: String? = nil) throws {
        func required(_ tag: Tag, _ name: String) throws -> Int {
            guard let v = dataSet.int(tag) else {
                if dataSet[tag] != nil {
                    throw ImagingError.invalidAttribute(name, value: dataSet.string(tag) ?? "?", file: path)
                }
                throw ImagingError.missingAttribute(name, file: path)
            }
            return v
        }
        let rows = try required(.rows, "Rows (0028,0010)")
        let columns = try required(.columns, "Columns (0028,0011)")
        let bitsAllocated = try required(.bitsAllocated, "Bits Allocated (0028,0100)")
        // Lenient: Bits Stored, High Bit, Samples per Pixel and Pixel Representation are Type 1 but
        // some writers omit them; defaults are what every reader assumes.
        let bitsStored = dataSet.int(.bitsStored) ?? bitsAllocated
        let samples = dataSet.int(.samplesPerPixel) ?? 1
        var frames = 1
        if let f = dataSet.int(.numberOfFrames) { frames = f }
        else if let s = dataSet.string(.numberOfFrames), let d = Double(trimmed(s)) {
            frames = Int(d)  // Lenient: "1.0" seen in the wild.
        }
        // Lenient: Number of Frames 0 means one frame (some single-frame writers put 0).
        if frames == 0 { frames = 1 }
        let pr = dataSet.int(.pixelRepresentation) ?? 0
        let planar = dataSet.int(.planarConfiguration) ?? 0
        let piText = trimmed(dataSet.string(.photometricInterpretation) ?? (samples == 3 ? "RGB" : "MONOCHROME2")).uppercased()
        guard let pi = PhotometricInterpretation(rawValue: piText) else {
            throw ImagingError.invalidAttribute("Photometric Interpretation (0028,0004)", value: piText, file: path)
        }
        guard rows > 0, rows <= 65535 else { throw ImagingError.invalidAttribute("Rows (0028,0010)", value: "\(rows)", file: path) }
        guard columns > 0, columns <= 65535 else { throw ImagingError.invalidAttribute("Columns (0028,0011)", value: "\(columns)", file: path) }
        guard [1, 8, 16, 32, 64].contains(bitsAllocated) else {
            throw ImagingError.invalidAttribute("Bits Allocated (0028,0100)", value: "\(bitsAllocated)", file: path)
        }
        guard bitsStored >= 1, bitsStored <= bitsAllocated else {
            throw ImagingError.invalidAttribute("Bits Stored (0028,0101)", value: "\(bitsStored)", file: path)
        }
        var highBit = dataSet.int(.highBit) ?? bitsStored - 1
        // Lenient: a High Bit that cannot hold Bits Stored is taken as Bits Stored − 1.
        if highBit < bitsStored - 1 || highBit >= bitsAllocated { highBit = bitsStored - 1 }
        guard samples == 1 || samples == 3 || samples == 4 else {
            throw ImagingError.invalidAttribute("Samples per Pixel (0028,0002)", value: "\(samples)", file: path)
        }
        guard frames > 0, frames <= 1 << 24 else {
            throw ImagingError.invalidAttribute("Number of Frames (0028,0008)", value: "\(frames)", file: path)
        }
        self.init(rows: rows, columns: columns, numberOfFrames: frames, samplesPerPixel: samples,
                  bitsAllocated: bitsAllocated, bitsStored: bitsStored, highBit: highBit,
                  isSigned: pr == 1, isPlanar: planar == 1 && samples > 1, photometricInterpretation: pi)
    }

    /// Bytes of one native frame as stored: YBR_FULL_422 keeps two chroma samples per two pixels
    /// (PS3.3 §C.7.6.3.1.2), everything else is `nativeFrameLength`.
    public var storedNativeFrameLength: Int {
        if photometricInterpretation == .ybrFull422 && samplesPerPixel == 3 && bitsAllocated >= 8 {
            return rows * ((columns + 1) / 2 * 2) * 2 * (bitsAllocated / 8)
        }
        return nativeFrameLength
    }

    /// Total native bytes of all frames (bit-packed for 1-bit data).
    public var nativeLength: Int {
        if bitsAllocated == 1 { return (samplesPerFrame * numberOfFrames + 7) / 8 }
        return storedNativeFrameLength * numberOfFrames
    }
}

/// The text without leading and trailing spaces and NULs.
func trimmed(_ s: String) -> String {
    var sub = Substring(s)
    while let f = sub.first, f == " " || f == "\0" { sub = sub.dropFirst() }
    while let l = sub.last, l == " " || l == "\0" { sub = sub.dropLast() }
    return String(sub)
}
