import DICOM
import Foundation

/// One directory record and the records below it (PS3.3 §F.3.2.2, Table F.3-3).
public struct DirectoryRecord: Sendable {
    public var type: DirectoryRecordType
    /// The record's attributes without the offsets (0004,1400)/(0004,1420), which layout fills in.
    public var item: DataSet
    public var children: [DirectoryRecord]
}

/// Builds the DICOMDIR of a file set: Basic Directory IOD, PS3.3 Annex F and PS3.10 §8.
///
/// Always Explicit VR Little Endian (PS3.10 §8.6), Media Storage SOP Class 1.2.840.10008.1.3.10,
/// File-set Consistency Flag 0000H, Record In-use Flag FFFFH. Offsets (0004,1200), (0004,1202),
/// (0004,1400), (0004,1420) count bytes from the start of the file, preamble included: the
/// builder encodes each record item to learn its length, lays the Directory Record Sequence
/// (0004,1220) out with explicit-length items in pre-order (patient, its first study, that study's
/// first series, its instances, …), then fills in the offsets (UL values never change a length).
public struct DICOMDIRBuilder: Sendable {
    /// File-set ID (0004,1130): CS, at most 16 of `A–Z 0–9 _` and space; may be empty.
    public var fileSetID: String
    /// Media Storage SOP Instance UID (0002,0003) of the DICOMDIR, the file set's UID. Kept when a
    /// DICOMDIR is rebuilt; new when nil.
    public var fileSetUID: String?

    public init(fileSetID: String = "", fileSetUID: String? = nil) throws {
        try Self.validate(fileSetID: fileSetID)
        self.fileSetID = fileSetID
        self.fileSetUID = fileSetUID
    }

    public static func validate(fileSetID: String) throws {
        guard fileSetID.utf8.count <= 16,
              fileSetID.unicodeScalars.allSatisfy({ FileID.isAllowed($0) || $0 == " " }) else {
            throw DICOMDIRError.invalidFileSetID(fileSetID)
        }
    }

    // MARK: Records

    /// The record tree for a file set. Every instance needs a File ID: its own (`fileID`, in place)
    /// or one from `fileIDs` (by SOP Instance UID, from `FileIDGenerator`).
    public func records(for fileSet: FileSet, fileIDs: [String: FileID] = [:]) throws -> [DirectoryRecord] {
        try fileSet.sortedPatients.map { patient in
            DirectoryRecord(type: .patient, item: try record(.patient, from: patient.keys), children: try patient.sortedStudies.map { study in
                DirectoryRecord(type: .study, item: try record(.study, from: study.keys), children: try study.sortedSeries.map { series in
                    DirectoryRecord(type: .series, item: try record(.series, from: series.keys), children: try series.sortedInstances.map { inst in
                        guard let id = fileIDs[inst.sopInstanceUID] ?? inst.fileID else {
                            throw DICOMDIRError.noFileID(path: inst.path, sopInstanceUID: inst.sopInstanceUID)
                        }
                        var item = try record(inst.recordType, from: inst.keys)
                        try item.set(.referencedFileID, .CS, values: id.components)
                        try item.set(.referencedSOPClassUIDInFile, .UI, inst.sopClassUID)
                        try item.set(.referencedSOPInstanceUIDInFile, .UI, inst.sopInstanceUID)
                        try item.set(.referencedTransferSyntaxUIDInFile, .UI, inst.transferSyntaxUID)
                        return DirectoryRecord(type: inst.recordType, item: item, children: [])
                    })
                })
            })
        }
    }

    /// One record: its type and the keys copied from `source` as raw bytes; Type 2 keys the
    /// source lacks are written empty; (0008,0005) is copied when a copied value needs it.
    func record(_ type: DirectoryRecordType, from source: DataSet) throws -> DataSet {
        var item = DataSet()
        item.set(.recordInUseFlag, uint16: 0xFFFF)
        try item.set(.directoryRecordType, .CS, type.rawValue)
        var needsCharset = false
        for key in type.keys {
            if let e = source[key.tag] {
                item.insert(e)
                needsCharset = needsCharset || Self.hasNonASCII(e)
            } else if key.type != .optional {
                if key.vr == .SQ { item.set(key.tag, sequence: [], undefinedLength: false) }
                else { item.insert(DataElement(tag: key.tag, vr: key.vr, bytes: [])) }
            }
        }
        // SR DOCUMENT: Verification DateTime is Type 1C (Verification Flag VERIFIED), taken from
        // the most recent Verifying Observer Sequence item (PS3.3 Table F.5-20, C.17.2).
        if type == .srDocument, item[.verificationDateTime] == nil, source.string(.verificationFlag) == "VERIFIED",
           let latest = source[.verifyingObserverSequence]?.items.compactMap({ $0[.verificationDateTime] })
               .max(by: { ($0.bytes ?? []).lexicographicallyPrecedes($1.bytes ?? []) }) {
            item.insert(latest)
        }
        if needsCharset, let cs = source[.specificCharacterSet] { item.insert(cs) }
        return item
    }

