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

    /// Reads the keys out of a record item.
    public init(offset: Int, record r: DataSet) {
        self.offset = offset
        type = (r.string(.directoryRecordType) ?? "").trimmingCharacters(in: .whitespaces).uppercased()
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
