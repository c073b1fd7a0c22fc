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

extension DurableRename {
    /// Starts writing `fd`'s dirty pages back to disk without waiting (Linux `sync_file_range`
    /// with SYNC_FILE_RANGE_WRITE), so that a later `commitBatch` finds less to flush. Not a
    /// durability guarantee by itself; a no-op where unavailable.
    public static func startWriteBack(_ fd: Int32) {
        _ = syncFileRange.map { $0(fd, 0, 0, 2) }
    }

    /// Makes many finished temporary files appear under their final names with one flush of the
    /// file system instead of one fsync per file: `syncfs` writes back every temporary file at
    /// once, then each is renamed and each folder involved is synced once. As with `commit`,
    /// nothing appears under a final name before its bytes are on disk. When `syncfs` is not
    /// available or fails, each file is committed on its own.
    ///
    /// - Returns: for each pair that failed, its index in `pairs` and the error (its temporary
    ///   file is removed); the others are committed.
    public static func commitBatch(_ pairs: [(temporary: String, final: String)]) -> [(Int, DataSetWriteError)] {
        guard let first = pairs.first else { return [] }
        var failures: [(Int, DataSetWriteError)] = []
        let fd = open(first.temporary, O_RDONLY | O_CLOEXEC)
        let flushed = fd >= 0 && (syncFileSystem.map { $0(fd) == 0 } ?? false)
        if fd >= 0 { close(fd) }
        guard flushed else {
            for (i, p) in pairs.enumerated() {
                do { try commit(p.temporary, to: p.final, durable: true) } catch { failures.append((i, error)) }
            }
            return failures
        }
        var folders: [String] = []
        var seen = Set<String>()
        for (i, p) in pairs.enumerated() {
            do { try commit(p.temporary, to: p.final, durable: false) } catch { failures.append((i, error)); continue }
            let folder = p.final.lastIndex(of: "/").map { String(p.final[..<$0]) } ?? "."
            if seen.insert(folder).inserted { folders.append(folder) }
        }
        for folder in folders {
            do { try syncDirectory(containing: folder + "/x") } catch {
                for (i, p) in pairs.enumerated() where p.final.hasPrefix(folder + "/") { failures.append((i, error)) }
            }
        }
        return failures
    }
}

/// Linux `syncfs(2)` (glibc ≥ 2.14), looked up at run time: Swift's Glibc module leaves out the
/// `_GNU_SOURCE` declarations. nil where the C library has none.
private let syncFileSystem: (@convention(c) (Int32) -> Int32)? = {
    #if os(Linux)
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    #else
    return nil
    #endif
}()

/// Linux `sync_file_range(2)`, looked up at run time like `syncfs`.
private let syncFileRange: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32)? = {
    #if os(Linux)
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32).self)
    #else
    return nil
    #endif
}()
