import DICOM
import Foundation
import Imaging
import XCTest

/// Defective lossless JPEG from the wild (issue 3): DCMTK's signed 16-bit predictors, the Cornell
/// 16-bit Huffman bug and truncated streams. Nobody ships such files, so a small Python encoder
/// here (below) writes each defect into a 16-bit image that uses the whole range of values, and the
/// tests compare Lightbox, through `ImagePixelData.decodeFrame(_:options:)`, with the original
/// pixels and with DCMTK `dcmdjpeg` with and without `+w6` / `+wc`.
final class ImagingDefectConformanceTests: XCTestCase {
    /// Writes the source image and the defective files; returns their paths by name.
    static let encoder = #"""
    import sys, numpy as np, pydicom
    from pydicom.encaps import encapsulate
    from pydicom.uid import JPEGLossless, ExplicitVRLittleEndian
    template, out = sys.argv[1], sys.argv[2]

    # A 64 x 64 16-bit unsigned image over the whole range: ramps, noise, inverted spots (neighbour
    # differences near +-65535) and rows of 0, 32768, 0, ... (differences of exactly 32768).
    ds = pydicom.dcmread(template)
    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:64, 0:64]
    x = (xx * 1024 + yy * 512 + rng.integers(0, 4000, (64, 64))) % 65536
    x[::7, ::5] = 65535 - x[::7, ::5]
    x[10:14, :] = (xx[10:14, :] % 2) * 32768
    ds.Rows, ds.Columns = 64, 64
    ds.PixelRepresentation, ds.BitsAllocated, ds.BitsStored, ds.HighBit = 0, 16, 16, 15
    for t in ("RescaleSlope", "RescaleIntercept", "WindowCenter", "WindowWidth",
              "SmallestImagePixelValue", "LargestImagePixelValue"):
        if t in ds: del ds[t]
    ds.PixelData = x.astype("<u2").tobytes()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.save_as(f"{out}/source.dcm", enforce_file_format=True)

    def i16(v): return np.where(v >= 32768, v - 65536, v)

    def encode(name, sv, signed_predictors=False, cornell=False, truncate=False):
        """One scan, SOF3, P = 16, one table of 5-bit codes for categories 0-16 (T.81 Annex H)."""
        pred = np.zeros_like(x)
        pred[0, 0] = 1 << 15
        pred[0, 1:] = x[0, :-1]
        pred[1:, 0] = x[:-1, 0]
        ra, rb, rc = x[1:, :-1], x[:-1, 1:], x[:-1, :-1]
        if signed_predictors:   # the defect: Ra, Rb, Rc read as signed 16-bit (DCMTK PREDICTOR5A-7A)
            ra, rb, rc = i16(ra), i16(rb), i16(rc)
        pred[1:, 1:] = {1: ra, 5: ra + ((rb - rc) >> 1), 6: rb + ((ra - rc) >> 1), 7: (ra + rb) >> 1}[sv] & 0xFFFF
        bits, n16 = [], 0
        def put(v, n): bits.extend((v >> i) & 1 for i in range(n - 1, -1, -1))
        for d in (x - pred).ravel():
            d = ((int(d) + 32767) % 65536) - 32767          # modulo 2^16 into -32767..32768
            if d == 0: put(0, 5); continue
            s = abs(d).bit_length()
            if s >= 16:
                n16 += 1
                if cornell:
                    # SSSS 16 by its code or, every other time, by a 17-bit code the DHT cannot
                    # define; then 16 magnitude bits 0x8000 that T.81 does not have.
                    put(16, 5) if n16 % 2 else put(0x1FFFF, 17)
                    put(0x8000, 16)
                else:
                    put(16, 5)
                continue
            put(s, 5); put(d if d > 0 else d + (1 << s) - 1, s)
        while len(bits) % 8: bits.append(1)
        ecs = bytearray()
        for i in range(0, len(bits), 8):
            b = int("".join(map(str, bits[i:i + 8])), 2); ecs.append(b)
            if b == 0xFF: ecs.append(0)
        if truncate: ecs = ecs[: len(ecs) * 2 // 5]
        seg = lambda m, body: bytes([0xFF, m]) + (len(body) + 2).to_bytes(2, "big") + body
        stream = (b"\xFF\xD8" + seg(0xC3, bytes([16, 0, 64, 0, 64, 1, 1, 0x11, 0]))
                  + seg(0xC4, bytes([0, 0, 0, 0, 0, 17] + [0] * 11) + bytes(range(17)))
                  + seg(0xDA, bytes([1, 1, 0, sv, 0, 0])) + bytes(ecs) + (b"" if truncate else b"\xFF\xD9"))
        e = pydicom.dcmread(f"{out}/source.dcm")
        e.PixelData = encapsulate([stream + b"\0" * (len(stream) % 2)])
        e["PixelData"].VR = "OB"
        e.file_meta.TransferSyntaxUID = JPEGLossless
        e.save_as(f"{out}/{name}.dcm", enforce_file_format=True)
        print(name, n16)

    for sv in (5, 6, 7): encode(f"signed_sv{sv}", sv, signed_predictors=True)
    encode("cornell", 1, cornell=True)
    encode("truncated", 6, truncate=True)
    """#

    nonisolated(unsafe) static var made: Result<URL, Error>?
    static let lock = NSLock()

    /// The folder with source.dcm and the defective files, made once.
    static func files() throws -> URL {
        lock.lock(); defer { lock.unlock() }
        if let made { return try made.get() }
        let r = Result { () throws -> URL in
            let python = try Oracles.requirePython()
            let template = try Oracles.requireCorpus("pydicom").appendingPathComponent("CT_small.dcm").path
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-defects-\(getpid())")
            try? FileManager.default.removeItem(at: dir)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let script = dir.appendingPathComponent("encode_defects.py")
            try Data(encoder.utf8).write(to: script)
            let run = try runCommand(python, [script.path, template, dir.path])
            guard run.status == 0 else { throw NSError(domain: "encoder", code: Int(run.status), userInfo: [NSLocalizedDescriptionKey: run.stderr]) }
            return dir
        }
        made = r
        return try r.get()
    }

    /// Frame 0 of a file as Ints, with its warnings.
    static func decode(_ path: String, _ options: DecodingOptions = .init()) throws -> (values: [Int], warnings: [String]) {
        let px = try ImagePixelData(file: try Part10Reader.read(path: path))
        let f = try px.decodeFrame(0, options: options)
        switch f.samples {
        case .uint16(let a): return (a.map { Int($0) }, f.warnings)
        case .int16(let a): return (a.map { Int($0) }, f.warnings)
        default: XCTFail("\(path): expected 16-bit samples"); return ([], f.warnings)
        }
    }

    /// What `dcmdjpeg OPTIONS in out` did with a file: decoded it (frame 0 of its output, as Ints)
    /// or refused it (its status and messages). Never an Optional: a comparison with "nil" would
    /// pass whenever dcmdjpeg fails for any reason, even when it cannot run.
    enum DcmdjpegOutcome: Equatable {
        /// Status 0: frame 0 of the output, and what dcmdjpeg printed (its warnings).
        case decoded(pixels: [Int], messages: String)
        case refused(status: Int32, message: String)

        /// The pixels; a refusal fails the test (the comparison that needs them cannot be made).
        func pixels(_ what: String) throws -> [Int] {
            switch self {
            case .decoded(let v, _): return v
            case .refused(let status, let message): throw TestFailure.oracleFailed("dcmdjpeg \(what): status \(status): \(message)")
            }
        }
    }

    func dcmtk(_ path: String, _ options: [String]) throws -> DcmdjpegOutcome {
        let dcmdjpeg = try Oracles.require("dcmdjpeg", package: "dcmtk")
        let out = path + ".dcmtk\(options.joined()).dcm"
        let r = try runCommand(dcmdjpeg, options + [path, out])
        guard r.status == 0 else { return .refused(status: r.status, message: r.stdout + r.stderr) }
        return .decoded(pixels: try Self.decode(out).values, messages: r.stdout + r.stderr)
    }

    static func differing(_ a: [Int], _ b: [Int]) -> Int { zip(a, b).filter { $0 != $1 }.count + abs(a.count - b.count) }

    /// Predictors 5–7 computed from signed 16-bit neighbours: DCMTK `+w6` reads them back to the
    /// source pixels, and so does Lightbox with `predictor6Overflow`; without the workaround both
    /// decoders agree on the same (wrong, standard) pixels.
    func testSignedPredictorOverflowMatchesDcmdjpegW6() throws {
        let dir = try Self.files()
        let source = try Self.decode(dir.appendingPathComponent("source.dcm").path).values
        XCTAssertEqual(source.count, 64 * 64)
        let workaround = DecodingOptions(jpegLossless: JPEGLosslessOptions(predictor6Overflow: true))
        for sv in [5, 6, 7] {
            let path = dir.appendingPathComponent("signed_sv\(sv).dcm").path
            let theirsW6 = try dcmtk(path, ["+w6"]).pixels("+w6, predictor \(sv)")
            XCTAssertEqual(theirsW6, source, "the test file must be the defect dcmdjpeg +w6 undoes (predictor \(sv))")
            let plain = try dcmtk(path, []).pixels("without +w6, predictor \(sv)")
            XCTAssertGreaterThan(Self.differing(plain, source), 1000, "predictor \(sv): the defect must matter without +w6")

            let mine = try Self.decode(path, workaround)
            XCTAssertEqual(mine.values, source, "Lightbox with the predictor overflow workaround, predictor \(sv)")
            XCTAssertEqual(mine.values, theirsW6)
            XCTAssertEqual(try Self.decode(path).values, plain, "Lightbox without the workaround decodes like dcmdjpeg without +w6 (predictor \(sv))")
        }
    }

    /// Cornell: SSSS 16 followed by 16 bits 0x8000, sometimes with a 17-bit code. Lightbox with the
    /// option, and on its own (it retries when codes are invalid, and says so), gives the source
    /// pixels. DCMTK 3.6.7's `+wc` only drops the extra bits when its 32-bit bit buffer already holds
    /// 16 more bits (dcmjpeg/libijg16/jdlhuff.c), so it recovers some samples but not this file:
    /// the comparison with DCMTK is that without `+wc` it reports bad Huffman codes and decodes
    /// other pixels (status 0), and that with `+wc` it gets the first 32768 differences right.
    func testCornellHuffmanBugDecodesToSourcePixels() throws {
        let dir = try Self.files()
        let source = try Self.decode(dir.appendingPathComponent("source.dcm").path).values
        let path = dir.appendingPathComponent("cornell.dcm").path
        guard case .decoded(let plain, let messages) = try dcmtk(path, []) else {
            return XCTFail("dcmdjpeg without +wc: expected a (wrong) decoding with warnings, got \(try dcmtk(path, []))")
        }
        XCTAssertTrue(messages.contains("bad Huffman code"), "the extra bits must break a standard decoder: \(messages.prefix(500))")
        XCTAssertGreaterThan(Self.differing(plain, source), 100, "the extra bits must break a standard decoder")

        let mine = try Self.decode(path, DecodingOptions(jpegLossless: JPEGLosslessOptions(cornellHuffman: true)))
        XCTAssertEqual(mine.values, source)
        let auto = try Self.decode(path)
        XCTAssertEqual(auto.values, source)
        XCTAssertTrue(auto.warnings.contains { $0.contains("Cornell") }, "automatic workaround must be reported: \(auto.warnings)")
        // Rows 10–13 hold the 32768 differences: DCMTK +wc gets at least the first of them.
        let theirs = try dcmtk(path, ["+wc"]).pixels("+wc")
        XCTAssertEqual(theirs.count, source.count)
        XCTAssertEqual(Array(theirs[10 * 64 ..< 10 * 64 + 4]), Array(source[10 * 64 ..< 10 * 64 + 4]))
    }

    /// A stream cut at 40 % of its entropy-coded data and without EOI: the rows before the cut are
    /// the source's, the rest is zero, and the frame's warnings say where it ended. The transcoder
    /// passes the warning on.
    func testTruncatedStreamDecodesWhatIsThereAndSaysSo() throws {
        let dir = try Self.files()
        let source = try Self.decode(dir.appendingPathComponent("source.dcm").path).values
        let path = dir.appendingPathComponent("truncated.dcm").path
        let mine = try Self.decode(path)
        XCTAssertEqual(mine.values.count, source.count)
        let note = try XCTUnwrap(mine.warnings.first { $0.contains("the stream ends in row") }, "warnings: \(mine.warnings)")
        let row = try XCTUnwrap(Int(note.split(separator: " ").first { Int($0) != nil } ?? ""))
        XCTAssertGreaterThan(row, 10); XCTAssertLessThan(row, 40)
        // Every row before the last decoded one is exact; the rows after the cut are zero.
        XCTAssertEqual(Array(mine.values[0 ..< (row - 1) * 64]), Array(source[0 ..< (row - 1) * 64]))
        XCTAssertTrue(mine.values[row * 64 ..< 64 * 64].allSatisfy { $0 == 0 })

        var warnings: [String] = []
        let file = try Part10Reader.read(path: path)
        _ = try Transcoder().transcode(file, to: .explicitVRLittleEndian, warnings: &warnings)
        XCTAssertTrue(warnings.contains { $0.contains("the stream ends in row \(row)") }, "transcoder warnings: \(warnings)")
    }
}
