import DICOM
import Foundation
import Imaging

/// Builds one volume's complete file-set tree in a folder: DICOM files under their File IDs
/// (PS3.10 §8), copied, rewritten or transcoded as planned; the DICOMDIR (PS3.3 Annex F); and the
/// IHE PDI content (README.TXT, INDEX.HTM, IHE_PDI/). Unchanged files are hard-linked when the
/// folder is on the same file system as the source (inputs are only ever read), else copied.
public struct FileSetStager: Sendable {
    public struct Options: Sendable {
        public var info: PDIInfo
        /// Web content (INDEX.HTM and IHE_PDI/); README.TXT is always written.
        public var web: WebContentWriter.Options?
        /// JPEG Baseline quality when transcoding to .50 (never done to lossy sources).
        public var encoding = EncodingOptions()
        /// The on-disc viewer (part of the web content: nothing without `web`).
        public var viewer: ViewerMode = .off
        public init(info: PDIInfo, web: WebContentWriter.Options? = WebContentWriter.Options()) {
            self.info = info; self.web = web
        }
    }

    /// One file on the volume.
    public struct StagedFile: Sendable {
        /// Relative path below the root ("DICOM/PAT00001/…", "DICOMDIR", "README.TXT").
        public var path: String
        public var size: Int64
    }

    /// A staged volume.
    public struct Result: Sendable {
        public var root: String
        public var plan: VolumePlan
        /// The instances that are on it, with their File IDs.
        public var fileIDs: [String: FileID]
        /// Planned instances that failed (decode error, unreadable): left out, DICOMDIR without them.
        public var failures: [FileSetError]
        /// Every file, DICOMDIR and PDI content included.
        public var files: [StagedFile]
        public var totalBytes: Int64 { files.reduce(0) { $0 + $1.size } }
        public var warnings: [String]
        /// The instances on the volume (target syntaxes).
        public var fileSet: FileSet
        /// What is on the volume, for people (README, web pages, label).
        public var contents: DiscContents
        /// Bytes of the on-disc viewer (its pages and data), 0 without it.
        public var viewerBytes: Int64 = 0
    }

    public var options: Options
    public init(options: Options) { self.options = options }

