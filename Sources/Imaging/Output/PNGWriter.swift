import CZlib
import Foundation

/// Writes PNG files (ISO/IEC 15948, W3C PNG 2nd ed.): 8- and 16-bit greyscale and 8-bit RGB,
/// non-interlaced, zlib-compressed with the "Up" filter on every row after the first; CRC-32 from
/// zlib. A 12-bit grey image is written as 16-bit with its values scaled to the full range and an
/// sBIT chunk saying 12 significant bits (PNG §12.5).
public enum PNGWriter {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var reason: String
        public var description: String { "PNG encoding failed: \(reason)" }
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// zlib's compression strategy (zlib.h `deflateInit2`).
    public enum Strategy: Sendable, Equatable {
        /// zlib's default: string matching, best for photographs and rendered frames.
        case standard
        /// Run-length only (Z_RLE): several times faster, and nearly as small for images with large
        /// flat areas such as films (after the Up filter, flat areas are runs of zeros).
        case runLength
    }

    /// The PNG bytes of an image.
    public static func encode(_ image: RenderedImage, compressionLevel: Int32 = 6, strategy: Strategy = .standard) throws -> [UInt8] {
        let w = image.width, h = image.height
        let bitDepth: UInt8, colorType: UInt8, bpp: Int
        var raw: [UInt8]
        var filtered: [UInt8] = []
        var sbit: [UInt8]? = nil
        switch image.pixels {
        case .gray8(let a): bitDepth = 8; colorType = 0; bpp = 1; raw = a
        case .rgb8(let a): bitDepth = 8; colorType = 2; bpp = 3; raw = a
        case .gray16(let a, let bits):
            bitDepth = 16; colorType = 0; bpp = 2
            if bits < 16 { sbit = [UInt8(bits)] }
            guard a.count >= w * h else { throw Failure(reason: "image has \(a.count) samples, \(w)x\(h) needs \(w * h)") }
            raw = []
            filtered = filter16(a, width: w, height: h, bits: bits)
        }
        let stride = w * bpp
        if filtered.isEmpty {
            guard raw.count >= stride * h else { throw Failure(reason: "image has \(raw.count) bytes, \(w)x\(h) needs \(stride * h)") }
            filtered = filter8(raw, stride: stride, height: h)
        }
        var out = signature
        var ihdr: [UInt8] = []
        be32(&ihdr, UInt32(w)); be32(&ihdr, UInt32(h))
        ihdr += [bitDepth, colorType, 0, 0, 0]
        chunk(&out, "IHDR", ihdr)
        if let sbit { chunk(&out, "sBIT", sbit) }
        chunk(&out, "IDAT", try deflate(filtered, level: compressionLevel, strategy: strategy))
        chunk(&out, "IEND", [])
        return out
    }

    /// Scanlines of bytes with their filter byte: None for the first row, Up after (PNG §9).
    static func filter8(_ raw: [UInt8], stride: Int, height h: Int) -> [UInt8] {
        var filtered = [UInt8](repeating: 0, count: (stride + 1) * h)
        raw.withUnsafeBufferPointer { r in
            filtered.withUnsafeMutableBufferPointer { f in
                for y in 0 ..< h {
                    let o = y * (stride + 1), row = y * stride
                    if y == 0 {
                        for x in 0 ..< stride { f[o + 1 + x] = r[row + x] }
                    } else {
                        f[o] = 2
                        for x in 0 ..< stride { f[o + 1 + x] = r[row + x] &- r[row - stride + x] }
                    }
                }
            }
        }
        return filtered
    }

    /// 16-bit samples as big-endian scanlines, None then Up filtered, in one pass; samples of
    /// fewer than 16 bits are scaled to the full range by left-bit replication (PNG §12.5).
    static func filter16(_ a: [UInt16], width w: Int, height h: Int, bits: Int) -> [UInt8] {
        let stride = 2 * w
        var filtered = [UInt8](repeating: 0, count: (stride + 1) * h)
        let up = 16 - bits
        @inline(__always) func scaled(_ v: UInt16) -> UInt16 { up == 0 ? v : (v << up) | (v >> max(bits - up, 0)) }
        a.withUnsafeBufferPointer { src in
            filtered.withUnsafeMutableBufferPointer { f in
                for y in 0 ..< h {
                    let o = y * (stride + 1) + 1, row = y * w
                    if y == 0 {
                        for x in 0 ..< w {
                            let v = scaled(src[x])
                            f[o + 2 * x] = UInt8(v >> 8); f[o + 2 * x + 1] = UInt8(v & 0xFF)
                        }
                    } else {
                        f[o - 1] = 2
                        for x in 0 ..< w {
                            let v = scaled(src[row + x]), p = scaled(src[row - w + x])
                            f[o + 2 * x] = UInt8(v >> 8) &- UInt8(p >> 8)
                            f[o + 2 * x + 1] = UInt8(v & 0xFF) &- UInt8(p & 0xFF)
                        }
                    }
                }
            }
        }
        return filtered
    }

