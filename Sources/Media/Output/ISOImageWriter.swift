import CIsoburn
import Foundation

/// Writes a staged file-set folder to an ISO 9660 image file: Level 1, no Rock Ridge, Joliet
/// optional, Volume Identifier = File-set ID (PS3.12 Annex F for CD-R; Annex P for DVD).
///
/// Built on libisofs directly rather than on the xorriso command API: libisofs hands the image
/// out as a stream (`iso_image_create_burn_source`) that this writer copies to the file itself,
/// so it knows the exact image size before writing (free-space check, progress total), sees the
/// `errno` of every `write(2)` (ENOSPC becomes `.noSpace`), can stop between chunks (cancellation)
/// and `fsync`s before returning; nothing is printed and no xorriso signal handlers or message
/// threads are involved. `OpticalDrive` uses the xorriso API, where libburn is needed.
///
/// Call `write(folder:to:)` with the temporary path the image should have until it is verified,
/// and rename it once verified. Checks (names, target folder, free space) come before the file is
/// opened; once writing has started, any failure or cancellation removes the file at that path. Staged names are checked against Level 1
/// first, because libisofs would silently rename them (facts.md, "Media").
///
/// Thread safety: a value type; calls from several threads are serialised process-wide (libisofs
/// keeps global state), so two writes run one after the other.
public struct ISOImageWriter: Sendable {
    public var options: ISOImageOptions
    /// Bytes per `write(2)`.
    static let chunkSize = 1 << 20

    public init(options: ISOImageOptions) { self.options = options }

    /// Writes `folder` to `imagePath` (created or truncated) and fsyncs it.
    /// - Parameters:
    ///   - cancellation: checked between 1 MiB chunks; when set, throws `.cancelled`.
    ///   - progress: called on the calling thread after each chunk and once at the end.
    /// - Throws: `DiscImageError`; the image path is removed first.
    @discardableResult
    public func write(folder: String, to imagePath: String, cancellation: MediaCancellation? = nil,
                      progress: ((MediaProgress) -> Void)? = nil) throws(DiscImageError) -> DiscImageSummary {
        let tree = try prepare(folder: folder, imagePath: imagePath)
        do {
            return try Libisofs.withLibrary {
                try Self.writeLocked(tree: tree, options: options, imagePath: imagePath, cancellation: cancellation, progress: progress)
            }
        } catch let e as DiscImageError {
            throw e
        } catch {
            throw .writeFailed(path: imagePath, reason: "\(error)")
        }
    }

    /// The size in bytes the image of `folder` will have, without writing it (for capacity checks
    /// and splitting).
    public func imageSize(folder: String) throws(DiscImageError) -> Int64 {
        let tree = try Self.checkedTree(folder)
        try Self.checkVolumeID(options.volumeID)
        do {
            return try Libisofs.withLibrary {
                let session = try ImageSession(tree: tree, options: options, willCancel: true)
                defer { session.close(cancel: true) }
                return session.size
            }
        } catch let e as DiscImageError { throw e } catch { throw .library(operation: "size", message: "\(error)") }
    }

    // MARK: Checks before writing

    private func prepare(folder: String, imagePath: String) throws(DiscImageError) -> StagedTree {
        try Self.checkVolumeID(options.volumeID)
        try DurableImageFile.checkTarget(imagePath)
        return try Self.checkedTree(folder)
    }

    static func checkVolumeID(_ id: String) throws(DiscImageError) {
        if let problem = ISO9660Names.volumeIDProblem(id) { throw .invalidVolumeID(id, reason: problem) }
    }

