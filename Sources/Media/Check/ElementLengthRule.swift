import DICOM
import Foundation

/// PS3.5 §7.1: each data element's Value Length counts the bytes of its value, so no element may
/// reach past the end of the file. A file whose header parses but whose Pixel Data (or another
/// element) claims more bytes than follow — a truncated copy, or a hostile length such as
/// FFFFFFF0H (4 GiB) — is listed, yet no viewer can show it. Only the first 8 KiB of each file
/// are read, or 64 KiB when the elements run on past 8 KiB: the top-level elements starting there are walked by their headers; an undefined
/// length (a sequence, encapsulated Pixel Data) or a deflated data set ends the walk.
struct ElementLengthRule: CheckRule {
    static let window = 64 * 1024
    static let firstRead = 8 * 1024

    struct Overrun: Equatable, Sendable {
        var tag: String
        var offset: Int
        var claimed: UInt32
        var available: Int64
    }

    /// What the walk of the bytes already read for a header found.
    enum Outcome: Equatable, Sendable {
        case fits, overrun(Overrun), needsMore
    }

    /// The walk of `prefix`, the first bytes of a file of `size` bytes whose header parsed as `file`.
    static func outcome(_ prefix: [UInt8], size: Int64, file: DICOMFile) -> Outcome {
        let ts = file.transferSyntax
        guard !ts.isDeflated else { return .fits }
        if let o = overrun(prefix, size: size, explicitVR: ts.isExplicitVR, bigEndian: ts.isBigEndian) { return .overrun(o) }
        if Int64(prefix.count) < size, prefix.count < window, walkRanOut(prefix, explicitVR: ts.isExplicitVR, bigEndian: ts.isBigEndian) { return .needsMore }
        return .fits
    }

    func check(_ context: CheckContext) -> [CheckFinding] {
        // Each file on its own core; the volume readers are safe to use concurrently.
        let paths = context.instancePaths
        let slots = ConcurrentResults<Overrun>(paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            switch context.lengthChecks[paths[i]] {
            case .fits?: break
            case .overrun(let o)?: slots.set(i, o)
            case .needsMore?, nil: if let o = Self.overrun(of: paths[i], context) { slots.set(i, o) }
            }
        }
        var files: [String] = []
        var first: Overrun? = nil
        for (i, path) in paths.enumerated() {
            guard let o = slots.get(i) else { continue }
            if first == nil { first = o }
            files.append(path)
        }
        guard let o = first else { return [] }
        return [CheckFinding(.error, "elementPastEnd",
                             "\(plural(files.count, "file announces", "files announce")) more data than \(files.count == 1 ? "it holds" : "they hold") (e.g. element \(o.tag) at byte \(o.offset) claims \(o.claimed) bytes but only \(o.available) follow), so \(files.count == 1 ? "it" : "they") cannot be shown; the file may be cut short or damaged.",
                             clause: "PS3.5 7.1", files: files)]
    }

    /// The overrun in the file at `path`, reading 8 KiB and, when the elements run on, up to 64 KiB.
    static func overrun(of path: String, _ context: CheckContext) -> Overrun? {
        guard let entry = context.headers[path], let file = entry, !file.transferSyntax.isDeflated,
              let reader = try? context.source.volume.open(path), var prefix = try? reader.read(upTo: firstRead) else { return nil }
        let ts = file.transferSyntax
        var found = overrun(prefix, size: reader.size, explicitVR: ts.isExplicitVR, bigEndian: ts.isBigEndian)
        // 8 KiB reaches the Pixel Data of almost every file; read on to 64 KiB only when the walk ran out of bytes.
        if found == nil, Int64(prefix.count) < reader.size, walkRanOut(prefix, explicitVR: ts.isExplicitVR, bigEndian: ts.isBigEndian),
           let more = try? reader.read(upTo: window - prefix.count) {
            prefix += more
            found = overrun(prefix, size: reader.size, explicitVR: ts.isExplicitVR, bigEndian: ts.isBigEndian)
        }
        return found
    }

    /// The first top-level element of `b` (the start of a file of `size` bytes) whose value runs
    /// past the end of the file, or nil when none does as far as the headers can be walked.
    static func overrun(_ b: [UInt8], size: Int64, explicitVR: Bool, bigEndian: Bool, reportRunOut: Bool = false) -> Overrun? {
        func u16(_ p: Int) -> UInt32 { bigEndian ? UInt32(b[p]) << 8 | UInt32(b[p + 1]) : UInt32(b[p]) | UInt32(b[p + 1]) << 8 }
        func u32(_ p: Int) -> UInt32 { bigEndian ? u16(p) << 16 | u16(p + 2) : u16(p) | u16(p + 2) << 16 }
        // VRs with a 4-byte length (PS3.5 Table 7.1-1), as their two ASCII bytes.
        func isLongVR(_ a: UInt8, _ b: UInt8) -> Bool {
            switch (a, b) {
            case (0x4F, 0x42), (0x4F, 0x44), (0x4F, 0x46), (0x4F, 0x4C), (0x4F, 0x56), (0x4F, 0x57),  // OB OD OF OL OV OW
                 (0x53, 0x51), (0x55, 0x43), (0x55, 0x52), (0x55, 0x54), (0x55, 0x4E), (0x53, 0x56), (0x55, 0x56):  // SQ UC UR UT UN SV UV
                return true
            default: return false
            }
        }
        var p = TolerantDICOMDIRReader.dataSetStart(b)
        while p + 8 <= b.count {
            let length: UInt32, header: Int
            if explicitVR {
                let v0 = b[p + 4], v1 = b[p + 5]
                guard (0x41...0x5A).contains(v0), (0x41...0x5A).contains(v1) else { return nil }
                if isLongVR(v0, v1) {
                    guard p + 12 <= b.count else { return nil }
                    length = u32(p + 8); header = 12
                } else {
                    length = u16(p + 6); header = 8
                }
            } else {
                length = u32(p + 4); header = 8
            }
            if length == 0xFFFF_FFFF { return nil }
            let end = Int64(p) + Int64(header) + Int64(length)
            if end > size {
                let tag = "(" + hex(u16(p)) + "," + hex(u16(p + 2)) + ")"
                return Overrun(tag: tag, offset: p, claimed: length, available: max(0, size - Int64(p) - Int64(header)))
            }
            guard end <= Int64(b.count) else {
                // The next element starts at `end`, past the bytes read.
                return reportRunOut ? Overrun(tag: "", offset: Int(min(end, Int64(Int.max))), claimed: length, available: 0) : nil
            }
            p = Int(end)
        }
        // The next element's header is not wholly in `b`.
        return reportRunOut ? Overrun(tag: "", offset: p, claimed: 0, available: 0) : nil
    }

    /// True when the walk of `b` stopped because the next element runs past the bytes read (more
    /// bytes might show an overrun), false when it ended on an undefined length or a bad VR.
    /// Only when the next element starts within the 64 KiB window: reading further helps then.
    static func walkRanOut(_ b: [UInt8], explicitVR: Bool, bigEndian: Bool) -> Bool {
        guard let stop = overrun(b, size: Int64.max, explicitVR: explicitVR, bigEndian: bigEndian, reportRunOut: true) else { return false }
        return stop.offset + 12 <= window
    }

    private static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
}
