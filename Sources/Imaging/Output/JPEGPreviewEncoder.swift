import CTurboJPEG
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Baseline JPEG (ITU-T T.81 Process 1, JFIF 1.01) for previews: the JPEG images of the IHE PDI
/// Web Content option (IHE RAD TF-2 / TF-3 PDI; the pages may only show what the DICOM content
/// holds) and thumbnails. Not for DICOM pixel data: DICOM JPEG goes through `JPEGDCTEncoder`.
///
/// Uses TurboJPEG 2.1 (`tjCompress2`, accurate integer DCT, no progressive flag, so the stream
/// is sequential baseline with 8-bit Huffman tables and a JFIF APP0 marker).
///
/// Thread-safety: stateless; each call creates and destroys its own TurboJPEG handle, so calls
/// may run concurrently from any thread.
public enum JPEGPreviewEncoder {
    /// Chroma subsampling for colour images (grey images are always one component).
    public enum ChromaSubsampling: Sendable, Equatable {
        /// No subsampling: best for colour overlays and text burnt into ultrasound frames.
        case none444
        case horizontal422
        /// Both directions: the smallest files, the usual web choice for photographs.
        case both420
    }

    /// Encoding options.
    public struct Options: Sendable, Equatable {
        /// 1…100; 90 keeps PSNR well above 35 dB on medical images.
        public var quality: Int
        public var chromaSubsampling: ChromaSubsampling

        public init(quality: Int = 90, chromaSubsampling: ChromaSubsampling = .none444) {
            self.quality = quality; self.chromaSubsampling = chromaSubsampling
        }
    }

    /// The JPEG bytes of a rendered frame.
    ///
    /// `.gray8` and `.rgb8` are encoded as they are. `.gray16` (12- or 16-bit grey) is first scaled
    /// to 8 bits (v · 255 / (2^bits − 1), rounded), since baseline JPEG holds 8-bit samples only.
    public static func encode(_ image: RenderedImage, options: Options = Options()) throws -> [UInt8] {
        guard (1 ... 100).contains(options.quality) else { throw JPEGPreviewError.invalidQuality(options.quality) }
        let w = image.width, h = image.height
        guard (1 ... 65535).contains(w), (1 ... 65535).contains(h) else {
            throw JPEGPreviewError.invalidSize(width: w, height: h)
        }
        let samples: [UInt8]
        let format: TJPF, subsampling: TJSAMP
        switch image.pixels {
        case .gray8(let a):
            samples = a; format = TJPF_GRAY; subsampling = TJSAMP_GRAY
        case .gray16(let a, let bits):
            samples = to8Bit(a, bits: bits); format = TJPF_GRAY; subsampling = TJSAMP_GRAY
        case .rgb8(let a):
            samples = a; format = TJPF_RGB
            switch options.chromaSubsampling {
            case .none444: subsampling = TJSAMP_444
            case .horizontal422: subsampling = TJSAMP_422
            case .both420: subsampling = TJSAMP_420
            }
        }
        let channels = format == TJPF_RGB ? 3 : 1
        let needed = w * h * channels
        guard samples.count >= needed else { throw JPEGPreviewError.bufferTooShort(expected: needed, actual: samples.count) }

        guard let handle = tjInitCompress() else {
            throw JPEGPreviewError.encoderFailed(reason: String(cString: tjGetErrorStr2(nil)))
        }
        defer { tjDestroy(handle) }
        var jpeg: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        defer { if let jpeg { tjFree(jpeg) } }
        let rc = samples.withUnsafeBufferPointer { src in
            tjCompress2(handle, src.baseAddress, Int32(w), Int32(w * channels), Int32(h),
                        Int32(format.rawValue), &jpeg, &size, Int32(subsampling.rawValue),
                        Int32(options.quality), TJFLAG_ACCURATEDCT)
        }
        guard rc == 0, let jpeg, size > 0 else {
            throw JPEGPreviewError.encoderFailed(reason: String(cString: tjGetErrorStr2(handle)))
        }
        return Array(UnsafeBufferPointer(start: jpeg, count: Int(size)))
    }

    /// Encodes `image` and writes it to `path` through a temporary name in the same folder,
    /// renamed into place only when every byte is written (no partial JPEG under the final name).
    public static func write(_ image: RenderedImage, to path: String, options: Options = Options()) throws {
        let bytes = try encode(image, options: options)
        let temporary = path + ".tmp-\(getpid())"
        do {
            try BitmapFile.write(bytes, to: temporary)
        } catch let e as BitmapFile.WriteError {
            unlink(temporary)
            throw JPEGPreviewError.cannotWrite(path: path, reason: e.reason)
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw JPEGPreviewError.cannotWrite(path: path, reason: reason)
        }
    }

    static func to8Bit(_ a: [UInt16], bits: Int) -> [UInt8] {
        let b = min(max(bits, 1), 16)
        let maxValue = UInt32((1 << b) - 1)
        return a.map { v in UInt8((min(UInt32(v), maxValue) * 255 + maxValue / 2) / maxValue) }
    }
}
