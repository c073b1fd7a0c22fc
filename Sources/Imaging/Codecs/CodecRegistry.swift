import DICOM

/// Decodes one frame of encapsulated (or native) pixel data for a transfer syntax.
///
/// A decoder gets the frame's bytes (its fragments joined) and the data set's description; it
/// returns interleaved, masked, sign-extended samples and the description that now applies
/// (e.g. YBR_FULL_422 JPEG comes out as RGB).
public protocol PixelDecoder: Sendable {
    /// Short name for messages ("JPEG Lossless").
    var name: String { get }
    func decode(_ data: [UInt8], description: PixelDescription) throws -> DecodedFrame
}

/// Options for encoders.
public struct EncodingOptions: Sendable {
    /// JPEG Baseline quality, 1–100.
    public var quality: Int
    /// JPEG Lossless selection value (predictor 1–7); SV1 is what .70 requires.
    public var predictor: Int
    public init(quality: Int = 90, predictor: Int = 1) { self.quality = quality; self.predictor = predictor }
}

/// One encoded frame and the description of the pixel data as now encoded.
public struct EncodedFrame: Sendable {
    public var bytes: [UInt8]
    public var description: PixelDescription
    public init(bytes: [UInt8], description: PixelDescription) { self.bytes = bytes; self.description = description }
}

/// Encodes one decoded frame into a transfer syntax's form.
public protocol PixelEncoder: Sendable {
    var name: String { get }
    var transferSyntax: TransferSyntax { get }
    /// Lossy encoders change pixel values; the transcoder records Lossy Image Compression.
    var isLossy: Bool { get }
    /// The DICOM name for (0028,2114) Lossy Image Compression Method, when lossy.
    var lossyMethod: String? { get }
    func encode(_ frame: DecodedFrame, options: EncodingOptions) throws -> EncodedFrame
}

extension PixelEncoder {
    public var lossyMethod: String? { nil }
}

/// Maps transfer syntax UIDs to decoders and encoders (the codec adapters kept apart from
/// `TransferSyntax` facts, as Enet4/dicom-rs:transfer-syntax-registry does).
public enum CodecRegistry {
    static let nativeUIDs: Set<String> = [
        TransferSyntax.implicitVRLittleEndian.uid, TransferSyntax.explicitVRLittleEndian.uid,
        TransferSyntax.explicitVRBigEndian.uid, TransferSyntax.deflatedExplicitVRLittleEndian.uid,
    ]

    /// The decoder for a transfer syntax, or nil (video, JPIP, unknown).
    public static func decoder(for uid: String, options: DecodingOptions = .init()) -> (any PixelDecoder)? {
        switch uid {
        case let u where nativeUIDs.contains(u): return NativeDecoder()
        case "1.2.840.10008.1.2.1.98": return NativeDecoder()
        case "1.2.840.10008.1.2.5": return RLEDecoder()
        case "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70": return JPEGLosslessDecoder(options: options.jpegLossless)
        case "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51": return JPEGDCTDecoder()
        case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81": return JPEGLSDecoder()
        case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91":
            return JPEG2000Decoder(threads: openJPEGThreads(options))
        case "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203":
            return HTJ2KDecoder(threads: openJPEGThreads(options))
        default: return nil
        }
    }

    static func openJPEGThreads(_ options: DecodingOptions) -> Int32 {
        options.threadsPerFrame.map { Int32(max(1, min($0, 64))) } ?? JPEG2000Decoder.defaultThreads
    }

    /// The encoder for a transfer syntax, or nil.
    public static func encoder(for uid: String) -> (any PixelEncoder)? {
        switch uid {
        case "1.2.840.10008.1.2.5": return RLEEncoder()
        case "1.2.840.10008.1.2.4.70": return JPEGLosslessEncoder()
        case "1.2.840.10008.1.2.4.50": return JPEGBaselineEncoder()
        default: return nil
        }
    }

    /// Whether Lightbox can decode this syntax's pixel data.
    public static func canDecode(_ uid: String) -> Bool { decoder(for: uid) != nil }
    public static func canEncode(_ uid: String) -> Bool { encoder(for: uid) != nil || nativeUIDs.contains(uid) }

    /// Video syntaxes (MPEG-2, H.264, HEVC): recognised, passed through, never decoded.
    public static func isVideo(_ uid: String) -> Bool { TransferSyntax.forUID(uid).isVideo }
}
