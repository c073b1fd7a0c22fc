import DICOM

/// Why a transcoding request was refused (beyond codec errors, which stay `ImagingError`).
public enum TranscodingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The source is lossy and the target is lossy too: re-encoding would lose more, silently.
    case lossyReencoding(source: String, target: String, file: String?)
    /// Video is passed through untouched, never decoded.
    case videoNotTranscodable(String, file: String?)
    case noEncoder(String)
    /// Native pixel data shorter than the Image Pixel module says (Rows × Columns × Samples per
    /// Pixel × Bits Allocated × Number of Frames, PS3.5 §8.1.1), or of odd length in OW (PS3.5
    /// §7.1.1): the file was cut or its attributes are wrong; passing it on would spread the damage.
    case pixelDataLength(expected: UInt64, actual: UInt64, vr: VR, file: String?)

    public var description: String {
        switch self {
        case .lossyReencoding(let s, let t, let f):
            return "\(f.map { "\($0): " } ?? "")the pixel data is already lossy (\(s)); re-encoding it as \(t) loses more. Pass --allow-lossy-recompression to do it anyway"
        case .videoNotTranscodable(let ts, let f):
            return "\(f.map { "\($0): " } ?? "")video transfer syntax \(ts) is passed through, never decoded"
        case .noEncoder(let ts): return "no encoder for transfer syntax \(ts)"
        case .pixelDataLength(let expected, let actual, let vr, let f):
            return "\(f.map { "\($0): " } ?? "")\(Self.lengthFinding(expected: expected, actual: actual, vr: vr)); the file is truncated or its Image Pixel attributes are wrong"
        }
    }

    /// What is wrong with the pixel data's length, in words, both lengths given.
    static func lengthFinding(expected: UInt64, actual: UInt64, vr: VR) -> String {
        actual < expected
            ? "Pixel Data (7FE0,0010) holds \(actual) bytes but Rows × Columns × Samples per Pixel × Bits Allocated × Number of Frames needs \(expected)"
            : "Pixel Data (7FE0,0010) has odd length \(actual) in \(vr) (\(expected) bytes needed; PS3.5 §7.1.1 requires even lengths)"
    }
}

/// Rewrites a data set's pixel data in another transfer syntax and updates what depends on it:
/// Photometric Interpretation after colour conversion, Planar Configuration, Bits Allocated/
/// Stored/High Bit when an encoder narrows them, Lossy Image Compression (0028,2110), Ratio
/// (0028,2112) and Method (0028,2114) when lossy (PS3.3 §C.7.6.1.1.5), and drops the Extended
/// Offset Table. The Transfer Syntax UID in File Meta follows from `DICOMFile.transferSyntax`.
public struct Transcoder: Sendable {
    public var options: EncodingOptions
    /// Workarounds for defective source streams (DCMTK `+w6`, `+wc`).
    public var decoding: DecodingOptions
    /// Allow lossy → lossy re-encoding (otherwise `TranscodingError.lossyReencoding`).
    public var allowLossyReencoding: Bool
    /// Pass native pixel data that is shorter than its description (or odd in OW) through with a
    /// warning instead of `TranscodingError.pixelDataLength`.
    public var keepShortPixelData: Bool

    public init(options: EncodingOptions = .init(), decoding: DecodingOptions = .init(), allowLossyReencoding: Bool = false,
                keepShortPixelData: Bool = false) {
        self.options = options; self.decoding = decoding; self.allowLossyReencoding = allowLossyReencoding
        self.keepShortPixelData = keepShortPixelData
    }

