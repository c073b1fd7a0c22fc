import Foundation

/// The lossless frame coding of the on-disc viewer's data ("rice1"): each plane predicted from
/// its left neighbour (the first column from the pixel above), the residuals zigzag-mapped to
/// unsigned and Rice-coded in blocks of 32 with a per-block parameter k — the scheme of LOCO-I
/// (JPEG-LS, ISO 14495-1) without its context modelling. On 16-bit CT it codes to about a third
/// of the raw bytes, as deflate does, at several times deflate's speed, and the page decodes it
/// in a few milliseconds a frame (VIEWER.JS, `decodeRice1`).
///
/// Bit stream, most significant bit first, byte aligned at the end of the frame:
/// - per block of up to 32 residuals: k in 5 bits, then per residual u: q = u >> k; when q < 24,
///   q zero bits, a one bit and the k low bits of u; otherwise 24 zero bits, a one bit and u in
///   32 bits.
enum ViewerFrameCodec {
    static let blockSize = 32
    static let escape = 24

    /// Codes `planes` planes of `rows`×`columns` samples each, stored one plane after the other.
    static func encode(_ samples: UnsafeBufferPointer<Int32>, rows: Int, columns: Int, planes: Int) -> [UInt8] {
        let plane = rows * columns
        guard plane > 0, samples.count >= plane * planes else { return [] }
        // Residuals first (a tight loop the compiler vectorises), zigzag-mapped.
        let residuals = UnsafeMutablePointer<UInt32>.allocate(capacity: plane)
        defer { residuals.deallocate() }
        // Worst case: an escape (57 bits) per sample and 5 bits per block.
        var w = FastBitWriter(capacity: plane * planes * 8 + 64)
        defer { w.deallocate() }
        for p in 0..<planes {
            let x = samples.baseAddress! + p * plane
            for r in 0..<rows {
                let row = r * columns
                let first = x[row] &- (r > 0 ? x[row - columns] : 0)
                residuals[row] = UInt32(bitPattern: (first << 1) ^ (first >> 31))
                var c = 1
                while c < columns {
                    let d = x[row + c] &- x[row + c - 1]
                    residuals[row + c] = UInt32(bitPattern: (d << 1) ^ (d >> 31))
                    c += 1
                }
            }
            var start = 0
            while start < plane {
                let end = min(plane, start + blockSize)
                var sum: UInt64 = 0
                for i in start..<end { sum &+= UInt64(residuals[i]) }
                let mean = sum / UInt64(end - start)
                let k = mean == 0 ? 0 : min(31, 63 - mean.leadingZeroBitCount)
                w.write(UInt64(k), 5)
                let mask: UInt64 = (UInt64(1) << UInt64(k)) &- 1
                for i in start..<end {
                    let u = UInt64(residuals[i])
                    let q = Int(u >> UInt64(k))
                    if q < escape {
                        w.write(1, q + 1)
                        if k > 0 { w.write(u & mask, k) }
                    } else {
                        w.write(1, escape + 1)
                        w.write(u, 32)
                    }
                }
                start = end
            }
        }
        return w.finish()
    }

    /// Decodes what `encode` wrote (the tests use it; the page has its own decoder).
    static func decode(_ bytes: [UInt8], rows: Int, columns: Int, planes: Int) -> [Int32]? {
        var r = BitReader(bytes)
        let plane = rows * columns
        var out = [Int32](repeating: 0, count: plane * planes)
        for p in 0..<planes {
            var i = 0
            while i < plane {
                guard let k = r.read(5) else { return nil }
                let n = min(blockSize, plane - i)
                for _ in 0..<n {
                    var q = 0
                    while true {
                        guard let bit = r.read(1) else { return nil }
                        if bit == 1 { break }
                        q += 1
                        if q > escape { return nil }
                    }
                    let u: UInt32
                    if q == escape {
                        guard let v = r.read(32) else { return nil }
                        u = UInt32(v)
                    } else {
                        guard let low = r.read(Int(k)) else { return nil }
                        u = UInt32(q) << UInt32(k) | UInt32(low)
                    }
                    let d = Int32(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
                    let at = p * plane + i
                    let c = i % columns, row = i / columns
                    let pred: Int32 = c > 0 ? out[at - 1] : (row > 0 ? out[at - columns] : 0)
                    out[at] = pred &+ d
                    i += 1
                }
            }
        }
        return out
    }
}

/// Bits appended most significant first into a buffer sized for the worst case: 32 bits stored
/// at a time.
struct FastBitWriter {
    private let bytes: UnsafeMutablePointer<UInt8>
    private var position = 0
    private var accumulator: UInt64 = 0
    private var count = 0

    init(capacity: Int) { bytes = .allocate(capacity: capacity + 8) }

    func deallocate() { bytes.deallocate() }

    /// Appends the low `bits` (at most 32) bits of `value`, which has no higher bits set.
    @inline(__always) mutating func write(_ value: UInt64, _ bits: Int) {
        accumulator = (accumulator << UInt64(bits)) | value
        count += bits
        if count >= 32 {
            count -= 32
            let word = UInt32(truncatingIfNeeded: accumulator >> UInt64(count))
            bytes[position] = UInt8(word >> 24); bytes[position + 1] = UInt8(truncatingIfNeeded: word >> 16)
            bytes[position + 2] = UInt8(truncatingIfNeeded: word >> 8); bytes[position + 3] = UInt8(truncatingIfNeeded: word)
            position += 4
        }
    }

    mutating func finish() -> [UInt8] {
        while count >= 8 {
            count -= 8
            bytes[position] = UInt8(truncatingIfNeeded: accumulator >> UInt64(count)); position += 1
        }
        if count > 0 { bytes[position] = UInt8(truncatingIfNeeded: accumulator << UInt64(8 - count)); position += 1; count = 0 }
        return Array(UnsafeBufferPointer(start: bytes, count: position))
    }
}

/// Bits appended most significant first.
struct BitWriter {
    private var bytes: [UInt8]
    private var accumulator: UInt64 = 0
    private var count = 0

    init(capacity: Int) { bytes = []; bytes.reserveCapacity(capacity) }

    /// Appends the low `bits` bits of `value` (at most 57).
    mutating func write(_ value: UInt64, bits: Int) {
        guard bits > 0 else { return }
        accumulator = (accumulator << UInt64(bits)) | (value & ((bits == 64 ? 0 : (UInt64(1) << UInt64(bits))) &- 1))
        count += bits
        while count >= 8 {
            count -= 8
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt64(count)))
        }
        accumulator &= count == 0 ? 0 : (UInt64(1) << UInt64(count)) - 1
    }

    mutating func finish() -> [UInt8] {
        if count > 0 { bytes.append(UInt8(truncatingIfNeeded: accumulator << UInt64(8 - count))); count = 0 }
        return bytes
    }
}

/// Reads what `BitWriter` wrote.
struct BitReader {
    private let bytes: [UInt8]
    private var position = 0  // in bits

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func read(_ bits: Int) -> UInt64? {
        var v: UInt64 = 0
        for _ in 0..<bits {
            let byte = position >> 3
            guard byte < bytes.count else { return nil }
            v = v << 1 | UInt64(bytes[byte] >> (7 - UInt8(position & 7)) & 1)
            position += 1
        }
        return v
    }
}