    /// Writes an image to a file.

    public static func write(_ image: RenderedImage, to path: String) throws {
        try BitmapFile.write(try encode(image), to: path)
    }

    /// A zlib stream (header, DEFLATE, Adler-32) of `data`, as IDAT wants (PNG §10). Above 8 MB
    /// the data is deflated in two halves on two threads, as pigz does: the first half ends with
    /// a full flush (byte-aligned, no back-references across it), so the halves concatenate into
    /// one valid DEFLATE stream; the Adler-32 covers the whole.
    static func deflate(_ data: [UInt8], level: Int32, strategy: Strategy = .standard) throws -> [UInt8] {
        guard data.count > 8 << 20 else { return try deflateSerial(data, level: level, strategy: strategy) }
        let half = data.count / 2
        let parts = [0 ..< half, half ..< data.count]
        let results = ResultBox(count: 2)
        data.withUnsafeBufferPointer { all in
            let base = UnsafeRawPointer(all.baseAddress!)
            let addr = Int(bitPattern: base)
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let p = UnsafeRawPointer(bitPattern: addr)!.assumingMemoryBound(to: UInt8.self)
                let r = parts[i]
                results.set(i, Result { try rawDeflate(UnsafeBufferPointer(start: p + r.lowerBound, count: r.count),
                                                       level: level, strategy: strategy, final: i == 1) })
            }
        }
        var out: [UInt8] = [0x78, 0x01]   // zlib header: deflate, 32 KiB window, check bits (RFC 1950)
        for i in 0 ..< 2 { out += try results.get(i) }
        let adler = data.withUnsafeBufferPointer { adler32(adler32(0, nil, 0), $0.baseAddress, uInt($0.count)) }
        be32(&out, UInt32(truncatingIfNeeded: adler))
        return out
    }

    private final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Result<[UInt8], Error>?]
        init(count: Int) { results = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ r: Result<[UInt8], Error>) { lock.lock(); results[i] = r; lock.unlock() }
        func get(_ i: Int) throws -> [UInt8] { lock.lock(); defer { lock.unlock() }; return try results[i]!.get() }
    }

    /// Raw DEFLATE of one part: the last part finishes the stream, others end with a full flush.
    static func rawDeflate(_ data: UnsafeBufferPointer<UInt8>, level: Int32, strategy: Strategy, final: Bool) throws -> [UInt8] {
        var stream = z_stream()
        var rc = deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, strategy == .runLength ? Z_RLE : Z_DEFAULT_STRATEGY,
                               ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw Failure(reason: "zlib deflateInit2 returned \(rc)") }
        defer { deflateEnd(&stream) }
        var dest = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 64)
        let produced: Int = dest.withUnsafeMutableBufferPointer { o in
            stream.next_in = UnsafeMutablePointer(mutating: data.baseAddress)   // zlib only reads it
            stream.avail_in = uInt(data.count)
            stream.next_out = o.baseAddress
            stream.avail_out = uInt(o.count)
            rc = CZlib.deflate(&stream, final ? Z_FINISH : Z_FULL_FLUSH)
            return o.count - Int(stream.avail_out)
        }
        guard rc == (final ? Z_STREAM_END : Z_OK), stream.avail_in == 0 else { throw Failure(reason: "zlib deflate returned \(rc)") }
        dest.removeLast(dest.count - produced)
        return dest
    }

    static func deflateSerial(_ data: [UInt8], level: Int32, strategy: Strategy) throws -> [UInt8] {
        var stream = z_stream()
        var rc = deflateInit2_(&stream, level, Z_DEFLATED, 15, 8, strategy == .runLength ? Z_RLE : Z_DEFAULT_STRATEGY,
                               ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw Failure(reason: "zlib deflateInit2 returned \(rc)") }
        defer { deflateEnd(&stream) }
        var dest = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 16)
        let produced: Int = data.withUnsafeBufferPointer { inp in
            dest.withUnsafeMutableBufferPointer { o in
                stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)   // zlib only reads it
                stream.avail_in = uInt(inp.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                rc = CZlib.deflate(&stream, Z_FINISH)
                return o.count - Int(stream.avail_out)
            }
        }
        guard rc == Z_STREAM_END else { throw Failure(reason: "zlib deflate returned \(rc)") }
        dest.removeLast(dest.count - produced)
        return dest
    }

    static func be32(_ b: inout [UInt8], _ v: UInt32) {
        b += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }

    static func chunk(_ out: inout [UInt8], _ type: String, _ data: [UInt8]) {
        be32(&out, UInt32(data.count))
        let t = Array(type.utf8)
        out += t
        out += data
        // CRC-32 of type and data, computed in two steps rather than over a joined copy.
        var crc = t.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        crc = data.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
        be32(&out, UInt32(truncatingIfNeeded: crc))
    }
}
