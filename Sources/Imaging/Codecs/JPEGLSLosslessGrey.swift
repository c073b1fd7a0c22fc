/// A JPEG-LS decoder (ITU-T T.87 | ISO/IEC 14495-1) for the commonest DICOM case only: one
/// component, lossless (NEAR = 0), no point transform, no restart interval, MAXVAL = 2^P − 1,
/// default or LSE-given thresholds. Anything else returns nil and CharLS decodes it.
///
/// It follows T.87 Annex A (context modelling A.3–A.6, run mode A.7, Golomb codes A.5.3) with
/// the edge rules of §A.2.1: the line above the first is zero, Ra at a line start is Rb, Rc there
/// is the first sample two lines up, and Rd past the line end is Rb.
enum JPEGLSLosslessGrey {
    struct Header {
        var precision = 0, rows = 0, columns = 0
        var t1 = 0, t2 = 0, t3 = 0, reset = 64
        var scanStart = 0
    }

    /// The frame header if this decoder handles the stream, else nil.
    static func header(_ p: UnsafePointer<UInt8>, count n: Int) -> Header? {
        var h = Header()
        var pos = 0
        guard n >= 4, p[0] == 0xFF, p[1] == 0xD8 else { return nil }
        pos = 2
        var sawFrame = false, customMaxval = false
        var lse: (Int, Int, Int, Int)? = nil
        while pos + 4 <= n {
            guard p[pos] == 0xFF else { return nil }
            let m = p[pos + 1]
            if m == 0xFF { pos += 1; continue }
            let len = Int(p[pos + 2]) << 8 | Int(p[pos + 3])
            let seg = pos + 4
            guard len >= 2, pos + 2 + len <= n else { return nil }
            func u16(_ i: Int) -> Int { Int(p[i]) << 8 | Int(p[i + 1]) }
            switch m {
            case 0xF7:  // SOF55
                guard len >= 11 else { return nil }
                h.precision = Int(p[seg]); h.rows = u16(seg + 1); h.columns = u16(seg + 3)
                guard p[seg + 5] == 1, (2 ... 16).contains(h.precision), h.rows > 0, h.columns > 0 else { return nil }
                sawFrame = true
            case 0xF8:  // LSE
                guard len >= 13, p[seg] == 1 else { return nil }
                let maxval = u16(seg + 1)
                if maxval != 0 { customMaxval = true; lse = (maxval, u16(seg + 3), u16(seg + 5), u16(seg + 7)) }
                else { lse = (0, u16(seg + 3), u16(seg + 5), u16(seg + 7)) }
                if u16(seg + 9) != 0 { h.reset = u16(seg + 9) }
            case 0xDD:  // DRI
                guard len >= 4, u16(seg) == 0 else { return nil }
            case 0xDA:  // SOS
                guard sawFrame, len >= 6, p[seg] == 1 else { return nil }
                let near = p[seg + 3], ilv = p[seg + 4], al = p[seg + 5] & 15
                guard near == 0, ilv == 0, al == 0 else { return nil }
                h.scanStart = pos + 2 + len
                let maxval = (1 << h.precision) - 1
                if customMaxval, let l = lse, l.0 != maxval { return nil }
                // Default thresholds, T.87 §C.2.4.1.1.1 (NEAR = 0).
                func clamp(_ v: Int, _ lo: Int, _ hi: Int) -> Int { v < lo || v > hi ? lo : v }
                var t1: Int, t2: Int, t3: Int
                if maxval >= 128 {
                    let factor = (min(maxval, 4095) + 128) >> 8
                    t1 = clamp(factor * (3 - 2) + 2, 1, maxval)
                    t2 = clamp(factor * (7 - 3) + 3, t1, maxval)
                    t3 = clamp(factor * (21 - 4) + 4, t2, maxval)
                } else {
                    let factor = 256 / (maxval + 1)
                    t1 = clamp(max(2, 3 / factor), 1, maxval)
                    t2 = clamp(max(3, 7 / factor), t1, maxval)
                    t3 = clamp(max(4, 21 / factor), t2, maxval)
                }
                if let l = lse {
                    if l.1 != 0 { t1 = l.1 }
                    if l.2 != 0 { t2 = l.2 }
                    if l.3 != 0 { t3 = l.3 }
                }
                h.t1 = t1; h.t2 = t2; h.t3 = t3
                return h
            case 0xF9 ... 0xFE, 0xE0 ... 0xEF:
                break  // JPEG-LS extensions not used here, APPn, COM: skipped
            default:
                return nil
            }
            pos += 2 + len
        }
        return nil
    }

    /// Bit reader with JPEG-LS stuffing: after an FF byte the next byte carries 7 bits; FF followed
    /// by a byte ≥ 80 is a marker, after which zero bits are fed and counted.
    struct Bits {
        let p: UnsafePointer<UInt8>
        let end: Int
        var pos: Int
        var acc: UInt64 = 0
        var n = 0
        var invented = 0

