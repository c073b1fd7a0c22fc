import DICOM
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a destination folder holds, by SOP Instance UID (PS3.3 C.12.1.1.1): kept in
/// `DEST/.lightbox-import.json`, written durably (`DurableRename`), and completed at the start of
/// each import with any DICOM file of the folder it does not list (a run interrupted before it
/// saved the index, or files put there by hand), so a re-run never copies an instance twice.
struct ImportIndex {
    static let fileName = ".lightbox-import.json"
    /// Prefix and suffix of the temporary files an import writes; any left by an interrupted run is removed.
    static let tempPrefix = ".lightbox-import-"
    static let tempSuffix = ".tmp"

    private struct Stored: Codable { var version = 1; var instances: [String: [String]] }

    /// SOP Instance UID → relative paths holding it.
    private(set) var byUID: [String: [String]] = [:]
    /// Relative path → SOP Instance UID.
    private(set) var byPath: [String: String] = [:]
    private(set) var dirty = false

    func paths(_ uid: String) -> [String] { byUID[uid] ?? [] }
    func uid(at path: String) -> String? { byPath[path] }

    /// Records that `path` holds `uid`, replacing what the index said that path held.
    mutating func add(_ uid: String, _ path: String) {
        if let old = byPath[path] {
            if old == uid { return }
            byUID[old]?.removeAll { $0 == path }
            if byUID[old]?.isEmpty == true { byUID[old] = nil }
        }
        byUID[uid, default: []].append(path)
        byPath[path] = uid
        dirty = true
    }

    /// Forgets what the index said `path` holds (a copy that did not become final).
    mutating func remove(path: String) {
        guard let uid = byPath.removeValue(forKey: path) else { return }
        byUID[uid]?.removeAll { $0 == path }
        if byUID[uid]?.isEmpty == true { byUID[uid] = nil }
        dirty = true
    }

    /// Loads the index of `root` (its real path), removes stale temporary files and adds the DICOM
    /// files the index does not list.
    static func load(root: String, cleanTemporaries: Bool) -> ImportIndex {
        var index = ImportIndex()
        if let data = FileManager.default.contents(atPath: root + "/" + fileName),
           let stored = try? JSONDecoder().decode(Stored.self, from: data) {
            // Entries whose file is gone (deleted by hand) are dropped.
            var st = stat()
            for (uid, paths) in stored.instances { for p in paths where lstat(root + "/" + p, &st) == 0 { index.add(uid, p) } }
        }
        guard let walker = FileManager.default.enumerator(atPath: root) else { return index }
        while let rel = walker.nextObject() as? String {
            let name = (rel as NSString).lastPathComponent
            let abs = root + "/" + rel
            var st = stat()
            guard lstat(abs, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            if name.hasPrefix(tempPrefix), name.hasSuffix(tempSuffix) {
                if cleanTemporaries { unlink(abs) }
                continue
            }
            if name == fileName || index.byPath[rel] != nil { continue }
            if let uid = headerUID(abs) { index.add(uid, rel) }
        }
        index.dirty = true
        return index
    }

    /// The SOP Instance UID of a DICOM file, read from its first 64 KiB; nil for anything else.
    static func headerUID(_ path: String) -> String? {
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? h.close() }
        guard let data = try? h.read(upToCount: 64 * 1024), data.count >= 132 else { return nil }
        let bytes = [UInt8](data)
        guard bytes[128] == 0x44, bytes[129] == 0x49, bytes[130] == 0x43, bytes[131] == 0x4D,
              let f = try? Part10Reader.read(bytes: bytes, options: .headerOnly, name: path) else { return nil }
        return f.dataSet.string(.sopInstanceUID)?.trimmingCharacters(in: .whitespaces)
    }

    /// Writes the index durably under `root`.
    mutating func save(root: String) throws(DataSetWriteError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Stored(instances: byUID)) else { return }
        let temp = root + "/" + Self.tempPrefix + "index-\(getpid())" + Self.tempSuffix
        guard FileManager.default.createFile(atPath: temp, contents: data) else {
            throw .cannotCreate(path: temp, reason: String(cString: strerror(errno)))
        }
        try DurableRename.commit(temp, to: root + "/" + Self.fileName, durable: true)
        dirty = false
    }
}
