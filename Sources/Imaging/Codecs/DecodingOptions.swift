/// What a caller may tell the decoders beyond the data set: workarounds for known defective
/// encoders that cannot be detected from the stream (DCMTK `dcmdjpeg +w6`, `+wc`).
///
/// Truncated streams need no option: every decoder that can decodes what is there and says so in
/// `DecodedFrame.warnings` (DCMTK's `+wi` behaviour is the default).
public struct DecodingOptions: Sendable, Equatable {
    /// JPEG Lossless (Process 14, transfer syntaxes .57 and .70) workarounds.
    public var jpegLossless: JPEGLosslessOptions
    /// Threads a codec may use for one frame (OpenJPEG's `opj_codec_set_threads`); nil means one
    /// per core. Callers that already decode several files at once should say 1: nested thread
    /// pools only add thread switches (about 15% of the time for HTJ2K on two cores).
    public var threadsPerFrame: Int?
    public init(jpegLossless: JPEGLosslessOptions = .init(), threadsPerFrame: Int? = nil) {
        self.jpegLossless = jpegLossless; self.threadsPerFrame = threadsPerFrame
    }
}
