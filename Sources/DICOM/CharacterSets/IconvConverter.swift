#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversions through the C library's iconv.
///
/// An `iconv_t` is neither Sendable nor thread-safe, and opening one costs a few microseconds,
/// so descriptors are kept in a small pool: a call takes one out (or opens one), resets its
/// shift state, uses it alone, and puts it back. Concurrent callers therefore never share one.
enum IconvConverter {
    /// Appends the UTF-8 form of `s`.
    @inline(__always)
    static func appendUTF8(_ s: Unicode.Scalar, _ out: inout [UInt8]) {
        let v = s.value
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18))); out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// UTF-8 bytes of U+FFFD REPLACEMENT CHARACTER.
    static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Converts `input` from `charset` to UTF-8, appending to `out`. Invalid or truncated
    /// input becomes U+FFFD (one per offending byte); never traps. Returns false only when
    /// iconv cannot open the conversion at all (then each byte is appended as U+FFFD).
    @discardableResult
    static func decode(_ input: UnsafeBufferPointer<UInt8>, from charset: String, into out: inout [UInt8]) -> Bool {
        guard !input.isEmpty else { return true }
        guard let cd = IconvPool.shared.take(from: charset, to: "UTF-8") else {
            for _ in 0..<input.count { out.append(contentsOf: replacement) }
            return false
        }
        defer { IconvPool.shared.give(cd, from: charset, to: "UTF-8") }
        var inPtr = UnsafeMutablePointer<CChar>(OpaquePointer(input.baseAddress!))
        var inLeft = input.count
        var buffer = [UInt8](repeating: 0, count: max(64, input.count * 3 + 8))
        while inLeft > 0 {
            let (rc, err, produced) = buffer.withUnsafeMutableBytes { raw -> (Int, Int32, Int) in
                var outPtr: UnsafeMutablePointer<CChar>? = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outLeft = raw.count
                var inP: UnsafeMutablePointer<CChar>? = inPtr
                let rc = iconv(cd.handle, &inP, &inLeft, &outPtr, &outLeft)
                let e = errno
                inPtr = inP!
                return (rc, e, raw.count - outLeft)
            }
            out.append(contentsOf: buffer[0..<produced])
            if rc != -1 { break }
            switch err {
            case E2BIG:
                continue
            case EILSEQ:
                out.append(contentsOf: replacement)
                inPtr += 1; inLeft -= 1
                _ = iconv(cd.handle, nil, nil, nil, nil)
            default: // EINVAL: incomplete sequence at the end
                for _ in 0..<inLeft { out.append(contentsOf: replacement) }
                inLeft = 0
            }
        }
        return true
    }

    enum EncodeResult {
        case converted([UInt8])
        /// Byte offset in the UTF-8 input of the first character the charset cannot represent.
        case unrepresentable(at: Int)
        /// iconv has no such conversion.
        case unavailable

        var bytes: [UInt8]? { if case .converted(let b) = self { return b } else { return nil } }
    }

    /// Converts UTF-8 `input` to `charset`.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, to charset: String) -> EncodeResult {
        guard !input.isEmpty else { return .converted([]) }
        guard let cd = IconvPool.shared.take(from: "UTF-8", to: charset) else { return .unavailable }
        defer { IconvPool.shared.give(cd, from: "UTF-8", to: charset) }
        var inPtr = UnsafeMutablePointer<CChar>(OpaquePointer(input.baseAddress!))
        var inLeft = input.count
        var out: [UInt8] = []
        out.reserveCapacity(input.count + 8)
        var buffer = [UInt8](repeating: 0, count: max(64, input.count * 2 + 8))
        while true {
            let flushing = inLeft == 0
            let (rc, err, produced) = buffer.withUnsafeMutableBytes { raw -> (Int, Int32, Int) in
                var outPtr: UnsafeMutablePointer<CChar>? = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outLeft = raw.count
                let rc: Int
                if flushing {
                    rc = iconv(cd.handle, nil, nil, &outPtr, &outLeft)   // emit any final shift sequence
                } else {
                    var inP: UnsafeMutablePointer<CChar>? = inPtr
                    rc = iconv(cd.handle, &inP, &inLeft, &outPtr, &outLeft)
                    inPtr = inP!
                }
                let e = errno
                return (rc, e, raw.count - outLeft)
            }
            out.append(contentsOf: buffer[0..<produced])
            if rc == -1 {
                if err == E2BIG { continue }
                return .unrepresentable(at: input.count - inLeft)
            }
            if flushing { return .converted(out) }
        }
    }
}

