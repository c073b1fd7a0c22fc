import DICOM
import Foundation
import XCTest

/// Issue 2, must-show 3: character sets.
///
/// (a) Every text element (SH, LO, ST, LT, UC, UT, PN; top level and inside sequences) of every
///     pydicom charset file decodes to exactly pydicom's string.
/// (b) Chinese names that Lightbox writes in GB18030, GBK, ISO 2022 IR 58 and ISO_IR 192 decode to
///     the original Unicode in pydicom and in `dcmdump +U8`.
///
/// pydicom 3.0.2 is not consulted for ISO 2022 IR 58: it leaves the designation escape `ESC $ ) A`
/// inside decoded IR 58 text (and cannot encode IR 58 at all, `LookupError`), so matching it would
/// mean matching a bug. XCTExpectFailure does not exist on Linux, so instead of asserting the bug
/// is still there, IR 58 is checked against DCMTK only (facts.md, "Character sets"), which
/// converts GB18030, GBK and IR 58 to UTF-8 correctly.
final class CharacterSetConformanceTests: XCTestCase {
    static let textVRs: Set<String> = ["SH", "LO", "ST", "LT", "UC", "UT", "PN"]

    /// Lightbox's text of an element: values decoded with the data set's character set, split after
    /// decoding, joined with backslash; for PN, trailing '=' of empty component groups dropped
    /// (insignificant, PS3.5 §6.2.1; pydicom drops them too).
    static func text(_ ds: DataSet, _ tag: Tag, vr: VR) -> String {
        var values = ds.strings(tag)
        if vr == .PN {
            values = values.map { v in var v = Substring(v); while v.hasSuffix("=") { v = v.dropLast() }; return String(v) }
        }
        return values.joined(separator: "\\")
    }

    /// Compares Lightbox's text with pydicom's (pydicom_canonical.py elements) per element, recursively.
    static func compareTexts(_ ds: DataSet, _ elements: [[Any]], path: String, compared: inout Int, into diffs: inout [String]) {
        for e in elements {
            guard let key = e[0] as? String, let raw = UInt32(key, radix: 16), let vrCode = e[1] as? String else { continue }
            let tag = Tag(rawValue: raw)
            let here = "\(path)\(tag)"
            if vrCode == "SQ" {
                let theirs = (e[4] as? [[[Any]]]) ?? []
                let ours = ds[tag]?.items ?? []
                guard ours.count == theirs.count else { diffs.append("\(here): \(ours.count) items vs pydicom's \(theirs.count)"); continue }
                for (i, (item, elems)) in zip(ours, theirs).enumerated() {
                    compareTexts(item, elems, path: "\(here)[\(i)].", compared: &compared, into: &diffs)
                }
                continue
            }
            guard textVRs.contains(vrCode), let vr = VR(vrCode) else { continue }
            guard let element = ds[tag] else { diffs.append("\(here): missing in Lightbox"); continue }
            let theirs = e[3] as? String ?? ""
            let ours = text(ds, tag, vr: element.vr == .UN ? vr : element.vr)
            compared += 1
            if ours != theirs { diffs.append("\(here) \(vrCode): Lightbox \(debug(ours)) vs pydicom \(debug(theirs))") }
        }
    }

