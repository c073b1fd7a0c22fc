import CZlib

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

    /// The PNG bytes of an image.
    public static func encode(_ image: RenderedImage, compressionLevel: Int32 = 6) throws -> [UInt8] {
        let w = image.width, h = image.height
        let bitDepth: UInt8, colorType: UInt8, bpp: Int
        var raw: [UInt8]
        var sbit: [UInt8]? = nil
        switch image.pixels {
        case .gray8(let a): bitDepth = 8; colorType = 0; bpp = 1; raw = a
        case .rgb8(let a): bitDepth = 8; colorType = 2; bpp = 3; raw = a
        case .gray16(let a, let bits):
            bitDepth = 16; colorType = 0; bpp = 2
            raw = [UInt8](repeating: 0, count: a.count * 2)
            let up = 16 - bits
            for (i, v) in a.enumerated() {
                // Left-bit-replication scaling to the full 16-bit range (PNG §12.5).
                let s: UInt16 = up == 0 ? v : (v << up) | (v >> max(bits - up, 0))
                raw[2 * i] = UInt8(s >> 8); raw[2 * i + 1] = UInt8(s & 0xFF)
            }
            if bits < 16 { sbit = [UInt8(bits)] }
        }
        let stride = w * bpp
        guard raw.count >= stride * h else { throw Failure(reason: "image has \(raw.count) bytes, \(w)x\(h) needs \(stride * h)") }
        // Filtered scanlines: filter type byte then the row (PNG §9).
        var filtered = [UInt8](repeating: 0, count: (stride + 1) * h)
        for y in 0 ..< h {
            let o = y * (stride + 1), r = y * stride
            if y == 0 {
                filtered[o] = 0
                for x in 0 ..< stride { filtered[o + 1 + x] = raw[r + x] }
            } else {
                filtered[o] = 2   // Up
                for x in 0 ..< stride { filtered[o + 1 + x] = raw[r + x] &- raw[r - stride + x] }
            }
        }
        var out = signature
        var ihdr: [UInt8] = []
        be32(&ihdr, UInt32(w)); be32(&ihdr, UInt32(h))
        ihdr += [bitDepth, colorType, 0, 0, 0]
        chunk(&out, "IHDR", ihdr)
        if let sbit { chunk(&out, "sBIT", sbit) }
        chunk(&out, "IDAT", try deflate(filtered, level: compressionLevel))
        chunk(&out, "IEND", [])
        return out
    }

    /// Writes an image to a file.
    public static func write(_ image: RenderedImage, to path: String) throws {
        try BitmapFile.write(try encode(image), to: path)
    }

    static func deflate(_ data: [UInt8], level: Int32) throws -> [UInt8] {
        var destLen = compressBound(uLong(data.count))
        var dest = [UInt8](repeating: 0, count: Int(destLen))
        let rc = data.withUnsafeBufferPointer { src in
            dest.withUnsafeMutableBufferPointer { dst in
                compress2(dst.baseAddress, &destLen, src.baseAddress, uLong(data.count), level)
            }
        }
        guard rc == Z_OK else { throw Failure(reason: "zlib compress2 returned \(rc)") }
        dest.removeLast(dest.count - Int(destLen))
        return dest
    }

    static func be32(_ b: inout [UInt8], _ v: UInt32) {
        b += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }

    static func chunk(_ out: inout [UInt8], _ type: String, _ data: [UInt8]) {
        be32(&out, UInt32(data.count))
        let typeAndData = Array(type.utf8) + data
        out += typeAndData
        let crc = typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        be32(&out, UInt32(truncatingIfNeeded: crc))
    }
}
