import DICOM
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The durable spool of a print SCP (PS3.4 §H.4.6 print jobs):
///
///     SPOOL/queue/<job UID>/job.json, film-1.dcm, film-2.dcm …   accepted, not yet rendered
///     SPOOL/done/<job UID>/…                                     rendered (kept for the record)
///     SPOOL/failed/<job UID>/…, error.txt                        could not be rendered
///
/// `submit` writes a job under a hidden temporary folder, fsyncs every file and the folder,
/// renames it into `queue/` and fsyncs `queue/`, all before the N-ACTION is answered Success: a
/// power cut or SIGKILL after that loses nothing, and `pending()` finds the job on restart.
/// A write that fails (a full disk) throws, and the SCP answers a failure, never a false Success.
public struct PrintSpool: Sendable {
    public let folder: String
    public var queue: String { folder + "/queue" }
    public var done: String { folder + "/done" }
    public var failed: String { folder + "/failed" }

    public init(folder: String) throws {
        self.folder = folder
        for d in [folder, folder + "/queue", folder + "/done", folder + "/failed"] {
            try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        }
    }

    /// Writes the job and its films durably into the queue.
    public func submit(_ job: PrintJob, films: [DataSet]) throws(PrintSpoolError) {
        let temp = queue + "/.incoming-\(job.uid)"
        let final = queue + "/" + job.uid
        try? FileManager.default.removeItem(atPath: temp)
        do {
            try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: false)
        } catch { throw .cannotWrite(path: temp, reason: "\(error)") }
        do {
            for (i, film) in films.enumerated() {
                try Part10Writer.write(DICOMFile(meta: DataSet(), dataSet: film, transferSyntax: .explicitVRLittleEndian),
                                       to: temp + "/film-\(i + 1).dcm", as: .explicitVRLittleEndian, durable: true)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(job).write(to: URL(fileURLWithPath: temp + "/.job.json"))
            try DurableRename.commit(temp + "/.job.json", to: temp + "/job.json", durable: true)
            try DurableRename.syncDirectory(containing: temp + "/job.json")
            guard rename(temp, final) == 0 else { throw PrintSpoolError.cannotWrite(path: final, reason: String(cString: strerror(errno))) }
            try DurableRename.syncDirectory(containing: final)
        } catch let e as PrintSpoolError {
            try? FileManager.default.removeItem(atPath: temp)
            throw e
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw .cannotWrite(path: final, reason: "\(error)")
        }
    }

    /// Jobs accepted and not yet rendered, oldest first (by creation time, then UID).
    public func pending() -> [PrintJob] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: queue)) ?? []
        return names.filter { !$0.hasPrefix(".") }.compactMap { try? job(at: queue + "/" + $0) }
            .sorted { ($0.created, $0.uid) < ($1.created, $1.uid) }
    }

    public func job(at folder: String) throws -> PrintJob {
        try JSONDecoder().decode(PrintJob.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/job.json")))
    }

    /// The films of a queued job, in order.
    public func films(of job: PrintJob) throws -> [DataSet] {
        try (1 ... max(job.filmCount, 1)).prefix(job.filmCount).map {
            try Part10Reader.read(path: queue + "/\(job.uid)/film-\($0).dcm", options: .loadAll).dataSet
        }
    }

    /// Moves a job out of the queue once rendered (or failed, with the reason beside it).
    public func finish(_ job: PrintJob, error: String? = nil) {
        let target = (error == nil ? done : failed) + "/" + job.uid
        if let error { try? Array(error.utf8).write(to: queue + "/\(job.uid)/error.txt") }
        try? FileManager.default.removeItem(atPath: target)
        if rename(queue + "/" + job.uid, target) == 0 { try? DurableRename.syncDirectory(containing: target) }
    }
}

extension Array where Element == UInt8 {
    func write(to path: String) throws { try Data(self).write(to: URL(fileURLWithPath: path)) }
}

/// The spool could not take a job: the SCP answers a failure status.
public enum PrintSpoolError: Error, Sendable, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    public var description: String {
        switch self {
        case .cannotWrite(let p, let r): return "cannot write the print job to \(p): \(r) (is the spool disk full?)"
        }
    }
}
