#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes binary PGM (P5) and PPM (P6) files (Netpbm), the raw format `dcmj2pnm +op` writes:
/// maxval 255 for 8-bit, 2^bits − 1 for deeper grey (16-bit values big endian).
public enum PNMWriter {
    public static func encode(_ image: RenderedImage) -> [UInt8] {
        switch image.pixels {
        case .gray8(let a):
            return Array("P5\n\(image.width) \(image.height)\n255\n".utf8) + a
        case .rgb8(let a):
            return Array("P6\n\(image.width) \(image.height)\n255\n".utf8) + a
        case .gray16(let a, let bits):
            var out = Array("P5\n\(image.width) \(image.height)\n\((1 << bits) - 1)\n".utf8)
            out.reserveCapacity(out.count + a.count * 2)
            for v in a { out.append(UInt8(v >> 8)); out.append(UInt8(v & 0xFF)) }
            return out
        }
    }

    public static func write(_ image: RenderedImage, to path: String) throws {
        try BitmapFile.write(encode(image), to: path)
    }
}

#if canImport(Glibc)
private let sysWrite = Glibc.write
#else
private let sysWrite = Darwin.write
#endif

/// Writes bitmap bytes to a file, naming the file in errors.
public enum BitmapFile {
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "\(path): cannot write: \(reason)" }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { sysWrite(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 { if errno == EINTR { continue }; throw WriteError(path: path, reason: String(cString: strerror(errno))) }
            done += n
        }
    }
}
