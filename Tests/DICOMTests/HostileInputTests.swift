import XCTest
import Foundation
import DICOM
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TestSupport

/// Hostile input (issue 2, must-show 4): truncated files, lengths past the end, 4 GiB lengths,
/// 10,000-level nesting, odd lengths, preamble-only and empty files, garbage, corrupt and
/// bomb-like deflate streams. Each must end in a typed `DataSetReadError` that names the file,
/// without a hang (`hangLimit`) and without memory growth proportional to a declared length
/// (`memoryLimit`). The bounds are generous on purpose: these reads take milliseconds, and the
/// limits only catch a hang or a blow-up by orders of magnitude, even in a debug build on a busy
/// two-core machine. How fast reading is belongs to `make bench`.
final class HostileInputTests: XCTestCase {

    // MARK: - Truncation at every byte offset

    /// Cuts a small valid file at every offset and reads each prefix in both truncation policies.
    /// `.reject`: every cut that loses part of an element throws a `DataSetReadError`; a cut that
    /// falls exactly between two top-level elements is indistinguishable from a shorter file and
    /// must read as an exact prefix of the whole file's elements. `.keepAvailable`: never throws
    /// once the cut is past the File Meta Information. Neither may trap.
    func testTruncatedAtEveryOffset() throws {
        // The synthesised file (undefined- and defined-length sequences) at every offset; then
        // CT_small.dcm, when the corpus is installed, at every offset except inside its 32 KiB of
        // Pixel Data, where every 31st cut is taken (one code path; all of it costs ~100 s at -Onone).
        try truncationSweep(Self.syntheticSmallFile(), name: "synthetic_small.dcm", stride: 1)
        if let ct = try Self.corpus("CT_small.dcm") {
            try truncationSweep([UInt8](try Data(contentsOf: URL(fileURLWithPath: ct))), name: "CT_small.dcm", stride: 31)
        }
    }

    func truncationSweep(_ bytes: [UInt8], name: String, stride pixelStride: Int) throws {
        let full = try Part10Reader.read(bytes: bytes, options: .loadAll, name: name)
        XCTAssertFalse(full.isTruncated)
        let metaEnd = Self.metaEnd(bytes)
        XCTAssertGreaterThan(metaEnd, 132)
        var rejected = 0, boundaries = 0, kept = 0
        var slowest = 0.0

        // Cuts inside the Pixel Data value (the last element) after its first and before its last 256 bytes thin out.
        let pixelLength = full.dataSet[Tag(0x7FE0, 0x0010)]?.valueLength ?? 0
        let thinFrom = bytes.count - pixelLength + 256, thinTo = bytes.count - 256
        var cuts = [Int]()
        var c = 0
        while c < bytes.count { cuts.append(c); c += (c >= thinFrom && c < thinTo) ? pixelStride : 1 }
        for cut in cuts {
            let prefix = Array(bytes[0 ..< cut])
            let label = "\(name)[0..<\(cut)]"
            // .reject
            var t0 = Self.now()
            do {
                let f = try Part10Reader.read(bytes: prefix, options: .loadAll, name: label)
                boundaries += 1
                XCTAssertFalse(f.isTruncated, "cut \(cut)")
                if cut <= metaEnd {
                    XCTAssertTrue(f.dataSet.isEmpty, "cut \(cut) inside the meta header read data elements")
                } else {
                    XCTAssertEqual(f.dataSet.elements, Array(full.dataSet.elements.prefix(f.dataSet.count)),
                                   "cut \(cut): .reject read something that is not an exact prefix")
                    XCTAssertLessThan(f.dataSet.count, full.dataSet.count, "cut \(cut) read the whole file")
                }
            } catch let e as DataSetReadError {
                rejected += 1
                XCTAssertEqual(e.path, label)
                XCTAssertTrue(e.description.contains(label), e.description)
            } catch {
                XCTFail("cut \(cut): untyped error \(error)")
            }
            slowest = max(slowest, Self.now() - t0)

            // .keepAvailable
            t0 = Self.now()
            do {
                let f = try Part10Reader.read(bytes: prefix, options: ReadOptions.loadAll.keepingTruncatedData, name: label)
                if cut > metaEnd {
                    kept += 1
                    let n = f.dataSet.count
                    XCTAssertLessThanOrEqual(n, full.dataSet.count)
                    // Everything but the last element read is whole; the last may be cut short.
                    XCTAssertEqual(Array(f.dataSet.elements.prefix(max(n - 1, 0))),
                                   Array(full.dataSet.elements.prefix(max(n - 1, 0))), "cut \(cut)")
                    if !f.isTruncated {
                        XCTAssertEqual(f.dataSet.elements, Array(full.dataSet.elements.prefix(n)), "cut \(cut)")
                    }
                }
            } catch let e as DataSetReadError {
                if cut > metaEnd {
                    XCTFail("cut \(cut) (after the meta header at \(metaEnd)): .keepAvailable threw \(e)")
                }
                XCTAssertTrue(e.description.contains(label), e.description)
            } catch {
                XCTFail("cut \(cut): untyped error \(error)")
            }
            slowest = max(slowest, Self.now() - t0)
        }
        XCTAssertLessThan(slowest, Self.hangLimit, "slowest truncated read took \(slowest) s")
        XCTAssertGreaterThan(rejected, cuts.count / 2)
        XCTAssertEqual(kept, cuts.filter { $0 > metaEnd }.count)
        print("truncation sweep over \(name) (\(bytes.count) bytes, \(cuts.count) cuts, meta ends at \(metaEnd)): "
              + "\(rejected) cuts rejected, \(boundaries) cuts on element boundaries, slowest read \(String(format: "%.4f", slowest)) s")
    }

    /// The same sweep through a file on disk (the `pread` source with its sliding buffer), every
    /// offset in the header and a stride through the rest.
    func testTruncatedFilesOnDisk() throws {
        let (bytes, name) = try smallValidFile()
        let metaEnd = Self.metaEnd(bytes)
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/" + name
        var cuts = Array(0 ..< min(bytes.count, 140))                      // preamble, "DICM"
        cuts += Array(max(140, metaEnd - 16) ..< min(bytes.count, metaEnd + 16))  // around the end of the meta header
        cuts += stride(from: metaEnd + 16, to: bytes.count, by: 401)
        for cut in cuts {
            try Self.write(Array(bytes[0 ..< cut]), to: path)
            for options in [ReadOptions.default, .headerOnly, ReadOptions.default.keepingTruncatedData] {
                do {
                    let f = try Part10Reader.read(path: path, options: options)
                    if options.truncation == .reject { XCTAssertFalse(f.isTruncated) }
                } catch let e as DataSetReadError {
                    XCTAssertEqual(e.path, path)
                    XCTAssertTrue(e.description.contains(path))
                    if options.truncation == .keepAvailable && cut > metaEnd {
                        XCTFail("cut \(cut): .keepAvailable threw \(e)")
                    }
                } catch {
                    XCTFail("cut \(cut): untyped error \(error)")
                }
            }
        }
    }

