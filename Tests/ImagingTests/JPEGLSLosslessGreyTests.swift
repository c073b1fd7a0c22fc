import XCTest
@testable import Imaging

/// The Swift JPEG-LS decoder (T.87 lossless, one component) against CharLS on streams CharLS
/// writes: noise (regular mode), flat areas and steps (run mode and run interruptions), 2 to 16
/// bits, one-pixel and odd sizes; and mutated streams never trap.
final class JPEGLSLosslessGreyTests: XCTestCase {
    struct RNG { var s: UInt64; mutating func next() -> UInt64 { s = s &* 6364136223846793005 &+ 1442695040888963407; return s >> 33 } }

    static func image(width w: Int, height h: Int, bits: Int, seed: UInt64) -> [UInt16] {
        var rng = RNG(s: seed)
        let maxval = (1 << bits) - 1
        var v = [UInt16](repeating: 0, count: w * h)
        for y in 0 ..< h {
            for x in 0 ..< w {
                let region = (x / 7 + y / 5) % 4
                let value: Int
                switch region {
                case 0: value = maxval / 3                                                 // flat: runs
                case 1: value = Int(rng.next()) & maxval                                   // noise
                case 2: value = (x * 37 + y * 11) & maxval                                  // ramps
                default: value = (maxval / 2 + Int(rng.next() % 5) - 2) & maxval            // near-flat
                }
                v[y * w + x] = UInt16(value)
            }
        }
        return v
    }

    func testMatchesCharLSBitForBit() throws {
        var cases = 0
        for bits in [2, 5, 8, 10, 12, 15, 16] {
            for (w, h) in [(1, 1), (1, 9), (9, 1), (13, 7), (64, 48), (257, 3)] {
                let v = Self.image(width: w, height: h, bits: bits, seed: UInt64(bits * 1000 + w * 10 + h))
                let stream = try XCTUnwrap(JPEGLSReferenceEncoder.encode(v, width: w, height: h, bits: bits))
                let d = PixelDescription(rows: h, columns: w, bitsAllocated: bits <= 8 ? 8 : 16, bitsStored: bits)
                let swift = try XCTUnwrap(JPEGLSDecoder.decodeLosslessGrey(stream, description: d), "\(bits)-bit \(w)×\(h) not taken by the Swift decoder")
                let charls = try JPEGLSDecoder().decodeWithCharLS(stream, description: d)
                XCTAssertEqual(swift.samples, charls.samples, "\(bits)-bit \(w)×\(h)")
                XCTAssertEqual((0 ..< v.count).map { swift.samples[$0] }, v.map { Int($0) }, "\(bits)-bit \(w)×\(h) is not the source")
                cases += 1
            }
        }
        XCTAssertEqual(cases, 42)
    }

    func testSignedSixteenBitFollowsTheDataSet() throws {
        let v = Self.image(width: 40, height: 30, bits: 16, seed: 7)
        let stream = try XCTUnwrap(JPEGLSReferenceEncoder.encode(v, width: 40, height: 30, bits: 16))
        let d = PixelDescription(rows: 30, columns: 40, bitsAllocated: 16, bitsStored: 16, isSigned: true)
        let f = try JPEGLSDecoder().decode(stream, description: d)
        guard case .int16(let a) = f.samples else { return XCTFail("expected Int16 samples") }
        XCTAssertEqual(a, v.map { Int16(bitPattern: $0) })
    }

    func testNearLosslessGoesToCharLS() throws {
        let v = Self.image(width: 20, height: 20, bits: 8, seed: 3)
        let stream = try XCTUnwrap(JPEGLSReferenceEncoder.encode(v, width: 20, height: 20, bits: 8, near: 2))
        let d = PixelDescription(rows: 20, columns: 20, bitsAllocated: 8, bitsStored: 8)
        XCTAssertNil(JPEGLSDecoder.decodeLosslessGrey(stream, description: d))
        let f = try JPEGLSDecoder().decode(stream, description: d)
        XCTAssertLessThanOrEqual(zip((0 ..< v.count).map { f.samples[$0] }, v).map { abs($0 - Int($1)) }.max() ?? 99, 2)
    }

    /// Flipped, truncated and extended streams: the Swift decoder returns a frame or nil (then
    /// CharLS reports the error); it never traps or loops.
    func testMutatedStreamsNeverTrap() throws {
        let v = Self.image(width: 33, height: 17, bits: 12, seed: 11)
        let stream = try XCTUnwrap(JPEGLSReferenceEncoder.encode(v, width: 33, height: 17, bits: 12))
        let d = PixelDescription(rows: 17, columns: 33, bitsAllocated: 16, bitsStored: 12)
        var rng = RNG(s: 99)
        for i in 0 ..< 3000 {
            var s = stream
            switch i % 3 {
            case 0: for _ in 0 ..< 1 + Int(rng.next() % 4) { s[Int(rng.next()) % s.count] ^= UInt8(truncatingIfNeeded: rng.next() | 1) }
            case 1: s = Array(s.prefix(Int(rng.next()) % s.count))
            default: s[20 + Int(rng.next()) % (s.count - 20)] = 0xFF
            }
            _ = JPEGLSDecoder.decodeLosslessGrey(s, description: d)
        }
    }
}
