/// What a caller may tell the decoders beyond the data set: workarounds for known defective
/// encoders that cannot be detected from the stream (DCMTK `dcmdjpeg +w6`, `+wc`).
///
/// Truncated streams need no option: every decoder that can decodes what is there and says so in
/// `DecodedFrame.warnings` (DCMTK's `+wi` behaviour is the default).
public struct DecodingOptions: Sendable, Equatable {
    /// JPEG Lossless (Process 14, transfer syntaxes .57 and .70) workarounds.
    public var jpegLossless: JPEGLosslessOptions
    public init(jpegLossless: JPEGLosslessOptions = .init()) { self.jpegLossless = jpegLossless }
}