    // MARK: - Lengths past the end of the file

    func testValueLengthPastEndOfFile() throws {
        // Explicit VR: a PN declaring 256 bytes with 10 present.
        let explicit = H.part10(body: H.sopClass + H.ex(0x0010, 0x0010, "PN", H.text("DOE^JOHN"), length: 256))
        try expectError(explicit, "value-past-eof", kind: "lengthPastEnd") {
            if case .lengthPastEnd(_, let tag, _, let length, let available) = $0 {
                return tag == Tag(0x0010, 0x0010) && length == 256 && available == 8
            }
            return false
        }
        // Implicit VR, no meta header.
        let implicit = H.im(0x0008, 0x0016, H.uid("1.2.840.10008.5.1.4.1.1.7"))
            + H.im(0x0010, 0x0020, H.text("ID1"), length: 1000)
        try expectError(implicit, "implicit-value-past-eof", kind: "lengthPastEnd")
        // Explicit VR big endian.
        let bigEndian = H.part10(ts: "1.2.840.10008.1.2.2",
                                 body: H.ex(0x0008, 0x0016, "UI", H.uid("1.2.840.10008.5.1.4.1.1.7"), bigEndian: true)
                                     + H.ex(0x0028, 0x0010, "US", [0, 4], length: 0x4000, bigEndian: true))
        try expectError(bigEndian, "be-value-past-eof", kind: "lengthPastEnd")
        // With .keepAvailable the same files read, keep what is there and say so.
        let f = try Part10Reader.read(bytes: explicit, options: ReadOptions.loadAll.keepingTruncatedData, name: "x")
        XCTAssertTrue(f.isTruncated)
        XCTAssertEqual(f.dataSet[Tag(0x0010, 0x0010)]?.bytes, H.text("DOE^JOHN"))
        XCTAssertFalse(f.warnings.isEmpty)
    }

    // MARK: - 4 GiB lengths

    func testFourGiBLengthOnAValue() throws {
        for length: UInt32 in [0xFFFF_FFF0, 0xFFFF_FFFE, 0x8000_0000] {
            let bytes = H.part10(body: H.sopClass + H.ex(0x0009, 0x1010, "OB", [1, 2, 3, 4], length: length))
            try expectError(bytes, "ob-\(String(length, radix: 16))", kind: "lengthPastEnd") {
                if case .lengthPastEnd(_, _, _, let l, _) = $0 { return l == UInt64(length) }
                return false
            }
        }
        // Pixel Data (the value that would be kept lazy in a file) and a text value.
        try expectError(H.part10(body: H.sopClass + H.ex(0x7FE0, 0x0010, "OW", [0, 0], length: 0xFFFF_FFF0)),
                        "pixeldata-4g", kind: "lengthPastEnd")
        try expectError(H.part10(body: H.sopClass + H.ex(0x0008, 0x2111, "UT", H.text("x"), length: 0xFFFF_FFF0)),
                        "ut-4g", kind: "lengthPastEnd")
        // Implicit VR.
        try expectError(H.part10(ts: "1.2.840.10008.1.2",
                                 body: H.im(0x0008, 0x0016, H.uid("1.2.3")) + H.im(0x0010, 0x0010, [], length: 0xFFFF_FFF0)),
                        "implicit-4g", kind: "lengthPastEnd")
        // Kept with .keepAvailable: only the bytes present are held.
        let bytes = H.part10(body: H.sopClass + H.ex(0x0009, 0x1010, "OB", [1, 2, 3, 4], length: 0xFFFF_FFF0))
        let (f, growth) = try Self.measure {
            try Part10Reader.read(bytes: bytes, options: ReadOptions.loadAll.keepingTruncatedData, name: "keep")
        }
        XCTAssertEqual(f.dataSet[Tag(0x0009, 0x1010)]?.bytes, [1, 2, 3, 4])
        XCTAssertTrue(f.isTruncated)
        XCTAssertLessThan(growth, Self.memoryLimit)
        // A value that is present but above `maxValueLength` is refused before it is read.
        let big = H.part10(body: H.sopClass + H.ex(0x0009, 0x1010, "OB", [UInt8](repeating: 7, count: 4096)))
        var small = ReadOptions.loadAll
        small.maxValueLength = 1024
        try expectError(big, "value-too-large", options: small, kind: "valueTooLarge")
    }

    func testFourGiBLengthOnASequence() throws {
        let seq = H.ex(0x0008, 0x1140, "SQ", [], length: 0xFFFF_FFF0) + H.item(length: 10) + H.ex(0x0008, 0x1150, "UI", H.uid("1.2"))
        try expectError(H.part10(body: H.sopClass + seq), "sq-4g", kind: "lengthPastEnd") {
            if case .lengthPastEnd(_, let tag, _, let l, _) = $0 { return tag == Tag(0x0008, 0x1140) && l == 0xFFFF_FFF0 }
            return false
        }
        // Implicit VR sequence (the dictionary says SQ).
        let imp = H.im(0x0008, 0x0016, H.uid("1.2.3")) + H.im(0x0008, 0x1140, [], length: 0xFFFF_FFF0) + H.item(length: 0)
        try expectError(imp, "implicit-sq-4g", kind: "lengthPastEnd")
        // Explicit UN whose dictionary VR is SQ (read as Implicit VR items).
        let un = H.ex(0x0008, 0x1140, "UN", [], length: 0xFFFF_FFF0) + H.item(length: 0)
        try expectError(H.part10(body: H.sopClass + un), "un-sq-4g", kind: "lengthPastEnd")
    }

    func testFourGiBLengthOnAnItem() throws {
        // In a sequence of undefined length and in one of defined length.
        let undefinedSeq = H.ex(0x0008, 0x1140, "SQ", [], length: 0xFFFF_FFFF)
            + H.item(length: 0xFFFF_FFF0) + H.ex(0x0008, 0x1150, "UI", H.uid("1.2")) + H.seqDelim
        try expectError(H.part10(body: H.sopClass + undefinedSeq), "item-4g", kind: "lengthPastEnd") {
            if case .lengthPastEnd(_, _, _, let l, _) = $0 { return l == 0xFFFF_FFF0 }
            return false
        }
        let definedSeq = H.ex(0x0008, 0x1140, "SQ", [], length: 18) + H.item(length: 0xFFFF_FFF0)
            + H.ex(0x0008, 0x1150, "UI", H.uid("1.2"))
        try expectError(H.part10(body: H.sopClass + definedSeq), "item-4g-in-defined-sq", kind: "lengthPastEnd")
    }

