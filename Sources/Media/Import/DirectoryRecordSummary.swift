import DICOM
import Foundation

/// The keys of one directory record that cataloguing needs, decoded with the DICOMDIR's
/// Specific Character Set (PS3.3 F.5: Patient, Study, Series and instance-level keys). Kept
/// instead of the whole `DataSet` so a 100,000-record DICOMDIR stays small in memory.
public struct DirectoryRecordSummary: Sendable, Equatable {
    /// Offset of the record's item tag from byte 0 of the DICOMDIR (PS3.3 F.3.2.2).
    public var offset: Int
    /// Directory Record Type (0004,1430), e.g. "PATIENT", "IMAGE".
    public var type: String
    /// Offset of the Next Directory Record (0004,1400); 0 ends the chain.
    public var next: Int
    /// Offset of Referenced Lower-Level Directory Entity (0004,1420); 0 when none.
    public var lower: Int
    /// Record In-use Flag (0004,1410): false when 0000H (inactive, PS3.3 F.3.2.2).
    public var inUse: Bool
    /// Referenced File ID (0004,1500) components; nil when the record references no file.
    public var fileID: [String]?
    public var referencedSOPClassUID: String?
    public var referencedSOPInstanceUID: String?
    public var referencedTransferSyntaxUID: String?
    public var patientName: String?
    public var patientID: String?
    public var studyInstanceUID: String?
    public var studyDate: String?
    public var studyDescription: String?
    public var seriesInstanceUID: String?
    public var seriesNumber: String?
    public var modality: String?
    public var seriesDescription: String?
    /// Keys of PS3.3 F.5 that this record's type requires and that are absent (Type 1 and 2) or
    /// empty (Type 1); empty for record types without required keys listed here.
    public var keyProblems: [KeyProblem]

    /// A required key of a directory record that is absent or empty (PS3.3 F.5).
    public struct KeyProblem: Sendable, Equatable {
        public var name: String
        /// 1: present with a value; 2: present, possibly empty (PS3.5 §7.4).
        public var type: Int
        public var absent: Bool
    }

    /// PS3.3 Table F.3-3: the Type 1 keys of every directory record.
    static let recordKeys: [(Tag, String, Int)] = [
        (.offsetOfTheNextDirectoryRecord, "Offset of the Next Directory Record", 1), (.recordInUseFlag, "Record In-use Flag", 1),
        (.offsetOfReferencedLowerLevelDirectoryEntity, "Offset of Referenced Lower-Level Directory Entity", 1),
    ]

    /// PS3.3 Tables F.5-1 to F.5-4: the Type 1 and Type 2 keys of the four basic record types.
    /// (Study Instance UID is 1C and Referenced … in File keys are checked elsewhere.)
    static let requiredKeys: [String: [(Tag, String, Int)]] = [
        "PATIENT": [(.patientName, "Patient's Name", 2), (.patientID, "Patient ID", 1)],
        "STUDY": [(.studyDate, "Study Date", 1), (.studyTime, "Study Time", 1), (.studyDescription, "Study Description", 2),
                  (.studyID, "Study ID", 1), (.accessionNumber, "Accession Number", 2)],
        "SERIES": [(.modality, "Modality", 1), (.seriesInstanceUID, "Series Instance UID", 1), (.seriesNumber, "Series Number", 1)],
        "IMAGE": [(.instanceNumber, "Instance Number", 1)],
    ]

    /// Reads the keys out of a record item.
    public init(offset: Int, record r: DataSet) {
        self.offset = offset
        type = (r.string(.directoryRecordType) ?? "").trimmingPadding.uppercased()
        next = r.int(.offsetOfTheNextDirectoryRecord) ?? 0
        lower = r.int(.offsetOfReferencedLowerLevelDirectoryEntity) ?? 0
        inUse = r.int(.recordInUseFlag).map { $0 != 0 } ?? true
        fileID = r.contains(.referencedFileID) ? r.strings(.referencedFileID) : nil
        referencedSOPClassUID = r.string(.referencedSOPClassUIDInFile)
        referencedSOPInstanceUID = r.string(.referencedSOPInstanceUIDInFile)
        referencedTransferSyntaxUID = r.string(.referencedTransferSyntaxUIDInFile)
        patientName = r.string(.patientName)
        patientID = r.string(.patientID)
        studyInstanceUID = r.string(.studyInstanceUID)
        studyDate = r.string(.studyDate)
        studyDescription = r.string(.studyDescription)
        seriesInstanceUID = r.string(.seriesInstanceUID)
        seriesNumber = r.string(.seriesNumber)
        modality = r.string(.modality)
        seriesDescription = r.string(.seriesDescription)
        var problems: [KeyProblem] = []
        for (tag, name, type) in Self.recordKeys + (Self.requiredKeys[type] ?? []) {
            if !r.contains(tag) {
                problems.append(KeyProblem(name: name, type: type, absent: true))
            } else if type == 1, r.int(tag) == nil, (r.string(tag) ?? "").trimmingPadding.isEmpty {
                problems.append(KeyProblem(name: name, type: type, absent: false))
            }
        }
        keyProblems = problems
    }

    /// The level in the Basic Directory hierarchy (PS3.3 F.4): 0 patient, 1 study, 2 series, 3 below.
    public var level: Int {
        switch type {
        case "PATIENT": return 0
        case "STUDY": return 1
        case "SERIES": return 2
        default: return 3
        }
    }
}
