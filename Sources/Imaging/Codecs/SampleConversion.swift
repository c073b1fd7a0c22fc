import DICOM

/// Turning raw stored sample words into `PixelSamples`: mask to Bits Stored (after shifting
/// down by High Bit + 1 − Bits Stored), sign-extend when Pixel Representation is 1, interleave
/// planar colour (PS3.5 §8.1.1, PS3.3 §C.7.6.3.1.3).
enum SampleConversion {
    /// Builds samples from little-endian stored words of `description.bitsAllocated` bits.
    /// `bytes` must hold at least `count` words; planar data is interleaved when `planar`.
    static func fromStoredBytes(_ bytes: UnsafeRawBufferPointer, count: Int, description d: PixelDescription,
                                planar: Bool) -> PixelSamples {
        let shift = d.highBit + 1 - d.bitsStored
        switch d.bitsAllocated {
        case 8:
            var out = [UInt8](repeating: 0, count: count)
            out.withUnsafeMutableBufferPointer { o in
                let src = bytes.bindMemory(to: UInt8.self)
                copyInterleaving(src, o, count: count, planar: planar, samples: d.samplesPerPixel)
            }
            return finish8(out, bits: d.bitsStored, shift: shift, signed: d.isSigned)
        case 16:
            var out = [UInt16](repeating: 0, count: count)
            out.withUnsafeMutableBufferPointer { o in
                let tmp = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: count)
                defer { tmp.deallocate() }
                for i in 0 ..< count { tmp[i] = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)) }
                copyInterleaving(UnsafeBufferPointer(tmp), o, count: count, planar: planar, samples: d.samplesPerPixel)
            }
            return finish16(out, bits: d.bitsStored, shift: shift, signed: d.isSigned)
        default:
            var out = [UInt32](repeating: 0, count: count)
            out.withUnsafeMutableBufferPointer { o in
                let tmp = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: count)
                defer { tmp.deallocate() }
                for i in 0 ..< count { tmp[i] = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) }
                copyInterleaving(UnsafeBufferPointer(tmp), o, count: count, planar: planar, samples: d.samplesPerPixel)
            }
            return finish32(out, bits: d.bitsStored, shift: shift, signed: d.isSigned)
        }
    }

    @inline(__always)
    static func copyInterleaving<T>(_ src: UnsafeBufferPointer<T>, _ dst: UnsafeMutableBufferPointer<T>,
                                    count: Int, planar: Bool, samples: Int) {
        if !planar || samples == 1 {
            UnsafeMutableRawBufferPointer(dst).copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(src)[0 ..< count * MemoryLayout<T>.stride]))
            return
        }
        let pixels = count / samples
        for s in 0 ..< samples {
            let base = s * pixels
            var j = s
            for i in 0 ..< pixels { dst[j] = src[base + i]; j += samples }
        }
    }

    /// Keeps the low `bits` bits of each unsigned sample, in place (Bits Stored masking).
    static func maskInPlace<T: FixedWidthInteger & UnsignedInteger>(_ p: UnsafeMutableBufferPointer<T>, bits: Int) {
        guard bits < T.bitWidth else { return }
        let mask = T((1 << bits) - 1)
        for i in p.indices { p[i] &= mask }
    }

    /// Sign-extends the low `bits` bits of each two's complement sample, in place.
    static func signExtendInPlace<T: FixedWidthInteger & SignedInteger>(_ p: UnsafeMutableBufferPointer<T>, bits: Int) {
        guard bits < T.bitWidth else { return }
        let ext = T(T.bitWidth - bits)
        for i in p.indices { p[i] = (p[i] << ext) >> ext }
    }

    static func finish8(_ v: [UInt8], bits: Int, shift: Int, signed: Bool) -> PixelSamples {
        var v = v
        if bits < 8 || shift > 0 {
            let mask = UInt8(truncatingIfNeeded: (1 << bits) - 1)
            v.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = (p[i] >> UInt8(shift)) & mask } }
        }
        guard signed else { return .uint8(v) }
        let ext = 8 - bits
        return .int8(v.map { Int8(bitPattern: $0 << UInt8(ext)) >> Int8(ext) })
    }

    static func finish16(_ v: [UInt16], bits: Int, shift: Int, signed: Bool) -> PixelSamples {
        var v = v
        if bits < 16 || shift > 0 {
            let mask = UInt16(truncatingIfNeeded: (1 << bits) - 1)
            v.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = (p[i] >> UInt16(shift)) & mask } }
        }
        guard signed else { return .uint16(v) }
        let ext = UInt16(16 - bits)
        return .int16(v.map { Int16(bitPattern: $0 << ext) >> Int16(ext) })
    }

    static func finish32(_ v: [UInt32], bits: Int, shift: Int, signed: Bool) -> PixelSamples {
        var v = v
        if bits < 32 || shift > 0 {
            let mask = UInt32(truncatingIfNeeded: (1 << bits) - 1)
            v.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = (p[i] >> UInt32(shift)) & mask } }
        }
        guard signed else { return .uint32(v) }
        let ext = UInt32(32 - bits)
        return .int32(v.map { Int32(bitPattern: $0 << ext) >> Int32(ext) })
    }

    /// Samples from decoded unsigned values held in 16-bit words (codec output), applying
    /// Bits Stored masking and sign extension for the data set's Bits Allocated.
    static func fromCodec16(_ v: [UInt16], description d: PixelDescription) -> PixelSamples {
        if d.bitsAllocated == 8 {
            let u8 = v.map { UInt8(truncatingIfNeeded: $0) }
            return finish8(u8, bits: min(d.bitsStored, 8), shift: 0, signed: d.isSigned)
        }
        return finish16(v, bits: min(d.bitsStored, 16), shift: 0, signed: d.isSigned)
    }

    static func fromCodec8(_ v: [UInt8], description d: PixelDescription) -> PixelSamples {
        if d.bitsAllocated == 16 { return finish16(v.map { UInt16($0) }, bits: min(d.bitsStored, 16), shift: 0, signed: d.isSigned) }
        return finish8(v, bits: min(d.bitsStored, 8), shift: 0, signed: d.isSigned)
    }
}

