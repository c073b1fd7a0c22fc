import Foundation

/// Copies a staged file set onto a mounted USB stick or other folder (PS3.12 Annex R: USB
/// mass storage, FAT16/FAT32; PS3.10 File IDs are valid 8.3 FAT names as they are).
///
/// Refuses a non-empty target unless `append`. Checks free space (statvfs) first. Each file is
/// written under a temporary 8.3 name (`LB000001.TMP`) in its final folder, fsynced, then renamed;
/// every folder is fsynced after its renames, so when `write` returns the data are on the stick.
/// The root DICOMDIR is copied last, so a reader never sees a DICOMDIR naming missing files.
/// On failure or cancellation everything this run created is removed (with `append`, files it
/// replaced keep their new content).
///
/// Thread safety: a value type; one write per target at a time.
public struct USBWriter: Sendable {
    /// Add to a target that already holds files; files with the same path are replaced.
    public var append: Bool
    /// Check free space before copying (tests turn it off to meet ENOSPC while copying).
    var checkFreeSpace = true
    static let chunkSize = 1 << 20
    /// Names a freshly formatted or used stick may hold that do not make it "non-empty".
    static let ignorableNames: Set<String> = ["lost+found", "System Volume Information", ".Trashes", ".fseventsd",
                                              ".Spotlight-V100", "$RECYCLE.BIN", ".DS_Store"]

    public init(append: Bool = false) { self.append = append }

    /// What `write` copied.
    public struct Summary: Sendable, Equatable {
        public var files: Int
        public var bytes: Int64
        /// Files that existed already and were replaced (append only).
        public var replaced: [String]
    }

    @discardableResult
    public func write(folder: String, to target: String, cancellation: MediaCancellation? = nil,
                      progress: ((MediaProgress) -> Void)? = nil) throws(USBWriteError) -> Summary {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDir) else { throw .targetMissing(path: target) }
        guard isDir.boolValue else { throw .targetNotFolder(path: target) }
        if !append {
            let present = ((try? FileManager.default.contentsOfDirectory(atPath: target)) ?? [])
                .filter { !Self.ignorableNames.contains($0) }.sorted()
            if !present.isEmpty { throw .targetNotEmpty(path: target, entries: Array(present.prefix(5))) }
        }
        let tree: StagedTree
        do { tree = try StagedTree.walk(folder) } catch {
            switch error {
            case .missingRoot(let p): throw .sourceMissing(path: p)
            case .unreadable(let p, let r): throw .sourceUnreadable(path: p, reason: r)
            case .unsupported(let p): throw .unsupportedFileType(path: p)
            }
        }
        let files = tree.files.sorted { a, b in (a.relativePath == "DICOMDIR" ? 1 : 0, a.relativePath) < (b.relativePath == "DICOMDIR" ? 1 : 0, b.relativePath) }
        let total = tree.totalFileBytes
        if checkFreeSpace, let available = DurableImageFile.freeBytes(target) {
            // Allow for partly used clusters: one block per file.
            var s = statvfs()
            let block = statvfs(target, &s) == 0 ? Int64(s.f_bsize) : 4096
            let needed = total + Int64(files.count + tree.directories.count) * block
            if needed > available { throw .noSpace(path: target, needed: needed, available: available) }
        }

        var copy = CopyRun(target: target)
        do {
            for d in tree.directories { try copy.makeDirectory(d.relativePath) }
            var done: Int64 = 0
            for (i, f) in files.enumerated() {
                try copy.copyFile(f, total: total, cancellation: cancellation) { bytes in
                    done += bytes
                    progress?(MediaProgress(bytesWritten: done, totalBytes: total, filesWritten: i, totalFiles: files.count))
                }
                progress?(MediaProgress(bytesWritten: done, totalBytes: total, filesWritten: i + 1, totalFiles: files.count))
            }
            // Folders deepest first, the target last: their entries (the renames) reach the stick.
            for d in tree.directories.reversed() { try copy.syncDirectory(target + "/" + d.relativePath) }
            try copy.syncDirectory(target)
        } catch {
            copy.rollBack()
            throw error
        }
        return Summary(files: files.count, bytes: total, replaced: copy.replaced)
    }
}

/// One copy run: what it created, so a failure can undo it.
private struct CopyRun {
    let target: String
    var createdDirectories: [String] = []
    var createdFiles: [String] = []
    var replaced: [String] = []
    var temporary: String?
    var counter = 0

    init(target: String) { self.target = target }

    mutating func makeDirectory(_ relative: String) throws(USBWriteError) {
        let path = target + "/" + relative
        if mkdir(path, 0o755) == 0 {
            createdDirectories.append(path)
            return
        }
        let e = errno
        var st = stat()
        if e == EEXIST, stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { return }
        throw Self.failure(e, path)
    }

    mutating func copyFile(_ file: StagedTree.Entry, total: Int64, cancellation: MediaCancellation?,
                           wrote: (Int64) -> Void) throws(USBWriteError) {
        let final = target + "/" + file.relativePath
        let folder = (final as NSString).deletingLastPathComponent
        var tmp: String
        repeat {
            counter += 1
            tmp = folder + "/" + String(format: "LB%06d.TMP", counter)
        } while access(tmp, F_OK) == 0
        let input = open(file.absolutePath, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw .sourceUnreadable(path: file.absolutePath, reason: String(cString: strerror(errno))) }
        defer { close(input) }
        let output = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw Self.failure(errno, tmp) }
        temporary = tmp
        var outputOpen = true
        defer { if outputOpen { close(output) } }

        let buffer = UnsafeMutableRawPointer.allocate(byteCount: USBWriter.chunkSize, alignment: 4096)
        defer { buffer.deallocate() }
        while true {
            if MediaCancellation.requested(cancellation) { throw .cancelled(path: target) }
            let n = read(input, buffer, USBWriter.chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw .sourceUnreadable(path: file.absolutePath, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            var off = 0
            while off < n {
                let w = Glibc.write(output, buffer + off, n - off)
                if w < 0 {
                    if errno == EINTR { continue }
                    throw Self.failure(errno, final, needed: total)
                }
                off += w
            }
            wrote(Int64(n))
        }
        if fsync(output) != 0 { throw Self.failure(errno, final, needed: total) }
        outputOpen = false
        if close(output) != 0 { throw Self.failure(errno, final, needed: total) }
        let existed = access(final, F_OK) == 0
        if rename(tmp, final) != 0 { throw Self.failure(errno, final) }
        temporary = nil
        if existed { replaced.append(file.relativePath) } else { createdFiles.append(final) }
    }

    func syncDirectory(_ path: String) throws(USBWriteError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.failure(errno, path) }
        defer { close(fd) }
        // Lenient: some file systems (vfat over FUSE) refuse fsync on directories with EINVAL.
        if fsync(fd) != 0, errno != EINVAL { throw Self.failure(errno, path) }
    }

    /// Removes the temporary file, the files and then the folders this run created.
    func rollBack() {
        if let temporary { unlink(temporary) }
        for f in createdFiles.reversed() { unlink(f) }
        for d in createdDirectories.reversed() { rmdir(d) }
    }

    static func failure(_ code: Int32, _ path: String, needed: Int64 = 0) -> USBWriteError {
        if code == ENOSPC || code == EDQUOT || code == EFBIG { return .noSpace(path: path, needed: needed, available: nil) }
        return .writeFailed(path: path, reason: String(cString: strerror(code)))
    }
}
