import COpenJPEG
import DICOM
import Foundation

/// JPEG 2000 (ISO/IEC 15444-1) for 1.2.840.10008.1.2.4.90/.91 (PS3.5 §A.4.4), through OpenJPEG:
/// a raw codestream or a JP2 file wrapper. Also decodes HTJ2K (ISO/IEC 15444-15) for
/// `HTJ2KDecoder`, which hands it the streams OpenJPH does not take. When the codestream's
/// precision or signedness disagrees with the data set, the data set wins and a warning says so.
public struct JPEG2000Decoder: PixelDecoder {
    public var name: String { "JPEG 2000" }
    /// Threads OpenJPEG may use for one frame (`opj_codec_set_threads`): by default one per core,
    /// which on two cores about halves the time of a frame.
    public var threads: Int32
    public init(threads: Int32 = JPEG2000Decoder.defaultThreads) { self.threads = threads }
    public static let defaultThreads = Int32(min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 8))

    final class Source {
        let base: UnsafeRawPointer
        let count: Int
        var pos = 0
        var errors: [String] = []
        init(_ base: UnsafeRawPointer, _ count: Int) { self.base = base; self.count = count }
    }

    public func decode(_ data: [UInt8], description d: PixelDescription) throws -> DecodedFrame {
        let container = try JPEG2000Frame.container(of: data, codec: name)
        let isJP2 = container == .fileFormat
        var start = 0
        if case .codestream(let s) = container { start = s }
        return try data.withUnsafeBytes { raw -> DecodedFrame in
            let src = Source(raw.baseAddress! + start, raw.count - start)
            guard let codec = opj_create_decompress(isJP2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K) else {
                throw ImagingError.corruptStream(codec: name, reason: "cannot create an OpenJPEG decoder", file: nil)
            }
            defer { opj_destroy_codec(codec) }
            let ctx = Unmanaged.passUnretained(src).toOpaque()
            opj_set_error_handler(codec, { msg, user in
                guard let msg, let user else { return }
                let s = Unmanaged<Source>.fromOpaque(user).takeUnretainedValue()
                s.errors.append(String(cString: msg).trimmingTrailingNewlines())
            }, ctx)
            opj_set_warning_handler(codec, { _, _ in }, nil)
            opj_set_info_handler(codec, { _, _ in }, nil)
            var params = opj_dparameters_t()
            opj_set_default_decoder_parameters(&params)
            guard opj_setup_decoder(codec, &params) != 0 else { throw ImagingError.corruptStream(codec: name, reason: "decoder setup failed", file: nil) }
            if threads > 1 { _ = opj_codec_set_threads(codec, threads) }
            guard let stream = opj_stream_create(1 << 20, 1) else { throw ImagingError.corruptStream(codec: name, reason: "cannot create a stream", file: nil) }
            defer { opj_stream_destroy(stream) }
            opj_stream_set_user_data(stream, ctx, nil)
            opj_stream_set_user_data_length(stream, UInt64(src.count))
            opj_stream_set_read_function(stream) { buf, n, user in
                let s = Unmanaged<Source>.fromOpaque(user!).takeUnretainedValue()
                let left = s.count - s.pos
                if left <= 0 { return -1 }  // (OPJ_SIZE_T)-1: end of stream
                let k = min(n, left)
                buf!.copyMemory(from: s.base + s.pos, byteCount: k)
                s.pos += k
                return k
            }
            opj_stream_set_skip_function(stream) { n, user in
                let s = Unmanaged<Source>.fromOpaque(user!).takeUnretainedValue()
                let target = max(0, min(s.count, s.pos + Int(n)))
                let moved = target - s.pos
                s.pos = target
                return Int64(moved == 0 && n != 0 ? -1 : Int64(moved))
            }
            opj_stream_set_seek_function(stream) { n, user in
                let s = Unmanaged<Source>.fromOpaque(user!).takeUnretainedValue()
                guard n >= 0, Int(n) <= s.count else { return 0 }
                s.pos = Int(n)
                return 1
            }
            var imagePtr: UnsafeMutablePointer<opj_image_t>? = nil
            func fail(_ what: String) -> ImagingError {
                .corruptStream(codec: name, reason: ([what] + src.errors).joined(separator: ": "), file: nil)
            }
            guard opj_read_header(stream, codec, &imagePtr) != 0, let image = imagePtr else { throw fail("cannot read the codestream header") }
            defer { opj_image_destroy(image) }
            let nc = Int(image.pointee.numcomps)
            guard nc >= 1, nc <= 4, let comps = image.pointee.comps else { throw fail("\(nc) components") }
            let w0 = Int(comps[0].w), h0 = Int(comps[0].h)
            let need = w0 * h0 * nc * 4
            guard need > 0, need <= ImagePixelData.maxFrameBytes * 2 else {
                throw ImagingError.tooLarge(reason: "JPEG 2000 frame \(w0)×\(h0)×\(nc) is too large", file: nil)
            }
            var warnings: [String] = []
            let decoded = opj_decode(codec, stream, image) != 0
            if !decoded { throw fail("decoding failed") }
            if opj_end_decompress(codec, stream) == 0 { warnings.append("the codestream ended early: \(src.errors.joined(separator: "; "))") }
            let w = Int(comps[0].w), h = Int(comps[0].h)
            for c in 0 ..< nc {
                guard Int(comps[c].w) == w, Int(comps[c].h) == h, comps[c].data != nil else {
                    throw fail("component \(c) is subsampled or missing; only full-resolution components are supported")
                }
            }
            let prec = Int(comps[0].prec), sgnd = comps[0].sgnd != 0
            let (od, mismatches) = JPEG2000Frame.describe(width: w, height: h, components: nc, precision: prec, signed: sgnd, description: d)
            warnings += mismatches
            // Interleave the components' bit patterns straight into the output type; the data set's
            // Bits Stored and sign decide their meaning.
            let count = w * h * nc
            let keep = JPEG2000Frame.keptBits(od)
            var planes: [UnsafeMutablePointer<Int32>] = []
            for c in 0 ..< nc { planes.append(comps[c].data!) }
            let samples: PixelSamples
            switch (od.bitsAllocated, od.isSigned) {
            case (8, false): samples = .uint8(Self.interleave(planes, pixels: w * h, count: count) { UInt8(truncatingIfNeeded: $0) & UInt8(truncatingIfNeeded: (1 << keep) - 1) })
            case (8, true):
                let ext = Int8(8 - min(keep, 8))
                samples = .int8(Self.interleave(planes, pixels: w * h, count: count) { (Int8(truncatingIfNeeded: $0) << ext) >> ext })
            case (16, false):
                let mask = UInt16(truncatingIfNeeded: (1 << min(keep, 16)) - 1)
                samples = .uint16(Self.interleave(planes, pixels: w * h, count: count) { UInt16(truncatingIfNeeded: $0) & mask })
            case (16, true):
                let ext = Int16(16 - min(keep, 16))
                samples = .int16(Self.interleave(planes, pixels: w * h, count: count) { (Int16(truncatingIfNeeded: $0) << ext) >> ext })
            default:
                let bits32 = Self.interleave(planes, pixels: w * h, count: count) { UInt32(bitPattern: $0) }
                samples = SampleConversion.finish32(bits32, bits: keep, shift: 0, signed: od.isSigned)
            }
            return DecodedFrame(description: od, samples: samples, warnings: warnings)
        }
    }

    /// Components (OpenJPEG's one Int32 plane each) interleaved into one array of `count`
    /// samples, each converted by `convert`.
    @inline(__always)
    static func interleave<T>(_ planes: [UnsafeMutablePointer<Int32>], pixels: Int, count: Int, _ convert: (Int32) -> T) -> [T] {
        [T](unsafeUninitializedCapacity: count) { o, n in
            let nc = planes.count
            for c in 0 ..< nc {
                let p = planes[c]
                var j = c
                for i in 0 ..< pixels { (o.baseAddress! + j).initialize(to: convert(p[i])); j += nc }
            }
            n = count
        }
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let l = s.last, l == "\n" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