    /// Walks the staged folder and checks every name and the depth against Level 1.
    static func checkedTree(_ folder: String) throws(DiscImageError) -> StagedTree {
        let tree = try StagedTree.forImage(folder)
        for e in tree.entries {
            let problem = e.isDirectory ? ISO9660Names.directoryNameProblem(e.name) : ISO9660Names.fileNameProblem(e.name)
            if let problem { throw .nonConformantName(path: e.absolutePath, reason: "\"\(e.name)\" \(problem)") }
            if e.isDirectory, e.level > ISO9660Names.maximumDirectoryLevel {
                throw .nonConformantName(path: e.absolutePath, reason: "is at directory level \(e.level) (ISO 9660 allows \(ISO9660Names.maximumDirectoryLevel))")
            }
            if e.relativePath.utf8.count > 255 {
                throw .nonConformantName(path: e.absolutePath, reason: "gives a path of more than 255 characters")
            }
        }
        return tree
    }

    // MARK: Writing

    private static func writeLocked(tree: StagedTree, options: ISOImageOptions, imagePath: String,
                                    cancellation: MediaCancellation?, progress: ((MediaProgress) -> Void)?) throws(DiscImageError) -> DiscImageSummary {
        let session = try ImageSession(tree: tree, options: options, willCancel: false)
        var finished = false
        defer { session.close(cancel: !finished) }
        let total = session.size

        let file = try DurableImageFile(path: imagePath, total: total)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 4096)
        defer { buffer.deallocate() }
        while true {
            if MediaCancellation.requested(cancellation) { throw file.abandonWith(.cancelled(path: imagePath)) }
            let filled: Int
            do { filled = try session.read(into: buffer, capacity: chunkSize) } catch { throw file.abandonWith(error) }
            if filled == 0 { break }
            try file.append(buffer, count: filled)
            progress?(MediaProgress(bytesWritten: file.written, totalBytes: total))
        }
        guard file.written == total else {
            throw file.abandonWith(.library(operation: "image generation",
                                            message: (["stopped after \(file.written) of \(total) bytes"] + Libisofs.drainMessages()).joined(separator: "; ")))
        }
        try file.finish()
        finished = true
        return DiscImageSummary(path: imagePath, bytes: total, files: tree.files.count, directories: tree.directories.count)
    }
}

/// One libisofs image with its write options and output stream. Use under `Libisofs.lock`.
private final class ImageSession {
    private var image: OpaquePointer?
    private var source: UnsafeMutablePointer<burn_source>?
    private(set) var size: Int64

