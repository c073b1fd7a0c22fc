import CCharLS

/// JPEG-LS encoding through CharLS, for the tests that hold `JPEGLSLosslessGrey` to CharLS's
/// decoding of the same stream (Lightbox writes no JPEG-LS: no media profile needs it).
enum JPEGLSReferenceEncoder {
    /// One component of `bits` bits (samples in native 8- or 16-bit words), lossless or NEAR.
    static func encode(_ samples: [UInt16], width: Int, height: Int, bits: Int, near: Int = 0) -> [UInt8]? {
        guard let enc = charls_jpegls_encoder_create() else { return nil }
        defer { charls_jpegls_encoder_destroy(enc) }
        var fi = charls_frame_info(width: UInt32(width), height: UInt32(height), bits_per_sample: Int32(bits), component_count: 1)
        guard charls_jpegls_encoder_set_frame_info(enc, &fi).rawValue == 0,
              charls_jpegls_encoder_set_near_lossless(enc, Int32(near)).rawValue == 0 else { return nil }
        var size = 0
        guard charls_jpegls_encoder_get_estimated_destination_size(enc, &size).rawValue == 0 else { return nil }
        var out = [UInt8](repeating: 0, count: size + 1024)
        let source: [UInt8] = bits <= 8 ? samples.map { UInt8(truncatingIfNeeded: $0) } : samples.withUnsafeBytes { Array($0) }
        var written = 0
        let ok = out.withUnsafeMutableBytes { o -> Bool in
            source.withUnsafeBytes { s -> Bool in
                guard charls_jpegls_encoder_set_destination_buffer(enc, o.baseAddress!, o.count).rawValue == 0,
                      charls_jpegls_encoder_encode_from_buffer(enc, s.baseAddress!, s.count, 0).rawValue == 0,
                      charls_jpegls_encoder_get_bytes_written(enc, &written).rawValue == 0 else { return false }
                return true
            }
        }
        return ok ? Array(out.prefix(written)) : nil
    }
}
