import DICOM
import Foundation

/// The pixel data of one image, frame by frame: the Image Pixel module's description plus the
/// native or encapsulated Pixel Data (7FE0,0010) (PS3.5 §8.2, §A.4), decoded on demand by the
/// `CodecRegistry` decoder for the transfer syntax.
///
/// Lazy pixel data (`ElementValue.bulk`) stays in its file: a native frame is read alone; an
/// encapsulated value is read once, on the first frame asked for.
public final class ImagePixelData: @unchecked Sendable {
    public let description: PixelDescription
    public let transferSyntax: TransferSyntax
    public let path: String?
    /// Largest decoded frame accepted, in bytes; bigger frames are `ImagingError.tooLarge`.
    public static let maxFrameBytes = 1 << 30

    let pixelElement: DataElement
    let extendedOffsets: [UInt64]?
    private let lock = NSLock()
    private var cachedEncapsulated: EncapsulatedPixelData?
    private var cachedFrames: FrameIndex?

    /// Reads the description and finds the pixel data of a file read by `Part10Reader`.
    public convenience init(file: DICOMFile) throws {
        try self.init(dataSet: file.dataSet, transferSyntax: file.transferSyntax, path: file.path)
    }

    public init(dataSet: DataSet, transferSyntax: TransferSyntax, path: String? = nil) throws {
        self.description = try PixelDescription(dataSet: dataSet, path: path)
        self.transferSyntax = transferSyntax
        self.path = path
        guard let px = dataSet[Tag(0x7FE0, 0x0010)] else { throw ImagingError.noPixelData(file: path) }
        self.pixelElement = px
        if let eot = dataSet[.extendedOffsetTable]?.bytes, eot.count >= 8 {
            extendedOffsets = stride(from: 0, to: eot.count - 7, by: 8).map { i in
                (0 ..< 8).reduce(UInt64(0)) { $0 | UInt64(eot[i + $1]) << (8 * UInt64($1)) }
            }
        } else {
            extendedOffsets = nil
        }
    }

    /// Number of frames (Number of Frames, or 1).
    public var frameCount: Int { description.numberOfFrames }

    /// Whether the pixel data is encapsulated (compressed, or .98 encapsulated uncompressed).
    public var isEncapsulated: Bool {
        switch pixelElement.value {
        case .encapsulated: return true
        case .bulk(let r): return r.isEncapsulated
        default: return false
        }
    }

    /// Decodes frame `index` (from 0) into interleaved, masked, sign-extended samples. `options`
    /// turns on workarounds for known defective encoders; what a decoder tolerated (a truncated
    /// stream, say) is in the frame's `warnings`.
    public func decodeFrame(_ index: Int, options: DecodingOptions = .init()) throws -> DecodedFrame {
        guard index >= 0, index < frameCount else { throw ImagingError.frameOutOfRange(frame: index, count: frameCount, file: path) }
        let d = description
        let frameBytes = d.samplesPerFrame * max(1, d.bitsAllocated / 8)
        guard frameBytes <= ImagePixelData.maxFrameBytes else {
            throw ImagingError.tooLarge(reason: "a frame of \(d.rows)×\(d.columns)×\(d.samplesPerPixel) samples at \(d.bitsAllocated) bits needs \(frameBytes) bytes, more than the \(ImagePixelData.maxFrameBytes)-byte limit", file: path)
        }
        let decoder: any PixelDecoder
        if isEncapsulated {
            if transferSyntax.isVideo {
                throw ImagingError.unsupportedTransferSyntax("\(transferSyntax.uid) (video: passed through, never decoded)", file: path)
            }
            guard let dec = CodecRegistry.decoder(for: transferSyntax.uid, options: options), transferSyntax.isEncapsulated else {
                throw ImagingError.unsupportedTransferSyntax(transferSyntax.uid, file: path)
            }
            decoder = dec
        } else {
            decoder = NativeDecoder()
        }
        let data = try frameData(index)
        do {
            var frame = try decoder.decode(data, description: d)
            frame.warnings.insert(contentsOf: extractionWarnings(), at: 0)
            return frame
        } catch let e as ImagingError {
            throw e.naming(path)
        }
    }

    /// The stored bytes of frame `index`: native little-endian bytes, or the frame's fragments
    /// joined (one codestream) for encapsulated data.
    public func frameData(_ index: Int) throws -> [UInt8] {
        guard index >= 0, index < frameCount else { throw ImagingError.frameOutOfRange(frame: index, count: frameCount, file: path) }
        if isEncapsulated {
            let (enc, idx) = try encapsulatedIndex()
            guard index < idx.frames.count else {
                throw ImagingError.corruptStream(codec: "encapsulated pixel data", reason: "frame \(index) has no fragments (\(enc.fragments.count) fragments for \(frameCount) frames)", file: path)
            }
            let r = idx.frames[index]
            if r.count == 1 { return enc.fragments[r.lowerBound] }
            var out: [UInt8] = []
            out.reserveCapacity(r.reduce(0) { $0 + enc.fragments[$1].count })
            for k in r { out.append(contentsOf: enc.fragments[k]) }
            return out
        }
        return try nativeFrameData(index)
    }

