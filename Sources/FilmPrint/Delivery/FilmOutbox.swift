import DICOM
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The durable to-do list of film deliveries, in the spool:
///
///     SPOOL/outbox/<destination>/<job UID>-<film>.json   a film not yet delivered there
///
/// An entry is written (temporary name, fsync, rename, fsync of the folder: `DurableRename`)
/// before its print job leaves `queue/`, and removed (with the folder synced) only after the
/// destination has the film, so a crash or power cut at any moment loses no delivery; at worst a
/// film is delivered twice, under the same identity.
public struct FilmOutbox: Sendable {
    public let folder: String

    /// What one entry records: enough to find the film in the spool and its rendered files.
    public struct Entry: Sendable, Codable, Equatable {
        public var job: PrintJob
        public var film: RenderedFilm
        /// When it was queued (UTC, ISO 8601).
        public var queued: String
    }

    /// Creates `folder` and one sub-folder per destination, durably.
    public init(folder: String, destinations: [String]) throws(FilmDeliveryError) {
        self.folder = folder
        for d in [folder] + destinations.map({ folder + "/" + $0 }) {
            do {
                if !FileManager.default.fileExists(atPath: d) {
                    try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
                    try DurableRename.syncDirectory(containing: d)
                }
            } catch { throw .outbox(path: d, reason: "\(error)") }
        }
    }

    func path(destination: String, job: String, record: Int) -> String {
        folder + "/" + destination + "/" + job + "-\(record).json"
    }

    /// Writes the entries durably; an entry already there is replaced.
    public func add(_ entries: [Entry], destination: String) throws(FilmDeliveryError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        for e in entries {
            let final = path(destination: destination, job: e.job.uid, record: e.film.record)
            let temp = folder + "/" + destination + "/.incoming-" + e.job.uid + "-\(e.film.record).json"
            do {
                try encoder.encode(e).write(to: URL(fileURLWithPath: temp))
                try DurableRename.commit(temp, to: final, durable: true)
            } catch {
                unlink(temp)
                throw .outbox(path: final, reason: "\(error)")
            }
        }
    }

    /// The entries waiting for a destination, oldest job first, films in order. Unreadable files
    /// (not written by this program) are left alone and not listed.
    public func entries(destination: String) -> [(path: String, entry: Entry)] {
        let dir = folder + "/" + destination
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        let decoder = JSONDecoder()
        return names.filter { !$0.hasPrefix(".") && $0.hasSuffix(".json") }.compactMap { name in
            let p = dir + "/" + name
            guard let data = FileManager.default.contents(atPath: p), let e = try? decoder.decode(Entry.self, from: data) else { return nil }
            return (p, e)
        }.sorted { ($0.entry.job.created, $0.entry.job.uid, $0.entry.film.record) < ($1.entry.job.created, $1.entry.job.uid, $1.entry.film.record) }
    }

    /// Moves an entry the destination keeps refusing to `<destination>/failed/`, durably, where
    /// it is kept for the operator (move it back to retry) and no longer tried.
    public func giveUp(_ path: String) throws(FilmDeliveryError) {
        let dir = (path as NSString).deletingLastPathComponent + "/failed"
        do {
            if !FileManager.default.fileExists(atPath: dir) {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                try DurableRename.syncDirectory(containing: dir)
            }
            try DurableRename.commit(path, to: dir + "/" + (path as NSString).lastPathComponent, durable: false)
            try DurableRename.syncDirectory(containing: path)
            try DurableRename.syncDirectory(containing: dir + "/x")
        } catch { throw .outbox(path: path, reason: "\(error)") }
    }

    /// Removes a delivered entry durably.
    public func remove(_ path: String) throws(FilmDeliveryError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw .outbox(path: path, reason: String(cString: strerror(errno))) }
        do { try DurableRename.syncDirectory(containing: path) } catch { throw .outbox(path: path, reason: "\(error)") }
    }

    /// Whether any destination still waits for a film of the job.
    public func holds(job uid: String, destinations: [String]) -> Bool {
        destinations.contains { d in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/" + d)) ?? []
            return names.contains { $0.hasPrefix(uid + "-") && $0.hasSuffix(".json") }
        }
    }
}