    static func debug(_ s: String) -> String {
        "\"\(s)\"" + (s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0xFFFD } ? " \(s.unicodeScalars.map { String($0.value, radix: 16) })" : "")
    }

    // MARK: (a) pydicom's charset files

    func testCharsetFilesDecodeLikePydicom() throws {
        let files = Oracles.files(under: try Oracles.requireCorpus("charset")).filter { $0.hasSuffix(".dcm") }
        for required in ["chrH31", "chrX1", "chrJapMulti", "chrKoreanMulti", "chrRuss", "chrGreek", "chrArab",
                         "chrHbrw", "chrFren", "chrGerm", "chrI2", "chrSQEncoding"] {
            XCTAssert(files.contains { $0.hasSuffix("/\(required).dcm") }, "charset corpus lacks \(required).dcm")
        }
        let readings = try CorpusReadConformanceTests.pydicomReadings(files)
        var mismatches: [String] = []
        var compared = 0
        for path in files {
            let name = URL(fileURLWithPath: path).lastPathComponent
            guard let reference = readings[path], reference["ok"] as? Bool == true,
                  let elements = reference["elements"] as? [[Any]] else {
                mismatches.append("\(name): pydicom cannot read it"); continue
            }
            let file: DICOMFile
            do { file = try Part10Reader.read(path: path, options: .loadAll) } catch {
                mismatches.append("\(name): Lightbox cannot read it: \(error)"); continue
            }
            var diffs: [String] = []
            Self.compareTexts(file.dataSet, elements, path: "", compared: &compared, into: &diffs)
            if !diffs.isEmpty { mismatches.append("\(name):\n    " + diffs.joined(separator: "\n    ")) }
        }
        print("charset files: \(files.count) files, \(compared) text elements compared with pydicom, \(mismatches.count) files differ")
        XCTAssertGreaterThan(compared, 100)
        XCTAssert(mismatches.isEmpty, "\(mismatches.count) charset files decode differently from pydicom:\n" + mismatches.joined(separator: "\n"))
    }

    // MARK: (b) Chinese names written by Lightbox

    struct Sample {
        var characterSet: String      // raw value of (0008,0005)
        var patientName: String
        var otherNames: [String]
        var institution: String
        var studyDescription: String
    }

    /// Names in GB 2312 (all four character sets can encode them).
    static let commonNames = ["王^小东=王^小东", "张^伟", "欧阳^娜娜"]
    /// The same names for ISO 2022 IR 58, with the alphabetic component group in the default
    /// repertoire: escape sequences are not allowed in the first component group of a PN
    /// (PS3.5 §6.1.2.5.3 and the IR 58 examples of Annex K; DCMTK warns otherwise). GB18030, GBK and
    /// UTF-8 use no escape sequences, so their first group may be Chinese (Annex K, example 1).
    static let ir58Names = ["Wang^XiaoDong=王^小东", "Zhang^Wei=张^伟", "OuYang^NaNa=欧阳^娜娜"]
    /// Names with characters outside GB 2312 whose second GBK/GB18030 byte is 0x5C ('\'): 乗 81 5C,
    /// 俓 82 5C, 匼 85 5C; or 0x5E ('^'): 乛 81 5E. ISO 2022 IR 58 (GB 2312, both bytes ≥ 0xA1)
    /// has none of them, so only GBK, GB18030 and UTF-8 carry them.
    static let gbkNames = ["乗^俓", "匼^乛丂", "王^乗=乗^王"]

    static func samples() -> [Sample] {
        var out: [Sample] = []
        for cs in ["GB18030", "GBK", "\\ISO 2022 IR 58", "ISO_IR 192"] {
            let gb2312Only = cs.contains("IR 58")
            let names = gb2312Only ? ir58Names : commonNames + gbkNames
            for name in names {
                out.append(Sample(characterSet: cs, patientName: name, otherNames: names,
                                  institution: gb2312Only ? "北京协和医院" : "北京协和医院乗",
                                  // Ends in a character whose last GBK byte is 0x5C (for GBK/GB18030).
                                  studyDescription: gb2312Only ? "头部研究" : "头部研究乗"))
            }
        }
        return out
    }

    static let patientName = Tag(0x0010, 0x0010), otherNames = Tag(0x0010, 0x1001)
    static let institution = Tag(0x0008, 0x0080), studyDescription = Tag(0x0008, 0x1030)

    static func write(_ s: Sample, to path: String, index: Int) throws {
        var ds = DataSet()
        try ds.set(Tag(0x0008, 0x0005), .CS, s.characterSet)
        try ds.set(Tag(0x0008, 0x0016), .UI, "1.2.840.10008.5.1.4.1.1.7")
        try ds.set(Tag(0x0008, 0x0018), .UI, "2.25.\(4_000_000 + index)")
        try ds.set(institution, .LO, s.institution)
        try ds.set(studyDescription, .LO, s.studyDescription)
        try ds.set(patientName, .PN, s.patientName)
        try ds.set(otherNames, .PN, values: s.otherNames)
        try Part10Writer.write(DICOMFile(dataSet: ds, transferSyntax: .explicitVRLittleEndian), to: path, as: .explicitVRLittleEndian)
    }

    func testChineseNamesWrittenByLightboxDecodeInPydicomAndDcmdump() throws {
        let dcmdump = try Oracles.require("dcmdump", package: "dcmtk")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lightbox-charset-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let samples = Self.samples()
        var paths: [String] = []
        var failures: [String] = []
        for (i, s) in samples.enumerated() {
            let path = dir.appendingPathComponent("\(i).dcm").path
            try Self.write(s, to: path, index: i)
            paths.append(path)
            // Lightbox reads its own file back.
            let ds = try Part10Reader.read(path: path).dataSet
            let back: [String?] = [ds.string(Self.patientName), ds.strings(Self.otherNames).joined(separator: "\\"),
                        ds.string(Self.institution), ds.string(Self.studyDescription)]
            let want: [String?] = [s.patientName, s.otherNames.joined(separator: "\\"), s.institution, s.studyDescription]
            if back != want { failures.append("Lightbox, \(s.characterSet), \(s.patientName): read back \(back.map { $0 ?? "nil" })") }
        }
        // The IR 58 files really are ISO 2022: G1 designated with ESC $ ) A (PS3.5 §6.1.2.5.3).
        for (s, path) in zip(samples, paths) where s.characterSet.contains("IR 58") {
            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
            let escape: [UInt8] = [0x1B, 0x24, 0x29, 0x41]
            let count = (0 ..< max(bytes.count - 3, 0)).filter { Array(bytes[$0 ..< $0 + 4]) == escape }.count
            XCTAssertGreaterThanOrEqual(count, 4, "IR 58 file for \(s.patientName) lacks ESC $ ) A designations")
        }

        // pydicom: GB18030, GBK and UTF-8 only (see the type's notes for IR 58). One run.
        let consulted = zip(samples, paths).filter { !$0.0.characterSet.contains("IR 58") }
        let readings = try CorpusReadConformanceTests.pydicomReadings(consulted.map(\.1))
        for (s, path) in consulted {
            let label = "pydicom, \(s.characterSet), \(s.patientName)"
            guard let r = readings[path], r["ok"] as? Bool == true, let elements = r["elements"] as? [[Any]] else {
                failures.append("\(label): pydicom cannot read the file"); continue
            }
            var texts: [String: String] = [:]
            for e in elements { if let k = e[0] as? String { texts[k] = e[3] as? String } }
            let got = [texts["00100010"], texts["00101001"], texts["00080080"], texts["00081030"]]
            let want: [String?] = [s.patientName, s.otherNames.joined(separator: "\\"), s.institution, s.studyDescription]
            if got != want { failures.append("\(label): decoded \(got.map { $0 ?? "nil" }), want \(want.map { $0! })") }
        }

        // dcmdump +U8: all four character sets, one run over every file.
        let r = try runCommand(dcmdump, ["+U8", "+F", "+L"] + paths)
        XCTAssertEqual(r.status, 0, "dcmdump +U8 failed: \(r.stderr)")
        XCTAssert(r.stderr.isEmpty, "dcmdump +U8 warned: \(r.stderr)")
        let dumps = Self.splitDcmdump(r.stdout)
        for (s, path) in zip(samples, paths) {
            let label = "dcmdump +U8, \(s.characterSet), \(s.patientName)"
            guard let values = dumps[path] else { failures.append("\(label): no output for \(path)"); continue }
            let got = [values["(0010,0010)"], values["(0010,1001)"], values["(0008,0080)"], values["(0008,1030)"]]
            let want: [String?] = [s.patientName, s.otherNames.joined(separator: "\\"), s.institution, s.studyDescription]
            if got != want { failures.append("\(label): decoded \(got.map { $0 ?? "nil" }), want \(want.map { $0! })") }
        }
        print("Chinese names: \(samples.count) files written in GB18030, GBK, ISO 2022 IR 58 and ISO_IR 192; "
              + "\(consulted.count) read by pydicom, \(samples.count) by dcmdump +U8; \(failures.count) failures")
        XCTAssert(failures.isEmpty, "\(failures.count) decoding failures:\n" + failures.joined(separator: "\n"))
    }

    /// dcmdump +F output → file → tag → value between the brackets (PN/LO values print as `[...]`).
    /// PN values are normalised like pydicom's: trailing '=' of empty groups dropped.
    static func splitDcmdump(_ output: String) -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        var current: String?
        for line in output.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# dcmdump ("), let colon = line.range(of: "): ") {
                current = String(line[colon.upperBound...]); out[current!] = [:]; continue
            }
            guard let file = current, line.hasPrefix("("), line.count > 15,
                  let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]"), open < close else { continue }
            let tag = String(line.prefix(11))
            var value = String(line[line.index(after: open) ..< close])
            if line.dropFirst(12).hasPrefix("PN") {
                value = value.split(separator: "\\", omittingEmptySubsequences: false).map { v in
                    var v = Substring(v); while v.hasSuffix("=") { v = v.dropLast() }; return String(v)
                }.joined(separator: "\\")
            }
            out[file]![tag] = value
        }
        return out
    }
}
