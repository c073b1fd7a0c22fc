import DICOM
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Copies the instances of a received medium into a destination folder laid out by `ImportPlan`
/// (issue 18). Each file is copied byte for byte, in chunks, to a temporary name in its target
/// folder and then renamed durably (`DurableRename`, PS3.10 files unchanged), so no half-written
/// file ever appears under a final name. Every folder is checked to resolve inside the
/// destination's real path (symbolic links included) before anything is written into it.
/// Instances already there (same SOP Instance UID and bytes, per `ImportIndex`) are skipped; an
/// instance whose UID is there with other bytes is kept beside it with a `-2`, `-3`… suffix.
public struct Importer {
    public struct Options: Sendable {
        /// Only these Study Instance UIDs (all when empty).
        public var studies: Set<String> = []
        /// Every file directly in the destination.
        public var flat = false
        /// Decide everything, write nothing.
        public var dryRun = false
        public init(studies: Set<String> = [], flat: Bool = false, dryRun: Bool = false) {
            self.studies = studies; self.flat = flat; self.dryRun = dryRun
        }
    }

    /// What happened to one planned instance (also the plan printed by a dry run).
    public enum Action: Sendable, Equatable {
        case imported(String), skipped(String), conflict(String), failed(String)
    }

    public let source: MediaSource
    public let catalog: MediaCatalog
    public let destination: String
    public let options: Options

    private let root: String
    private var index: ImportIndex
    private var nextFree: [String: Int] = [:]
    private var tempCounter = 0
    /// Copies finished under a temporary name, made final together by `flush` (one `syncfs` per
    /// batch instead of one fsync per file). Keyed by destination-relative final path.
    private var pending: [(rel: String, temporary: String, final: String, bytes: Int64)] = []
    private var pendingByPath: [String: String] = [:]
    private var pendingBytes: Int64 = 0
    /// Folders already created and checked to resolve inside the destination: relative → real path.
    private var checkedFolders: [String: String] = [:]
    /// Commit a batch once this many bytes or files wait, or this long after the last commit (so
    /// an interrupted import keeps what it copied up to a second before).
    static let batchBytes: Int64 = 256 << 20
    static let batchFiles = 1000
    static let batchSeconds = 1.0
    private var lastFlush = DispatchTime.now()

