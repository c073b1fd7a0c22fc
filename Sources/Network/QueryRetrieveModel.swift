import DICOM

/// A Query/Retrieve Information Model (PS3.4 §C.6): which hierarchy a query walks and which SOP
/// classes carry its C-FIND, C-MOVE and C-GET.
public enum QueryRetrieveModel: String, Sendable, CaseIterable {
    /// Patient Root (PS3.4 §C.6.1): PATIENT → STUDY → SERIES → IMAGE.
    case patientRoot = "patient"
    /// Study Root (PS3.4 §C.6.2): STUDY → SERIES → IMAGE; patient attributes are study attributes.
    case studyRoot = "study"

    public var findSOPClassUID: String {
        self == .patientRoot ? UIDs.patientRootQueryRetrieveInformationModelFind : UIDs.studyRootQueryRetrieveInformationModelFind
    }
    public var moveSOPClassUID: String {
        self == .patientRoot ? UIDs.patientRootQueryRetrieveInformationModelMove : UIDs.studyRootQueryRetrieveInformationModelMove
    }
    public var getSOPClassUID: String {
        self == .patientRoot ? UIDs.patientRootQueryRetrieveInformationModelGet : UIDs.studyRootQueryRetrieveInformationModelGet
    }

    /// The levels this model has, top first.
    public var levels: [QueryLevel] { self == .patientRoot ? [.patient, .study, .series, .image] : [.study, .series, .image] }

    public var name: String { self == .patientRoot ? "Patient Root" : "Study Root" }
}

/// Query/Retrieve Level (0008,0052), PS3.4 §C.6.1.1 and §C.6.2.1.
public enum QueryLevel: String, Sendable, CaseIterable {
    case patient = "PATIENT", study = "STUDY", series = "SERIES", image = "IMAGE"

    /// The unique key of the level (PS3.4 Tables C.6-1 to C.6-4): Patient ID, Study, Series or SOP Instance UID.
    public var uniqueKey: Tag {
        switch self {
        case .patient: return Tag(0x0010, 0x0020)
        case .study: return Tag(0x0020, 0x000D)
        case .series: return Tag(0x0020, 0x000E)
        case .image: return Tag(0x0008, 0x0018)
        }
    }

    /// Return keys a person at a desk wants to see at this level (PS3.4 Tables C.6-1 to C.6-4).
    public var defaultReturnKeys: [String] {
        switch self {
        case .patient: return ["PatientName", "PatientID", "PatientBirthDate", "PatientSex"]
        case .study: return ["PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate", "StudyTime",
                             "AccessionNumber", "StudyID", "StudyDescription", "ModalitiesInStudy", "StudyInstanceUID"]
        case .series: return ["StudyInstanceUID", "Modality", "SeriesNumber", "SeriesDescription", "SeriesInstanceUID"]
        case .image: return ["StudyInstanceUID", "SeriesInstanceUID", "InstanceNumber", "SOPClassUID", "SOPInstanceUID"]
        }
    }
}
