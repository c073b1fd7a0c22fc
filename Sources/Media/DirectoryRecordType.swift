import DICOM

/// Directory Record Type (0004,1430) and the keys each record carries, PS3.3 §F.5 (Tables F.5-1…).
public enum DirectoryRecordType: String, Sendable, CaseIterable {
    case patient = "PATIENT", study = "STUDY", series = "SERIES", image = "IMAGE"
    case srDocument = "SR DOCUMENT", keyObjectDoc = "KEY OBJECT DOC", presentation = "PRESENTATION"
    case encapDoc = "ENCAP DOC", waveform = "WAVEFORM", rtDose = "RT DOSE"
    case rtStructureSet = "RT STRUCTURE SET", rtPlan = "RT PLAN", rtTreatRecord = "RT TREAT RECORD"
    case rawData = "RAW DATA", spectroscopy = "SPECTROSCOPY", registration = "REGISTRATION"
    case fiducial = "FIDUCIAL", measurement = "MEASUREMENT", surface = "SURFACE", valueMap = "VALUE MAP"
    case stereometric = "STEREOMETRIC", tract = "TRACT", assessment = "ASSESSMENT"
    case surfaceScan = "SURFACE SCAN", radiotherapy = "RADIOTHERAPY", annotation = "ANNOTATION"
    case plan = "PLAN", inventory = "INVENTORY"

    /// Whether the type sits at the instance level of the patient tree.
    public var isLeaf: Bool { self != .patient && self != .study && self != .series }

    /// The leaf record for a SOP Class (PS3.3 §F.5 and the record types PS3.11 Annex D's
    /// DICOMDIR tables name), and whether the choice is a fallback: unknown or private Storage SOP
    /// Classes get IMAGE when the header holds pixel attributes, else the closest type by name.
    /// Returns nil for SOP Classes that have no record under a patient (Hanging Protocol, Color
    /// Palette, Implant Templates: PS3.3 §F.5 puts them at the root, not supported yet).
    public static func leaf(forSOPClass uid: String, hasPixelData: Bool) -> (type: DirectoryRecordType, isFallback: Bool)? {
        guard let keyword = UIDRegistry.entry(for: uid)?.keyword else {
            return (hasPixelData ? .image : .rawData, true)
        }
        let k = keyword
        switch k {
        case "HangingProtocolStorage", "ColorPaletteStorage", "GenericImplantTemplateStorage",
             "ImplantAssemblyTemplateStorage", "ImplantTemplateGroupStorage":
            return nil
        case "KeyObjectSelectionDocumentStorage": return (.keyObjectDoc, false)
        case "RTDoseStorage": return (.rtDose, false)
        case "RTStructureSetStorage": return (.rtStructureSet, false)
        case "RTPlanStorage", "RTIonPlanStorage": return (.rtPlan, false)
        case "RTBeamsTreatmentRecordStorage", "RTBrachyTreatmentRecordStorage",
             "RTTreatmentSummaryRecordStorage", "RTIonBeamsTreatmentRecordStorage":
            return (.rtTreatRecord, false)
        case "RawDataStorage": return (.rawData, false)
        case "MRSpectroscopyStorage": return (.spectroscopy, false)
        case "SpatialRegistrationStorage", "DeformableSpatialRegistrationStorage": return (.registration, false)
        case "SpatialFiducialsStorage": return (.fiducial, false)
        case "RealWorldValueMappingStorage": return (.valueMap, false)
        case "StereometricRelationshipStorage": return (.stereometric, false)
        case "SurfaceSegmentationStorage": return (.surface, false)
        case "SurfaceScanMeshStorage", "SurfaceScanPointCloudStorage": return (.surfaceScan, false)
        case "TractographyResultsStorage": return (.tract, false)
        case "ContentAssessmentResultsStorage": return (.assessment, false)
        case "MicroscopyBulkSimpleAnnotationsStorage": return (.annotation, false)
        case "InventoryStorage": return (.inventory, false)
        case "RTPhysicianIntentStorage", "RTSegmentAnnotationStorage", "RTRadiationSetStorage",
             "CArmPhotonElectronRadiationStorage", "TomotherapeuticRadiationStorage", "RoboticArmRadiationStorage",
             "RTRadiationRecordSetStorage", "RTRadiationSalvageRecordStorage", "TomotherapeuticRadiationRecordStorage",
             "CArmPhotonElectronRadiationRecordStorage", "RoboticRadiationRecordStorage",
             "RTRadiationSetDeliveryInstructionStorage", "RTTreatmentPreparationStorage",
             "RTPatientPositionAcquisitionInstructionStorage":
            return (.radiotherapy, false)
        case "CTDefinedProcedureProtocolStorage", "CTPerformedProcedureProtocolStorage", "ProtocolApprovalStorage",
             "XADefinedProcedureProtocolStorage", "XAPerformedProcedureProtocolStorage":
            return (.plan, false)
        default: break
        }
        if k.hasPrefix("Encapsulated") { return (.encapDoc, false) }
        if k.contains("PresentationState") { return (.presentation, false) }
        if k.contains("Waveform") { return (.waveform, false) }
        if k.hasSuffix("SRStorage") || k.hasSuffix("SRStorageTrial") || k == "ProcedureLogStorage"
            || k.hasSuffix("ReportStorage") && k != "DICOSThreatDetectionReportStorage" {
            return (.srDocument, false)
        }
        if k.contains("Measurements") || k == "IntraocularLensCalculationsStorage" { return (.measurement, false) }
        if k.contains("Image") || k.contains("Photography") || k == "SegmentationStorage"
            || k == "ParametricMapStorage" || k.hasSuffix("MapStorage") {
            return (.image, false)
        }
        // Lenient: a Storage SOP Class without a dedicated record type (e.g. RT Beams Delivery
        // Instruction, DICOS AIT, Basic Structured Display): IMAGE when it carries pixels, else
        // the generic RAW DATA record, which only asks for Instance Number, Content Date and Time.
        return (hasPixelData ? .image : .rawData, true)
    }