    func testFourGiBLengthOnAMetaElement() throws {
        for length: UInt32 in [0xFFFF_FFF0, 0x7FFF_FFFF] {
            var meta = H.ex(0x0002, 0x0001, "OB", [0, 1])
            meta += H.ex(0x0002, 0x0002, "UI", H.uid("1.2.840.10008.5.1.4.1.1.7"))
            meta += H.ex(0x0002, 0x0003, "UI", H.uid("1.2.3.4"))
            meta += H.ex(0x0002, 0x0010, "UI", H.uid("1.2.840.10008.1.2.1"))
            meta += H.ex(0x0002, 0x0012, "UN", [1, 2], length: length)   // long-length VR
            let bytes = H.preamble + meta + H.sopClass
            try expectError(bytes, "meta-\(String(length, radix: 16))", kind: "lengthPastEnd") {
                if case .lengthPastEnd(_, let tag, _, let l, _) = $0 { return tag == Tag(0x0002, 0x0012) && l == UInt64(length) }
                return false
            }
            // .keepAvailable does not make a corrupt meta header readable.
            try expectError(bytes, "meta-keep-\(String(length, radix: 16))",
                            options: ReadOptions.loadAll.keepingTruncatedData, kind: "lengthPastEnd")
        }
        // Undefined length in the meta header is refused outright.
        let undefined = H.preamble + H.ex(0x0002, 0x0001, "OB", [], length: 0xFFFF_FFFF) + H.sopClass
        try expectError(undefined, "meta-undefined", kind: "malformed")
        // Group length (0002,0000) claiming 4 GiB is ignored (the reader reads to the end of group 2).
        let groupLength = H.preamble + H.ex(0x0002, 0x0000, "UL", [0xF0, 0xFF, 0xFF, 0xFF])
            + H.ex(0x0002, 0x0010, "UI", H.uid("1.2.840.10008.1.2.1")) + H.sopClass
        XCTAssertNoThrow(try Part10Reader.read(bytes: groupLength, name: "meta-group-length"))
    }

    func testFourGiBLengthOnEncapsulatedFragments() throws {
        let ts = "1.2.840.10008.1.2.4.50"
        // Basic Offset Table item of 4 GiB.
        let bot = H.ex(0x7FE0, 0x0010, "OB", [], length: 0xFFFF_FFFF) + H.item(length: 0xFFFF_FFF0) + [0, 0, 0, 0]
        try expectError(H.part10(ts: ts, body: H.sopClass + bot), "bot-4g", kind: "lengthPastEnd")
        // A fragment after an empty offset table.
        let frag = H.ex(0x7FE0, 0x0010, "OB", [], length: 0xFFFF_FFFF) + H.item(length: 0)
            + H.item(length: 0xFFFF_FFF0) + [0xFF, 0xD8, 0xFF, 0xD9]
        try expectError(H.part10(ts: ts, body: H.sopClass + frag), "fragment-4g", kind: "lengthPastEnd") {
            if case .lengthPastEnd(_, let tag, _, let l, _) = $0 { return tag == Tag(0x7FE0, 0x0010) && l == 0xFFFF_FFF0 }
            return false
        }
        // A fragment of undefined length, and a stream that is not items.
        let undefinedFragment = H.ex(0x7FE0, 0x0010, "OB", [], length: 0xFFFF_FFFF) + H.item(length: 0)
            + H.item(length: 0xFFFF_FFFF) + [0xFF, 0xD8]
        try expectError(H.part10(ts: ts, body: H.sopClass + undefinedFragment), "fragment-undefined", kind: "malformed")
        let notItems = H.ex(0x7FE0, 0x0010, "OB", [], length: 0xFFFF_FFFF) + H.ex(0x0008, 0x0018, "UI", H.uid("1.2"))
        try expectError(H.part10(ts: ts, body: H.sopClass + notItems), "fragment-not-item", kind: "malformed")
        // No Sequence Delimitation Item: the file ends in the fragments.
        let unterminated = H.ex(0x7FE0, 0x0010, "OB", [], length: 0xFFFF_FFFF) + H.item(length: 0) + H.item(length: 4) + [1, 2, 3, 4]
        try expectError(H.part10(ts: ts, body: H.sopClass + unterminated), "fragments-unterminated", kind: "unexpectedEndOfData")
    }

    // MARK: - Deep nesting

    func testTenThousandNestedSequencesOfUndefinedLength() throws {
        let depth = 10_000
        var body = H.sopClass
        for _ in 0 ..< depth { body += H.ex(0x0040, 0xA730, "SQ", [], length: 0xFFFF_FFFF) + H.item(length: 0xFFFF_FFFF) }
        body += H.ex(0x0040, 0xA160, "UT", H.text("leaf"))
        for _ in 0 ..< depth { body += H.itemDelim + H.seqDelim }
        try expectError(H.part10(body: body), "nested-undefined", kind: "nestingTooDeep") {
            if case .nestingTooDeep(_, _, let limit) = $0 { return limit == 64 }
            return false
        }
        try expectError(H.part10(body: body), "nested-undefined-keep",
                        options: ReadOptions.loadAll.keepingTruncatedData, kind: "nestingTooDeep")
        // Implicit VR (the reader's other recursion path, through UN items).
        var imp = H.im(0x0008, 0x0016, H.uid("1.2.3"))
        for _ in 0 ..< depth { imp += H.im(0x0040, 0xA730, [], length: 0xFFFF_FFFF) + H.item(length: 0xFFFF_FFFF) }
        try expectError(imp, "nested-implicit", kind: "nestingTooDeep")
        // Private tags of undefined length in Explicit VR UN: also sequences, also limited.
        var un = H.sopClass
        un += H.ex(0x0009, 0x1010, "UN", [], length: 0xFFFF_FFFF) + H.item(length: 0xFFFF_FFFF)
        for _ in 1 ..< depth { un += H.im(0x0009, 0x1010, [], length: 0xFFFF_FFFF) + H.item(length: 0xFFFF_FFFF) }
        try expectError(H.part10(body: un), "nested-un", kind: "nestingTooDeep")
    }