/// An open iconv descriptor; only ever used by one thread at a time (see `IconvPool`).
struct IconvDescriptor: @unchecked Sendable {
    let handle: iconv_t
}

/// A lock-protected pool of idle iconv descriptors per conversion.
final class IconvPool: @unchecked Sendable {
    static let shared = IconvPool()
    private var mutex = pthread_mutex_t()
    private var idle: [String: [IconvDescriptor]] = [:]
    private let maxIdlePerConversion = 32

    private init() { pthread_mutex_init(&mutex, nil) }

    func take(from: String, to: String) -> IconvDescriptor? {
        let key = from + ">" + to
        pthread_mutex_lock(&mutex)
        let cached = idle[key]?.popLast()
        pthread_mutex_unlock(&mutex)
        if let cd = cached {
            _ = iconv(cd.handle, nil, nil, nil, nil)   // back to the initial shift state
            return cd
        }
        let h = iconv_open(to, from)
        guard let h, h != iconv_t(bitPattern: -1) else { return nil }
        return IconvDescriptor(handle: h)
    }

    func give(_ cd: IconvDescriptor, from: String, to: String) {
        let key = from + ">" + to
        pthread_mutex_lock(&mutex)
        if idle[key, default: []].count < maxIdlePerConversion {
            idle[key, default: []].append(cd)
            pthread_mutex_unlock(&mutex)
        } else {
            pthread_mutex_unlock(&mutex)
            iconv_close(cd.handle)
        }
    }
}

/// Decoding and encoding tables for the right halves (0xA0–0xFF) of the single-byte sets,
/// built once from iconv so that single-byte text never calls iconv per value.
struct SingleByteTable: Sendable {
    /// Unicode scalar for bytes 0x80...0xFF (index byte - 0x80); nil where the set is undefined.
    let decode: [Unicode.Scalar?]
    /// Byte for each representable non-ASCII scalar (only GR bytes 0xA0...0xFF).
    let encode: [Unicode.Scalar: UInt8]

    /// Indexed by `SingleByteCharset.rawValue`; built on first use (thread-safe lazy global).
    static let all: [SingleByteTable] = SingleByteCharset.allCases.map(SingleByteTable.init)

    @inline(__always)
    static func table(_ cs: SingleByteCharset) -> SingleByteTable { all[cs.rawValue] }

    private init(_ cs: SingleByteCharset) {
        var dec = [Unicode.Scalar?](repeating: nil, count: 128)
        var enc: [Unicode.Scalar: UInt8] = [:]
        for b in 0x80...0xFF {
            var out: [UInt8] = []
            if cs == .latin1 {
                dec[b - 0x80] = Unicode.Scalar(UInt8(b))
            } else {
                let byte = [UInt8(b)]
                let ok = byte.withUnsafeBufferPointer { IconvConverter.decode($0, from: cs.iconvName, into: &out) }
                if ok, out != IconvConverter.replacement {
                    let s = String(decoding: out, as: UTF8.self).unicodeScalars
                    if s.count == 1 { dec[b - 0x80] = s.first! }
                }
            }
            if b >= 0xA0, let s = dec[b - 0x80] { enc[s] = UInt8(b) }
        }
        // TIS 620 leaves 0xA0 undefined; ISO-IR 166 (like ISO 8859-11) has NO-BREAK SPACE there.
        if cs == .thai, dec[0x20] == nil { dec[0x20] = "\u{A0}"; enc["\u{A0}"] = 0xA0 }
        decode = dec
        encode = enc
    }
}
