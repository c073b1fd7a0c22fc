import DICOM

/// What a C-GET or C-MOVE asks for (PS3.4 §C.4.2, §C.4.3): the model, the level and the
/// identifier holding the unique keys of every level above it (hierarchical retrieve, §C.4.2.2.1).
public struct RetrieveRequest: Sendable {
    public var model: QueryRetrieveModel
    public var level: QueryLevel
    public var identifier: DataSet

    public init(model: QueryRetrieveModel, level: QueryLevel, identifier: DataSet) {
        self.model = model; self.level = level; self.identifier = identifier
    }

    /// Selects by the most specific of: SOP Instance UIDs (IMAGE), Series Instance UIDs (SERIES),
    /// Study Instance UIDs (STUDY), or a Patient ID alone (PATIENT, Patient Root). Several UIDs at
    /// one level travel as one UID list (PS3.4 §C.2.2.2.2). `model` nil picks Patient Root for a
    /// patient-level request and Study Root otherwise.
    public static func selecting(patientID: String?, studies: [String] = [], series: [String] = [], instances: [String] = [],
                                 model: QueryRetrieveModel? = nil) throws(QueryKeyError) -> RetrieveRequest {
        let level: QueryLevel = !instances.isEmpty ? .image : !series.isEmpty ? .series : !studies.isEmpty ? .study : .patient
        let model = model ?? (level == .patient ? .patientRoot : .studyRoot)
        if level == .patient && model == .studyRoot { throw .missingUniqueKey(level: .study, key: "a Study Instance UID (Study Root has no PATIENT level)") }
        var keys: [QueryKey] = []
        let patientKey = model == .patientRoot
        if patientKey {
            guard let patientID, !patientID.isEmpty else { throw .missingUniqueKey(level: level, key: "a Patient ID (Patient Root)") }
            keys.append(QueryKey(tag: Tag(0x0010, 0x0020), vr: .LO, value: patientID))
        }
        if level == .series || level == .image {
            guard studies.count == 1 else { throw .missingUniqueKey(level: level, key: "exactly one Study Instance UID") }
        }
        if level == .image { guard series.count == 1 else { throw .missingUniqueKey(level: level, key: "exactly one Series Instance UID") } }
        if !studies.isEmpty { keys.append(QueryKey(tag: QueryLevel.study.uniqueKey, vr: .UI, value: studies.joined(separator: "\\"))) }
        if !series.isEmpty { keys.append(QueryKey(tag: QueryLevel.series.uniqueKey, vr: .UI, value: series.joined(separator: "\\"))) }
        if !instances.isEmpty { keys.append(QueryKey(tag: QueryLevel.image.uniqueKey, vr: .UI, value: instances.joined(separator: "\\"))) }
        let identifier = try QueryIdentifier.make(level: level, keys: keys)
        return RetrieveRequest(model: model, level: level, identifier: identifier)
    }
}

/// Progress of a retrieve: the latest sub-operation counts from the peer (PS3.7 §9.1.3.1.x) and
/// the files this side has written.
public struct RetrieveProgress: Sendable {
    public var counts: SubOperationCounts
    public var received: Int
}

/// The outcome of a C-GET or C-MOVE as a person needs it: the final status, the counts, which
/// instances failed, what was written, and why it stopped early if it did.
public struct RetrieveReport: Sendable {
    /// The final response's status; nil when the association ended before it.
    public var status: DIMSEStatus?
    public var errorComment: String?
    /// From the final response, else the last Pending one.
    public var counts: SubOperationCounts
    /// Failed SOP Instance UID List (0008,0058) of the final response (PS3.4 §C.4.2.1.3.2, §C.4.3.1.3.2).
    public var failedInstances: [String]
    /// SOP Instance UIDs written to the destination folder, in arrival order.
    public var received: [String]
    /// Why the operation stopped before its final response (the peer aborted, the connection closed, a timeout).
    public var interruption: AssociationError?
    /// This side sent C-CANCEL.
    public var cancelled: Bool
    /// After a C-CANCEL: the status of a C-ECHO on the same association, showing it is still usable.
    public var echoAfterCancel: DIMSEStatus?

    /// Every matching instance arrived and nothing failed.
    public var isComplete: Bool {
        status?.isSuccess == true && counts.failed == 0 && interruption == nil && !cancelled
    }
}
