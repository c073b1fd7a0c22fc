import DICOM
import Foundation

/// Reads a DICOMDIR from a received medium the tolerant way (PS3.3 Annex F, PS3.10 §7.1):
/// - finds every item of the Directory Record Sequence and where it starts;
/// - follows the offsets from Offset of the First Directory Record of the Root Directory Entity
///   (0004,1200) through Next (0004,1400) and Lower-Level (0004,1420) offsets, counted from byte 0
///   of the file, preamble included (PS3.3 F.3.2.2);
/// - skips records whose Record In-use Flag (0004,1410) is 0000H, with their subtrees;
/// - stops a chain at an offset reached twice (a loop) or pointing at no item start, and then
///   rebuilds the hierarchy from the order of the records in the sequence (PATIENT, then its
///   STUDY, SERIES and instance records), recording a finding for each problem.
/// Every record is decoded once; the walk visits each offset at most once, so time and memory
/// grow linearly with the number of records.
public struct TolerantDICOMDIRReader: Sendable {
    /// The directory as read: records in sequence order, and for each reachable active record
    /// its parent (index into `records`), nil at the root level.
    public struct Result: Sendable {
        public var fileSetID: String?
        /// Every record, in the order of the sequence.
        public var records: [DirectoryRecordSummary]
        /// Indices of the records in the hierarchy, parents before children.
        public var reached: [Int]
        /// Parent record index for each reached record (nil at the root level).
        public var parent: [Int: Int]
        /// True when the hierarchy was rebuilt from record order because the offsets were unusable.
        public var recoveredByOrder: Bool
        public var findings: [MediaFinding]
        /// The DICOMDIR's own Transfer Syntax UID (File Meta (0002,0010)).
        public var transferSyntaxUID: String = ""
    }

    /// Why nothing at all could be read from the DICOMDIR.
    public enum Failure: Error, CustomStringConvertible, Sendable {
        case notDICOM(String)
        case noRecordSequence
        case malformed(String)

        public var description: String {
            switch self {
            case .notDICOM(let r): return "the DICOMDIR is not a readable DICOM file (\(r))"
            case .noRecordSequence: return "the DICOMDIR has no Directory Record Sequence (0004,1220)"
            case .malformed(let r): return "the DICOMDIR's record sequence cannot be followed: \(r)"
            }
        }
    }

    public init() {}

    /// Reads `bytes`, the whole DICOMDIR; `name` is its path on the medium, for findings.
    public func read(bytes: [UInt8], name: String) throws(Failure) -> Result {
        // Header: File Meta and the top-level elements before the record sequence.
        let file: DICOMFile
        do {
            file = try Part10Reader.read(bytes: bytes, options: ReadOptions(stopBefore: .directoryRecordSequence, lazyThreshold: nil), name: name)
        } catch {
            throw .notDICOM("\(error)")
        }
        let top = file.dataSet
        let syntax = file.transferSyntax
        let start = Self.dataSetStart(bytes)
        var locator = DICOMDIRItemLocator(bytes: bytes, explicitVR: syntax.isExplicitVR, bigEndian: syntax.isBigEndian)
        let items: [DICOMDIRItemLocator.Item]
        do {
            guard let found = try locator.items(dataSetStart: start) else { throw Failure.noRecordSequence }
            items = found
        } catch let f as Failure {
            throw f
        } catch let DICOMDIRItemLocator.Failure.malformed(reason) {
            throw .malformed(reason)
        } catch {
            throw .malformed("\(error)")
        }
        var findings: [MediaFinding] = []
        if let cut = locator.cutShort {
            findings.append(MediaFinding(.error, .unreadableDICOMDIR,
                                         "The DICOMDIR ends early: its record at byte \(cut.start) says it is \(cut.claimed) bytes long but only \(cut.available) follow; what is there was read.",
                                         clause: "PS3.10 7.1", files: [name]))
        }
        // Records are decoded in chunks on all cores; each chunk keeps only the summaries.
        let charset = top.specificCharacterSet
        let chunk = 2048
        let chunks = (items.count + chunk - 1) / chunk
        let slots = ConcurrentResults<([DirectoryRecordSummary], [MediaFinding])>(chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            var out: [DirectoryRecordSummary] = []
            var problems: [MediaFinding] = []
            for item in items[(c * chunk) ..< min(items.count, (c + 1) * chunk)] {
                var ds: DataSet
                do {
                    ds = try Part10Reader.readDataSet(bytes: Array(bytes[item.contentStart ..< item.contentEnd]), syntax: syntax, name: name)
                } catch {
                    problems.append(MediaFinding(.error, .unreadableDICOMDIR,
                                                 "The directory record at byte \(item.start) of the DICOMDIR cannot be decoded (\(error)); it is left out.",
                                                 clause: "PS3.3 F.3.2.2", files: [name]))
                    ds = DataSet()
                }
                ds.inheritedCharacterSet = charset
                out.append(DirectoryRecordSummary(offset: item.start, record: ds))
            }
            slots.set(c, (out, problems))
        }
        var records: [DirectoryRecordSummary] = []
        records.reserveCapacity(items.count)
        for c in 0 ..< chunks {
            let (out, problems) = slots.get(c) ?? ([], [])
            records += out
            findings += problems.prefix(20)
        }
        var result = Result(fileSetID: top.string(.fileSetID), records: records, reached: [], parent: [:],
                            recoveredByOrder: false, findings: findings, transferSyntaxUID: syntax.uid)
        follow(&result, root: top.int(.offsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity), name: name)
        return result
    }

