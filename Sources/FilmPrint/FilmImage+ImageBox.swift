import DICOM

extension FilmImage {
    /// The Basic Grayscale Image Box N-SET data set that prints this image (PS3.4 §H.4.3.1.2.1,
    /// PS3.3 §C.13.5): Image Box Position, Polarity and the optional placement attributes, and a
    /// Basic Grayscale Image Sequence (2020,0110) item with the Image Pixel Module of a MONOCHROME2
    /// image of 8 bits (8/8/7) or 12 bits (16/12/11), the two depths print SCPs accept. The inverse
    /// of `init(imageBox:position:)`.
    public func imageBoxDataSet() -> DataSet {
        var item = DataSet()
        item.set(.samplesPerPixel, uint16: 1)
        try? item.set(.photometricInterpretation, .CS, "MONOCHROME2")
        item.set(.rows, uint16: UInt16(clamping: rows))
        item.set(.columns, uint16: UInt16(clamping: columns))
        if pixelAspectRatio != 1, pixelAspectRatio > 0 {
            // Pixel Aspect Ratio is vertical\horizontal (PS3.3 §C.7.6.3.1.7), both integers.
            try? item.set(.pixelAspectRatio, .IS, values: [String(Int((pixelAspectRatio * 1000).rounded())), "1000"])
        }
        let twelve = bits > 8
        item.set(.bitsAllocated, uint16: twelve ? 16 : 8)
        item.set(.bitsStored, uint16: twelve ? 12 : 8)
        item.set(.highBit, uint16: twelve ? 11 : 7)
        item.set(.pixelRepresentation, uint16: 0)
        var bytes: [UInt8]
        if twelve {
            bytes = [UInt8](repeating: 0, count: samples.count * 2)
            for (i, s) in samples.enumerated() { let v = s & 0x0FFF; bytes[2 * i] = UInt8(v & 0xFF); bytes[2 * i + 1] = UInt8(v >> 8) }
        } else {
            bytes = samples.map { UInt8(truncatingIfNeeded: $0) }
            if bytes.count % 2 == 1 { bytes.append(0) }   // even value length (PS3.5 §7.1.1)
        }
        item.insert(DataElement(tag: .pixelData, vr: twelve ? .OW : .OB, value: .bytes(bytes)))

        var ds = DataSet()
        ds.set(.imageBoxPosition, uint16: UInt16(clamping: position))
        try? ds.set(.polarity, .CS, polarity.rawValue)
        if let magnification { try? ds.set(.magnificationType, .CS, magnification.rawValue) }
        if let requestedWidthMM { try? ds.set(.requestedImageSize, .DS, String(format: "%.2f", requestedWidthMM)) }
        ds.set(.basicGrayscaleImageSequence, sequence: [item])
        return ds
    }
}
