import COpenJPHShim
import DICOM

/// HTJ2K, High-Throughput JPEG 2000 (ISO/IEC 15444-15), for transfer syntaxes
/// 1.2.840.10008.1.2.4.201 (HTJ2K Lossless), .202 (HTJ2K Lossless RPCL) and .203 (HTJ2K)
/// (PS3.5 §A.4.4, §10.18).
///
/// Decodes through OpenJPH, which takes a 512×512 16-bit frame in about half of OpenJPEG's CPU
/// time, and through OpenJPEG (`JPEG2000Decoder`) whatever OpenJPH 0.9 does not take or gets
/// wrong, so that those frames decode exactly as before: a JP2/JPH file wrapper, more than 16
/// bits, subsampled or unlike components, Part 1 or mixed code-blocks, code-block style options,
/// SOP/EPH markers, more than one quality layer, COC/RGN/POC/PPM/PPT or tile-part coding
/// parameters, image or tile offsets, explicit precinct sizes, tiles smaller than 2^levels, tiles
/// so many that OpenJPH would need too much memory, a stream without EOC (truncated), and any
/// stream OpenJPH reports an error or warning in (see COpenJPHShim.h). Reversible streams decode
/// to OpenJPEG's pixels; irreversible ones (floating-point 9/7) within rounding of them. As for
/// JPEG 2000, when the codestream's precision or sign disagrees with the data set, the data set
/// wins and a warning says so.
public struct HTJ2KDecoder: PixelDecoder {
    public var name: String { "HTJ2K" }
    /// Decodes the streams OpenJPH does not take.
    public var fallback: JPEG2000Decoder
    /// The largest frame, in samples (rows × columns × components), OpenJPH may decode: the
    /// limit `JPEG2000Decoder` applies to OpenJPEG (4-byte samples within twice
    /// `ImagePixelData.maxFrameBytes`).
    var maxSamples: Int

    public init(threads: Int32 = JPEG2000Decoder.defaultThreads) {
        self.init(threads: threads, maxSamples: ImagePixelData.maxFrameBytes / 2)
    }

    init(threads: Int32, maxSamples: Int) {
        fallback = JPEG2000Decoder(threads: threads)
        self.maxSamples = maxSamples
    }

    public func decode(_ data: [UInt8], description d: PixelDescription) throws -> DecodedFrame {
        let refusal: OpenJPHRefusal
        do {
            return try decodeWithOpenJPH(data, description: d)
        } catch let r as OpenJPHRefusal {
            refusal = r
        }
        if case .tooLarge(let reason) = refusal { throw ImagingError.tooLarge(reason: "HTJ2K \(reason)", file: nil) }
        do {
            return try fallback.decode(data, description: d)
        } catch ImagingError.corruptStream(_, let reason, let file) {
            var why = reason
            if case .corrupt(let r) = refusal { why += " (OpenJPH: \(r))" }
            throw ImagingError.corruptStream(codec: name, reason: why, file: file)
        }
    }

    /// The frame through OpenJPH alone; throws `OpenJPHRefusal` for what it does not take.
    func decodeWithOpenJPH(_ data: [UInt8], description d: PixelDescription) throws -> DecodedFrame {
        guard case .codestream(let start) = try JPEG2000Frame.container(of: data, codec: name) else {
            throw OpenJPHRefusal.unsupported("a JP2/JPH file, not a raw codestream")
        }
        return try data.withUnsafeBufferPointer { buffer -> DecodedFrame in
            var message = [CChar](repeating: 0, count: 256)
            func check(_ status: lb_ojph_status) throws {
                guard status != LB_OJPH_OK else { return }
                let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                switch status {
                case LB_OJPH_UNSUPPORTED: throw OpenJPHRefusal.unsupported(text)
                case LB_OJPH_TOO_LARGE: throw OpenJPHRefusal.tooLarge(text)
                default: throw OpenJPHRefusal.corrupt(text)
                }
            }
            var decoder: OpaquePointer?
            var info = lb_ojph_info()
            try check(lb_ojph_open(buffer.baseAddress! + start, buffer.count - start, UInt64(maxSamples),
                                   &decoder, &info, &message, message.count))
            defer { lb_ojph_close(decoder) }
            let w = Int(info.width), h = Int(info.height), nc = Int(info.components)
            let (od, warnings) = JPEG2000Frame.describe(width: w, height: h, components: nc, precision: Int(info.bit_depth),
                                                        signed: info.is_signed != 0, description: d)
            let count = w * h * nc
            let keep = UInt32(JPEG2000Frame.keptBits(od))
            guard keep > 0 else { throw OpenJPHRefusal.unsupported("Bits Stored \(od.bitsStored)") }
            let signed: Int32 = od.isSigned ? 1 : 0
            /// OpenJPH writes the samples straight into the returned array.
            func decoded<T>(_: T.Type) throws -> [T] {
                var status = LB_OJPH_OK
                let samples = [T](unsafeUninitializedCapacity: count) { out, n in
                    status = lb_ojph_decode(decoder, out.baseAddress, count * MemoryLayout<T>.stride, UInt32(MemoryLayout<T>.stride),
                                            keep, signed, &message, message.count)
                    n = status == LB_OJPH_OK ? count : 0
                }
                try check(status)
                return samples
            }
            let samples: PixelSamples
            switch (od.bitsAllocated, od.isSigned) {
            case (8, false): samples = .uint8(try decoded(UInt8.self))
            case (8, true): samples = .int8(try decoded(Int8.self))
            case (16, false): samples = .uint16(try decoded(UInt16.self))
            case (16, true): samples = .int16(try decoded(Int16.self))
            case (_, false): samples = .uint32(try decoded(UInt32.self))
            case (_, true): samples = .int32(try decoded(Int32.self))
            }
            return DecodedFrame(description: od, samples: samples, warnings: warnings)
        }
    }
}

/// Why OpenJPH did not decode an HTJ2K frame (`HTJ2KDecoder` then asks OpenJPEG, except for
/// `tooLarge`, which OpenJPEG's limit refuses too).
enum OpenJPHRefusal: Error, Equatable {
    /// A valid stream OpenJPH 0.9 cannot take, or would decode differently from ISO/IEC 15444-15.
    case unsupported(String)
    /// OpenJPH reported an error: corrupt or truncated data.
    case corrupt(String)
    /// More samples than the frame limit, or OpenJPH ran out of memory.
    case tooLarge(String)
}

extension CodecFuzzing {
    /// HTJ2K through OpenJPH only (OpenJPEG, the fallback, is not ours to fuzz), with a frame limit
    /// of 4 Mi samples so that hostile headers stay within the fuzzer's memory limit.
    public static func htj2k(_ bytes: [UInt8]) {
        _ = try? HTJ2KDecoder(threads: 1, maxSamples: 1 << 22).decodeWithOpenJPH(bytes, description: fuzzDescription)
    }
}
