import COpenJPHShim

/// HTJ2K encoding through OpenJPH (ISO/IEC 15444-15), for the tests that hold the OpenJPH
/// decoding path of `HTJ2KDecoder` to OpenJPEG's decoding of the same stream (Lightbox writes no
/// HTJ2K: no media profile needs it).
enum HTJ2KReferenceEncoder {
    struct Options {
        var reversible = true
        /// RCT (reversible) or ICT (irreversible) on three components.
        var colorTransform = false
        /// Quantisation step of the irreversible path.
        var qstep: Float = 0.001
        /// "LRCP", "RLCP", "RPCL", "PCRL" or "CPRL".
        var progression = "RPCL"
        /// 0: one tile.
        var tileWidth = 0, tileHeight = 0
        var decompositions = 5
        /// Code-block size (powers of two, area at most 4096).
        var blockWidth = 64, blockHeight = 64
        /// One precinct size (a power of two) at every resolution; 0: none (the largest).
        var precinct = 0
    }

    /// Interleaved samples of `bits` bits (in 8- or 16-bit words, two's complement when signed).
    static func encode(_ samples: [Int32], width: Int, height: Int, components: Int, bits: Int, signed: Bool,
                       options o: Options = Options()) -> [UInt8]? {
        let wide = bits > 8
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: 256)
        func encode(_ s: UnsafeRawBufferPointer, bytesPerSample: UInt32) -> lb_ojph_status {
            lb_ojph_encode(s.baseAddress, bytesPerSample, UInt32(width), UInt32(height), UInt32(components), UInt32(bits), signed ? 1 : 0,
                           o.reversible ? 1 : 0, o.colorTransform ? 1 : 0, o.qstep, o.progression, UInt32(o.tileWidth),
                           UInt32(o.tileHeight), UInt32(o.decompositions), UInt32(o.blockWidth), UInt32(o.blockHeight),
                           UInt32(o.precinct), &out, &length, &message, message.count)
        }
        let status = wide
            ? samples.map { UInt16(truncatingIfNeeded: $0) }.withUnsafeBytes { encode($0, bytesPerSample: 2) }
            : samples.map { UInt8(truncatingIfNeeded: $0) }.withUnsafeBytes { encode($0, bytesPerSample: 1) }
        guard status == LB_OJPH_OK, let out else { return nil }
        defer { lb_ojph_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: length))
    }
}