    public func stage(_ plan: VolumePlan, into root: String, progress: BurnProgressHandler? = nil,
                      cancel: MediaCancellation = MediaCancellation()) throws -> Result {
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: root, withIntermediateDirectories: true) } catch {
            throw BurnError.cannotWrite(path: root, reason: error.localizedDescription)
        }
        let fileIDs = try FileIDGenerator().assign(plan.fileSet)
        let instances = plan.instances
        let folders = Set(instances.compactMap { fileIDs[$0.sopInstanceUID]?.components.dropLast().joined(separator: "/") })
        for f in folders.sorted() {
            do { try fm.createDirectory(atPath: root + "/" + f, withIntermediateDirectories: true) } catch {
                throw BurnError.cannotWrite(path: root + "/" + f, reason: error.localizedDescription)
            }
        }
        let totalBytes = plan.estimatedBytes
        let encoding = options.encoding
        let slots = ConcurrentResults<Swift.Result<Int64, FileSetError>>(instances.count)
        let counter = ProgressCounter()
        DispatchQueue.concurrentPerform(iterations: instances.count) { i in
            if cancel.isCancelled { return }
            let p = instances[i]
            guard let id = fileIDs[p.sopInstanceUID] else { return }
            let dest = root + "/" + id.path
            do {
                let size = try Self.place(p, at: dest, encoding: encoding)
                slots.set(i, .success(size))
                let (n, b) = counter.add(size)
                progress?(BurnProgress(phase: .staging, volume: plan.number, done: n, total: instances.count, bytes: b, totalBytes: totalBytes))
            } catch let e as FileSetError {
                slots.set(i, .failure(e))
            } catch {
                slots.set(i, .failure(.notDICOM(path: p.source.path, reason: "\(error)")))
            }
        }
        if cancel.isCancelled { throw BurnError.cancelled }

        var files: [StagedFile] = [], failures: [FileSetError] = [], kept: [PlannedInstance] = []
        for (i, p) in instances.enumerated() {
            switch slots.get(i) {
            case .success(let size)?:
                files.append(StagedFile(path: fileIDs[p.sopInstanceUID]!.path, size: size)); kept.append(p)
            case .failure(let e)?: failures.append(e)
            case nil: failures.append(.notDICOM(path: p.source.path, reason: "not staged"))
            }
        }
        guard !kept.isEmpty else { throw BurnError.nothingToBurn(failures.count) }
        var keptFileIDs: [String: FileID] = [:]
        for p in kept { keptFileIDs[p.sopInstanceUID] = fileIDs[p.sopInstanceUID] }
        let fileSet = FileSet(instances: kept.map(\.onMedium))

        // DICOMDIR.
        do {
            try DICOMDIRBuilder(fileSetID: plan.fileSetID).write(fileSet, fileIDs: keptFileIDs, to: root + "/DICOMDIR")
        } catch { throw BurnError.dicomdir(reason: "\(error)") }
        files.append(StagedFile(path: "DICOMDIR", size: Self.size(root + "/DICOMDIR")))

        // IHE PDI content.
        var warnings: [String] = []
        var viewerBytes: Int64 = 0
        let contents = DiscContents(fileSet: fileSet, fileIDs: keptFileIDs)
        try ReadmeWriter.standard().write(contents, info: options.info, root: root)
        files.append(StagedFile(path: "README.TXT", size: Self.size(root + "/README.TXT")))
        if var web = options.web {
            let number = plan.number
            web.viewerLink = options.viewer != .off
            let result = try WebContentWriter.standard(options: web).write(
                contents, info: options.info, root: root,
                progress: { done, total in progress?(BurnProgress(phase: .previews, volume: number, done: done, total: total)) },
                isCancelled: { cancel.isCancelled })
            warnings += result.warnings
            files += result.files.map { StagedFile(path: $0, size: Self.size(root + "/" + $0)) }
            if options.viewer != .off {
                let viewer = try ViewerWriter(mode: options.viewer).write(
                    contents, root: root,
                    progress: { done, total in progress?(BurnProgress(phase: .viewer, volume: number, done: done, total: total)) },
                    isCancelled: { cancel.isCancelled })
                warnings += viewer.warnings
                files += viewer.files.map { StagedFile(path: $0, size: Self.size(root + "/" + $0)) }
                viewerBytes = viewer.bytes
            }
        }
        return Result(root: root, plan: plan, fileIDs: keptFileIDs, failures: failures, files: files,
                      warnings: warnings, fileSet: fileSet, contents: contents, viewerBytes: viewerBytes)
    }

    /// Puts one instance at `dest`; returns its size.
    static func place(_ p: PlannedInstance, at dest: String, encoding: EncodingOptions) throws -> Int64 {
        let src = p.source.path
        switch p.action {
        case .copy:
            if link(src, dest) != 0 {
                guard errno == EXDEV || errno == EPERM || errno == EMLINK else {
                    if errno == EEXIST { throw BurnError.cannotWrite(path: dest, reason: "already exists") }
                    throw BurnError.cannotWrite(path: dest, reason: String(cString: strerror(errno)))
                }
                try FileCopier.copy(src, to: dest)
            }
            return size(dest)
        case .rewrite, .transcode:
            var file: DICOMFile
            do { file = try Part10Reader.read(path: src) } catch {
                throw FileSetError.notDICOM(path: src, reason: "\(error)")
            }
            let target = TransferSyntax.forUID(p.targetTransferSyntaxUID)
            if p.action == .transcode {
                do { file = try Transcoder(options: encoding).transcode(file, to: target) } catch {
                    throw FileSetError.notDICOM(path: src, reason: "cannot transcode to \(target.name): \(error)")
                }
            }
            // A fresh File Meta Information from the data set (PS3.10 §7.1).
            file.meta = DataSet()
            file.preamble = [UInt8](repeating: 0, count: 128)
            do { try Part10Writer.write(file, to: dest, as: target) } catch {
                throw BurnError.cannotWrite(path: dest, reason: "\(error)")
            }
            return size(dest)
        }
    }

    static func size(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }
}

/// Copies a file's bytes in 1 MiB reads, to a temporary name then renamed.
enum FileCopier {
    static func copy(_ src: String, to dest: String) throws {
        let input = open(src, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw BurnError.cannotRead(path: src, reason: String(cString: strerror(errno))) }
        defer { close(input) }
        let temp = dest + ".tmp"
        let output = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw BurnError.cannotWrite(path: dest, reason: String(cString: strerror(errno))) }
        var ok = false
        defer { close(output); if !ok { unlink(temp) } }
        try copyByReading(input, output, dest)
        guard rename(temp, dest) == 0 else { throw BurnError.cannotWrite(path: dest, reason: String(cString: strerror(errno))) }
        ok = true
    }

    private static func copyByReading(_ input: Int32, _ output: Int32, _ dest: String) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n == 0 { return }
            if n < 0 { if errno == EINTR { continue }; throw BurnError.cannotWrite(path: dest, reason: String(cString: strerror(errno))) }
            var off = 0
            while off < n {
                let w = buffer.withUnsafeBytes { write(output, $0.baseAddress! + off, n - off) }
                if w < 0 { if errno == EINTR { continue }; throw BurnError.cannotWrite(path: dest, reason: String(cString: strerror(errno))) }
                off += w
            }
        }
    }
}