extension PixelSamples {
    /// The samples as unsigned stored bit patterns of `bits` bits (two's complement for signed),
    /// widened to UInt32 — what encoders write.
    func storedPatterns(bits: Int) -> [UInt32] {
        let mask: UInt32 = bits >= 32 ? .max : (1 << UInt32(bits)) - 1
        switch self {
        case .uint8(let a): return a.map { UInt32($0) & mask }
        case .int8(let a): return a.map { UInt32(bitPattern: Int32($0)) & mask }
        case .uint16(let a): return a.map { UInt32($0) & mask }
        case .int16(let a): return a.map { UInt32(bitPattern: Int32($0)) & mask }
        case .uint32(let a): return a.map { $0 & mask }
        case .int32(let a): return a.map { UInt32(bitPattern: $0) & mask }
        }
    }

    /// Little-endian native bytes for Bits Allocated 8/16/32, interleaved.
    func nativeBytes(bitsAllocated: Int, bitsStored: Int) -> [UInt8] {
        // Fast paths: the samples already have the allocated width and need no masking.
        func raw<T>(_ a: [T]) -> [UInt8] { a.withUnsafeBytes { Array($0) } }
        switch (self, bitsAllocated) {
        case (.uint8(let a), 8) where bitsStored >= 8: return a
        case (.int8(let a), 8) where bitsStored >= 8: return raw(a)
        case (.uint16(let a), 16) where bitsStored >= 16: return raw(a)
        case (.int16(let a), 16) where bitsStored >= 16: return raw(a)
        case (.uint32(let a), 32) where bitsStored >= 32: return raw(a)
        case (.int32(let a), 32) where bitsStored >= 32: return raw(a)
        default: break
        }
        let v = storedPatterns(bits: bitsStored)
        switch bitsAllocated {
        case 8: return v.map { UInt8(truncatingIfNeeded: $0) }
        case 16:
            var out = [UInt8](repeating: 0, count: v.count * 2)
            for (i, x) in v.enumerated() { out[2 * i] = UInt8(truncatingIfNeeded: x); out[2 * i + 1] = UInt8(truncatingIfNeeded: x >> 8) }
            return out
        default:
            var out = [UInt8](repeating: 0, count: v.count * 4)
            for (i, x) in v.enumerated() {
                out[4 * i] = UInt8(truncatingIfNeeded: x); out[4 * i + 1] = UInt8(truncatingIfNeeded: x >> 8)
                out[4 * i + 2] = UInt8(truncatingIfNeeded: x >> 16); out[4 * i + 3] = UInt8(truncatingIfNeeded: x >> 24)
            }
            return out
        }
    }
}