        @inline(never) mutating func fill() {
            while n <= 48 {
                if pos < end {
                    let b = p[pos]
                    if b == 0xFF {
                        let next = pos + 1 < end ? p[pos + 1] : 0xFF
                        if next >= 0x80 { acc |= 0; invented += 8; n += 8; continue }
                        acc |= UInt64(0xFF) << UInt64(56 - n); n += 8
                        acc |= UInt64(next & 0x7F) << UInt64(57 - n); n += 7
                        pos += 2
                    } else {
                        acc |= UInt64(b) << UInt64(56 - n); n += 8
                        pos += 1
                    }
                } else { invented += 8; n += 8 }
            }
        }

        @inline(__always) mutating func read(_ k: Int) -> Int {
            if k == 0 { return 0 }
            if n < k { fill() }
            let v = Int(truncatingIfNeeded: acc >> UInt64(64 - k))
            acc <<= UInt64(k); n -= k
            return v
        }

        @inline(__always) mutating func bit() -> Bool {
            if n < 1 { fill() }
            let b = acc >> 63 != 0
            acc <<= 1; n -= 1
            return b
        }

        /// T.87 §A.5.3: unary prefix, then k bits, or the escape to qbpp bits after LIMIT − qbpp − 1 zeros.
        @inline(__always) mutating func golomb(_ k: Int, limit: Int, qbpp: Int) -> Int {
            if n < 32 { fill() }
            let zeros = acc.leadingZeroBitCount
            if zeros < 32 && zeros < limit - qbpp - 1 {
                acc <<= UInt64(zeros + 1); n -= zeros + 1
                if k == 0 { return zeros }
                if n < k { fill() }
                let v = Int(truncatingIfNeeded: acc >> UInt64(64 - k))
                acc <<= UInt64(k); n -= k
                return (zeros << k) | v
            }
            return golombLong(k, limit: limit, qbpp: qbpp)
        }

        /// A unary prefix of 32 or more bits, or the escape code.
        @inline(never) mutating func golombLong(_ k: Int, limit: Int, qbpp: Int) -> Int {
            var z = 0
            while !bit() {
                z += 1
                if z >= limit - qbpp - 1 { break }
                if invented > 64 { return 0 }
            }
            if z >= limit - qbpp - 1 {
                _ = bit()  // the terminating 1
                return read(qbpp) + 1
            }
            return (z << k) + read(k)
        }

        var overrun: Bool { invented > 64 }
    }

