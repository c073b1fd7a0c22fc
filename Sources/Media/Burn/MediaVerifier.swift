import DICOM
import Foundation

/// Reads a written medium back — an ISO image through libcdio, a UDF image through `UDFVolume`, a USB folder through the file
/// system, the same readers `import` uses — and checks it against the staged file set before
/// the output is renamed into place or reported done:
/// - the volume label is the File-set ID (ISO 9660, PS3.12 Annex F);
/// - the DICOMDIR on the medium is the staged one, and its offsets lead to every record
///   (PS3.3 F.3.2.2);
/// - every file a record references is there, holds that record's SOP Instance UID and transfer
///   syntax, and is byte for byte the staged file (so its pixel data is what staging produced);
/// - every other staged file (README.TXT, INDEX.HTM, IHE_PDI/…) is there, byte for byte.
public struct MediaVerifier: Sendable {
    public init() {}

    /// Problems found, empty when the medium is right.
    public func verify(_ volume: some MediaVolume, staged: FileSetStager.Result, expectVolumeID: Bool,
                       progress: BurnProgressHandler? = nil, cancel: MediaCancellation = MediaCancellation()) -> [String] {
        var problems: [String] = []
        let where_ = (volume as? ISOVolume)?.imagePath ?? (volume as? UDFVolume)?.imagePath ?? (volume as? FolderVolume)?.root ?? "the medium"
        if expectVolumeID, volume.volumeID?.trimmingCharacters(in: .whitespaces) != staged.plan.fileSetID {
            problems.append("volume label is \"\(volume.volumeID ?? "")\", expected the File-set ID \"\(staged.plan.fileSetID)\"")
        }
        // The DICOMDIR: the staged one, and every record reachable by its offsets.
        var records: [DataSet] = []
        do {
            let bytes = try volume.readFile("DICOMDIR")
            records = try DICOMDIRContents.walkOffsets(bytes: bytes, path: "\(where_)/DICOMDIR").map(\.record)
        } catch {
            return problems + ["DICOMDIR: \(error)"]
        }
        let expected = staged.fileIDs.count
        let referencing = records.filter { $0.contains(.referencedFileID) }
        if referencing.count != expected {
            problems.append("DICOMDIR on the medium references \(referencing.count) files; \(expected) were staged")
        }
        // Referenced files: present, right instance and syntax.
        let slots = ConcurrentResults<[String]>(referencing.count)
        let total = referencing.count
        let counter = ProgressCounter()
        DispatchQueue.concurrentPerform(iterations: referencing.count) { i in
            if cancel.isCancelled { return }
            let r = referencing[i]
            let path = r.strings(.referencedFileID).joined(separator: "/")
            var found: [String] = []
            defer { slots.set(i, found) }
            do {
                let bytes = try volume.readFile(path)
                let file = try Part10Reader.read(bytes: bytes, options: .headerOnly, name: path)
                let uid = file.dataSet.string(.sopInstanceUID) ?? ""
                if uid != r.string(.referencedSOPInstanceUIDInFile) {
                    found.append("\(path): SOP Instance UID \(uid) but its record says \(r.string(.referencedSOPInstanceUIDInFile) ?? "none")")
                }
                if file.transferSyntax.uid != r.string(.referencedTransferSyntaxUIDInFile) {
                    found.append("\(path): transfer syntax \(file.transferSyntax.uid) but its record says \(r.string(.referencedTransferSyntaxUIDInFile) ?? "none")")
                }
                if let p = Self.compare(bytes, withFile: staged.root + "/" + path) { found.append("\(path): \(p)") }
                let (n, b) = counter.add(Int64(bytes.count))
                progress?(BurnProgress(phase: .verifying, volume: staged.plan.number, done: n, total: total, bytes: b, totalBytes: 0))
            } catch {
                found.append("\(path): \(error)")
            }
        }
        problems += referencing.indices.flatMap { slots.get($0) ?? [] }
        // Every other staged file.
        let referenced = Set(referencing.map { $0.strings(.referencedFileID).joined(separator: "/") })
        // Compared piece by piece: the viewer's data files run to hundreds of megabytes.
        for f in staged.files where !referenced.contains(f.path) {
            if cancel.isCancelled { break }
            do {
                if let p = try Self.compare(volume.open(f.path), withFile: staged.root + "/" + f.path) { problems.append("\(f.path): \(p)") }
            } catch {
                problems.append("\(f.path): \(error)")
            }
        }
        if cancel.isCancelled { problems.append("cancelled") }
        return problems
    }

    /// Nil when what `reader` reads equals the file's content, else what differs; 4 MiB at a time.
    static func compare(_ reader: MediaFileReader, withFile path: String) throws -> String? {
        guard let staged = FileHandle(forReadingAtPath: path) else { return "staged copy \(path) is unreadable" }
        defer { try? staged.close() }
        var offset: Int64 = 0
        while true {
            let a = try reader.read(upTo: 4 << 20)
            let b = [UInt8]((try? staged.read(upToCount: max(a.count, 1))) ?? Data())
            if a.isEmpty && b.isEmpty { return nil }
            if a != b {
                return a.count != b.count ? "\(reader.size) bytes on the medium, the staged copy differs in length"
                    : "content differs from the staged file within bytes \(offset)…\(offset + Int64(a.count))"
            }
            offset += Int64(a.count)
        }
    }

    /// Nil when `bytes` equal the file's content, else what differs.
    static func compare(_ bytes: [UInt8], withFile path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return "staged copy \(path) is unreadable" }
        if data.count != bytes.count { return "\(bytes.count) bytes on the medium, \(data.count) staged" }
        let same = data.withUnsafeBytes { d in bytes.withUnsafeBytes { b in memcmp(d.baseAddress!, b.baseAddress!, bytes.count) == 0 } }
        return same || bytes.isEmpty ? nil : "content differs from the staged file"
    }
}
