import DICOM
import Foundation

/// Reads what a received medium holds into a `MediaCatalog`, tolerating what media in the field
/// get wrong and recording each problem as a `MediaFinding`:
/// 1. the DICOMDIR, whatever its spelling, read by `TolerantDICOMDIRReader` (PS3.3 Annex F);
/// 2. each referenced file, resolved by `FileIDResolver` (PS3.10 §8.2) and checked against its
///    record: Referenced SOP Instance UID, SOP Class UID and Transfer Syntax UID in File
///    (PS3.3 F.5);
/// 3. every other file, identified by content — "DICM" at byte 128 (PS3.10 §7.1) or a plausible
///    data element at byte 0 — never by extension. The DICOMDIR itself is never an instance.
/// Reading never writes to the medium and never follows a File ID outside it.
public struct MediaCatalogReader: Sendable {
    public init() {}

    /// Opens `path` (a folder or an ISO image) and catalogues it.
    /// - Throws: `MediaSourceError` only when the medium cannot be read at all.
    public func read(_ path: String) throws(MediaSourceError) -> MediaCatalog {
        catalog(try MediaSource.open(path))
    }

    /// Catalogues an opened medium.
    public func catalog(_ source: MediaSource) -> MediaCatalog { reading(source).catalog }

    /// A catalogue with what was read to make it, for `MediaChecker` to check without reading
    /// the medium twice.
    public struct Reading: Sendable {
        public var catalog: MediaCatalog
        /// The header of each instance path of the catalogue (nil: not readable as DICOM).
        public var headers: [String: DICOMFile?]
        /// The DICOMDIR as the tolerant reader understood it, when there is one and it was read.
        public var directory: TolerantDICOMDIRReader.Result?
        /// The element-length walk of the bytes read for each header, by path.
        var lengthChecks: [String: ElementLengthRule.Outcome]
    }

    /// Catalogues an opened medium, keeping the headers and the DICOMDIR read.
    public func reading(_ source: MediaSource) -> Reading {
        var findings: [MediaFinding] = []
        var directory: TolerantDICOMDIRReader.Result? = nil
        var lengthChecks: [String: ElementLengthRule.Outcome] = [:]
        var found: [Found] = []
        var claimed = Set<String>()
        let volume = source.volume
        let dicomdir = source.dicomdir
        var fileSetID: String? = nil
        if let dicomdir {
            claimed.insert(dicomdir.path)
            if dicomdir.path != "DICOMDIR" {
                findings.append(MediaFinding(.warning, .dicomdirSpelling,
                                             "The DICOMDIR is named \"\(dicomdir.path)\" instead of \"DICOMDIR\"; it was read anyway.",
                                             clause: "PS3.10 8.6", files: [dicomdir.path]))
            }
            do {
                // Bounded: only up to the end of the record sequence, at most 64 MiB (a hostile DICOMDIR may be gigabytes).
                let read = try DICOMDIRBytes.read(volume, dicomdir.path)
                if read.cutAtLimit {
                    findings.append(MediaFinding(.error, .unreadableDICOMDIR,
                                                 "The DICOMDIR is \(read.size) bytes long; only its first \(DICOMDIRBytes.limit >> 20) MiB were read, and the records beyond were left out.",
                                                 clause: "PS3.10 7.1", files: [dicomdir.path]))
                }
                if read.unreadAfterRecords > 0 {
                    findings.append(MediaFinding(.warning, .dataAfterRecords,
                                                 "The DICOMDIR holds \(read.unreadAfterRecords) bytes after its directory records, which no reader needs; they were not read.",
                                                 clause: "PS3.3 F.3.2.2", files: [dicomdir.path]))
                }
                let dir = try TolerantDICOMDIRReader().read(bytes: read.bytes, name: dicomdir.path)
                directory = dir
                fileSetID = dir.fileSetID
                findings += dir.findings
                resolveRecords(dir, source: source, into: &found, claimed: &claimed, findings: &findings, lengthChecks: &lengthChecks)
            } catch {
                findings.append(MediaFinding(.error, .unreadableDICOMDIR,
                                             "The DICOMDIR cannot be read (\(error)); the medium was searched for DICOM files instead.",
                                             clause: "PS3.10 7.1", files: [dicomdir.path]))
            }
        } else {
            findings.append(MediaFinding(.error, .noDICOMDIR,
                                         "The medium has no DICOMDIR, so it does not say what it holds; its files were searched one by one for DICOM content.",
                                         clause: "PS3.10 8.6"))
        }
        // Files the DICOMDIR does not lead to, by content.
        var extra: [String] = []
        let unclaimed = source.files.filter { !claimed.contains($0.path) }
        for (entry, read) in zip(unclaimed, Self.headerReads(volume, unclaimed.map(\.path), sniff: true)) {
            guard let file = read.file else { continue }
            lengthChecks[entry.path] = read.lengthCheck
            if file.meta.string(Tag(0x0002, 0x0002)) == "1.2.840.10008.1.3.10" { continue }  // another DICOMDIR
            found.append(Found(path: entry.path, file: file, record: nil, origin: .contentScan))
            extra.append(entry.path)
        }
        if dicomdir != nil, !extra.isEmpty {
            findings.append(MediaFinding(.warning, .unreferencedFiles,
                                         "\(extra.count) DICOM file\(extra.count == 1 ? " is" : "s are") on the medium but not reachable through the DICOMDIR; \(extra.count == 1 ? "it was" : "they were") found by content.",
                                         clause: "PS3.3 F.2", files: extra))
        }
        findings += Self.linkFindings(volume)
        let catalog = MediaCatalog(source: source.path, volumeID: volume.volumeID, dicomdir: dicomdir?.path, fileSetID: fileSetID,
                                   patients: Self.group(found), findings: findings)
        var headers: [String: DICOMFile?] = [:]
        for f in found where headers[f.path] == nil { headers[f.path] = f.file }
        return Reading(catalog: catalog, headers: headers, directory: directory, lengthChecks: lengthChecks)
    }

