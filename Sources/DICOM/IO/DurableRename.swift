#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way Lightbox makes a finished file appear under its final name: a complete temporary
/// file in the same folder is renamed over the final name. With `durable`, the file is fsynced
/// before the rename and its folder after it, so the new name survives a power cut (POSIX makes a
/// rename durable only once the directory is synced). Used by `Part10Writer.write` and the
/// storage SCP's inbox.
public enum DurableRename {
    /// Renames `temporary` to `final`; on failure `temporary` is removed and nothing appears under `final`.
    public static func commit(_ temporary: String, to final: String, durable: Bool) throws(DataSetWriteError) {
        if durable {
            let fd = open(temporary, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                let reason = errnoString(); unlink(temporary)
                throw .io(path: final, reason: reason)
            }
            let synced = fsync(fd) == 0
            let reason = synced ? "" : errnoString()
            close(fd)
            guard synced else { unlink(temporary); throw .io(path: final, reason: reason) }
        }
        guard rename(temporary, final) == 0 else {
            let reason = errnoString(); unlink(temporary)
            throw .cannotCreate(path: final, reason: reason)
        }
        if durable { try syncDirectory(containing: final) }
    }

    /// fsyncs the folder that holds `path`, making a rename or creation in it durable.
    public static func syncDirectory(containing path: String) throws(DataSetWriteError) {
        let dir = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: dir, reason: errnoString()) }
        defer { close(fd) }
        // Some file systems (e.g. some FUSE mounts) cannot sync a directory: EINVAL means there is nothing to do.
        if fsync(fd) != 0, errno != EINVAL { throw .io(path: dir, reason: errnoString()) }
    }
}
