import DICOM

/// One stored instance of a file set, as far as the DICOMDIR needs it (PS3.3 §F.5).
public struct ScannedInstance: Sendable, Equatable {
    /// Where it was read.
    public var path: String
    /// Its File ID when the file already sits in a file set tree (`dicomdir` in place); nil for
    /// files a burner will copy and name (`FileIDGenerator`).
    public var fileID: FileID?
    public var sopClassUID: String
    public var sopInstanceUID: String
    public var transferSyntaxUID: String
    public var recordType: DirectoryRecordType
    /// True when no record type is defined for the SOP Class and the closest one was used.
    public var recordTypeIsFallback: Bool
    /// The header's values of every directory record key (`DirectoryRecordType.allKeyTags`), as
    /// the source's raw bytes, with (0008,0005) and any invented values.
    public var keys: DataSet
    /// How the file is stored, for deciding whether a burner can copy it as it is.
    public var storage: StorageFacts = StorageFacts()

    public var patientID: String { keys.string(.patientID) ?? "" }
    public var studyInstanceUID: String { keys.string(.studyInstanceUID) ?? "" }
    public var seriesInstanceUID: String { keys.string(.seriesInstanceUID) ?? "" }
    public var instanceNumber: Int? { keys.int(.instanceNumber) }
}

/// How an instance's file is stored (PS3.10 §7): what a burner needs to decide between copying
/// the bytes and rewriting the file, and to estimate its size on the medium.
public struct StorageFacts: Sendable, Equatable {
    /// Size of the source file in bytes.
    public var fileSize: Int64 = 0
    /// The file has a preamble, "DICM" and a File Meta group whose Media Storage SOP Class and
    /// Instance UIDs agree with the data set: it can go on a medium byte for byte.
    public var hasConformantFileMeta: Bool = false
    /// Rows × Columns × Samples per Pixel × Number of Frames × bytes per sample: the size of the
    /// pixel data once decompressed; 0 without pixel data.
    public var nativePixelBytes: Int64 = 0
    /// Values stored with an odd length in the part of the file that was read (PS3.5 §7.1.1
    /// forbids them): such a file is rewritten, which pads them, never copied byte for byte.
    public var oddLengthValues: Int = 0
    public init(fileSize: Int64 = 0, hasConformantFileMeta: Bool = false, nativePixelBytes: Int64 = 0) {
        self.fileSize = fileSize; self.hasConformantFileMeta = hasConformantFileMeta; self.nativePixelBytes = nativePixelBytes
    }
}

/// Instances of one series.
public struct SeriesNode: Sendable {
    public var seriesInstanceUID: String
    public var instances: [ScannedInstance]
    /// The series keys come from its first instance (by path).
    public var keys: DataSet { instances[0].keys }
    public var seriesNumber: Int? { keys.int(.seriesNumber) }
    /// By Instance Number, then SOP Instance UID.
    public var sortedInstances: [ScannedInstance] {
        instances.sorted { ($0.instanceNumber ?? .max, $0.sopInstanceUID) < ($1.instanceNumber ?? .max, $1.sopInstanceUID) }
    }
}

public struct StudyNode: Sendable {
    public var studyInstanceUID: String
    public var series: [SeriesNode]
    public var keys: DataSet { series[0].instances[0].keys }
    /// By Series Number, then Series Instance UID.
    public var sortedSeries: [SeriesNode] {
        series.sorted { ($0.seriesNumber ?? .max, $0.seriesInstanceUID) < ($1.seriesNumber ?? .max, $1.seriesInstanceUID) }
    }
}

public struct PatientNode: Sendable {
    public var patientID: String
    public var studies: [StudyNode]
    public var keys: DataSet { studies[0].series[0].instances[0].keys }
    /// By Study Date, then Study Instance UID.
    public var sortedStudies: [StudyNode] {
        studies.sorted { ($0.keys.string(.studyDate) ?? "", $0.studyInstanceUID) < ($1.keys.string(.studyDate) ?? "", $1.studyInstanceUID) }
    }
}

/// A file set's instances grouped patient → study → series → instance (PS3.3 §F.4, Figure F.4-1).
public struct FileSet: Sendable {
    public var patients: [PatientNode]

    public init(patients: [PatientNode] = []) { self.patients = patients }

    /// Groups instances; they must already agree on the hierarchy (the scanner checks that).
    public init(instances: [ScannedInstance]) {
        var patients: [PatientNode] = []
        var pIndex: [String: Int] = [:]
        var sIndex: [String: (Int, Int)] = [:]
        var rIndex: [String: (Int, Int, Int)] = [:]
        for inst in instances {
            let p: Int
            if let i = pIndex[inst.patientID] { p = i } else {
                p = patients.count; pIndex[inst.patientID] = p
                patients.append(PatientNode(patientID: inst.patientID, studies: []))
            }
            let s: Int
            if let (_, i) = sIndex[inst.studyInstanceUID] { s = i } else {
                s = patients[p].studies.count; sIndex[inst.studyInstanceUID] = (p, s)
                patients[p].studies.append(StudyNode(studyInstanceUID: inst.studyInstanceUID, series: []))
            }
            if let (_, _, r) = rIndex[inst.seriesInstanceUID] {
                patients[p].studies[s].series[r].instances.append(inst)
            } else {
                let r = patients[p].studies[s].series.count
                rIndex[inst.seriesInstanceUID] = (p, s, r)
                patients[p].studies[s].series.append(SeriesNode(seriesInstanceUID: inst.seriesInstanceUID, instances: [inst]))
            }
        }
        self.patients = patients
    }

    /// By Patient ID.
    public var sortedPatients: [PatientNode] { patients.sorted { $0.patientID < $1.patientID } }

    public var instances: [ScannedInstance] {
        patients.flatMap { $0.studies.flatMap { $0.series.flatMap(\.instances) } }
    }
    public var instanceCount: Int { patients.reduce(0) { $0 + $1.studies.reduce(0) { $0 + $1.series.reduce(0) { $0 + $1.instances.count } } } }
}