    /// Symbolic links (never followed) and entries the volume could not list (loops, depth, names).
    static func linkFindings(_ volume: any MediaVolume) -> [MediaFinding] {
        var out: [MediaFinding] = []
        let links = volume.symbolicLinks
        let leaving = links.filter(\.leavesMedium)
        if !leaving.isEmpty {
            out.append(MediaFinding(.warning, .linkOutsideMedium,
                                    "\(leaving.count) symbolic link\(leaving.count == 1 ? " points" : "s point") outside the medium; \(leaving.count == 1 ? "it was" : "they were") not followed, and nothing outside the medium was read.",
                                    clause: "PS3.10 8.1", files: leaving.map { "\($0.path) -> \($0.target)" }))
        }
        let inside = links.filter { !$0.leavesMedium }
        if !inside.isEmpty {
            out.append(MediaFinding(.note, .symbolicLink,
                                    "\(inside.count) symbolic link\(inside.count == 1 ? " was" : "s were") not followed; DICOM files are referenced by File ID, not through links.",
                                    clause: "PS3.10 8.1", files: inside.map { "\($0.path) -> \($0.target)" }))
        }
        if let iso = volume as? ISOVolume, !iso.unreadSessionDescriptors.isEmpty {
            out.append(MediaFinding(.warning, .unreadSession,
                                    "The medium holds \(iso.unreadSessionDescriptors.count) later session\(iso.unreadSessionDescriptors.count == 1 ? "" : "s") (written after the first, starting near block \(iso.unreadSessionDescriptors.map { String($0 - 16) }.joined(separator: ", "))) that could not be read from this copy; the files shown are those of the first session and may be out of date. Read the disc mounted, or a copy made with xorriso, to see the last session.",
                                    clause: "PS3.12 F.3.2"))
        }
        let skipped = volume.skippedEntries
        if !skipped.isEmpty {
            out.append(MediaFinding(.error, .unlistableEntries,
                                    "\(skipped.count) folder\(skipped.count == 1 ? " or file" : "s or files") on the medium could not be listed safely (a loop, excessive depth or an unusable name) and \(skipped.count == 1 ? "was" : "were") left out.",
                                    clause: "PS3.12 F.3.2", files: skipped))
        }
        return out
    }

    // MARK: Records

    /// One instance found, with the records above it (patient, study, series) when from the DICOMDIR.
    struct Found {
        var path: String
        var file: DICOMFile?
        var record: (patient: DirectoryRecordSummary?, study: DirectoryRecordSummary?, series: DirectoryRecordSummary?, instance: DirectoryRecordSummary)?
        var origin: MediaCatalog.Origin
    }