    /// Opens the destination (created when missing, unless a dry run) and reads what it holds.
    /// - Throws: `ImportError.destinationNotWritable` when it cannot be created or written.
    public init(source: MediaSource, catalog: MediaCatalog, destination: String, options: Options = Options()) throws(ImportError) {
        self.source = source; self.catalog = catalog; self.destination = destination; self.options = options
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: destination, isDirectory: &isDir) {
            if options.dryRun {
                root = destination; index = ImportIndex(); return
            }
            do { try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true) } catch {
                throw .destinationNotWritable(path: destination, reason: Self.reason(error))
            }
        } else if !isDir.boolValue {
            throw .destinationNotWritable(path: destination, reason: "it is a file, not a folder")
        }
        guard let real = realpath(destination, nil) else {
            throw .destinationNotWritable(path: destination, reason: String(cString: strerror(errno)))
        }
        root = String(cString: real); free(real)
        if !options.dryRun {
            // Probe: read-only mounts, immutable folders and full disks refuse even root.
            let probe = root + "/" + ImportIndex.tempPrefix + "probe-\(getpid())" + ImportIndex.tempSuffix
            let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw .destinationNotWritable(path: destination, reason: String(cString: strerror(errno))) }
            close(fd); unlink(probe)
        }
        index = ImportIndex.load(root: root, cleanTemporaries: !options.dryRun)
    }

    private static func reason(_ error: Error) -> String {
        if let e = error as? CocoaError, let u = e.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(u.code)))
        }
        return "\(error)"
    }

    /// Files the catalog found but could not read as DICOM: reported, not copied.
    private var unreadablePaths: Set<String> {
        Set(catalog.findings.filter { $0.kind == .unreadableFile }.flatMap(\.files))
    }

    /// What will be copied, in order (the studies asked for, unreadable files left out).
    public var plan: ImportPlan {
        ImportPlan(catalog: catalog, studies: options.studies, flat: options.flat, excluding: unreadablePaths)
    }

    /// Imports everything planned; `progress` is called after each instance with its size.
    public mutating func run(progress: (Int64) -> Void = { _ in }, plan planned: ((ImportPlan.Item, Action) -> Void)? = nil) -> ImportReport {
        var report = ImportReport()
        let problemKinds: Set<MediaFinding.Kind> = [.missingFile, .unreadableFile, .unsafeFileID]
        for f in catalog.findings where problemKinds.contains(f.kind) {
            for file in f.files { report.missingOrUnreadable.append(.init(source: file, reason: f.message)) }
        }
        let instancePaths = Set(catalog.instances.map(\.path))
        report.unsupported = source.files.map(\.path).filter { !instancePaths.contains($0) && $0 != catalog.dicomdir }
        let onMedium = Set(catalog.patients.flatMap { $0.studies.map(\.studyInstanceUID) })
        report.studiesNotFound = options.studies.filter { !onMedium.contains($0) }.sorted()

        let plan = self.plan
        let sizes = Dictionary(source.files.map { ($0.path, $0.size) }, uniquingKeysWith: { a, _ in a })
        var sinceSave = 0
        var reportIndex: [String: (imported: Bool, position: Int)] = [:]
        func flushPending() {
            for (rel, reason) in flush() {
                guard let at = reportIndex[rel] else { continue }
                let e = at.imported ? report.imported[at.position] : report.conflicts[at.position]
                if at.imported { report.imported[at.position].destination = "" } else { report.conflicts[at.position].destination = "" }
                report.failed.append(.init(source: e.source, reason: reason))
            }
            report.imported.removeAll { $0.destination.isEmpty }
            report.conflicts.removeAll { $0.destination.isEmpty }
            reportIndex = [:]
        }
        for item in plan.items {
            let uid = item.instance.sopInstanceUID.isEmpty ? "path:" + item.instance.path : item.instance.sopInstanceUID
            let action = place(item, uid: uid)
            let entry = { (d: String) in ImportReport.Entry(source: item.instance.path, destination: d, sopInstanceUID: uid) }
            switch action {
            case .imported(let d): reportIndex[d] = (true, report.imported.count); report.imported.append(entry(d))
            case .skipped(let d): report.skipped.append(entry(d))
            case .conflict(let d): reportIndex[d] = (false, report.conflicts.count); report.conflicts.append(entry(d))
            case .failed(let why): report.failed.append(.init(source: item.instance.path, reason: why))
            }
            planned?(item, action)
            progress(sizes[item.instance.path] ?? 0)
            if case .imported = action { sinceSave += 1 } else if case .conflict = action { sinceSave += 1 }
            if !options.dryRun, pendingBytes >= Self.batchBytes || pending.count >= Self.batchFiles
                || Double(DispatchTime.now().uptimeNanoseconds - lastFlush.uptimeNanoseconds) / 1e9 >= Self.batchSeconds {
                flushPending()
                if sinceSave >= 200 { try? index.save(root: root); sinceSave = 0 }
            }
        }
        flushPending()
        if !options.dryRun, index.dirty {
            do { try index.save(root: root) } catch {
                report.failed.append(.init(source: ImportIndex.fileName, reason: "the destination's index could not be saved: \(error)"))
            }
        }
        return report
    }

    // MARK: Deciding

    private mutating func place(_ item: ImportPlan.Item, uid: String) -> Action {
        let mediumPath = item.instance.path
        let known = index.paths(uid).filter { exists($0) }
        for rel in known where same(mediumPath, rel) { return .skipped(rel) }
        if let first = known.first { return beside(first, item, uid: uid) }
        var target = item.relativePath
        while true {
            if !exists(target) { return write(item, to: target, uid: uid, as: { .imported($0) }) }
            if same(mediumPath, target) { index.add(uid, target); return .skipped(target) }
            if index.uid(at: target) == uid { return beside(target, item, uid: uid) }
            target = freeName(in: item.folder)
        }
    }

    /// "IMG00001-2.dcm", "-3"… beside `base`: the first free one, or the one already holding these bytes.
    private mutating func beside(_ base: String, _ item: ImportPlan.Item, uid: String) -> Action {
        let folder = (base as NSString).deletingLastPathComponent
        var stem = ((base as NSString).lastPathComponent as NSString).deletingPathExtension
        if stem.isEmpty { stem = "IMG" }
        var k = 2
        while true {
            let name = SafeName.component("\(stem)-\(k).dcm", fallback: "IMG-\(k).dcm")
            let cand = folder.isEmpty ? name : folder + "/" + name
            if !exists(cand) { return write(item, to: cand, uid: uid, as: { .conflict($0) }) }
            if same(item.instance.path, cand) { index.add(uid, cand); return .skipped(cand) }
            k += 1
        }
    }

    /// A new IMGnnnnn.dcm above every number used in `folder`.
    private mutating func freeName(in folder: String) -> String {
        if nextFree[folder] == nil {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: abs(folder))) ?? []
            let used = names.compactMap { n -> Int? in
                guard n.hasPrefix("IMG"), n.hasSuffix(".dcm") else { return nil }
                return Int(n.dropFirst(3).dropLast(4).prefix { $0.isNumber })
            }
            nextFree[folder] = (used.max() ?? 0) + 1
        }
        while true {
            let n = nextFree[folder]!
            nextFree[folder] = n + 1
            let name = ImportPlan.fileName(n)
            let rel = folder.isEmpty ? name : folder + "/" + name
            if !exists(rel) { return rel }
        }
    }

    // MARK: Writing

    private mutating func write(_ item: ImportPlan.Item, to rel: String, uid: String, as outcome: (String) -> Action) -> Action {
        if options.dryRun { index.add(uid, rel); return outcome(rel) }
        do {
            // The folder of `rel`: the planned one, or that of the file a conflict is kept beside.
            let folder = try makeFolder((rel as NSString).deletingLastPathComponent)
            tempCounter += 1
            let temp = folder + "/" + ImportIndex.tempPrefix + "\(getpid())-\(tempCounter)" + ImportIndex.tempSuffix
            let bytes = try copy(item.instance.path, to: temp, shownAs: root + "/" + rel)
            pending.append((rel, temp, folder + "/" + (rel as NSString).lastPathComponent, bytes))
            pendingByPath[rel] = temp
            pendingBytes += bytes
            index.add(uid, rel)
            return outcome(rel)
        } catch {
            return .failed("\(error)")
        }
    }

    /// Makes the waiting copies final (`DurableRename.commitBatch`); the relative paths that
    /// failed, with why. Their index entries are dropped.
    private mutating func flush() -> [(String, String)] {
        lastFlush = DispatchTime.now()
        guard !pending.isEmpty else { return [] }
        let batch = pending
        pending = []; pendingByPath = [:]; pendingBytes = 0
        var failed: [(String, String)] = []
        for (i, error) in DurableRename.commitBatch(batch.map { ($0.temporary, $0.final) }) {
            index.remove(path: batch[i].rel)
            failed.append((batch[i].rel, "\(error)"))
        }
        return failed
    }

    /// Creates `rel` below the destination one component at a time, checking after each that it
    /// resolves inside the destination's real path, so no link leads a write (or a new folder) out of it.
    private mutating func makeFolder(_ rel: String) throws(DataSetWriteError) -> String {
        if let known = checkedFolders[rel] { return known }
        let made = try makeFolderChecked(rel)
        checkedFolders[rel] = made
        return made
    }

    private func makeFolderChecked(_ rel: String) throws(DataSetWriteError) -> String {
        var path = root
        for component in rel.split(separator: "/") {
            guard component != "..", component != "." else { throw .cannotCreate(path: rel, reason: "unsafe folder name") }
            var st = stat()
            let next = path + "/" + component
            if lstat(next, &st) != 0 {
                guard mkdir(next, 0o755) == 0 || errno == EEXIST else {
                    throw .cannotCreate(path: next, reason: String(cString: strerror(errno)))
                }
                try DurableRename.syncDirectory(containing: next)
            }
            guard let real = realpath(next, nil) else { throw .cannotCreate(path: next, reason: String(cString: strerror(errno))) }
            path = String(cString: real); free(real)
            guard path.hasPrefix(root + "/") else {
                throw .cannotCreate(path: next, reason: "it resolves to \(path), outside the destination; nothing was written there")
            }
        }
        return path
    }

    /// Copies a file of the medium in 1 MiB chunks to a new file `temp`; the bytes copied.
    private func copy(_ mediumPath: String, to temp: String, shownAs final: String) throws(DataSetWriteError) -> Int64 {
        let reader: MediaFileReader
        do { reader = try source.volume.open(mediumPath) } catch { throw .io(path: mediumPath, reason: "cannot be read from the medium: \(error)") }
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw .cannotCreate(path: final, reason: String(cString: strerror(errno))) }
        var ok = false
        var total: Int64 = 0
        defer { close(fd); if !ok { unlink(temp) } }
        // In the kernel when the volume can (sendfile from the image or folder), else in chunks.
        do {
            if let sent = try reader.send(to: fd) {
                DurableRename.startWriteBack(fd)
                ok = true
                return sent
            }
        } catch {
            throw .io(path: mediumPath, reason: "cannot be read from the medium: \(error)")
        }
        while true {
            let chunk: [UInt8]
            do { chunk = try reader.read(upTo: 1 << 20) } catch { throw .io(path: mediumPath, reason: "cannot be read from the medium: \(error)") }
            if chunk.isEmpty { break }
            total += Int64(chunk.count)
            var offset = 0
            while offset < chunk.count {
                let n = chunk.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, chunk.count - offset) }
                if n < 0 { if errno == EINTR { continue }; throw .io(path: final, reason: String(cString: strerror(errno))) }
                offset += n
            }
        }
        DurableRename.startWriteBack(fd)
        ok = true
        return total
    }

    // MARK: Looking

    private func abs(_ rel: String) -> String { rel.isEmpty ? root : root + "/" + rel }

    /// Something (file, folder or link, even dangling) is at `rel`, or a copy waits to become it.
    private func exists(_ rel: String) -> Bool {
        if pendingByPath[rel] != nil { return true }
        var st = stat()
        return lstat(abs(rel), &st) == 0
    }

    /// The medium's file and the regular file at `rel` (links not followed) hold the same bytes.
    private func same(_ mediumPath: String, _ rel: String) -> Bool {
        let fd = open(pendingByPath[rel] ?? abs(rel), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG,
              let reader = try? source.volume.open(mediumPath), reader.size == Int64(st.st_size) else { return false }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            guard let chunk = try? reader.read(upTo: 1 << 20) else { return false }
            if chunk.isEmpty { return true }
            var got = 0
            while got < chunk.count {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + got, chunk.count - got) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 { return false }
                got += n
            }
            if !chunk.withUnsafeBytes({ a in buffer.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, chunk.count) == 0 } }) { return false }
        }
    }
}