    /// All fragments of encapsulated pixel data, grouped per frame (for pass-through copies).
    public func encapsulated() throws -> EncapsulatedPixelData { try encapsulatedIndex().0 }

    // MARK: native

    func nativeFrameData(_ index: Int) throws -> [UInt8] {
        let d = description
        if d.bitsAllocated == 1 {
            let bitStart = index * d.samplesPerFrame
            let byteStart = bitStart / 8
            let byteCount = (d.samplesPerFrame + (bitStart & 7) + 7) / 8
            var raw = try nativeRange(byteStart, byteCount)
            let shift = bitStart & 7
            if shift != 0 {
                for i in 0 ..< raw.count {
                    let next = i + 1 < raw.count ? raw[i + 1] : 0
                    raw[i] = (raw[i] >> UInt8(shift)) | (next << UInt8(8 - shift))
                }
            }
            return raw
        }
        let len = d.storedNativeFrameLength
        var raw = try nativeRange(index * len, len)
        if transferSyntax.isBigEndian && d.bitsAllocated == 32 && pixelElement.vr == .OW {
            // The reader swapped 16-bit words; finish the 32-bit swap.
            raw.withUnsafeMutableBufferPointer { p in
                var i = 0
                while i + 3 < p.count { p.swapAt(i, i + 2); p.swapAt(i + 1, i + 3); i += 4 }
            }
        }
        return raw
    }

    func nativeRange(_ start: Int, _ count: Int) throws -> [UInt8] {
        switch pixelElement.value {
        case .bytes(let b):
            guard start + count <= b.count else {
                // Lenient: an odd-length final frame padded short by one byte still decodes.
                throw ImagingError.pixelDataTooShort(expected: start + count, actual: b.count, file: path)
            }
            return Array(b[start ..< start + count])
        case .bulk(let ref):
            guard UInt64(start + count) <= ref.length else {
                throw ImagingError.pixelDataTooShort(expected: start + count, actual: Int(ref.length), file: path)
            }
            var raw: [UInt8]
            do { raw = try ref.readRange(offset: ref.offset + UInt64(start), count: count) }
            catch { throw ImagingError.pixelDataTooShort(expected: start + count, actual: Int(ref.length), file: path) }
            if ref.isBigEndian && ref.wordSize > 1 {
                let w = ref.wordSize
                raw.withUnsafeMutableBufferPointer { p in
                    var i = 0
                    while i + w <= p.count {
                        var a = i, b = i + w - 1
                        while a < b { p.swapAt(a, b); a += 1; b -= 1 }
                        i += w
                    }
                }
            }
            return raw
        default:
            throw ImagingError.noPixelData(file: path)
        }
    }

    // MARK: encapsulated

    struct FrameIndex {
        var frames: [Range<Int>]
        var warnings: [String]
    }

    func extractionWarnings() -> [String] {
        lock.lock(); defer { lock.unlock() }
        return cachedFrames?.warnings ?? []
    }

    func encapsulatedIndex() throws -> (EncapsulatedPixelData, FrameIndex) {
        lock.lock(); defer { lock.unlock() }
        if let e = cachedEncapsulated, let f = cachedFrames { return (e, f) }
        let enc: EncapsulatedPixelData
        switch pixelElement.value {
        case .encapsulated(let e): enc = e
        case .bulk(let ref):
            do { enc = try ref.loadEncapsulated() }
            catch { throw ImagingError.corruptStream(codec: "encapsulated pixel data", reason: "\(error)", file: path) }
        default: throw ImagingError.noPixelData(file: path)
        }
        let idx = FrameLocator.locate(fragments: enc.fragments, basicOffsets: enc.frameOffsets,
                                      extendedOffsets: extendedOffsets, frameCount: frameCount)
        cachedEncapsulated = enc; cachedFrames = idx
        return (enc, idx)
    }
}

