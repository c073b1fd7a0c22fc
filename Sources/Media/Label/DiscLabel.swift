import Foundation

/// What a patient disc's label and case insert show (IHE RAD TF-1 §15 PDI: the label carries the
/// patient name, creation date, institution and whether the disc holds "DICOM ONLY" or
/// "DICOM PLUS WEB" content). Values are display strings, already decoded from their Specific
/// Character Set; dates are DICOM DA (YYYYMMDD) and are shown as YYYY-MM-DD.
public struct DiscLabel: Sendable, Equatable {
    /// One study on the disc.
    public struct Study: Sendable, Equatable {
        /// Study Date (0008,0020), DA.
        public var date: String
        /// Study Description (0008,1030).
        public var description: String
        /// Modalities in Study (0008,0061) or the series' Modality (0008,0060) values, e.g. ["CT", "SR"].
        public var modalities: [String]

        public init(date: String, description: String, modalities: [String]) {
            self.date = date; self.description = description; self.modalities = modalities
        }
    }

    /// The IHE PDI content statement printed on the label.
    public enum Content: String, Sendable, Equatable, Codable {
        case dicomPlusWeb = "DICOM PLUS WEB"
        case dicomOnly = "DICOM ONLY"
    }

    /// Display name, e.g. "王小明 (WANG XIAOMING)"; see `PDIText.displayName(_:)` for PN values.
    public var patientName: String
    public var patientID: String
    /// Patient's Birth Date (0010,0030), DA; empty when unknown.
    public var birthDate: String
    public var studies: [Study]
    public var institution: String
    public var applicationName: String
    public var applicationVersion: String
    public var creationDate: Date
    public var content: Content
    /// This disc's number, from 1, and the number of discs in the set.
    public var volume: Int
    public var volumeCount: Int

    public init(patientName: String, patientID: String, birthDate: String = "", studies: [Study], institution: String,
                applicationName: String = "Lightbox", applicationVersion: String, creationDate: Date,
                content: Content, volume: Int = 1, volumeCount: Int = 1) {
        self.patientName = patientName; self.patientID = patientID; self.birthDate = birthDate
        self.studies = studies; self.institution = institution
        self.applicationName = applicationName; self.applicationVersion = applicationVersion
        self.creationDate = creationDate; self.content = content
        self.volume = volume; self.volumeCount = volumeCount
    }

}