    /// The lengths of native pixel data that does not fit its Image Pixel description: shorter
    /// than `PixelDescription.nativeLength`, or odd in OW. Nil when it fits, is encapsulated, or
    /// the description cannot be read (then decoding reports what is wrong).
    public static func nativePixelDataMismatch(_ file: DICOMFile) -> TranscodingError? {
        guard let px = file.dataSet[Tag(0x7FE0, 0x0010)] else { return nil }
        let actual: UInt64
        switch px.value {
        case .bytes(let b): actual = UInt64(b.count)
        case .bulk(let r) where !r.isEncapsulated: actual = r.length
        default: return nil
        }
        guard let d = try? PixelDescription(dataSet: file.dataSet, path: file.path) else { return nil }
        let expected = UInt64(d.nativeLength)
        guard actual < expected || (px.vr == .OW && actual & 1 == 1) else { return nil }
        return .pixelDataLength(expected: expected, actual: actual, vr: px.vr, file: file.path)
    }

    /// The file rewritten for `target`. Files without pixel data only change transfer syntax; video
    /// (MPEG-2, H.264, HEVC) comes back unchanged, still in its own transfer syntax.
    public func transcode(_ file: DICOMFile, to target: TransferSyntax) throws -> DICOMFile {
        var warnings: [String] = []
        return try transcode(file, to: target, warnings: &warnings)
    }

