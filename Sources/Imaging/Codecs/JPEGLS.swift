import CCharLS
import DICOM

/// JPEG-LS Lossless and Near-Lossless (ISO 14495-1) for 1.2.840.10008.1.2.4.80/.81: lossless
/// single-component streams through `JPEGLSLosslessGrey` (Swift, about 20% faster than CharLS 2.4.1
/// here), everything else through CharLS's C API (error codes, no exceptions cross into Swift).
public struct JPEGLSDecoder: PixelDecoder {
    public var name: String { "JPEG-LS" }
    public init() {}

    public func decode(_ data: [UInt8], description d: PixelDescription) throws -> DecodedFrame {
        if let frame = Self.decodeLosslessGrey(data, description: d) { return frame }
        return try decodeWithCharLS(data, description: d)
    }

    /// Any JPEG-LS stream through CharLS (the Swift decoder's reference in the tests).
    func decodeWithCharLS(_ data: [UInt8], description d: PixelDescription) throws -> DecodedFrame {
        guard let dec = charls_jpegls_decoder_create() else { throw ImagingError.corruptStream(codec: name, reason: "cannot create a CharLS decoder", file: nil) }
        defer { charls_jpegls_decoder_destroy(dec) }
        func check(_ rc: charls_jpegls_errc) throws {
            guard rc.rawValue == 0 else {
                let msg = String(cString: charls_get_error_message(rc))
                throw ImagingError.corruptStream(codec: name, reason: msg, file: nil)
            }
        }
        return try data.withUnsafeBytes { src -> DecodedFrame in
            guard let base = src.baseAddress, src.count >= 4 else { throw ImagingError.corruptStream(codec: name, reason: "\(src.count)-byte stream", file: nil) }
            try check(charls_jpegls_decoder_set_source_buffer(dec, base, src.count))
            try check(charls_jpegls_decoder_read_header(dec))
            var fi = charls_frame_info()
            try check(charls_jpegls_decoder_get_frame_info(dec, &fi))
            var mode = charls_interleave_mode(rawValue: 0)
            try check(charls_jpegls_decoder_get_interleave_mode(dec, &mode))
            let w = Int(fi.width), h = Int(fi.height), nc = Int(fi.component_count), bits = Int(fi.bits_per_sample)
            guard w > 0, h > 0, (1 ... 4).contains(nc), (2 ... 16).contains(bits) else {
                throw ImagingError.corruptStream(codec: name, reason: "frame \(w)×\(h), \(nc) components, \(bits) bits", file: nil)
            }
            let bps = bits <= 8 ? 1 : 2
            guard w * h * nc * bps <= ImagePixelData.maxFrameBytes else { throw ImagingError.tooLarge(reason: "JPEG-LS frame \(w)×\(h)×\(nc) is too large", file: nil) }
            var od = d
            var warnings: [String] = []
            if w != d.columns || h != d.rows {
                warnings.append("the JPEG-LS frame is \(w)×\(h) but the data set says \(d.columns)×\(d.rows); using the JPEG-LS size")
                od.rows = h; od.columns = w
            }
            od.samplesPerPixel = nc
            if bits != d.bitsStored { warnings.append("JPEG-LS precision \(bits) differs from Bits Stored \(d.bitsStored); following the data set") }
            let count = w * h * nc
            // Interleaved output (one component, or line/sample interleave) of the data set's width:
            // CharLS writes straight into the returned array, masked and sign-extended in place.
            if nc == 1 || mode.rawValue != 0, bps * 8 == od.bitsAllocated {
                let keep = min(od.bitsStored, bps * 8)
                od.isPlanar = false
                let samples: PixelSamples
                switch (bps, od.isSigned) {
                case (2, true): samples = .int16(try Self.decodeDirect(dec, count: count, check: check) { SampleConversion.signExtendInPlace($0, bits: keep) })
                case (2, false): samples = .uint16(try Self.decodeDirect(dec, count: count, check: check) { SampleConversion.maskInPlace($0, bits: keep) })
                case (_, true): samples = .int8(try Self.decodeDirect(dec, count: count, check: check) { SampleConversion.signExtendInPlace($0, bits: keep) })
                default: samples = .uint8(try Self.decodeDirect(dec, count: count, check: check) { SampleConversion.maskInPlace($0, bits: keep) })
                }
                return DecodedFrame(description: od, samples: samples, warnings: warnings)
            }
            var size = 0
            try check(charls_jpegls_decoder_get_destination_size(dec, 0, &size))
            var out = [UInt8](repeating: 0, count: max(size, w * h * nc * bps))
            try out.withUnsafeMutableBytes { o in
                try check(charls_jpegls_decoder_decode_to_buffer(dec, o.baseAddress!, o.count, 0))
            }
            let planar = nc > 1 && mode.rawValue == 0   // CHARLS_INTERLEAVE_MODE_NONE: one plane per component
            var codec = od
            codec.bitsAllocated = bps * 8; codec.bitsStored = bps * 8; codec.highBit = bps * 8 - 1; codec.isSigned = false
            let raw = out.withUnsafeBytes { SampleConversion.fromStoredBytes($0, count: count, description: codec, planar: planar) }
            od.isPlanar = false
            let samples: PixelSamples
            switch raw {
            case .uint8(let a): samples = SampleConversion.fromCodec8(a, description: od)
            case .uint16(let a): samples = SampleConversion.fromCodec16(a, description: od)
            default: samples = raw
            }
            return DecodedFrame(description: od, samples: samples, warnings: warnings)
        }
    }

