import DICOM
import Foundation

/// Reads the headers of input files and folders and groups them into a `FileSet` for a DICOMDIR
/// (PS3.3 Annex F, PS3.10 §8): checks the Type 1 record keys, the application profile and the
/// hierarchy, removes byte-identical duplicates, and (with `invent`) makes up missing keys the
/// way `dcmmkdir +I` does, listing every invented value.
public struct FileSetScanner: Sendable {
    public struct Options: Sendable {
        /// Make up missing Type 1 keys instead of rejecting the file.
        public var invent = false
        /// Files must use a transfer syntax and SOP Class this profile allows.
        public var profile: ApplicationProfile?
        /// The file set's root folder: files get their File ID from their path below it, and a
        /// name that is not a PS3.10 File ID is a rejection. Nil: no File IDs (a burner names them).
        public var root: String?
        public init(invent: Bool = false, profile: ApplicationProfile? = nil, root: String? = nil) {
            self.invent = invent; self.profile = profile; self.root = root
        }
    }

    /// What a scan found.
    public struct Result: Sendable {
        public var fileSet: FileSet
        public var rejections: [FileSetError]
        public var invented: [InventedValue]
        public var duplicates: [DuplicateFile]
        /// Notes that do not reject a file (fallback record types, reader warnings).
        public var warnings: [String]
    }

    public var options: Options
    public init(options: Options = Options()) { self.options = options }