    private func resolveRecords(_ dir: TolerantDICOMDIRReader.Result, source: MediaSource, into found: inout [Found],
                                claimed: inout Set<String>, findings: inout [MediaFinding],
                                lengthChecks: inout [String: ElementLengthRule.Outcome]) {
        let resolver = FileIDResolver(paths: source.files.map(\.path))
        var tolerated: [FileIDResolver.Match: [String]] = [:]
        var missing: [String] = [], unsafe: [String] = [], unreadable: [String] = []
        var uidMismatch: [String] = [], classMismatch: [String] = [], syntaxMismatch: [String] = []
        // Every referenced file's header, read on all cores first.
        var wanted: [String] = [], seen = Set<String>()
        for i in dir.reached {
            let rec = dir.records[i]
            guard rec.level == 3, let fileID = rec.fileID, FileIDResolver.refusal(fileID) == nil,
                  let (path, _) = resolver.resolve(fileID), seen.insert(path).inserted else { continue }
            wanted.append(path)
        }
        let reads = Self.headerReads(source.volume, wanted, sniff: false)
        let prefetched = Dictionary(zip(wanted, reads.map(\.file)), uniquingKeysWith: { a, _ in a })
        for (path, read) in zip(wanted, reads) { lengthChecks[path] = read.lengthCheck }
        for i in dir.reached {
            let rec = dir.records[i]
            guard rec.level == 3, let fileID = rec.fileID else { continue }
            let shown = fileID.joined(separator: "\\")
            if let why = FileIDResolver.refusal(fileID) {
                unsafe.append(shown)
                findings.append(MediaFinding(.error, .unsafeFileID,
                                             "A DICOMDIR record names the file \"\(shown)\", which was not followed because \(why).",
                                             clause: "PS3.10 8.2", files: [shown]))
                continue
            }
            guard let (path, match) = resolver.resolve(fileID) else { missing.append(shown); continue }
            if match != .exact { tolerated[match, default: []].append(path) }
            var ancestors: [Int: DirectoryRecordSummary] = [:]
            var up = dir.parent[i]
            var guardCount = 0
            while let u = up, guardCount < 8 {
                ancestors[dir.records[u].level] = ancestors[dir.records[u].level] ?? dir.records[u]
                up = dir.parent[u]
                guardCount += 1
            }
            let file = prefetched[path] ?? Self.header(source.volume, path, sniff: false)
            if let file {
                let uid = file.dataSet.string(.sopInstanceUID) ?? ""
                if let want = rec.referencedSOPInstanceUID, want != uid { uidMismatch.append(path) }
                if let want = rec.referencedSOPClassUID, let has = file.dataSet.string(.sopClassUID), want != has { classMismatch.append(path) }
                if let want = rec.referencedTransferSyntaxUID, let has = file.meta.string(Tag(0x0002, 0x0010)), want != has { syntaxMismatch.append(path) }
            } else {
                unreadable.append(path)
            }
            if claimed.insert(path).inserted {
                found.append(Found(path: path, file: file, record: (ancestors[0], ancestors[1], ancestors[2], rec), origin: .dicomdir))
            }
        }
        func add(_ files: [String], _ severity: MediaFinding.Severity, _ kind: MediaFinding.Kind, _ clause: String, _ message: (Int) -> String) {
            guard !files.isEmpty else { return }
            findings.append(MediaFinding(severity, kind, message(files.count), clause: clause, files: files))
        }
        add(missing, .error, .missingFile, "PS3.3 F.3.2.2") { "\($0) file\($0 == 1 ? "" : "s") named in the DICOMDIR \($0 == 1 ? "is" : "are") not on the medium." }
        add(unreadable, .error, .unreadableFile, "PS3.10 7.1") { "\($0) file\($0 == 1 ? "" : "s") named in the DICOMDIR cannot be read as DICOM." }
        add(uidMismatch, .error, .uidMismatch, "PS3.3 F.5") { "\($0) file\($0 == 1 ? " holds" : "s hold") a different image (SOP Instance UID) from the one the DICOMDIR lists for \($0 == 1 ? "it" : "them")." }
        add(classMismatch, .error, .sopClassMismatch, "PS3.3 F.5") { "\($0) file\($0 == 1 ? "'s" : "s'") kind of object (SOP Class UID) differs from what the DICOMDIR says." }
        add(syntaxMismatch, .error, .transferSyntaxMismatch, "PS3.3 F.5") { "\($0) file\($0 == 1 ? "'s" : "s'") encoding (Transfer Syntax UID) differs from what the DICOMDIR says." }
        for (match, files) in tolerated.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let how: String
            switch match {
            case .exact: continue
            case .withoutVersion: how = "only after dropping the \";1\" version"
            case .withoutTrailingDot: how = "only after dropping a trailing full stop"
            case .caseInsensitive: how = "only when letter case is ignored"
            case .withDCMExtension: how = "only with \".dcm\" added"
            }
            findings.append(MediaFinding(.warning, .tolerantFileID,
                                         "\(files.count) file\(files.count == 1 ? "" : "s") named in the DICOMDIR \(files.count == 1 ? "was" : "were") found \(how).",
                                         clause: "PS3.10 8.2", files: files))
        }
    }

    // MARK: Files

    /// The header of a file (up to Pixel Data), or nil when it is not DICOM. With `sniff`, files
    /// are first checked by content: "DICM" at 128, or a plausible first element at 0.
    /// The headers of `paths`, in order, read concurrently on every core.
    static func headers(_ volume: any MediaVolume, _ paths: [String], sniff: Bool) -> [DICOMFile?] {
        headerReads(volume, paths, sniff: sniff).map(\.file)
    }

    /// A header and the element-length walk of the bytes read for it (so `check` need not read them again).
    struct HeaderRead: Sendable {
        var file: DICOMFile?
        var lengthCheck: ElementLengthRule.Outcome?
    }

    /// `headerRead` of each path, in order, on every core.
    static func headerReads(_ volume: any MediaVolume, _ paths: [String], sniff: Bool) -> [HeaderRead] {
        let slots = ConcurrentResults<HeaderRead>(paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in slots.set(i, headerRead(volume, paths[i], sniff: sniff)) }
        return (0..<paths.count).map { slots.get($0) ?? HeaderRead(file: nil, lengthCheck: nil) }
    }

    static func header(_ volume: any MediaVolume, _ path: String, sniff: Bool) -> DICOMFile? {
        headerRead(volume, path, sniff: sniff).file
    }

    static func headerRead(_ volume: any MediaVolume, _ path: String, sniff: Bool) -> HeaderRead {
        let none = HeaderRead(file: nil, lengthCheck: nil)
        guard let reader = try? volume.open(path) else { return none }
        func parsed(_ prefix: [UInt8]) -> HeaderRead? {
            guard let f = try? Part10Reader.read(bytes: prefix, options: .headerOnly, name: path),
                  f.dataSet.contains(.sopInstanceUID) || Int64(prefix.count) == reader.size else { return nil }
            return HeaderRead(file: f, lengthCheck: ElementLengthRule.outcome(prefix, size: reader.size, file: f))
        }
        // 8 KiB holds the header of almost every file; then up to 64 KiB.
        guard var prefix = try? reader.read(upTo: 8 * 1024) else { return none }
        if sniff, !looksLikeDICOM(prefix, size: reader.size) { return none }
        if let r = parsed(prefix) { return r }
        guard Int64(prefix.count) < reader.size, let more = try? reader.read(upTo: 56 * 1024) else { return none }
        prefix += more
        if let r = parsed(prefix) { return r }
        // A header longer than 64 KiB (a large private block or icon before the UIDs): read at most
        // 16 MiB more, never the whole file — a hostile file may claim a 4 GiB element.
        guard Int64(prefix.count) < reader.size, let rest = try? reader.read(upTo: 16 << 20) else { return none }
        return HeaderRead(file: try? Part10Reader.read(bytes: prefix + rest, options: .headerOnly, name: path), lengthCheck: nil)
    }

    /// PS3.10 §7.1 "DICM" at byte 128, or a bare data set whose first element is in group 0002 or
    /// 0008 with a valid explicit VR or a plausible implicit length.
    static func looksLikeDICOM(_ b: [UInt8], size: Int64) -> Bool {
        if b.count >= 132, b[128] == 0x44, b[129] == 0x49, b[130] == 0x43, b[131] == 0x4D { return true }
        guard b.count >= 8, b[1] == 0x00, b[0] == 0x02 || b[0] == 0x08, b[3] == 0x00 else { return false }
        if (0x41...0x5A).contains(b[4]), (0x41...0x5A).contains(b[5]), VR(byte0: b[4], byte1: b[5]) != nil { return true }
        let length = Int64(b[4]) | Int64(b[5]) << 8 | Int64(b[6]) << 16 | Int64(b[7]) << 24
        return length < min(size, 1024)
    }

    // MARK: Grouping

    static func group(_ found: [Found]) -> [MediaCatalog.Patient] {
        var patients: [MediaCatalog.Patient] = []
        var patientIndex: [String: Int] = [:]
        var studyIndex: [String: (Int, Int)] = [:]
        var seriesIndex: [String: (Int, Int, Int)] = [:]
        for f in found {
            let ds = f.file?.dataSet ?? DataSet()
            let r = f.record
            func pick(_ recordValue: String?, _ tag: Tag) -> String {
                let v = recordValue?.trimmingPadding ?? ""
                return v.isEmpty ? (ds.string(tag) ?? "").trimmingPadding : v
            }
            let name = pick(r?.patient?.patientName, .patientName)
            let id = pick(r?.patient?.patientID, .patientID)
            let studyUID = pick(r?.study?.studyInstanceUID, .studyInstanceUID)
            let seriesUID = pick(r?.series?.seriesInstanceUID, .seriesInstanceUID)
            let pKey = id + "\u{1}" + name
            let p: Int
            if let i = patientIndex[pKey] { p = i } else {
                p = patients.count; patientIndex[pKey] = p
                patients.append(.init(name: name, id: id, studies: []))
            }
            let sKey = pKey + "\u{1}" + studyUID
            let s: Int
            if let (_, i) = studyIndex[sKey] { s = i } else {
                s = patients[p].studies.count; studyIndex[sKey] = (p, s)
                patients[p].studies.append(.init(studyInstanceUID: studyUID, date: pick(r?.study?.studyDate, .studyDate),
                                                 description: pick(r?.study?.studyDescription, .studyDescription),
                                                 modalities: [], series: []))
            }
            let eKey = sKey + "\u{1}" + seriesUID
            let e: Int
            if let (_, _, i) = seriesIndex[eKey] { e = i } else {
                e = patients[p].studies[s].series.count; seriesIndex[eKey] = (p, s, e)
                let modality = pick(r?.series?.modality, .modality)
                patients[p].studies[s].series.append(.init(seriesInstanceUID: seriesUID, number: pick(r?.series?.seriesNumber, .seriesNumber),
                                                           modality: modality,
                                                           description: pick(r?.series?.seriesDescription, .seriesDescription),
                                                           instanceCount: 0, instances: []))
                if !modality.isEmpty, !patients[p].studies[s].modalities.contains(modality) {
                    patients[p].studies[s].modalities.append(modality)
                    patients[p].studies[s].modalities.sort()
                }
            }
            let instance = MediaCatalog.Instance(
                path: f.path,
                sopClassUID: pick(r?.instance.referencedSOPClassUID, .sopClassUID),
                sopInstanceUID: pick(r?.instance.referencedSOPInstanceUID, .sopInstanceUID),
                transferSyntaxUID: r?.instance.referencedTransferSyntaxUID ?? f.file?.transferSyntax.uid ?? "",
                foundBy: f.origin)
            patients[p].studies[s].series[e].instances.append(instance)
            patients[p].studies[s].series[e].instanceCount += 1
        }
        // Studies by date, series by number (as a viewer lists them); medium order breaks ties.
        for p in patients.indices {
            patients[p].studies = patients[p].studies.enumerated()
                .sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
            for s in patients[p].studies.indices {
                patients[p].studies[s].series = patients[p].studies[s].series.enumerated().sorted {
                    (Int($0.element.number.trimmingPadding) ?? Int.max, $0.offset)
                        < (Int($1.element.number.trimmingPadding) ?? Int.max, $1.offset)
                }.map(\.element)
            }
        }
        return patients
    }
}