    /// Attribute types in directory records (PS3.3 §F.5: 1 = must have a value, 2 = present,
    /// possibly empty, 1C/3 = copied when the source has them).
    public enum KeyType: Sendable { case one, two, optional }

    public struct Key: Sendable {
        public let tag: Tag
        public let vr: VR
        public let type: KeyType
        public init(_ tag: Tag, _ vr: VR, _ type: KeyType) { self.tag = tag; self.vr = vr; self.type = type }
    }

    /// The keys copied from the instance into the record (PS3.3 Tables F.5-1 to F.5-40, the
    /// Type 1 and 2 keys plus the conditional ones that the source has).
    public var keys: [Key] {
        let contentDateTime = [Key(.contentDate, .DA, .one), Key(.contentTime, .TM, .one)]
        let instance = [Key(.instanceNumber, .IS, .one)]
        let labelled = [Key(.contentLabel, .CS, .one), Key(.contentDescription, .LO, .two),
                        Key(.contentCreatorName, .PN, .two)]
        switch self {
        case .patient:
            return [Key(.patientName, .PN, .two), Key(.patientID, .LO, .one),
                    Key(.patientBirthDate, .DA, .optional), Key(.patientSex, .CS, .optional)]
        case .study:
            return [Key(.studyDate, .DA, .one), Key(.studyTime, .TM, .one), Key(.studyDescription, .LO, .two),
                    Key(.studyInstanceUID, .UI, .one), Key(.studyID, .SH, .one), Key(.accessionNumber, .SH, .two)]
        case .series:
            return [Key(.modality, .CS, .one), Key(.seriesInstanceUID, .UI, .one), Key(.seriesNumber, .IS, .one)]
        case .image:
            return instance + [Key(.imageType, .CS, .optional), Key(.rows, .US, .optional), Key(.columns, .US, .optional),
                               Key(.numberOfFrames, .IS, .optional)]
        case .srDocument:
            return instance + contentDateTime + [
                Key(.completionFlag, .CS, .one), Key(.verificationFlag, .CS, .one),
                Key(.verificationDateTime, .DT, .optional), Key(.conceptNameCodeSequence, .SQ, .one)]
        case .keyObjectDoc:
            return instance + contentDateTime + [Key(.conceptNameCodeSequence, .SQ, .one)]
        case .presentation:
            return instance + labelled + [Key(.presentationCreationDate, .DA, .one), Key(.presentationCreationTime, .TM, .one),
                                          Key(.referencedSeriesSequence, .SQ, .optional)]
        case .waveform, .rawData, .measurement, .valueMap, .stereometric, .tract, .assessment,
             .radiotherapy, .annotation, .plan, .inventory:
            return instance + contentDateTime
        case .rtDose:
            return instance + [Key(.doseSummationType, .CS, .one)]
        case .rtStructureSet:
            return instance + [Key(.structureSetLabel, .SH, .one), Key(.structureSetDate, .DA, .two),
                               Key(.structureSetTime, .TM, .two)]
        case .rtPlan:
            return instance + [Key(.rtPlanLabel, .SH, .one), Key(.rtPlanDate, .DA, .two), Key(.rtPlanTime, .TM, .two)]
        case .rtTreatRecord:
            return instance + [Key(.treatmentDate, .DA, .two), Key(.treatmentTime, .TM, .two)]
        case .encapDoc:
            return instance + [Key(.contentDate, .DA, .two), Key(.contentTime, .TM, .two),
                               Key(.documentTitle, .ST, .two), Key(.hl7InstanceIdentifier, .ST, .optional),
                               Key(.conceptNameCodeSequence, .SQ, .two),
                               Key(.mimeTypeOfEncapsulatedDocument, .LO, .one)]
        case .spectroscopy:
            return instance + contentDateTime + [Key(.imageType, .CS, .one), Key(.numberOfFrames, .IS, .one),
                                                 Key(.rows, .US, .one), Key(.columns, .US, .one)]
        case .registration, .fiducial, .surface, .surfaceScan:
            return instance + contentDateTime + labelled
        }
    }

    /// Every tag any record copies, so a scan keeps only these from each header.
    /// Attributes that are not record keys but that a disc's README, web pages and label show
    /// (kept by the scanner, never copied into records).
    public static let displayTags: Set<Tag> = [.seriesDescription, .referringPhysicianName, .institutionName,
                                               .bodyPartExamined, .patientSex, .patientBirthDate, .studyDescription]

    public static let allKeyTags: Set<Tag> = {
        var s = Set(allCases.flatMap { $0.keys.map(\.tag) })
        s.insert(.specificCharacterSet)
        s.insert(.sopClassUID); s.insert(.sopInstanceUID)
        s.insert(.verifyingObserverSequence)  // source of an SR's Verification DateTime
        return s
    }()
}