    /// As `transcode(_:to:)`, adding to `warnings` what the decoders tolerated, frame by frame
    /// ("frame 2: the stream ends in row 87 of 512; …"), so a caller can report a truncated source.
    public func transcode(_ file: DICOMFile, to target: TransferSyntax, warnings: inout [String]) throws -> DICOMFile {
        var out = file
        out.transferSyntax = target
        guard let px = file.dataSet[Tag(0x7FE0, 0x0010)] else {
            guard !target.isEncapsulated else { return out }  // no pixel data: any syntax will do
            return out
        }
        let source = file.transferSyntax
        var sourceEncapsulated = false
        switch px.value {
        case .encapsulated: sourceEncapsulated = true
        case .bulk(let r): sourceEncapsulated = r.isEncapsulated
        default: break
        }
        if let mismatch = Self.nativePixelDataMismatch(file) {
            guard keepShortPixelData, case .pixelDataLength(let expected, let actual, let vr, _) = mismatch else { throw mismatch }
            warnings.append(TranscodingError.lengthFinding(expected: expected, actual: actual, vr: vr) + "; kept as it is")
        }
        if source.uid == target.uid { return out }
        // Video is recognised and passed through untouched, in its own syntax: never decoded.
        if source.isVideo && sourceEncapsulated { return file }
        if target.isVideo { throw TranscodingError.videoNotTranscodable(target.uid, file: file.path) }
        // Native → native: the writer re-encodes byte order and VR form.
        if !sourceEncapsulated && !target.isEncapsulated { return out }

        let pixels = try ImagePixelData(file: file)
        let frames = pixels.frameCount
        let sourceIsLossy = source.isLossy && sourceEncapsulated || file.dataSet.string(.lossyImageCompression).map { trimmed($0) == "01" } == true

        var ds = file.dataSet
        ds.remove(.extendedOffsetTable)
        ds.remove(.extendedOffsetTableLengths)

        if !target.isEncapsulated {
            // Decompression to native.
            var bytes: [UInt8] = []
            var desc = pixels.description
            for i in 0 ..< frames {
                let f = try pixels.decodeFrame(i, options: decoding)
                warnings += f.warnings.map { frames > 1 ? "frame \(i + 1): \($0)" : $0 }
                desc = f.description
                let b = f.samples.nativeBytes(bitsAllocated: desc.bitsAllocated, bitsStored: desc.bitsAllocated)
                if frames == 1 { bytes = b } else {
                    if i == 0 { bytes.reserveCapacity(b.count * frames) }
                    bytes += b
                }
            }
            if bytes.count & 1 == 1 { bytes.append(0) }
            try update(&ds, for: desc, frames: frames)
            ds.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: desc.bitsAllocated > 8 ? .OW : .OB, value: .bytes(bytes)))
            out.dataSet = ds
            return out
        }

        guard let encoder = CodecRegistry.encoder(for: target.uid) else { throw TranscodingError.noEncoder(target.uid) }
        if encoder.isLossy && sourceIsLossy && !allowLossyReencoding {
            throw TranscodingError.lossyReencoding(source: source.name, target: target.name, file: file.path)
        }
        var fragments: [[UInt8]] = []
        var offsets: [UInt8] = []
        var position = 0
        var desc = pixels.description
        var nativeSize = 0, encodedSize = 0
        for i in 0 ..< frames {
            let f = try pixels.decodeFrame(i, options: decoding)
            warnings += f.warnings.map { frames > 1 ? "frame \(i + 1): \($0)" : $0 }
            let e: EncodedFrame
            do { e = try encoder.encode(f, options: options) } catch let err as ImagingError { throw err.naming(file.path) }
            desc = e.description
            var b = e.bytes
            if b.count & 1 == 1 { b.append(0) }
            for k in 0 ..< 4 { offsets.append(UInt8(truncatingIfNeeded: position >> (8 * k))) }
            position += 8 + b.count
            nativeSize += f.description.nativeFrameLength
            encodedSize += b.count
            fragments.append(b)
        }
        try update(&ds, for: desc, frames: frames)
        if encoder.isLossy {
            try ds.set(.lossyImageCompression, .CS, "01")
            var ratios = ds.strings(.lossyImageCompressionRatio).filter { !$0.isEmpty }
            var methods = ds.strings(.lossyImageCompressionMethod).filter { !$0.isEmpty }
            if !sourceIsLossy { ratios = []; methods = [] }
            let ratio = Double(nativeSize) / Double(max(1, encodedSize))
            ratios.append(Transcoder.decimalString(ratio))
            methods.append(encoder.lossyMethod ?? "ISO_10918_1")
            try ds.set(.lossyImageCompressionRatio, .DS, values: ratios)
            try ds.set(.lossyImageCompressionMethod, .CS, values: methods)
        }
        // Lenient: a Basic Offset Table past 4 GiB cannot be written; leave it empty then.
        let bot = position <= Int(UInt32.max) && frames > 1 ? offsets : (frames == 1 ? [] : [])
        ds.insert(DataElement(tag: Tag(0x7FE0, 0x0010), vr: .OB,
                              value: .encapsulated(EncapsulatedPixelData(basicOffsetTable: bot, fragments: fragments)),
                              hasUndefinedLength: true))
        out.dataSet = ds
        return out
    }

    /// Writes the Image Pixel attributes that decoding/encoding may have changed.
    func update(_ ds: inout DataSet, for d: PixelDescription, frames: Int) throws {
        try ds.set(.photometricInterpretation, .CS, d.photometricInterpretation.rawValue)
        if d.samplesPerPixel > 1 { ds.set(.planarConfiguration, uint16: 0) } else { ds.remove(.planarConfiguration) }
        ds.set(.samplesPerPixel, uint16: UInt16(d.samplesPerPixel))
        ds.set(.bitsAllocated, uint16: UInt16(d.bitsAllocated))
        ds.set(.bitsStored, uint16: UInt16(d.bitsStored))
        ds.set(.highBit, uint16: UInt16(d.highBit))
        ds.set(.rows, uint16: UInt16(d.rows))
        ds.set(.columns, uint16: UInt16(d.columns))
    }

    /// A DS value of at most 16 characters.
    static func decimalString(_ v: Double) -> String {
        var s = Transcoder.fixedPoint(v)
        if s.count > 16 { s = String(s.prefix(16)) }
        return s
    }
}

extension Transcoder {
    /// Fixed-point text with up to 4 decimals, no exponent.
    static func fixedPoint(_ v: Double) -> String {
        let scaled = (v * 10000).rounded()
        let whole = Int(scaled) / 10000, frac = Int(scaled) % 10000
        var f = String(frac)
        while f.count < 4 { f = "0" + f }
        while f.hasSuffix("0") { f.removeLast() }
        return f.isEmpty ? String(whole) : "\(whole).\(f)"
    }
}