    func testTenThousandNestedSequencesOfDefinedLength() throws {
        let depth = 10_000
        let leaf = H.ex(0x0040, 0xA160, "UT", H.text("leaf"))
        var body = H.sopClass
        // Level i (0 outermost): SQ of length itemLen(i) + 8 holding one item of length itemLen(i).
        for i in 0 ..< depth {
            let itemLength = UInt32(leaf.count + 20 * (depth - 1 - i))
            body += H.ex(0x0040, 0xA730, "SQ", [], length: itemLength + 8) + H.item(length: itemLength)
        }
        body += leaf
        try expectError(H.part10(body: body), "nested-defined", kind: "nestingTooDeep")
        // The limit is exact: 64 levels read, 65 do not.
        func nested(_ n: Int) -> [UInt8] {
            var b = H.sopClass
            for i in 0 ..< n {
                let itemLength = UInt32(leaf.count + 20 * (n - 1 - i))
                b += H.ex(0x0040, 0xA730, "SQ", [], length: itemLength + 8) + H.item(length: itemLength)
            }
            return H.part10(body: b + leaf)
        }
        var f = try Part10Reader.read(bytes: nested(64), name: "64")
        var levels = 0
        var ds = f.dataSet
        while let sq = ds[Tag(0x0040, 0xA730)] { levels += 1; ds = sq.items[0] }
        XCTAssertEqual(levels, 64)
        XCTAssertEqual(ds[Tag(0x0040, 0xA160)]?.bytes, H.text("leaf"))
        try expectError(nested(65), "nested-65", kind: "nestingTooDeep")
        var deeper = ReadOptions.loadAll
        deeper.maxNestingDepth = 200
        f = try Part10Reader.read(bytes: nested(200), options: deeper, name: "200")
        XCTAssertEqual(f.dataSet.count, 2)
    }

    // MARK: - Odd lengths

    /// Odd value lengths are not allowed (PS3.5 §7.1.1) but real files have them; where the
    /// structure still parses the value is read with its bytes intact, as pydicom does.
    func testOddLengthValuesReadIntact() throws {
        let body = H.sopClass
            + H.ex(0x0010, 0x0010, "PN", Array("ABC".utf8))            // odd text
            + H.ex(0x0010, 0x0020, "LO", Array("12345".utf8))
            + H.ex(0x0018, 0x1020, "LO", [])                            // empty
            + H.ex(0x0029, 0x0010, "LO", Array("ODD".utf8))             // private creator, odd
            + H.ex(0x0029, 0x1010, "OB", [1, 2, 3])                     // odd OB
            + H.ex(0x0040, 0xA730, "SQ", [], length: 8 + 15)            // defined-length SQ, odd total
            + H.item(length: 15) + H.ex(0x0040, 0xA160, "UT", Array("odd".utf8))
            + H.ex(0x7FE0, 0x0010, "OB", [9, 8, 7, 6, 5])
        let bytes = H.part10(body: body)
        for viaFile in [false, true] {
            let f: DICOMFile
            if viaFile {
                let dir = try Self.tempDir(); defer { try? FileManager.default.removeItem(atPath: dir) }
                try Self.write(bytes, to: dir + "/odd.dcm")
                f = try Part10Reader.read(path: dir + "/odd.dcm", options: .loadAll)
            } else {
                f = try Part10Reader.read(bytes: bytes, name: "odd.dcm")
            }
            let ds = f.dataSet
            XCTAssertEqual(ds[Tag(0x0010, 0x0010)]?.bytes, Array("ABC".utf8))
            XCTAssertEqual(ds[Tag(0x0010, 0x0020)]?.bytes, Array("12345".utf8))
            XCTAssertEqual(ds[Tag(0x0018, 0x1020)]?.bytes, [])
            XCTAssertEqual(ds[Tag(0x0029, 0x1010)]?.bytes, [1, 2, 3])
            XCTAssertEqual(ds[Tag(0x0040, 0xA730)]?.items.first?[Tag(0x0040, 0xA160)]?.bytes, Array("odd".utf8))
            XCTAssertEqual(ds[Tag(0x7FE0, 0x0010)]?.bytes, [9, 8, 7, 6, 5])
            XCTAssertFalse(f.isTruncated)
        }
        // Implicit VR, odd lengths.
        let imp = H.im(0x0008, 0x0016, H.uid("1.2.3")) + H.im(0x0010, 0x0010, Array("ABC".utf8))
            + H.im(0x0010, 0x0020, Array("1".utf8))
        let fi = try Part10Reader.read(bytes: imp, name: "odd-implicit")
        XCTAssertEqual(fi.dataSet[Tag(0x0010, 0x0020)]?.bytes, Array("1".utf8))
        // The corpus file with odd-length values, when present.
        if let corpusOdd = try Self.corpus("SC_rgb_small_odd.dcm") {
            XCTAssertNoThrow(try Part10Reader.read(path: corpusOdd))
        }
    }

    /// An odd length that is wrong desynchronises the stream: the next "element" starts one byte
    /// late. That must end in a typed error, not a trap or a hang.
    func testOddLengthThatDesynchronisesEndsInATypedError() throws {
        // Declared 5 for a 4-byte value: the next header is read from (0010,0020) shifted by one.
        let shifted = H.sopClass + H.ex(0x0010, 0x0010, "PN", Array("ABCD".utf8), length: 5)
            + H.ex(0x0010, 0x0020, "LO", Array("ID".utf8)) + H.ex(0x0010, 0x0030, "DA", Array("20240101".utf8))
        try expectError(H.part10(body: shifted), "odd-desync", kind: nil)
        // One short: the value swallows nothing, the next header starts one byte early.
        let early = H.sopClass + H.ex(0x0010, 0x0010, "PN", Array("ABCD".utf8), length: 3)
            + H.ex(0x0010, 0x0020, "LO", Array("ID".utf8))
        try expectError(H.part10(body: early), "odd-desync-early", kind: nil)
        // In an item of defined length: the item's own length no longer matches.
        let item = H.sopClass + H.ex(0x0040, 0xA730, "SQ", [], length: 8 + 12 + 3)
            + H.item(length: 12 + 3) + H.ex(0x0040, 0xA160, "UT", Array("odd".utf8), length: 4) + [0x20, 0, 0, 0]
        try expectError(H.part10(body: item), "odd-desync-item", kind: nil)
        // Every odd length from 1 to 31 on a value followed by more elements: read or typed error.
        for n in stride(from: 1, through: 31, by: 2) {
            let b = H.sopClass + H.ex(0x0010, 0x0010, "PN", [UInt8](repeating: 0x41, count: 8), length: UInt32(n))
                + H.ex(0x0010, 0x0020, "LO", Array("ID".utf8)) + H.ex(0x0020, 0x000D, "UI", H.uid("1.2.3.4.5"))
            for options in [ReadOptions.loadAll, ReadOptions.loadAll.keepingTruncatedData] {
                let start = Self.now()
                do { _ = try Part10Reader.read(bytes: H.part10(body: b), options: options, name: "odd-\(n)") }
                catch let e as DataSetReadError { XCTAssertTrue(e.description.contains("odd-\(n)")) }
                XCTAssertLessThan(Self.now() - start, Self.hangLimit)
            }
        }
    }