    /// Decodes into a new array of `count` samples (native byte order, packed rows) and lets
    /// `finish` mask or sign-extend it in place.
    static func decodeDirect<T: FixedWidthInteger>(_ dec: OpaquePointer, count: Int, check: (charls_jpegls_errc) throws -> Void,
                                                   finish: (UnsafeMutableBufferPointer<T>) -> Void) throws -> [T] {
        var failure: Error?
        let a = [T](unsafeUninitializedCapacity: count) { buf, n in
            // Trivial integers: the buffer may be counted as initialised even if decoding fails.
            n = count
            do { try check(charls_jpegls_decoder_decode_to_buffer(dec, buf.baseAddress!, count * MemoryLayout<T>.size, 0)) }
            catch { failure = error; return }
            finish(buf)
        }
        if let failure { throw failure }
        return a
    }

    /// Lossless single-component streams with the data set's sample width go through the Swift
    /// decoder (`JPEGLSLosslessGrey`), straight into the output array; nil means CharLS decodes.
    static func decodeLosslessGrey(_ data: [UInt8], description d: PixelDescription) -> DecodedFrame? {
        data.withUnsafeBufferPointer { buf -> DecodedFrame? in
            guard let p = buf.baseAddress, let h = JPEGLSLosslessGrey.header(p, count: buf.count) else { return nil }
            let bps = h.precision <= 8 ? 1 : 2
            guard bps * 8 == d.bitsAllocated, d.samplesPerPixel == 1,
                  h.rows * h.columns * bps <= ImagePixelData.maxFrameBytes else { return nil }
            var od = d
            var warnings: [String] = []
            if h.columns != d.columns || h.rows != d.rows {
                warnings.append("the JPEG-LS frame is \(h.columns)×\(h.rows) but the data set says \(d.columns)×\(d.rows); using the JPEG-LS size")
                od.rows = h.rows; od.columns = h.columns
            }
            if h.precision != d.bitsStored { warnings.append("JPEG-LS precision \(h.precision) differs from Bits Stored \(d.bitsStored); following the data set") }
            od.isPlanar = false
            let keep = min(od.bitsStored, bps * 8)
            let count = h.rows * h.columns
            func run<T: FixedWidthInteger>(_: T.Type, _ convert: @escaping (Int32) -> T) -> [T]? {
                var ok = false
                let a = [T](unsafeUninitializedCapacity: count) { o, n in
                    var row = 0
                    ok = JPEGLSLosslessGrey.decode(p, count: buf.count, header: h) { w, line in
                        let base = o.baseAddress! + row * w
                        for x in 0 ..< w { base[x] = convert(line[x]) }
                        row += 1
                    }
                    n = ok ? count : 0
                }
                return ok ? a : nil
            }
            let samples: PixelSamples
            switch (bps, od.isSigned) {
            case (2, true):
                let ext = Int16(16 - keep)
                guard let a = run(Int16.self, { (Int16(truncatingIfNeeded: $0) << ext) >> ext }) else { return nil }
                samples = .int16(a)
            case (2, false):
                let mask = UInt16(truncatingIfNeeded: (1 << keep) - 1)
                guard let a = run(UInt16.self, { UInt16(truncatingIfNeeded: $0) & mask }) else { return nil }
                samples = .uint16(a)
            case (_, true):
                let ext = Int8(8 - keep)
                guard let a = run(Int8.self, { (Int8(truncatingIfNeeded: $0) << ext) >> ext }) else { return nil }
                samples = .int8(a)
            default:
                let mask = UInt8(truncatingIfNeeded: (1 << keep) - 1)
                guard let a = run(UInt8.self, { UInt8(truncatingIfNeeded: $0) & mask }) else { return nil }
                samples = .uint8(a)
            }
            return DecodedFrame(description: od, samples: samples, warnings: warnings)
        }
    }
}