    /// Lists regular files: files as given, folders recursively in sorted order; hidden files and
    /// any file named DICOMDIR are skipped.
    public static func listFiles(_ paths: [String]) -> (files: [String], missing: [String]) {
        var out: [String] = [], missing: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { missing.append(path); continue }
            if !isDir.boolValue { out.append(path); continue }
            guard let e = fm.enumerator(atPath: path) else { continue }
            var found: [String] = []
            for case let rel as String in e {
                let parts = rel.split(separator: "/")
                if parts.contains(where: { $0.hasPrefix(".") }) || parts.last == "DICOMDIR" { continue }
                let full = (path as NSString).appendingPathComponent(rel)
                var sub: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { found.append(full) }
            }
            out += found.sorted()
        }
        return (out, missing)
    }

    /// Scans files and folders.
    public func scan(_ paths: [String]) -> Result {
        let (files, missing) = Self.listFiles(paths)
        var r = scan(files: files)
        r.rejections = missing.map { .notDICOM(path: $0, reason: "no such file or folder") } + r.rejections
        return r
    }

    /// Scans the given files (no folder walking).
    public func scan(files: [String]) -> Result {
        var rejections: [FileSetError] = []
        var invented: [InventedValue] = []
        var warnings: [String] = []
        var duplicates: [DuplicateFile] = []
        var accepted: [ScannedInstance] = []
        var byUID: [String: Int] = [:]
        var studyParent: [String: (patient: String, path: String)] = [:]
        var seriesParent: [String: (study: String, path: String)] = [:]

        let reads = files.map { ($0, read($0)) }
        // A file without Patient ID takes the one its study has in the other files: inventing a
        // new one would put one study under two patients, which is refused.
        var studyPatient: [String: String] = [:]
        if options.invent {
            for case (_, .success(let i)) in reads where Self.hasValue(i.keys, .patientID) && studyPatient[i.studyInstanceUID] == nil {
                studyPatient[i.studyInstanceUID] = i.patientID
            }
        }

        for (path, readResult) in reads {
            switch readResult {
            case .failure(let e): rejections.append(e)
            case .success(var inst):
                // Per-file keys: check, invent where allowed.
                var missingKeys: [FileSetError] = []
                for type in [DirectoryRecordType.patient, .study, .series, inst.recordType] {
                    for key in type.keys where key.type == .one && !Self.hasValue(inst.keys, key.tag) {
                        if key.tag == .instanceNumber || key.tag == .seriesNumber { continue }  // after grouping
                        let known = key.tag == .patientID ? studyPatient[inst.studyInstanceUID] : nil
                        if options.invent, let v = known ?? inventValue(key.tag, inst.keys) {
                            try? inst.keys.set(key.tag, key.vr, v)
                            invented.append(InventedValue(path: path, tag: key.tag, keyword: Self.keyword(key.tag), value: v))
                        } else {
                            missingKeys.append(.missingKey(path: path, tag: key.tag, keyword: Self.keyword(key.tag), record: type))
                        }
                    }
                }
                if !options.invent {
                    for (tag, type) in [(Tag.seriesNumber, DirectoryRecordType.series), (.instanceNumber, inst.recordType)]
                    where type.keys.contains(where: { $0.tag == tag }) && !Self.hasValue(inst.keys, tag) {
                        missingKeys.append(.missingKey(path: path, tag: tag, keyword: Self.keyword(tag), record: type))
                    }
                }
                if !missingKeys.isEmpty { rejections += missingKeys; continue }
                if inst.recordTypeIsFallback {
                    warnings.append("\(path): no directory record type is defined for SOP Class \(inst.sopClassUID); using \(inst.recordType.rawValue)")
                }
                // Duplicates.
                if let k = byUID[inst.sopInstanceUID] {
                    let other = accepted[k].path
                    if FileManager.default.contentsEqual(atPath: path, andPath: other) {
                        duplicates.append(DuplicateFile(path: path, keptPath: other, sopInstanceUID: inst.sopInstanceUID))
                    } else {
                        rejections.append(.conflictingDuplicate(sopInstanceUID: inst.sopInstanceUID, path: path, otherPath: other))
                    }
                    continue
                }
                // Hierarchy.
                if let parent = studyParent[inst.studyInstanceUID], parent.patient != inst.patientID {
                    rejections.append(.inconsistentHierarchy(path: path, tag: .studyInstanceUID, uid: inst.studyInstanceUID,
                                                             expectedParent: "Patient ID \(parent.patient)",
                                                             actualParent: "Patient ID \(inst.patientID)", otherPath: parent.path))
                    continue
                }
                if let parent = seriesParent[inst.seriesInstanceUID], parent.study != inst.studyInstanceUID {
                    rejections.append(.inconsistentHierarchy(path: path, tag: .seriesInstanceUID, uid: inst.seriesInstanceUID,
                                                             expectedParent: "study \(parent.study)",
                                                             actualParent: "study \(inst.studyInstanceUID)", otherPath: parent.path))
                    continue
                }
                studyParent[inst.studyInstanceUID] = studyParent[inst.studyInstanceUID] ?? (inst.patientID, path)
                seriesParent[inst.seriesInstanceUID] = seriesParent[inst.seriesInstanceUID] ?? (inst.studyInstanceUID, path)
                byUID[inst.sopInstanceUID] = accepted.count
                accepted.append(inst)
            }
        }

        var fileSet = FileSet(instances: accepted)
        if options.invent { inventNumbers(&fileSet, into: &invented) }
        return Result(fileSet: fileSet, rejections: rejections, invented: invented, duplicates: duplicates, warnings: warnings)
    }

    // MARK: Reading one file

    func read(_ path: String) -> Swift.Result<ScannedInstance, FileSetError> {
        var fileID: FileID? = nil
        if let root = options.root {
            let base = root.hasSuffix("/") ? root : root + "/"
            guard path.hasPrefix(base) else { return .failure(.outsideRoot(path: path, root: root)) }
            do { fileID = try FileID(path: String(path.dropFirst(base.count))) } catch let e as FileIDError {
                return .failure(.nonConformantFileID(path: path, reason: "not a PS3.10 File ID: \(e.reason)"))
            } catch { return .failure(.nonConformantFileID(path: path, reason: "\(error)")) }
        }
        let file: DICOMFile
        do { file = try Part10Reader.read(path: path, options: .headerOnly) } catch let e as DataSetReadError {
            if case .notDICOM(_, let reason) = e { return .failure(.notDICOM(path: path, reason: reason)) }
            return .failure(.damaged(path: path, reason: "\(e)"))
        } catch {
            return .failure(.notDICOM(path: path, reason: "\(error)"))
        }
        let ds = file.dataSet
        guard let sopClass = ds.string(.sopClassUID) ?? file.meta.string(Tag(0x0002, 0x0002)) else {
            return .failure(.missingKey(path: path, tag: .sopClassUID, keyword: "SOP Class UID", record: .image))
        }
        guard let sopInstance = ds.string(.sopInstanceUID) ?? file.meta.string(Tag(0x0002, 0x0003)) else {
            return .failure(.missingKey(path: path, tag: .sopInstanceUID, keyword: "SOP Instance UID", record: .image))
        }
        if let p = options.profile {
            if !p.allows(transferSyntax: file.transferSyntax.uid) {
                return .failure(.transferSyntaxNotAllowed(path: path, uid: file.transferSyntax.uid, profile: p.id))
            }
            if !p.allows(sopClass: sopClass) { return .failure(.sopClassNotAllowed(path: path, uid: sopClass, profile: p.id)) }
        }
        let hasPixels = file.stoppedAt == Tag(0x7FE0, 0x0010) || ds.contains(.rows)
        guard let (type, fallback) = DirectoryRecordType.leaf(forSOPClass: sopClass, hasPixelData: hasPixels) else {
            return .failure(.noPatientLevelRecord(path: path, sopClassUID: sopClass))
        }
        var keys = DataSet(elements: ds.elements.filter {
            DirectoryRecordType.allKeyTags.contains($0.tag) || DirectoryRecordType.displayTags.contains($0.tag)
                || Self.inventionSources.contains($0.tag)
        })
        if keys.string(.sopInstanceUID) == nil { try? keys.set(.sopInstanceUID, .UI, sopInstance) }
        if keys.string(.sopClassUID) == nil { try? keys.set(.sopClassUID, .UI, sopClass) }
        var storage = StorageFacts()
        storage.fileSize = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
        storage.hasConformantFileMeta = file.preamble != nil && file.hasFileMeta
            && file.meta.string(Tag(0x0002, 0x0002)) == sopClass && file.meta.string(Tag(0x0002, 0x0003)) == sopInstance
            && file.meta.string(Tag(0x0002, 0x0010)) == file.transferSyntax.uid
        storage.oddLengthValues = file.oddLengthValueCount
        if hasPixels, let rows = ds.int(.rows), let columns = ds.int(.columns) {
            let samples = ds.int(.samplesPerPixel) ?? 1
            let frames = max(1, ds.int(.numberOfFrames) ?? 1)
            let bytesPerSample = ((ds.int(.bitsAllocated) ?? 8) + 7) / 8
            storage.nativePixelBytes = Int64(rows) * Int64(columns) * Int64(samples) * Int64(frames) * Int64(bytesPerSample)
        }
        var instance = ScannedInstance(path: path, fileID: fileID, sopClassUID: sopClass, sopInstanceUID: sopInstance,
                                       transferSyntaxUID: file.transferSyntax.uid, recordType: type,
                                       recordTypeIsFallback: fallback, keys: keys)
        instance.storage = storage
        return .success(instance)
    }

    static func hasValue(_ ds: DataSet, _ tag: Tag) -> Bool {
        guard let e = ds[tag] else { return false }
        switch e.value {
        case .sequence(let items): return !items.isEmpty
        case .bytes(let b): return b.contains { $0 != 0x20 && $0 != 0 }
        default: return true
        }
    }

    static func keyword(_ tag: Tag) -> String {
        DataDictionary.entry(for: tag)?.name ?? tag.description
    }

    // MARK: Inventing (dcmmkdir +I)

    /// Attributes read only to make up a missing key from what the file has: a missing Study
    /// Date/Time is taken from the series, the acquisition or the content, before today's.
    static let inventionSources: Set<Tag> = [.seriesDate, .seriesTime, .acquisitionDate, .acquisitionTime]

    /// A made-up value for a missing Type 1 key, or nil when it cannot be made up.
    func inventValue(_ tag: Tag, _ ds: DataSet) -> String? {
        switch tag {
        case .patientID:
            // Stable: the same name and birth date give the same ID.
            return "LB" + Self.hashHex((ds.string(.patientName) ?? "") + "|" + (ds.string(.patientBirthDate) ?? ""))
        case .studyInstanceUID:
            let seed = [ds.string(.patientID), ds.string(.studyID), ds.string(.studyDate), ds.string(.studyTime),
                        ds.string(.accessionNumber)].map { $0 ?? "" }.joined(separator: "|")
            return UIDGenerator.derivedUID(from: ds.string(.patientID) ?? "", salt: "study|" + seed)
        case .seriesInstanceUID:
            let seed = [ds.string(.modality), ds.string(.seriesNumber)].map { $0 ?? "" }.joined(separator: "|")
            return UIDGenerator.derivedUID(from: ds.string(.studyInstanceUID) ?? "", salt: "series|" + seed)
        case .studyID:
            return "S" + String(Self.hashHex(ds.string(.studyInstanceUID) ?? "").prefix(8))
        case .studyDate:
            return ds.string(.seriesDate) ?? ds.string(.acquisitionDate) ?? ds.string(.contentDate) ?? Self.today().date
        case .studyTime:
            return ds.string(.seriesTime) ?? ds.string(.acquisitionTime) ?? ds.string(.contentTime) ?? Self.today().time
        case .contentDate:
            return ds.string(.studyDate) ?? Self.today().date
        case .contentTime:
            return ds.string(.studyTime) ?? Self.today().time
        case .modality:
            return "OT"
        // RT records (PS3.3 Tables F.5-11 to F.5-13): labels are free text; PLAN is the defined
        // term of Dose Summation Type for a whole plan.
        case .rtPlanLabel:
            return "PLAN"
        case .structureSetLabel:
            return "STRUCTURES"
        case .doseSummationType:
            return "PLAN"
        default:
            return nil
        }
    }

    /// Series Number 1, 2, … per study and Instance Number 1, 2, … per series (after the largest
    /// present), in path order, for those that lack one.
    func inventNumbers(_ fileSet: inout FileSet, into invented: inout [InventedValue]) {
        for p in fileSet.patients.indices {
            for s in fileSet.patients[p].studies.indices {
                var nextSeries = (fileSet.patients[p].studies[s].series.compactMap(\.seriesNumber).max() ?? 0) + 1
                for r in fileSet.patients[p].studies[s].series.indices {
                    var series = fileSet.patients[p].studies[s].series[r]
                    if series.seriesNumber == nil {
                        let v = String(nextSeries); nextSeries += 1
                        for i in series.instances.indices { try? series.instances[i].keys.set(.seriesNumber, .IS, v) }
                        invented.append(InventedValue(path: series.instances[0].path, tag: .seriesNumber,
                                                      keyword: "Series Number", value: v + " (whole series)"))
                    }
                    var next = (series.instances.compactMap(\.instanceNumber).max() ?? 0) + 1
                    let order = series.instances.indices.sorted { series.instances[$0].path < series.instances[$1].path }
                    for i in order where series.instances[i].instanceNumber == nil
                        && series.instances[i].recordType.keys.contains(where: { $0.tag == .instanceNumber }) {
                        let v = String(next); next += 1
                        try? series.instances[i].keys.set(.instanceNumber, .IS, v)
                        invented.append(InventedValue(path: series.instances[i].path, tag: .instanceNumber,
                                                      keyword: "Instance Number", value: v))
                    }
                    fileSet.patients[p].studies[s].series[r] = series
                }
            }
        }
    }

    /// 16 hex digits of FNV-1a 64 (stable across runs and platforms, unlike `Hasher`).
    static func hashHex(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h ^= UInt64(b); h = h &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func today() -> (date: String, time: String) {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyyMMdd HHmmss"
        let parts = f.string(from: Date()).split(separator: " ")
        return (String(parts[0]), String(parts[1]))
    }
}