    // MARK: - Not DICOM

    func testPreambleOnlyEmptyAndTinyFilesAreNotDICOM() throws {
        let zeros = [UInt8](repeating: 0, count: 128)
        try expectError(zeros + Array("DICM".utf8), "preamble-only", kind: "notDICOM")
        try expectError(zeros, "zeros-128", kind: "notDICOM")
        try expectError([], "empty", kind: "notDICOM")
        try expectError([0x08], "one-byte", kind: "notDICOM")
        try expectError(Array("DICM".utf8), "dicm-only", kind: "notDICOM")
        try expectError(zeros + Array("DICM".utf8) + [0, 0, 0], "preamble-and-3", kind: "notDICOM")
        // "DICM" followed by something that is not group 0002.
        try expectError(zeros + Array("DICM".utf8) + H.sopClass, "dicm-no-meta", kind: "notDICOM")
        // Text that happens to be long enough.
        try expectError(Array("This is not a DICOM file, just some text that goes on and on and on.".utf8),
                        "text", kind: "notDICOM")
        // Missing, unreadable and directory paths.
        XCTAssertThrowsError(try Part10Reader.read(path: "/nonexistent/lightbox/x.dcm")) { e in
            guard case .cannotOpen(let p, _)? = e as? DataSetReadError else { return XCTFail("\(e)") }
            XCTAssertEqual(p, "/nonexistent/lightbox/x.dcm")
        }
        let dir = try Self.tempDir(); defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertThrowsError(try Part10Reader.read(path: dir)) { e in
            guard case .cannotOpen? = e as? DataSetReadError else { return XCTFail("\(e)") }
        }
    }

    // MARK: - Garbage