    init(tree: StagedTree, options: ISOImageOptions, willCancel: Bool) throws(DiscImageError) {
        var image: OpaquePointer?
        var r = iso_image_new(options.volumeID, &image)
        guard r >= 0, let image else { throw Libisofs.failure("iso_image_new", r) }
        self.image = image
        self.size = 0
        iso_tree_set_follow_symlinks(image, 1)
        iso_image_set_application_id(image, options.applicationID)
        iso_image_set_data_preparer_id(image, "LIGHTBOX")

        // The tree: folders first (parents before children), then files.
        guard let root = iso_image_get_root(image) else { close(cancel: true); throw .library(operation: "iso_image_get_root", message: "no root folder") }
        var folders: [String: OpaquePointer] = ["": root]
        for e in tree.entries {
            guard let parent = folders[e.parentPath] else { continue }
            if e.isDirectory {
                var dir: OpaquePointer?
                r = iso_tree_add_new_dir(parent, e.name, &dir)
                guard r >= 0, let dir else { close(cancel: true); throw Libisofs.failure("adding folder \(e.absolutePath)", r) }
                folders[e.relativePath] = dir
            } else {
                // Content through `BufferedFileStream` (1 MiB reads) rather than libisofs's local-file
                // stream (`iso_tree_add_new_node`, one 2 KiB read per block); the node gets the file's
                // times and mode as `iso_tree_add_new_node` would give it.
                var status = stat()
                guard stat(e.absolutePath, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
                    let reason = String(cString: strerror(errno))
                    close(cancel: true)
                    throw .sourceUnreadable(path: e.absolutePath, reason: "not a readable regular file (\(reason))")
                }
                guard let stream = BufferedFileStream.make(path: e.absolutePath, status: status) else {
                    close(cancel: true)
                    throw .library(operation: "adding \(e.absolutePath)", message: "out of memory")
                }
                var file: OpaquePointer?
                r = iso_image_add_new_file(image, parent, e.name, stream, &file)
                guard r >= 0, let file else {
                    iso_stream_unref(stream)
                    close(cancel: true)
                    throw .sourceUnreadable(path: e.absolutePath, reason: Libisofs.failure("adding", r).description)
                }
                iso_node_set_permissions(file, status.st_mode & 0o7777)
                iso_node_set_uid(file, status.st_uid)
                iso_node_set_gid(file, status.st_gid)
                iso_node_set_mtime(file, status.st_mtim.tv_sec)
                iso_node_set_atime(file, status.st_atim.tv_sec)
                iso_node_set_ctime(file, status.st_ctim.tv_sec)
            }
        }

        var opts: OpaquePointer?
        r = iso_write_opts_new(&opts, 0)  // profile 0: ISO level 1, no extensions
        guard r >= 0, let opts else { close(cancel: true); throw Libisofs.failure("iso_write_opts_new", r) }
        defer { iso_write_opts_free(opts) }
        _ = iso_write_opts_set_iso_level(opts, 1)
        _ = iso_write_opts_set_rockridge(opts, 0)
        _ = iso_write_opts_set_joliet(opts, options.joliet ? 1 : 0)
        _ = iso_write_opts_set_always_gmt(opts, 1)
        _ = iso_write_opts_set_dir_rec_mtime(opts, 1)  // directory records carry the files' times
        _ = iso_write_opts_set_fifo_size(opts, 8192)  // 16 MiB between the generator and the file
        if let t = options.fixedTimestamp {
            let seconds = time_t(t.timeIntervalSince1970.rounded(.down))
            _ = iso_write_opts_set_replace_timestamps(opts, 2)
            _ = iso_write_opts_set_default_timestamp(opts, seconds)
            var uuid = Self.volumeTimeText(t).utf8CString
            _ = uuid.withUnsafeMutableBufferPointer { iso_write_opts_set_pvd_times(opts, seconds, seconds, 0, 0, $0.baseAddress) }
        }
        if willCancel { _ = iso_write_opts_set_will_cancel(opts, 1) }

        var source: UnsafeMutablePointer<burn_source>?
        r = iso_image_create_burn_source(image, opts, &source)
        guard r >= 0, let source else { close(cancel: true); throw Libisofs.failure("iso_image_create_burn_source", r) }
        self.source = source
        self.size = Int64(source.pointee.get_size(source))
    }

    /// "YYYYMMDDhhmmss00" in UTC, the form `iso_write_opts_set_pvd_times` takes as fixed volume time.
    static func volumeTimeText(_ date: Date) -> String { ISOImageWriterTime.text(date) }

    /// Fills up to `capacity` bytes (whole 2048-byte blocks) from the image stream; 0 at the end.
    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws(DiscImageError) -> Int {
        guard let source, let readXT = source.pointee.read_xt else { return 0 }
        var filled = 0
        while filled + 2048 <= capacity {
            let n = readXT(source, buffer.advanced(by: filled).assumingMemoryBound(to: UInt8.self), 2048)
            if n < 0 { throw Libisofs.failure("image generation", Int32(n)) }
            if n == 0 { break }
            filled += Int(n)
        }
        return filled
    }

    /// Stops the generator thread (when `cancel`), frees the stream and the image.
    func close(cancel: Bool) {
        if let source {
            if cancel, let c = source.pointee.cancel { _ = c(source) }
            source.pointee.free_data?(source)
            free(source)
            self.source = nil
        }
        if let image { iso_image_unref(image); self.image = nil }
        if cancel { _ = Libisofs.drainMessages() }
    }

    deinit { close(cancel: true) }
}
