import DICOM
import Foundation
import Imaging
import XCTest

/// Restart intervals in lossless JPEG (T.81 §B.2.4.4 DRI, §F.1.2.3 and H.1.2.1 RSTn: the
/// prediction restarts as at the top of the image): streams from an encoder Lightbox does not use,
/// Thomas Richter's libjpeg (`jpeg -p -c -z N`, Debian libjpeg-tools), with a restart every few
/// rows, in 8, 12 and 16 bits grey and 8-bit RGB. The test checks that each stream really carries
/// DRI and RST0…RST7 markers, then that Lightbox, DCMTK `dcmdjpeg` and pydicom all decode it to the
/// source pixels.
final class JPEGRestartConformanceTests: XCTestCase {
    /// Writes, for each case, NAME.raw (the source samples, little endian), NAME.jpg (libjpeg's
    /// stream) and NAME.dcm (the stream as JPEG Lossless, Process 14, in a Secondary Capture file).
    /// Usage: make_restart.py JPEG OUTDIR SEED; prints one line per case.
    static let maker = #"""
    import subprocess, sys
    import numpy as np
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.encaps import encapsulate
    from pydicom.uid import JPEGLossless, SecondaryCaptureImageStorage, generate_uid

    jpeg, out, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = np.random.default_rng(seed)
    # name, rows, columns, samples per pixel, bits, rows per restart interval (whole rows: T.81
    # lets an interval end mid-row, but libjpeg's lossless decoder then warns of corrupt results).
    cases = [("grey8", 24, 40, 1, 8, 2), ("grey12", 21, 37, 1, 12, 1), ("grey16", 21, 37, 1, 16, 3), ("rgb8", 12, 20, 3, 8, 3)]
    for name, rows, cols, spp, bits, interval_rows in cases:
        yy, xx = np.mgrid[0:rows, 0:cols]
        planes = [(xx * ((1 << bits) // cols) + yy * 7 + c * 50 + rng.integers(0, 1 << max(bits - 4, 2), (rows, cols))) % (1 << bits)
                  for c in range(spp)]
        img = np.stack(planes, axis=-1)
        dtype = np.uint8 if bits <= 8 else np.uint16
        pnm = f"{out}/{name}.{'ppm' if spp == 3 else 'pgm'}"
        with open(pnm, "wb") as f:
            f.write(b"%s\n%d %d\n%d\n" % (b"P6" if spp == 3 else b"P5", cols, rows, (1 << bits) - 1))
            f.write(img.astype(dtype if bits <= 8 else ">u2").tobytes())
        restart = interval_rows * cols
        r = subprocess.run([jpeg, "-p", "-c", "-z", str(restart), pnm, f"{out}/{name}.jpg"], capture_output=True, text=True)
        if r.returncode != 0 or "Warning" in r.stdout + r.stderr:
            sys.exit(f"jpeg failed on {name}: {r.stdout} {r.stderr}")
        stream = open(f"{out}/{name}.jpg", "rb").read()
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = JPEGLossless
        ds.file_meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID = generate_uid()
        ds.SOPClassUID = SecondaryCaptureImageStorage
        ds.Modality = "OT"
        ds.Rows, ds.Columns, ds.SamplesPerPixel = rows, cols, spp
        ds.PhotometricInterpretation = "RGB" if spp == 3 else "MONOCHROME2"
        if spp == 3:
            ds.PlanarConfiguration = 0
        ds.BitsAllocated = 8 if bits <= 8 else 16
        ds.BitsStored, ds.HighBit, ds.PixelRepresentation = bits, bits - 1, 0
        ds.PixelData = encapsulate([stream + b"\0" * (len(stream) % 2)])
        ds["PixelData"].VR = "OB"
        ds.save_as(f"{out}/{name}.dcm", enforce_file_format=True)
        img.astype("<u2" if bits > 8 else np.uint8).tofile(f"{out}/{name}.raw")
        print(name, rows, cols, spp, bits, restart)
    """#

    struct Case {
        var name: String
        var rows: Int, columns: Int, samplesPerPixel: Int, bits: Int
        /// The restart interval libjpeg was asked for, in MCUs (one pixel each here).
        var restartInterval: Int
    }

    /// The DRI value and the RSTn markers, in order, of a JPEG stream (markers inside the
    /// entropy-coded data; stuffed 0xFF00 and fill bytes are not markers).
    static func restartMarkers(_ b: [UInt8]) -> (interval: Int?, rst: [UInt8]) {
        var interval: Int?, rst: [UInt8] = []
        var i = 2   // after SOI
        var inScan = false
        while i + 1 < b.count {
            guard b[i] == 0xFF else { i += 1; continue }
            let m = b[i + 1]
            if m == 0x00 || m == 0xFF { i += 1; continue }
            if (0xD0 ... 0xD7).contains(m) { rst.append(m - 0xD0); i += 2; continue }
            if m == 0xD9 { break }
            guard !inScan || m == 0xDA || m == 0xDD || m == 0xC4 else { i += 1; continue }
            guard i + 3 < b.count else { break }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            if m == 0xDD, length == 4, i + 5 < b.count { interval = Int(b[i + 4]) << 8 | Int(b[i + 5]) }
            if m == 0xDA { inScan = true }
            i += 2 + length
        }
        return (interval, rst)
    }

    func testRestartIntervalsMatchDcmdjpegAndPydicom() throws {
        let jpeg = try Oracles.require("jpeg", package: "libjpeg-tools")
        let dcmdjpeg = try Oracles.require("dcmdjpeg", package: "dcmtk")
        let python = try Oracles.requirePython()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-restart-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("make_restart.py")
        try Data(Self.maker.utf8).write(to: script)
        let seed = ProcessInfo.processInfo.environment["LIGHTBOX_TEST_SEED"].flatMap { UInt64($0) } ?? 1994
        print("JPEGRestartConformanceTests: random inputs from seed \(seed) (LIGHTBOX_TEST_SEED=\(seed) repeats them)")
        let made = try runCommand(python, [script.path, jpeg, dir.path, "\(seed)"])
        guard made.status == 0 else { throw TestFailure.oracleFailed("make_restart.py: \(made.stdout) \(made.stderr)") }
        let cases = made.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.compactMap { f -> Case? in
            guard f.count == 6, let r = Int(f[1]), let c = Int(f[2]), let s = Int(f[3]), let b = Int(f[4]), let ri = Int(f[5]) else { return nil }
            return Case(name: f[0], rows: r, columns: c, samplesPerPixel: s, bits: b, restartInterval: ri)
        }
        XCTAssertEqual(cases.map(\.name), ["grey8", "grey12", "grey16", "rgb8"], made.stdout)

        var decoded: [String] = []
        for c in cases {
            let stream = try [UInt8](Data(contentsOf: dir.appendingPathComponent("\(c.name).jpg")))
            // The stream really has restart intervals: DRI with the interval asked for, and one RSTn
            // between consecutive intervals, numbered modulo 8.
            let markers = Self.restartMarkers(stream)
            let intervals = (c.rows * c.columns + c.restartInterval - 1) / c.restartInterval
            XCTAssertEqual(markers.interval, c.restartInterval, "\(c.name): DRI")
            XCTAssertEqual(markers.rst, (0 ..< intervals - 1).map { UInt8($0 % 8) }, "\(c.name): RSTn markers")
            XCTAssertGreaterThan(intervals, 3, "\(c.name): several intervals")

            let raw = try [UInt8](Data(contentsOf: dir.appendingPathComponent("\(c.name).raw")))
            let source: [Int] = c.bits <= 8 ? raw.map { Int($0) }
                : stride(from: 0, to: raw.count - 1, by: 2).map { Int(raw[$0]) | Int(raw[$0 + 1]) << 8 }
            XCTAssertEqual(source.count, c.rows * c.columns * c.samplesPerPixel, c.name)

            let path = dir.appendingPathComponent("\(c.name).dcm").path
            let mine = try ImagingCodecConformanceTests.decodeAll(path)
            XCTAssertEqual(mine.values, source, "\(c.name): Lightbox's decoding differs from the source")
            XCTAssertEqual(mine.warnings, [], c.name)

            let dcmtkOut = dir.appendingPathComponent("\(c.name).dcmtk.dcm").path
            let r = try runCommand(dcmdjpeg, [path, dcmtkOut])
            guard r.status == 0 else { throw TestFailure.oracleFailed("dcmdjpeg \(c.name): status \(r.status): \(r.stderr)") }
            decoded += [path, dcmtkOut]
        }
        // pydicom decodes each stream, and reads dcmdjpeg's decompressed copy: both the source.
        let refDir = dir.appendingPathComponent("reference")
        let r = try runCommand(python, [Oracles.oracleScript("pydicom_pixels.py"), refDir.path] + decoded)
        guard r.status == 0 else { throw TestFailure.oracleFailed("pydicom_pixels.py: \(r.stderr)") }
        for (i, path) in decoded.enumerated() {
            let name = (path as NSString).lastPathComponent
            let ref = try ImagingCodecConformanceTests.Reference(json: refDir.appendingPathComponent("\(i).json"), bin: refDir.appendingPathComponent("\(i).bin"))
            guard ref.ok else { XCTFail("\(name): pydicom cannot decode it: \(ref.error ?? "")"); continue }
            let c = try XCTUnwrap(cases.first { name.hasPrefix($0.name + ".") })
            let raw = try [UInt8](Data(contentsOf: dir.appendingPathComponent("\(c.name).raw")))
            let source: [Int] = c.bits <= 8 ? raw.map { Int($0) }
                : stride(from: 0, to: raw.count - 1, by: 2).map { Int(raw[$0]) | Int(raw[$0 + 1]) << 8 }
            XCTAssertEqual(ref.values(), source, "\(name): pydicom's reading differs from the source (\(name.contains("dcmtk") ? "dcmdjpeg" : "pydicom") decoded it)")
        }
    }
}