    /// Random bytes, random bytes after a valid meta header, and random mutations of a valid file:
    /// a typed error or a result, never a trap or a hang.
    func testRandomGarbage() throws {
        var rng = SeededRandom(defaultSeed: 0x4C49_4748_5442_4F58, label: "testRandomGarbage")   // "LIGHTBOX"
        let (valid, _) = try smallValidFile()
        let header = H.part10(body: [])
        var outcomes = [String: Int]()
        for i in 0 ..< 1500 {
            var input: [UInt8]
            switch i % 3 {
            case 0:
                input = (0 ..< Int(rng.next() % 2048)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            case 1:
                input = header + (0 ..< Int(rng.next() % 1024)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            default:
                input = Array(valid.prefix(8192))
                for _ in 0 ..< 1 + Int(rng.next() % 16) {
                    let at = Int(rng.next() % UInt64(input.count))
                    input[at] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            for options in [ReadOptions.loadAll, ReadOptions.loadAll.keepingTruncatedData] {
                let start = Self.now()
                do {
                    _ = try Part10Reader.read(bytes: input, options: options, name: "garbage-\(i)")
                    outcomes["read", default: 0] += 1
                } catch let e as DataSetReadError {
                    outcomes[Self.kind(e), default: 0] += 1
                    XCTAssertTrue(e.description.contains("garbage-\(i)"))
                }
                XCTAssertLessThan(Self.now() - start, Self.hangLimit, "garbage input \(i)")
            }
        }
        print("garbage outcomes: \(outcomes.sorted { $0.key < $1.key })")
    }

    // MARK: - Deflate

    static let deflatedUID = "1.2.840.10008.1.2.1.99"

    func testCorruptDeflateStream() throws {
        // BTYPE 11 is reserved: "invalid block type".
        try expectError(H.part10(ts: Self.deflatedUID, body: [0x07, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66]),
                        "deflate-bad-block", kind: "deflate")
        // A stored block whose NLEN is not the complement of LEN.
        try expectError(H.part10(ts: Self.deflatedUID, body: [0x01, 0x10, 0x00, 0x10, 0x00] + [UInt8](repeating: 0x41, count: 16)),
                        "deflate-bad-stored", kind: "deflate")
        // A valid stream with bytes flipped in the middle.
        let ds = DataSet(elements: [
            DataElement(tag: Tag(0x0008, 0x0016), vr: .UI, bytes: H.uid("1.2.840.10008.5.1.4.1.1.7")),
            DataElement(tag: Tag(0x0010, 0x0010), vr: .PN, bytes: H.text("DOE^JANE")),
            DataElement(tag: Tag(0x0010, 0x4000), vr: .LT, bytes: H.text(String(repeating: "lorem ipsum dolor ", count: 200))),
        ])
        let good = try Part10Writer.encode(DICOMFile(dataSet: ds, transferSyntax: .explicitVRLittleEndian),
                                           as: .deflatedExplicitVRLittleEndian)
        let reread = try Part10Reader.read(bytes: good, name: "good-deflate")
        XCTAssertEqual(reread.dataSet[Tag(0x0010, 0x0010)]?.bytes, H.text("DOE^JANE"))
        let start = Self.metaEnd(good)
        var corrupt = good
        for i in stride(from: start + 4, to: min(good.count, start + 40), by: 3) { corrupt[i] ^= 0xA5 }
        try expectError(corrupt, "deflate-flipped", kind: nil)
        // Every truncation of the deflated body: typed error or a (truncated) read, never a trap.
        for cut in start ..< good.count {
            for options in [ReadOptions.loadAll, ReadOptions.loadAll.keepingTruncatedData] {
                do { _ = try Part10Reader.read(bytes: Array(good[0 ..< cut]), options: options, name: "dfl-cut") }
                catch let e as DataSetReadError { XCTAssertEqual(e.path, "dfl-cut") }
            }
        }
    }

    /// A declared 4 GiB value in a small deflated stream: the inflater must not allocate the
    /// declared length up front.
    func testDeflatedFourGiBLengthDoesNotAllocateIt() throws {
        // 128 KiB of data follows, so the stream is still open when the 4 GiB value is asked for.
        let body = H.sopClass + H.ex(0x0009, 0x1010, "OB", [1, 2, 3, 4], length: 0xFFFF_FFF0)
        let bytes = H.part10(ts: Self.deflatedUID, body: Deflate.fixedHuffman(literals: body, zeros: 128 << 10))
        try expectError(bytes, "deflate-4g", kind: "unexpectedEndOfData")
    }

    /// A deflate "bomb": 7 MB inflating to 1.1 GB of zeros, behind a header that is read first.
    func testDeflateBombIsBounded() throws {
        let inflatedZeros = 1_100 * 1024 * 1024
        // (a) The zeros are the next "element": (0000,0000) with VR "\0\0" is refused at once.
        let zerosAsElements = H.part10(ts: Self.deflatedUID,
                                       body: Deflate.fixedHuffman(literals: H.sopClass, zeros: inflatedZeros))
        XCTAssertLessThan(zerosAsElements.count, 8 << 20)
        try expectError(zerosAsElements, "bomb-zeros", kind: "invalidVR", viaFile: true)

        // (b) The zeros are Pixel Data declaring 4 GiB.
        let pixelBomb = H.part10(ts: Self.deflatedUID, body: Deflate.fixedHuffman(
            literals: H.sopClass + H.ex(0x7FE0, 0x0010, "OB", [], length: 0xFFFF_FFF0), zeros: inflatedZeros))
        // Header-only reading never inflates the bomb.
        let (header, growth) = try Self.measure { try Part10Reader.read(bytes: pixelBomb, options: .headerOnly, name: "bomb") }
        XCTAssertEqual(header.stoppedAt, Tag(0x7FE0, 0x0010))
        XCTAssertLessThan(growth, Self.memoryLimit)
        // A value limit refuses it before inflating.
        var limited = ReadOptions.loadAll
        limited.maxValueLength = 64 << 20
        try expectError(pixelBomb, "bomb-limited", options: limited, kind: "valueTooLarge")
    }

    /// The full 1.1 GB bomb read whole (`loadAll`, no value limit), from memory and from a file:
    /// `maxInflatedLength` stops it. The default limit (1 GiB) would inflate a gigabyte first, so
    /// the test lowers the limit to 2 MiB: the same code path, a typed `.deflate` error naming the
    /// file, quickly (inflating costs about a second per 10 MiB in a debug build) and without the
    /// gigabyte.
    func testDeflateBombStopsAtTheInflateLimit() throws {
        let pixelBomb = H.part10(ts: Self.deflatedUID, body: Deflate.fixedHuffman(
            literals: H.sopClass + H.ex(0x7FE0, 0x0010, "OB", [], length: 0xFFFF_FFF0), zeros: 1_100 * 1024 * 1024))
        var options = ReadOptions.loadAll
        options.maxInflatedLength = 2 << 20
        XCTAssertLessThan(options.maxInflatedLength, ReadOptions.default.maxInflatedLength)
        try expectError(pixelBomb, "bomb-inflate-limit", options: options, kind: "deflate") {
            if case .deflate(_, let reason) = $0 { return reason.contains("decompression bomb") }
            return false
        }
    }

    /// `ReadOptions.maxInflatedLength` stops a decompression bomb with a typed error.
    func testInflateLimitStopsADecompressionBomb() throws {
        let bomb = H.part10(ts: Self.deflatedUID, body: Deflate.fixedHuffman(
            literals: H.sopClass + H.ex(0x7FE0, 0x0010, "OB", [], length: 0xFFFF_FFF0), zeros: 64 * 1024 * 1024))
        var options = ReadOptions.loadAll
        options.maxInflatedLength = 8 << 20
        XCTAssertThrowsError(try Part10Reader.read(bytes: bomb, options: options, name: "bomb.dcm")) { error in
            guard case .deflate(let path, let reason)? = error as? DataSetReadError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "bomb.dcm")
            XCTAssertTrue(reason.contains("decompression bomb"), reason)
        }
    }

    // MARK: - Quadratic and amplifying structures

    /// Many elements in descending tag order (each one "out of order"): must stay near-linear.
    /// 60,000 of them took 67 s when each was inserted in place (quadratic), far past `hangLimit`;
    /// read linearly they take a fraction of a second even in a debug build.
    func testManyOutOfOrderElementsStayFast() throws {
        var body = H.sopClass
        let n = 60_000
        for i in 0 ..< n {
            let t = UInt32(0x0009_FFFF) - UInt32(i)   // descending private tags in group 0009
            body += H.ex(UInt16(t >> 16), UInt16(t & 0xFFFF), "OB", [])
        }
        let bytes = H.part10(body: body)
        let start = Self.now()
        let f = try Part10Reader.read(bytes: bytes, name: "descending")
        XCTAssertEqual(f.dataSet.count, n + 1)
        XCTAssertEqual(f.dataSet.tags, f.dataSet.tags.sorted())
        XCTAssertLessThan(Self.now() - start, Self.hangLimit, "\(n) out-of-order elements")
        // Repeated tags: the later value wins.
        let repeated = H.part10(body: H.sopClass + H.ex(0x0010, 0x0010, "PN", H.text("A^B"))
            + H.ex(0x0010, 0x0020, "LO", H.text("1")) + H.ex(0x0010, 0x0010, "PN", H.text("C^D")))
        let r = try Part10Reader.read(bytes: repeated, name: "repeated")
        XCTAssertEqual(r.dataSet[Tag(0x0010, 0x0010)]?.bytes, H.text("C^D"))
        XCTAssertEqual(r.dataSet.count, 3)
    }

    /// Stray delimiters cost 8 bytes each; what the reader keeps for them must not grow without bound.
    func testManyStrayDelimitersStayBounded() throws {
        var body = H.sopClass
        for _ in 0 ..< 100_000 { body += H.itemDelim }
        let bytes = H.part10(body: body + H.ex(0x0010, 0x0010, "PN", H.text("A^B")))
        let start = Self.now()
        let (f, growth) = try Self.measure { try Part10Reader.read(bytes: bytes, name: "stray") }
        XCTAssertEqual(f.dataSet[Tag(0x0010, 0x0010)]?.bytes, H.text("A^B"))
        XCTAssertLessThan(Self.now() - start, Self.hangLimit)
        XCTAssertLessThan(growth, Self.memoryLimit)
        XCTAssertLessThanOrEqual(f.warnings.count, 1000, "one warning per stray delimiter")
    }

    // MARK: - Regressions found by fuzzing and review

    /// `stopBefore` rewinds to the start of the element it stops at. When that element's header
    /// straddled the end of the file buffer, the refill dropped its first bytes and the rewind trapped.
    func testStopBeforeAtABufferBoundaryDoesNotTrap() throws {
        let dir = try Self.tempDir(); defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/boundary.dcm"
        let prefix = H.part10(body: H.sopClass)
        // Pad with one OB value so that (7FE0,0010) starts `k` bytes before the first 16 KiB chunk ends.
        for k in [1, 2, 3, 4, 6, 8, 10, 12] {
            let target = 16 * 1024 - k
            let padLength = target - prefix.count - 12
            let bytes = prefix + H.ex(0x0009, 0x1010, "OB", [UInt8](repeating: 0x55, count: padLength))
                + H.ex(0x7FE0, 0x0010, "OW", [UInt8](repeating: 1, count: 64))
            try Self.write(bytes, to: path)
            let f = try Part10Reader.read(path: path, options: .headerOnly)
            XCTAssertEqual(f.stoppedAt, Tag(0x7FE0, 0x0010), "k = \(k)")
            XCTAssertNil(f.dataSet[Tag(0x7FE0, 0x0010)])
            let all = try Part10Reader.read(path: path, options: .loadAll)
            XCTAssertEqual(all.dataSet[Tag(0x7FE0, 0x0010)]?.bytes?.count, 64)
        }
    }

    // MARK: - Fixtures and helpers

    /// Peak RSS growth allowed while reading one hostile input: far below the lengths the inputs
    /// declare (4 GiB) or inflate to (1.1 GB), far above what reading them needs (kilobytes).
    static let memoryLimit = 256 << 20

    /// Seconds one read of these inputs may take: they take milliseconds, so this only catches a
    /// hang (or an amplification by orders of magnitude), never a slow machine.
    static let hangLimit = 10.0

    /// The seed of a test's random inputs: `LIGHTBOX_TEST_SEED` when set, else `default`; printed.
    /// Thrown when a corpus file is absent under `make test` (a failure, never a skip).
    struct CorpusMissing: Error, CustomStringConvertible { var description: String }

    /// A file of pydicom's test corpus (`.build/corpus/pydicom`, linked by `make deps`) in the
    /// nearest enclosing folder that has one. Absent: under `make test` (LIGHTBOX_REQUIRE_ORACLES=1)
    /// the test fails; in a plain `swift test` this returns nil and the test uses what it can make.
    static func corpus(_ name: String) throws -> String? {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent(".build/corpus/pydicom/\(name)").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        if ProcessInfo.processInfo.environment["LIGHTBOX_REQUIRE_ORACLES"] == "1" {
            throw CorpusMissing(description: "corpus file .build/corpus/pydicom/\(name) missing; `make deps` installs it")
        }
        return nil
    }

    /// pydicom's CT_small.dcm (required under `make test`), else a synthesised file with the same
    /// ingredients (text, numbers, nested sequences of both lengths, native pixel data).
    func smallValidFile() throws -> (bytes: [UInt8], name: String) {
        if let ct = try Self.corpus("CT_small.dcm") { return ([UInt8](try Data(contentsOf: URL(fileURLWithPath: ct))), "CT_small.dcm") }
        return (Self.syntheticSmallFile(), "synthetic_small.dcm")
    }

    static func syntheticSmallFile() -> [UInt8] {
        var body = H.sopClass + H.ex(0x0008, 0x0018, "UI", H.uid("1.2.826.0.1.3680043.8.498.1"))
        body += H.ex(0x0008, 0x0060, "CS", H.text("CT"))
        body += H.ex(0x0008, 0x1140, "SQ", [], length: 0xFFFF_FFFF) + H.item(length: 0xFFFF_FFFF)
            + H.ex(0x0008, 0x1150, "UI", H.uid("1.2.840.10008.5.1.4.1.1.2")) + H.itemDelim + H.seqDelim
        let inner = H.ex(0x0008, 0x0100, "SH", H.text("T-D1100")) + H.ex(0x0008, 0x0102, "SH", H.text("SRT"))
        body += H.ex(0x0008, 0x2218, "SQ", [], length: UInt32(inner.count + 8)) + H.item(length: UInt32(inner.count)) + inner
        body += H.ex(0x0010, 0x0010, "PN", H.text("CompressedSamples^CT1"))
        body += H.ex(0x0028, 0x0010, "US", [64, 0]) + H.ex(0x0028, 0x0011, "US", [32, 0])
        body += H.ex(0x0028, 0x0100, "US", [16, 0])
        body += H.ex(0x7FE0, 0x0010, "OW", (0 ..< 4096).map { UInt8(truncatingIfNeeded: $0 * 7) })
        return H.part10(ts: "1.2.840.10008.1.2.1", body: body)
    }

    /// Offset of the first byte after the File Meta Information (walks group 0002 in Explicit VR LE).
    static func metaEnd(_ b: [UInt8]) -> Int {
        var p = 132
        while p + 8 <= b.count, b[p] == 2, b[p + 1] == 0 {
            let vr = VR(byte0: b[p + 4], byte1: b[p + 5])
            if vr?.hasLongLength == true {
                p += 12 + Int(UInt32(b[p + 8]) | UInt32(b[p + 9]) << 8 | UInt32(b[p + 10]) << 16 | UInt32(b[p + 11]) << 24)
            } else {
                p += 8 + Int(UInt16(b[p + 6]) | UInt16(b[p + 7]) << 8)
            }
        }
        return p
    }

    /// Reads `bytes` from memory and from a temporary file named after `label`, and checks each
    /// attempt throws a `DataSetReadError` of `kind` (any kind when nil) that names the file,
    /// within `hangLimit` and with peak memory growth below `memoryLimit`.
    func expectError(_ bytes: [UInt8], _ label: String, options: ReadOptions = .loadAll, kind: String?,
                     viaFile: Bool = true, file: StaticString = #filePath, line: UInt = #line,
                     _ matches: (DataSetReadError) -> Bool = { _ in true }) throws {
        let name = "hostile-\(label).dcm"
        var attempts: [(String, () throws -> DICOMFile)] = [
            (name, { try Part10Reader.read(bytes: bytes, options: options, name: name) }),
        ]
        var dir: String?
        if viaFile {
            let d = try Self.tempDir()
            dir = d
            let path = d + "/" + name
            try Self.write(bytes, to: path)
            var fileOptions = options
            fileOptions.lazyThreshold = 256 * 1024   // the file source's lazy path too
            attempts.append((path, { try Part10Reader.read(path: path, options: options) }))
            attempts.append((path, { try Part10Reader.read(path: path, options: fileOptions) }))
        }
        defer { if let dir { try? FileManager.default.removeItem(atPath: dir) } }
        for (expectedPath, attempt) in attempts {
            let start = Self.now()
            var thrown: Error?
            let (_, growth) = Self.measure { () -> Void in
                do { _ = try attempt() } catch { thrown = error }
            }
            let elapsed = Self.now() - start
            XCTAssertLessThan(elapsed, Self.hangLimit, "\(label): took \(elapsed) s", file: file, line: line)
            XCTAssertLessThan(growth, Self.memoryLimit, "\(label): peak RSS grew by \(growth >> 20) MiB", file: file, line: line)
            guard let thrown else {
                XCTFail("\(label): read without error, expected \(kind ?? "a DataSetReadError")", file: file, line: line)
                continue
            }
            guard let e = thrown as? DataSetReadError else {
                XCTFail("\(label): untyped error \(thrown)", file: file, line: line); continue
            }
            if let kind { XCTAssertEqual(Self.kind(e), kind, "\(label): \(e)", file: file, line: line) }
            XCTAssertTrue(matches(e), "\(label): \(e)", file: file, line: line)
            XCTAssertEqual(e.path, expectedPath, file: file, line: line)
            XCTAssertTrue(e.description.hasPrefix(expectedPath + ":"), e.description, file: file, line: line)
        }
    }

    static func kind(_ e: DataSetReadError) -> String {
        switch e {
        case .cannotOpen: return "cannotOpen"
        case .io: return "io"
        case .notDICOM: return "notDICOM"
        case .unexpectedEndOfData: return "unexpectedEndOfData"
        case .lengthPastEnd: return "lengthPastEnd"
        case .malformed: return "malformed"
        case .invalidVR: return "invalidVR"
        case .nestingTooDeep: return "nestingTooDeep"
        case .deflate: return "deflate"
        case .valueTooLarge: return "valueTooLarge"
        case .truncatedFileMeta: return "truncatedFileMeta"
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Runs `body` and returns how far peak RSS rose above the RSS before it. On Linux the peak
    /// (VmHWM) is reset first through /proc/self/clear_refs, so an earlier test's peak cannot hide
    /// this one's; elsewhere it falls back to the growth of `ru_maxrss`.
    static func measure<T>(_ body: () throws -> T) rethrows -> (T, Int) {
        let reset = resetPeakRSS()
        let before = reset ? (procStatus("VmRSS") ?? 0) : maxRSS()
        let result = try body()
        let after = reset ? (procStatus("VmHWM") ?? 0) : maxRSS()
        return (result, max(0, after - before))
    }

    static func resetPeakRSS() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return Glibc.write(fd, "5", 1) == 1
    }

    /// A /proc/self/status field in bytes.
    static func procStatus(_ key: String) -> Int? {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in s.split(separator: "\n") where line.hasPrefix(key + ":") {
            let digits = line.dropFirst(key.count + 1).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }

    static func maxRSS() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024   // kilobytes on Linux
    }

    static func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "lightbox-hostile-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown)
        }
    }
}

// MARK: - Element emitters

/// Builds DICOM byte streams element by element, with any declared length.
enum H {
    static let longVRs: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]

    static func u16(_ v: UInt16, bigEndian: Bool = false) -> [UInt8] {
        bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)]
    }

    static func u32(_ v: UInt32, bigEndian: Bool = false) -> [UInt8] {
        let le = [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
        return bigEndian ? le.reversed() : le
    }

    /// An Explicit VR element; `length` overrides the value's real length in the header.
    static func ex(_ group: UInt16, _ element: UInt16, _ vr: String, _ value: [UInt8], length: UInt32? = nil,
                   bigEndian: Bool = false) -> [UInt8] {
        var b = u16(group, bigEndian: bigEndian) + u16(element, bigEndian: bigEndian) + Array(vr.utf8)
        let l = length ?? UInt32(value.count)
        if longVRs.contains(vr) { b += [0, 0] + u32(l, bigEndian: bigEndian) }
        else { b += u16(UInt16(truncatingIfNeeded: l), bigEndian: bigEndian) }
        return b + value
    }

    /// An Implicit VR Little Endian element.
    static func im(_ group: UInt16, _ element: UInt16, _ value: [UInt8], length: UInt32? = nil) -> [UInt8] {
        u16(group) + u16(element) + u32(length ?? UInt32(value.count)) + value
    }

    static func item(length: UInt32) -> [UInt8] { u16(0xFFFE) + u16(0xE000) + u32(length) }
    static let itemDelim = u16(0xFFFE) + u16(0xE00D) + u32(0)
    static let seqDelim = u16(0xFFFE) + u16(0xE0DD) + u32(0)

    static func text(_ s: String) -> [UInt8] { var b = Array(s.utf8); if b.count & 1 == 1 { b.append(0x20) }; return b }
    static func uid(_ s: String) -> [UInt8] { var b = Array(s.utf8); if b.count & 1 == 1 { b.append(0) }; return b }

    static let preamble = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
    static let sopClass = ex(0x0008, 0x0016, "UI", uid("1.2.840.10008.5.1.4.1.1.7"))

    /// Preamble, "DICM", a minimal File Meta Information for `ts`, then `body` as is.
    static func part10(ts: String = "1.2.840.10008.1.2.1", body: [UInt8]) -> [UInt8] {
        var meta = ex(0x0002, 0x0001, "OB", [0, 1])
        meta += ex(0x0002, 0x0002, "UI", uid("1.2.840.10008.5.1.4.1.1.7"))
        meta += ex(0x0002, 0x0003, "UI", uid("1.2.826.0.1.3680043.8.498.2"))
        meta += ex(0x0002, 0x0010, "UI", uid(ts))
        return preamble + ex(0x0002, 0x0000, "UL", u32(UInt32(meta.count))) + meta + body
    }
}