    /// Where the data set starts: after "DICM" and the group 0002 elements (Explicit VR Little
    /// Endian, PS3.10 §7.1), or at 0 for a file without File Meta Information.
    static func dataSetStart(_ b: [UInt8]) -> Int {
        var p = 0
        if b.count >= 132, b[128] == 0x44, b[129] == 0x49, b[130] == 0x43, b[131] == 0x4D { p = 132 }
        else if b.count >= 4, b[0] == 0x44, b[1] == 0x49, b[2] == 0x43, b[3] == 0x4D { p = 4 }
        while p + 8 <= b.count, b[p] == 0x02, b[p + 1] == 0x00 {
            let vr = String(decoding: b[p + 4 ..< p + 6], as: UTF8.self)
            if ["OB", "OW", "OF", "SQ", "UT", "UN", "UC", "UR"].contains(vr) {
                guard p + 12 <= b.count else { return b.count }
                p += 12 + Int(UInt32(b[p + 8]) | UInt32(b[p + 9]) << 8 | UInt32(b[p + 10]) << 16 | UInt32(b[p + 11]) << 24)
            } else if vr.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) {
                p += 8 + Int(UInt16(b[p + 6]) | UInt16(b[p + 7]) << 8)
            } else {  // implicit VR meta (seen in the field)
                p += 8 + Int(UInt32(b[p + 4]) | UInt32(b[p + 5]) << 8 | UInt32(b[p + 6]) << 16 | UInt32(b[p + 7]) << 24)
            }
        }
        return min(p, b.count)
    }

    /// Follows the offsets; falls back to record order when they are unusable.
    private func follow(_ r: inout Result, root: Int?, name: String) {
        let records = r.records
        var index: [Int: Int] = [:]
        index.reserveCapacity(records.count)
        for (i, rec) in records.enumerated() { index[rec.offset] = i }
        let inactive = records.filter { !$0.inUse }.count
        if inactive > 0 {
            r.findings.append(MediaFinding(.note, .inactiveRecords,
                                           "\(inactive) directory record\(inactive == 1 ? " is" : "s are") marked inactive (Record In-use Flag 0000H) and \(inactive == 1 ? "was" : "were") skipped.",
                                           clause: "PS3.3 F.3.2.2", files: [name]))
        }
        guard !records.isEmpty else { return }
        var broken = false
        if root == nil || root == 0 {
            broken = true
            r.findings.append(MediaFinding(.error, .missingRootOffset,
                                           "The DICOMDIR does not say where its first record is (Offset of the First Directory Record of the Root Directory Entity is \(root.map(String.init) ?? "missing")); the records were read in the order they are stored.",
                                           clause: "PS3.3 F.3.2.1", files: [name]))
        }
        var visited = Set<Int>()
        var reached: [Int] = []
        var parent: [Int: Int] = [:]
        var stack: [(offset: Int, parent: Int?)] = broken ? [] : [(root!, nil)]
        var problems: [(MediaFinding.Kind, Int)] = []
        while let (first, up) = stack.popLast() {
            var o = first
            while o != 0 {
                guard visited.insert(o).inserted else { problems.append((.offsetLoop, o)); break }
                guard let i = index[o] else { problems.append((.brokenOffset, o)); break }
                let rec = records[i]
                if rec.inUse {
                    reached.append(i)
                    if let up { parent[i] = up }
                    if rec.lower != 0 { stack.append((rec.lower, i)) }
                }
                o = rec.next
            }
        }
        for (kind, o) in problems.prefix(20) {
            let message = kind == .offsetLoop
                ? "The DICOMDIR's record offsets form a loop: byte \(o) is reached a second time; the loop was stopped."
                : "A DICOMDIR record offset points to byte \(o), where no directory record starts (the file has \(r.records.count) records)."
            r.findings.append(MediaFinding(.error, kind, message, clause: "PS3.3 F.3.2.2", files: [name]))
        }
        if problems.count > 20 {
            r.findings.append(MediaFinding(.error, problems[20].0, "\(problems.count - 20) more broken or looping offsets.", clause: "PS3.3 F.3.2.2", files: [name]))
        }
        broken = broken || !problems.isEmpty
        let active = records.indices.filter { records[$0].inUse }
        if broken {
            // Recover by record order: each record belongs to the last record above its level.
            var current: [Int?] = [nil, nil, nil]
            reached = []
            parent = [:]
            for i in active {
                let level = records[i].level
                reached.append(i)
                if let up = (0 ..< min(level, 3)).reversed().lazy.compactMap({ current[$0] }).first { parent[i] = up }
                if level < 3 {
                    current[level] = i
                    for l in (level + 1) ..< 3 { current[l] = nil }
                }
            }
            r.recoveredByOrder = true
            r.findings.append(MediaFinding(.warning, .recoveredByOrder,
                                           "Because the DICOMDIR's offsets cannot be followed, its \(active.count) records were put in order by their position in the file (each study under the patient before it, and so on).",
                                           clause: "PS3.3 F.3.2.2", files: [name]))
        } else if reached.count < active.count {
            // Active records no offset leads to (their subtree may have been inactive, which is allowed).
            let reachedSet = Set(reached)
            let underInactive = Self.underInactiveByOrder(records)
            let orphan = active.filter { !reachedSet.contains($0) && !underInactive.contains($0) }
            if !orphan.isEmpty {
                r.findings.append(MediaFinding(.warning, .unreachableRecords,
                                               "\(orphan.count) active directory record\(orphan.count == 1 ? "" : "s") cannot be reached from the root by the offsets; the files they name are found by scanning the medium instead.",
                                               clause: "PS3.3 F.3.2.2", files: [name]))
            }
        }
        r.reached = reached
        r.parent = parent
    }

    /// Records that lie, by record order, below an inactive record (so are inactive too).
    private static func underInactiveByOrder(_ records: [DirectoryRecordSummary]) -> Set<Int> {
        var inactiveAt: [Bool] = [false, false, false]
        var out = Set<Int>()
        for (i, rec) in records.enumerated() {
            let level = rec.level
            if (0 ..< min(level, 3)).contains(where: { inactiveAt[$0] }) { out.insert(i) }
            if level < 3 {
                inactiveAt[level] = !rec.inUse
                for l in (level + 1) ..< 3 { inactiveAt[l] = false }
            }
        }
        return out
    }
}