    /// True when a text value (or one nested in a sequence) has bytes outside ASCII or an escape.
    static func hasNonASCII(_ e: DataElement) -> Bool {
        switch e.value {
        case .bytes(let b): return e.vr.usesSpecificCharacterSet && b.contains { $0 >= 0x80 || $0 == 0x1B }
        case .sequence(let items): return items.contains { $0.elements.contains(where: hasNonASCII) }
        default: return false
        }
    }

    // MARK: Layout

    /// The DICOMDIR as a file, offsets filled in.
    public func makeFile(records: [DirectoryRecord]) throws -> DICOMFile {
        // Pre-order flattening: index of each record's next sibling and first child.
        var flat: [DataSet] = []
        var next: [Int?] = [], child: [Int?] = []
        func add(_ siblings: [DirectoryRecord]) -> Int? {
            var previous: Int? = nil
            var first: Int? = nil
            for r in siblings {
                let i = flat.count
                flat.append(r.item); next.append(nil); child.append(nil)
                if let p = previous { next[p] = i }
                if first == nil { first = i }
                previous = i
                child[i] = add(r.children)
            }
            return first
        }
        let rootFirst = add(records)
        var rootLast: Int? = nil
        var k = rootFirst
        while let i = k { rootLast = i; k = next[i] }

        var meta = DataSet()
        try meta.set(Tag(0x0002, 0x0002), .UI, UIDs.mediaStorageDirectoryStorage)
        try meta.set(Tag(0x0002, 0x0003), .UI, fileSetUID ?? UIDGenerator.makeUID())

        func dataSet(items: [DataSet], first: UInt32, last: UInt32) throws -> DataSet {
            var ds = DataSet()
            try ds.set(.fileSetID, .CS, fileSetID)
            ds.set(.offsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity, uint32: first)
            ds.set(.offsetOfTheLastDirectoryRecordOfTheRootDirectoryEntity, uint32: last)
            ds.set(.fileSetConsistencyFlag, uint16: 0x0000)
            ds.set(.directoryRecordSequence, sequence: items, undefinedLength: false)
            return ds
        }
        func withOffsets(_ item: DataSet, next: UInt32, lower: UInt32) -> DataSet {
            var item = item
            item.set(.offsetOfTheNextDirectoryRecord, uint32: next)
            item.set(.offsetOfReferencedLowerLevelDirectoryEntity, uint32: lower)
            return item
        }

        // Where the first item starts: the whole file with an empty sequence ends just there,
        // since (0004,1220) is the last element and its header does not depend on its items.
        let empty = DICOMFile(meta: meta, dataSet: try dataSet(items: [], first: 0, last: 0), transferSyntax: .explicitVRLittleEndian)
        let start = try Part10Writer.encode(empty, as: .explicitVRLittleEndian).count
        var offsets: [Int] = []
        var position = start
        for item in flat {
            offsets.append(position)
            // Item tag + length (8 bytes), then the item's elements; placeholders for the offsets.
            let body = try Part10Writer.encodeDataSet(withOffsets(item, next: 0, lower: 0), as: .explicitVRLittleEndian)
            position += 8 + body.count
        }
        func off(_ i: Int?) throws -> UInt32 {
            guard let i else { return 0 }
            guard let v = UInt32(exactly: offsets[i]) else { throw DICOMDIRError.tooLarge }
            return v
        }
        let items = try flat.indices.map { withOffsets(flat[$0], next: try off(next[$0]), lower: try off(child[$0])) }
        let file = DICOMFile(meta: meta, dataSet: try dataSet(items: items, first: try off(rootFirst), last: try off(rootLast)),
                             transferSyntax: .explicitVRLittleEndian)
        // The layout must match what the writer produces, byte for byte in length.
        let total = try Part10Writer.encode(file, as: .explicitVRLittleEndian).count
        guard total == position else { throw DICOMDIRError.layoutMismatch(expected: position, actual: total) }
        return file
    }