/// Raw DEFLATE streams written by hand (fixed Huffman codes, RFC 1951 §3.2.6), so the tests need
/// no zlib of their own: literals, then `zeros` zero bytes as one literal 0 and length-258 matches
/// at distance 1 (13 bits per 258 bytes: a bomb of about 160:1).
enum Deflate {
    static func fixedHuffman(literals: [UInt8], zeros: Int = 0) -> [UInt8] {
        var w = BitWriter()
        w.bits(1, 1)   // BFINAL
        w.bits(1, 2)   // BTYPE = 01, fixed Huffman
        for b in literals { w.literal(Int(b)) }
        if zeros > 0 {
            w.literal(0)
            var left = zeros - 1
            // Symbol 285 (length 258, code 11000101) then distance code 0 (00000): 13 bits.
            // Huffman codes go most significant bit first: 11000101 reversed is 10100011.
            let matchBits = 0b1010_0011
            while left >= 258 { w.bits(matchBits, 13); left -= 258 }
            for _ in 0 ..< left { w.literal(0) }
        }
        w.code(0, 7)   // 256, end of block
        return w.finish()
    }

    struct BitWriter {
        var out: [UInt8] = []
        var acc: UInt64 = 0
        var count = 0

        /// `n` bits of `value`, least significant first (header fields, extra bits).
        mutating func bits(_ value: Int, _ n: Int) {
            acc |= UInt64(value) << UInt64(count)
            count += n
            while count >= 8 { out.append(UInt8(acc & 0xFF)); acc >>= 8; count -= 8 }
        }

        /// A Huffman code of `n` bits, most significant bit first.
        mutating func code(_ value: Int, _ n: Int) {
            var r = 0
            for i in 0 ..< n where value & (1 << i) != 0 { r |= 1 << (n - 1 - i) }
            bits(r, n)
        }

        mutating func literal(_ v: Int) {
            if v < 144 { code(0x30 + v, 8) } else { code(0x190 + v - 144, 9) }
        }

        mutating func finish() -> [UInt8] {
            if count > 0 { out.append(UInt8(acc & 0xFF)) }
            acc = 0; count = 0
            return out
        }
    }
}