/// Which fragments make up each frame (PS3.5 §A.4): Extended Offset Table, then Basic Offset
/// Table, then one fragment per frame, then codestream start/end markers.
enum FrameLocator {
    static func locate(fragments: [[UInt8]], basicOffsets: [UInt32], extendedOffsets: [UInt64]?,
                       frameCount: Int) -> ImagePixelData.FrameIndex {
        var warnings: [String] = []
        let n = fragments.count
        guard n > 0 else { return .init(frames: [], warnings: ["encapsulated pixel data has no fragments"]) }
        // Byte offset of each fragment's item tag from the first fragment's item tag.
        var starts = [UInt64](repeating: 0, count: n)
        var pos: UInt64 = 0
        for k in 0 ..< n { starts[k] = pos; pos += 8 + UInt64(fragments[k].count) }

        func fromOffsets(_ offs: [UInt64], _ what: String) -> [Range<Int>]? {
            guard offs.count >= frameCount, offs.first == 0 else { return nil }
            var firstFragment: [Int] = []
            for o in offs.prefix(frameCount) {
                guard let k = starts.firstIndex(of: o) else { return nil }
                if let last = firstFragment.last, k <= last { return nil }
                firstFragment.append(k)
            }
            var out: [Range<Int>] = []
            for i in 0 ..< firstFragment.count {
                out.append(firstFragment[i] ..< (i + 1 < firstFragment.count ? firstFragment[i + 1] : n))
            }
            return out
        }
        if let eot = extendedOffsets {
            if let r = fromOffsets(eot, "Extended Offset Table") { return .init(frames: r, warnings: warnings) }
            warnings.append("the Extended Offset Table (7FE0,0001) does not match the fragments; frames located by other means")
        }
        if !basicOffsets.isEmpty {
            if let r = fromOffsets(basicOffsets.map { UInt64($0) }, "Basic Offset Table") { return .init(frames: r, warnings: warnings) }
            warnings.append("the Basic Offset Table does not match the fragments; frames located by markers")
        }
        if frameCount == 1 { return .init(frames: [0 ..< n], warnings: warnings) }
        // No table: a frame starts at a fragment that opens a codestream (JPEG SOI, J2K SOC,
        // JP2 signature) or follows one ending in JPEG EOI / J2K EOC.
        var firsts: [Int] = [0]
        for k in 1 ..< n {
            let f = fragments[k], prev = fragments[k - 1]
            let startsCodestream = startsWithCodestream(f)
            // JPEG EOI and J2K EOC are both FFD9; fragments may be padded with a trailing zero.
            var end = prev.count
            if end > 0 && prev[end - 1] == 0 { end -= 1 }
            let prevEnds = end >= 2 && prev[end - 2] == 0xFF && prev[end - 1] == 0xD9
            if startsCodestream || prevEnds { firsts.append(k) }
        }
        let markersFound = firsts.count > 1 || startsWithCodestream(fragments[0])
        if !markersFound {
            // Codestreams without recognisable markers (RLE, …): one fragment per frame.
            if n != frameCount { warnings.append("\(n) fragments for \(frameCount) frames and no offset table") }
            return .init(frames: (0 ..< min(n, frameCount)).map { $0 ..< $0 + 1 }, warnings: warnings)
        }
        if firsts.count != frameCount {
            warnings.append("\(n) fragments for \(frameCount) frames and no offset table: found \(firsts.count) codestreams")
        }
        var out: [Range<Int>] = []
        for i in 0 ..< min(firsts.count, frameCount) {
            out.append(firsts[i] ..< (i + 1 < firsts.count ? firsts[i + 1] : n))
        }
        return .init(frames: out, warnings: warnings)
    }
}

/// JPEG SOI, J2K SOC+SIZ, or the JP2 signature box.
func startsWithCodestream(_ f: [UInt8]) -> Bool {
    (f.count >= 3 && f[0] == 0xFF && f[1] == 0xD8 && f[2] == 0xFF)
        || (f.count >= 4 && f[0] == 0xFF && f[1] == 0x4F && f[2] == 0xFF && f[3] == 0x51)
        || (f.count >= 8 && f[0] == 0 && f[1] == 0 && f[2] == 0 && f[3] == 0x0C && f[4] == 0x6A && f[5] == 0x50)
}

extension ImagingError {
    /// The same error naming `path` when it named no file.
    func naming(_ path: String?) -> ImagingError {
        guard let path else { return self }
        switch self {
        case .missingAttribute(let a, nil): return .missingAttribute(a, file: path)
        case .invalidAttribute(let a, let v, nil): return .invalidAttribute(a, value: v, file: path)
        case .noPixelData(nil): return .noPixelData(file: path)
        case .unsupportedTransferSyntax(let t, nil): return .unsupportedTransferSyntax(t, file: path)
        case .frameOutOfRange(let f, let c, nil): return .frameOutOfRange(frame: f, count: c, file: path)
        case .pixelDataTooShort(let e, let a, nil): return .pixelDataTooShort(expected: e, actual: a, file: path)
        case .corruptStream(let c, let r, nil): return .corruptStream(codec: c, reason: r, file: path)
        case .tooLarge(let r, nil): return .tooLarge(reason: r, file: path)
        default: return self
        }
    }
}