    static let runJ: [Int] = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15]

    /// Decodes the scan into `out` (rows × columns samples, values 0…MAXVAL); false on data that
    /// does not decode (the caller falls back to CharLS, which reports the error).
    static func decode(_ p: UnsafePointer<UInt8>, count n: Int, header h: Header,
                       store: (Int, UnsafePointer<Int32>) -> Void) -> Bool {
        let w = h.columns, rows = h.rows
        let maxval = Int32((1 << h.precision) - 1)
        let range = Int(maxval) + 1
        let qbpp = h.precision, bpp = max(2, h.precision)
        let limit = 2 * (bpp + max(8, bpp))
        let fastZeros = min(32, limit - qbpp - 1)
        let maxMapped = 2 * range + 2
        let reset = Int32(h.reset)
        // Gradient quantisation table over −MAXVAL…MAXVAL.
        let qTable = UnsafeMutablePointer<Int8>.allocate(capacity: 2 * range)
        defer { qTable.deallocate() }
        for i in 0 ..< 2 * range {
            let d = i - range
            let q: Int8
            if d <= -h.t3 { q = -4 } else if d <= -h.t2 { q = -3 } else if d <= -h.t1 { q = -2 } else if d < 0 { q = -1 }
            else if d == 0 { q = 0 } else if d < h.t1 { q = 1 } else if d < h.t2 { q = 2 } else if d < h.t3 { q = 3 } else { q = 4 }
            qTable[i] = q
        }
        let quant = qTable + range
        // Context variables: 365 regular contexts, then the two run interruption contexts.
        let aInit = Int32(max(2, (range + 32) >> 6))
        let ctx = UnsafeMutablePointer<Int32>.allocate(capacity: 367 * 4)
        defer { ctx.deallocate() }
        let A = ctx, B = ctx + 367, C = ctx + 2 * 367, N = ctx + 3 * 367
        for i in 0 ..< 367 { A[i] = aInit; B[i] = 0; C[i] = 0; N[i] = 1 }
        var nn: (Int32, Int32) = (0, 0)
        // Two lines with one sample of padding before and two after.
        let stride = w + 3
        let lines = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * stride)
        defer { lines.deallocate() }
        lines.initialize(repeating: 0, count: 2 * stride)
        var prev = lines + 1, cur = lines + 1 + stride
        var r = Bits(p: p, end: n, pos: h.scanStart)
        var runIndex = 0
        let J = runJ

        for _ in 0 ..< rows {
            prev[w] = prev[w - 1]
            cur[-1] = prev[0]
            var x = 0
            while x < w {
                let ra = cur[x &- 1], rb = prev[x], rc = prev[x &- 1], rd = prev[x &+ 1]
                let q = Int(quant[Int(rd &- rb)]) &* 81 &+ Int(quant[Int(rb &- rc)]) &* 9 &+ Int(quant[Int(rc &- ra)])
                if q != 0 {
                    // Regular mode (T.87 §A.4–A.6); wrapping arithmetic: values stay within ±2^17.
                    let negative = q < 0
                    let qi = negative ? 0 &- q : q
                    var px: Int32
                    let mx = max(ra, rb), mn = min(ra, rb)
                    if rc >= mx { px = mn } else if rc <= mn { px = mx } else { px = ra &+ rb &- rc }
                    let c = C[qi]
                    px = negative ? px &- c : px &+ c
                    if px < 0 { px = 0 } else if px > maxval { px = maxval }
                    let a = A[qi], nq = N[qi]
                    var k = 0
                    while (nq &<< Int32(k)) < a && k < 24 { k &+= 1 }
                    // Golomb code (§A.5.3), fast path written out here.
                    if r.n < 32 { r.fill() }
                    let zeros = r.acc.leadingZeroBitCount
                    let m: Int
                    if zeros < fastZeros {
                        r.acc &<<= UInt64(zeros &+ 1); r.n &-= zeros &+ 1
                        if k == 0 { m = zeros } else {
                            if r.n < k { r.fill() }
                            m = (zeros &<< k) | Int(truncatingIfNeeded: r.acc &>> UInt64(64 &- k))
                            r.acc &<<= UInt64(k); r.n &-= k
                        }
                    } else {
                        m = r.golombLong(k, limit: limit, qbpp: qbpp)
                    }
                    if m >= maxMapped { return false }  // no valid error is this large (CharLS rejects it too)
                    var e = Int32(truncatingIfNeeded: (m >> 1) ^ (0 &- (m & 1)))
                    var b = B[qi]
                    if k == 0 && 2 &* b &+ nq &- 1 < 0 { e = ~e }
                    // Update (§A.6).
                    b = b &+ e
                    var aa = a &+ (e < 0 ? 0 &- e : e)
                    var nv = nq
                    if nv == reset { aa >>= 1; b >>= 1; nv >>= 1 }
                    nv &+= 1
                    A[qi] = aa; N[qi] = nv
                    if b &+ nv <= 0 {
                        b = b &+ nv
                        if b <= 0 &- nv { b = 1 &- nv }
                        if c > -128 { C[qi] = c &- 1 }
                    } else if b > 0 {
                        b = b &- nv
                        if b > 0 { b = 0 }
                        if c < 127 { C[qi] = c &+ 1 }
                    }
                    B[qi] = b
                    cur[x] = (negative ? px &- e : px &+ e) & maxval
                    x &+= 1
                    continue
                }
                // Run mode (§A.7).
                var i = 0
                let left = w - x
                while r.bit() {
                    let cnt = min(1 << J[runIndex], left - i)
                    i += cnt
                    if cnt == 1 << J[runIndex] { runIndex = min(31, runIndex + 1) }
                    if i == left { break }
                    if r.overrun { return false }
                }
                if i != left { i += r.read(J[runIndex]) }
                if i > left { return false }
                for j in 0 ..< i { cur[x + j] = ra }
                x += i
                if x == w { break }
                // Run interruption sample (§A.7.2).
                let rbi = prev[x]
                let riType: Int32 = ra == rbi ? 1 : 0
                let qi = 365 + Int(riType)
                let temp = A[qi] + (N[qi] >> 1) * riType
                var nt = N[qi], k = 0
                while nt < temp && k < 24 { nt &<<= 1; k += 1 }
                let emWide = r.golomb(k, limit: limit - J[runIndex] - 1, qbpp: qbpp)
                if emWide >= maxMapped { return false }
                let em = Int32(emWide)
                let t = em + riType
                let map = t & 1
                var e = (t + map) / 2
                let nnq = riType == 1 ? nn.1 : nn.0
                if (k != 0 || 2 * nnq >= N[qi]) == (map == 1) { e = -e }
                if e < 0 { if riType == 1 { nn.1 += 1 } else { nn.0 += 1 } }
                A[qi] += (em + 1 - riType) >> 1
                if N[qi] == reset {
                    A[qi] >>= 1; N[qi] >>= 1
                    if riType == 1 { nn.1 >>= 1 } else { nn.0 >>= 1 }
                }
                N[qi] += 1
                if riType == 1 { cur[x] = (ra + e) & maxval }
                else { cur[x] = (rbi + (rbi >= ra ? e : -e)) & maxval }
                runIndex = max(0, runIndex - 1)
                x += 1
            }
            if r.overrun { return false }
            store(w, UnsafePointer(cur))
            swap(&prev, &cur)
        }
        return true
    }
}
