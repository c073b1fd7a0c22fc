import DICOM

/// Why an input file cannot go into a file set. Each case names the file and, where there is one,
/// the attribute.
public enum FileSetError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Not readable as DICOM (the reader's message).
    case notDICOM(path: String, reason: String)
    /// A DICOM file that cannot be read whole: truncated, or a corrupt length or encoding. The
    /// reason is the reader's message, which names the file, the tag and the byte offset.
    case damaged(path: String, reason: String)
    /// A Type 1 directory record key is absent or empty (PS3.3 §F.5) and `invent` is off, or it
    /// cannot be made up.
    case missingKey(path: String, tag: Tag, keyword: String, record: DirectoryRecordType)
    /// Two files hold the same SOP Instance UID but different content.
    case conflictingDuplicate(sopInstanceUID: String, path: String, otherPath: String)
    /// The file's name in the tree is not a PS3.10 File ID.
    case nonConformantFileID(path: String, reason: String)
    case transferSyntaxNotAllowed(path: String, uid: String, profile: String)
    case sopClassNotAllowed(path: String, uid: String, profile: String)
    /// The SOP Class has no directory record under a patient (e.g. Hanging Protocol).
    case noPatientLevelRecord(path: String, sopClassUID: String)
    /// The same study (or series) UID under two different parents.
    case inconsistentHierarchy(path: String, tag: Tag, uid: String, expectedParent: String, actualParent: String, otherPath: String)
    /// The file is not below the file set's root folder.
    case outsideRoot(path: String, root: String)

    public var path: String {
        switch self {
        case .notDICOM(let p, _), .damaged(let p, _), .missingKey(let p, _, _, _), .conflictingDuplicate(_, let p, _),
             .nonConformantFileID(let p, _), .transferSyntaxNotAllowed(let p, _, _), .sopClassNotAllowed(let p, _, _),
             .noPatientLevelRecord(let p, _), .inconsistentHierarchy(let p, _, _, _, _, _), .outsideRoot(let p, _):
            return p
        }
    }

    public var description: String {
        switch self {
        case .notDICOM(let p, let r): return "\(p): not a DICOM file: \(r)"
        case .damaged(_, let r): return r
        case .missingKey(let p, let t, let k, let r):
            return "\(p): \(k) \(t) is missing or empty; it is Type 1 in the \(r.rawValue) directory record (PS3.3 §F.5)"
        case .conflictingDuplicate(let uid, let p, let o):
            return "\(p): SOP Instance UID \(uid) is also in \(o) with different content; one instance UID must name one object"
        case .nonConformantFileID(let p, let r): return "\(p): \(r)"
        case .transferSyntaxNotAllowed(let p, let uid, let prof):
            return "\(p): Transfer Syntax UID (0002,0010) \(uid) (\(UIDRegistry.name(for: uid) ?? "unknown")) is not allowed by \(prof); transcode it (lightbox transcode) or choose another profile"
        case .sopClassNotAllowed(let p, let uid, let prof):
            return "\(p): SOP Class UID (0008,0016) \(uid) (\(UIDRegistry.name(for: uid) ?? "unknown")) is not allowed by \(prof)"
        case .noPatientLevelRecord(let p, let uid):
            return "\(p): SOP Class UID (0008,0016) \(uid) (\(UIDRegistry.name(for: uid) ?? "unknown")) has no directory record under a patient; not supported yet"
        case .inconsistentHierarchy(let p, let t, let uid, let expected, let actual, let other):
            return "\(p): \(t == .studyInstanceUID ? "Study Instance UID" : "Series Instance UID") \(t) \(uid) belongs to \(actual) here but to \(expected) in \(other)"
        case .outsideRoot(let p, let root): return "\(p): not inside the file set folder \(root)"
        }
    }
}

/// A value the scanner made up because the source lacked it (`invent`), for the report. It goes
/// into the directory record only: the file itself is never changed.
public struct InventedValue: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var tag: Tag
    public var keyword: String
    public var value: String
    public var description: String { "\(path): \(keyword) \(tag) is missing; its DICOMDIR record has \(value) (the file is unchanged)" }
}

/// A file left out because another file holds the same instance byte for byte.
public struct DuplicateFile: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var keptPath: String
    public var sopInstanceUID: String
    public var description: String { "\(path): same instance as \(keptPath) (SOP Instance UID \(sopInstanceUID)); left out" }
}
