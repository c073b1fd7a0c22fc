import CIsoburn
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One disc image file being written front to back, the write loop every image writer shares
/// (`ISOImageWriter`, `UDFImageWriter`):
/// - the free space is checked against the image's size before the file is created;
/// - the file is written at the path the caller gives, a temporary name next to the final one
///   (the caller verifies the image and renames it into place);
/// - finished parts are handed to the kernel for write-back as the writing goes on
///   (`sync_file_range`), so the closing `fsync` has little left to do;
/// - `finish()` fsyncs and closes; any failure, cancellation or `abandon()` removes the file.
///
/// Not thread-safe: one writer owns it.
final class DurableImageFile {
    let path: String
    /// The image size in bytes, known before writing.
    let total: Int64
    /// Bytes of the image written so far (the file position).
    private(set) var written: Int64 = 0
    private var fd: Int32
    private var flushedFrom: Int64 = 0
    private let zeroBlock = [UInt8](repeating: 0, count: 65_536)

    /// lseek(2) whence values of Linux (<unistd.h> declares them only with _GNU_SOURCE).
    static let seekData: Int32 = 3, seekHole: Int32 = 4
    /// Written bytes handed to the kernel for write-back at a time.
    static let writebackStep: Int64 = 32 << 20

    /// Checks the space on the file system of `path` and creates (or truncates) the file.
    init(path: String, total: Int64) throws(DiscImageError) {
        let folder = (path as NSString).deletingLastPathComponent
        if let available = Self.freeBytes(folder.isEmpty ? "." : folder) {
            var existing: Int64 = 0
            var st = stat()
            if stat(path, &st) == 0 { existing = Int64(st.st_size) }
            if available + existing < total { throw .noSpace(path: path, needed: total, available: available + existing) }
        }
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        self.path = path
        self.total = total
    }

    deinit { if fd >= 0 { abandon() } }

    /// Appends `count` bytes.
    func append(_ bytes: UnsafeRawPointer, count: Int) throws(DiscImageError) {
        var offset = 0
        while offset < count {
            let n = Glibc.write(fd, bytes + offset, count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw fail(errno)
            }
            offset += n
        }
        written += Int64(count)
        writeBackIfDue()
    }

    func append(_ bytes: [UInt8]) throws(DiscImageError) {
        let failure = bytes.withUnsafeBytes { b -> DiscImageError? in
            guard let base = b.baseAddress else { return nil }
            do throws(DiscImageError) { try append(base, count: b.count) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Appends `count` zero bytes: written out when short, else left as a hole in the file (it
    /// reads as zeros, and the final size is set by `finish()`).
    func appendZeros(_ count: Int64) throws(DiscImageError) {
        guard count > 0 else { return }
        if count <= Int64(zeroBlock.count) {
            try append(Array(zeroBlock.prefix(Int(count))))
            return
        }
        try skip(count)
    }

    /// Appends the first `size` bytes of the open file `source` (`sourcePath` names it in errors),
    /// copied inside the kernel (`sendfile`). Holes of a sparse source stay holes in the image.
    /// Calls `tick` after each piece with the bytes copied so far.
    func appendFile(_ source: Int32, size: Int64, sourcePath: String, tick: ((Int64) -> Bool)? = nil) throws(DiscImageError) {
        var offset: Int64 = 0
        while offset < size {
            // The next data region (SEEK_DATA/SEEK_HOLE); without support, the whole rest.
            var dataStart = Int64(lseek(source, off_t(offset), Self.seekData))
            if dataStart < 0 { dataStart = errno == ENXIO ? size : offset }
            dataStart = min(dataStart, size)
            if dataStart > offset { try skip(dataStart - offset); offset = dataStart; continue }
            var dataEnd = Int64(lseek(source, off_t(offset), Self.seekHole))
            if dataEnd <= offset { dataEnd = size }
            dataEnd = min(dataEnd, size, offset + (256 << 20))
            switch sendFileRange(from: source, offset: offset, count: dataEnd - offset, to: fd) {
            case .sent(let n):
                guard n == dataEnd - offset else {
                    throw abandonWith(.sourceUnreadable(path: sourcePath, reason: "it became shorter while the image was written"))
                }
            case .unsupported:
                try copyByReading(source, from: offset, count: dataEnd - offset, sourcePath: sourcePath)
            case .failed(let code):
                throw abandonWith(.writeFailed(path: path, reason: "copying \(sourcePath): \(String(cString: strerror(code)))"))
            }
            written += dataEnd - offset
            offset = dataEnd
            writeBackIfDue()
            if let tick, !tick(offset) { throw abandonWith(.cancelled(path: path)) }
        }
    }

    /// Fsyncs and closes; the file is complete under `path`.
    func finish() throws(DiscImageError) {
        if written < total {
            // A trailing hole (the last zeros) still counts toward the size.
            guard ftruncate(fd, off_t(total)) == 0 else { throw fail(errno) }
        }
        guard written <= total else {
            throw abandonWith(.writeFailed(path: path, reason: "wrote \(written) bytes, \(total) were planned"))
        }
        if fsync(fd) != 0 { throw fail(errno) }
        let r = close(fd)
        fd = -1
        if r != 0 { unlink(path); throw Self.writeError(errno, path: path, needed: total) }
    }

    /// Closes and removes the partial file.
    func abandon() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(path)
    }

    /// Removes the partial file and returns `error` to throw.
    func abandonWith(_ error: DiscImageError) -> DiscImageError {
        abandon()
        return error
    }

    // MARK: Internals

    private func skip(_ count: Int64) throws(DiscImageError) {
        guard lseek(fd, off_t(written + count), SEEK_SET) >= 0 else { throw fail(errno) }
        written += count
    }

    private func copyByReading(_ source: Int32, from offset: Int64, count: Int64, sourcePath: String) throws(DiscImageError) {
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 4096)
        defer { buffer.deallocate() }
        var done: Int64 = 0
        while done < count {
            let n = pread(source, buffer, Int(min(Int64(chunk), count - done)), off_t(offset + done))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                throw abandonWith(.sourceUnreadable(path: sourcePath, reason: n == 0 ? "it became shorter while the image was written" : String(cString: strerror(errno))))
            }
            var at = 0
            while at < n {
                let w = Glibc.write(fd, buffer + at, n - at)
                if w < 0 { if errno == EINTR { continue }; throw fail(errno) }
                at += w
            }
            done += Int64(n)
        }
    }

    private func writeBackIfDue() {
        if written - flushedFrom >= Self.writebackStep {
            _ = sync_file_range(fd, flushedFrom, written - flushedFrom, LIGHTBOX_SYNC_FILE_RANGE_WRITE)
            flushedFrom = written
        }
    }

    private func fail(_ code: Int32) -> DiscImageError {
        abandonWith(Self.writeError(code, path: path, needed: total))
    }

    static func writeError(_ code: Int32, path: String, needed: Int64) -> DiscImageError {
        if code == ENOSPC || code == EDQUOT || code == EFBIG {
            let folder = (path as NSString).deletingLastPathComponent
            return .noSpace(path: path, needed: needed, available: freeBytes(folder.isEmpty ? "." : folder))
        }
        return .writeFailed(path: path, reason: String(cString: strerror(code)))
    }

    /// Bytes available to an unprivileged user on the file system holding `path` (statvfs).
    static func freeBytes(_ path: String) -> Int64? {
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { return nil }
        return Int64(s.f_bavail) * Int64(s.f_frsize)
    }
}
