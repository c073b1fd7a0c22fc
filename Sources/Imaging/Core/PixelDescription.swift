import DICOM

/// The Image Pixel module attributes that say how to read pixel data (PS3.3 §C.7.6.3).
public struct PixelDescription: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    public var numberOfFrames: Int
    public var samplesPerPixel: Int
    public var bitsAllocated: Int
    public var bitsStored: Int
    public var highBit: Int
    /// Pixel Representation (0028,0103) = 1: two's complement signed samples.
    public var isSigned: Bool
    /// Planar Configuration (0028,0006) = 1: colour planes one after another (R…G…B…).
    public var isPlanar: Bool
    public var photometricInterpretation: PhotometricInterpretation

    public init(rows: Int, columns: Int, numberOfFrames: Int = 1, samplesPerPixel: Int = 1,
                bitsAllocated: Int, bitsStored: Int, highBit: Int? = nil, isSigned: Bool = false,
                isPlanar: Bool = false, photometricInterpretation: PhotometricInterpretation = .monochrome2) {
        self.rows = rows; self.columns = columns; self.numberOfFrames = numberOfFrames
        self.samplesPerPixel = samplesPerPixel; self.bitsAllocated = bitsAllocated
        self.bitsStored = bitsStored; self.highBit = highBit ?? bitsStored - 1
        self.isSigned = isSigned; self.isPlanar = isPlanar
        self.photometricInterpretation = photometricInterpretation
    }

    public var pixelsPerFrame: Int { rows * columns }
    public var samplesPerFrame: Int { rows * columns * samplesPerPixel }
    /// Bytes of one native (uncompressed) frame; 1-bit data packs 8 pixels per byte (PS3.5 §8.1.1).
    public var nativeFrameLength: Int {
        bitsAllocated == 1 ? (samplesPerFrame + 7) / 8 : samplesPerFrame * (bitsAllocated / 8)
    }
}

/// Why pixel data could not be described, decoded or encoded. Names the file when known.
public enum ImagingError: Error, CustomStringConvertible, Sendable, Equatable {
    case missingAttribute(String, file: String?)
    case invalidAttribute(String, value: String, file: String?)
    case noPixelData(file: String?)
    case unsupportedTransferSyntax(String, file: String?)
    case frameOutOfRange(frame: Int, count: Int, file: String?)
    /// Less pixel data than Rows × Columns × Frames needs.
    case pixelDataTooShort(expected: Int, actual: Int, file: String?)
    case corruptStream(codec: String, reason: String, file: String?)
    case encodingFailed(codec: String, reason: String)
    case tooLarge(reason: String, file: String?)

    public var description: String {
        func at(_ f: String?) -> String { f.map { "\($0): " } ?? "" }
        switch self {
        case .missingAttribute(let a, let f): return "\(at(f))missing \(a); the Image Pixel module is incomplete"
        case .invalidAttribute(let a, let v, let f): return "\(at(f))\(a) has an invalid value \"\(v)\""
        case .noPixelData(let f): return "\(at(f))no Pixel Data (7FE0,0010)"
        case .unsupportedTransferSyntax(let ts, let f): return "\(at(f))no decoder for transfer syntax \(ts)"
        case .frameOutOfRange(let n, let c, let f): return "\(at(f))frame \(n) requested but the image has \(c) frames (numbered from 0)"
        case .pixelDataTooShort(let e, let a, let f): return "\(at(f))pixel data has \(a) bytes but the image description needs \(e); the file is truncated or its attributes are wrong"
        case .corruptStream(let c, let r, let f): return "\(at(f))\(c) data is corrupt: \(r)"
        case .encodingFailed(let c, let r): return "\(c) encoding failed: \(r)"
        case .tooLarge(let r, let f): return "\(at(f))\(r)"
        }
    }
}
