import DICOM

/// What is on one volume, for people: patients, studies and series with display text, in the
/// order of the File IDs. README.TXT, INDEX.HTM, the IHE_PDI pages and the label are made from it.
public struct DiscContents: Sendable {
    public struct Series: Sendable {
        public var seriesInstanceUID: String = ""
        public var number: String
        public var modality: String
        public var description: String
        /// File IDs of the series' instances, in order.
        public var fileIDs: [FileID]
        /// Whether each instance has pixel data (a preview can be made).
        public var hasPixels: [Bool]
    }
    public struct Study: Sendable {
        public var studyInstanceUID: String
        public var date: String
        /// Study Date as DICOM DA ("20240131"), for the label.
        public var dateDA: String
        public var time: String
        public var description: String
        public var accessionNumber: String
        public var studyID: String
        public var referringPhysician: String
        public var modalities: [String]
        public var series: [Series]
        public var instanceCount: Int { series.reduce(0) { $0 + $1.fileIDs.count } }
        /// 1-based number of the study on the volume (its web page is IHE_PDI/STUnnnnn.HTM).
        public var index: Int
    }
    public struct Patient: Sendable {
        public var name: String
        public var id: String
        public var birthDate: String
        /// Patient's Birth Date as DICOM DA.
        public var birthDateDA: String
        public var sex: String
        public var studies: [Study]
    }

    public var patients: [Patient]
    public var instanceCount: Int { patients.reduce(0) { $0 + $1.studies.reduce(0) { $0 + $1.instanceCount } } }
    public var studyCount: Int { patients.reduce(0) { $0 + $1.studies.count } }

    /// Builds the summary of a file set whose instances have the given File IDs.
    public init(fileSet: FileSet, fileIDs: [String: FileID]) {
        var studyIndex = 0
        patients = fileSet.sortedPatients.map { p in
            let pk = p.keys
            return Patient(
                name: PDIText.displayName(pk.string(.patientName)), id: p.patientID,
                birthDate: PDIText.date(pk.string(.patientBirthDate)), birthDateDA: pk.string(.patientBirthDate) ?? "", sex: pk.string(.patientSex) ?? "",
                studies: p.sortedStudies.map { s in
                    studyIndex += 1
                    let sk = s.keys
                    let series = s.sortedSeries.map { r in
                        let rk = r.keys
                        let instances = r.sortedInstances
                        return Series(seriesInstanceUID: r.seriesInstanceUID, number: rk.string(.seriesNumber) ?? "", modality: rk.string(.modality) ?? "",
                                      description: rk.string(.seriesDescription) ?? "",
                                      fileIDs: instances.compactMap { fileIDs[$0.sopInstanceUID] ?? $0.fileID },
                                      hasPixels: instances.map { $0.storage.nativePixelBytes > 0 || $0.recordType == .image })
                    }
                    var modalities: [String] = []
                    for m in series.map(\.modality) where !m.isEmpty && !modalities.contains(m) { modalities.append(m) }
                    return Study(studyInstanceUID: s.studyInstanceUID, date: PDIText.date(sk.string(.studyDate)),
                                 dateDA: sk.string(.studyDate) ?? "",
                                 time: PDIText.time(sk.string(.studyTime)), description: sk.string(.studyDescription) ?? "",
                                 accessionNumber: sk.string(.accessionNumber) ?? "", studyID: sk.string(.studyID) ?? "",
                                 referringPhysician: PDIText.displayName(sk.string(.referringPhysicianName)),
                                 modalities: modalities, series: series, index: studyIndex)
                })
        }
    }

    /// Every text a person reads, to check that fonts cover it.
    public var allNames: [String] { patients.map(\.name) }
}