    /// Builds and writes the DICOMDIR atomically (temporary file, then rename).
    public func write(_ fileSet: FileSet, fileIDs: [String: FileID] = [:], to path: String) throws {
        let file = try makeFile(records: try records(for: fileSet, fileIDs: fileIDs))
        try Part10Writer.write(file, to: path, as: .explicitVRLittleEndian)
    }
}

public enum DICOMDIRError: Error, CustomStringConvertible, Equatable {
    case invalidFileSetID(String)
    case noFileID(path: String, sopInstanceUID: String)
    case layoutMismatch(expected: Int, actual: Int)
    case tooLarge
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidFileSetID(let s):
            return "File-set ID (0004,1130) \"\(s)\" must be at most 16 characters of A–Z, 0–9, _ and space (CS)"
        case .noFileID(let p, let uid): return "\(p): no File ID for SOP Instance UID \(uid)"
        case .layoutMismatch(let e, let a): return "internal error: DICOMDIR laid out as \(e) bytes but encodes to \(a)"
        case .tooLarge: return "the DICOMDIR would exceed 4 GiB; its offsets are 32-bit"
        case .malformed(let p, let r): return "\(p): not a usable DICOMDIR: \(r)"
        }
    }
}

/// Reads a DICOMDIR back: the records in file order and, by following the offsets at byte level
/// (explicit-length items only), the record tree, so tests and `--append` can check a directory.
public struct DICOMDIRContents: Sendable {
    public var fileSetID: String
    public var fileSetUID: String?
    /// Records in sequence order.
    public var records: [DataSet]
    /// File IDs of every record with Referenced File ID (0004,1500).
    public var referencedFileIDs: [[String]] {
        records.compactMap { r in r.contains(.referencedFileID) ? r.strings(.referencedFileID) : nil }
    }

    public static func read(path: String) throws -> DICOMDIRContents {
        let file = try Part10Reader.read(path: path, options: .loadAll)
        guard let seq = file.dataSet[.directoryRecordSequence] else {
            throw DICOMDIRError.malformed(path: path, reason: "no Directory Record Sequence (0004,1220)")
        }
        return DICOMDIRContents(fileSetID: file.dataSet.string(.fileSetID) ?? "",
                                fileSetUID: file.meta.string(Tag(0x0002, 0x0003)), records: seq.items)
    }

    /// Follows the offsets in a DICOMDIR's bytes from the root: each offset must point at an item
    /// tag (FFFE,E000) of the Directory Record Sequence. Returns (offset, record) pairs in walk
    /// order (pre-order) with each record's depth.
    public static func walkOffsets(bytes: [UInt8], path: String = "<memory>") throws -> [(offset: Int, depth: Int, record: DataSet)] {
        let file = try Part10Reader.read(bytes: bytes, options: .loadAll, name: path)
        let ds = file.dataSet
        func u16(_ p: Int) -> UInt16 { UInt16(bytes[p]) | UInt16(bytes[p + 1]) << 8 }
        func u32(_ p: Int) -> UInt32 { UInt32(u16(p)) | UInt32(u16(p + 2)) << 16 }
        func item(at offset: Int) throws -> DataSet {
            guard offset >= 132, offset + 8 <= bytes.count, u16(offset) == 0xFFFE, u16(offset + 2) == 0xE000 else {
                throw DICOMDIRError.malformed(path: path, reason: "offset \(offset) does not point at an item tag")
            }
            let length = Int(u32(offset + 4))
            guard length != 0xFFFF_FFFF, offset + 8 + length <= bytes.count else {
                throw DICOMDIRError.malformed(path: path, reason: "item at \(offset) has undefined or too large a length")
            }
            return try Part10Reader.read(bytes: Array(bytes[offset + 8 ..< offset + 8 + length]), options: .loadAll, name: path).dataSet
        }
        var out: [(Int, Int, DataSet)] = []
        var seen = Set<Int>()
        func walk(_ first: Int, depth: Int) throws {
            var o = first
            while o != 0 {
                guard seen.insert(o).inserted else { throw DICOMDIRError.malformed(path: path, reason: "offset \(o) is reached twice") }
                let r = try item(at: o)
                out.append((o, depth, r))
                if let lower = r.int(.offsetOfReferencedLowerLevelDirectoryEntity), lower != 0 { try walk(lower, depth: depth + 1) }
                o = r.int(.offsetOfTheNextDirectoryRecord) ?? 0
            }
        }
        try walk(ds.int(.offsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity) ?? 0, depth: 0)
        return out
    }
}
