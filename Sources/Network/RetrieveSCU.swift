import DICOM
import NIOCore
import Synchronization

/// Query/Retrieve SCU for C-GET and C-MOVE (PS3.4 §C.4.2, §C.4.3): pulls the instances a
/// `RetrieveRequest` selects into a folder, with the store-server's inbox rules, and reports what
/// came, what failed and why it stopped.
public enum RetrieveSCU {
    /// C-GET (PS3.4 §C.4.3): the peer stores each instance back on the same association, for which
    /// this side proposes the SCP role of the storage SOP classes (PS3.7 §D.3.3.4). An association
    /// has at most 128 presentation contexts, so the storage classes proposed are `sopClasses`
    /// (e.g. learned from SOP Classes in Study) followed by the common ones, up to that limit.
    /// Verification is proposed too, so after a cancel the association can be shown to be usable.
    /// Throws only when no association could be made; later failures are in the report.
    public static func get(_ request: RetrieveRequest, using client: DICOMClient, into folder: String, durable: Bool = false,
                           sopClasses: [String] = [], cancelAfter: Int? = nil,
                           progress: @escaping @Sendable (RetrieveProgress) -> Void = { _ in }) async throws -> RetrieveReport {
        let inbox = try RetrieveInbox(folder: folder, durable: durable)
        var contexts = [request.model.context(.cGetRQ),
                        PresentationContextRQ(id: 0, abstractSyntax: UIDs.verification, transferSyntaxes: [TransferSyntax.implicitVRLittleEndian.uid])]
        let storage = storageContexts(known: sopClasses, budget: 128 - contexts.count)
        contexts += storage
        var roles: [String] = []
        for c in storage where !roles.contains(c.abstractSyntax) { roles.append(c.abstractSyntax) }
        let a = try await client.associate(contexts: contexts,
                                           roleSelections: roles.map { RoleSelection(sopClassUID: $0, scuRole: false, scpRole: true) },
                                           services: ServiceRegistry([inbox]))
        return await run(.cGetRQ, request, on: a, inbox: inbox, moveDestination: nil, cancelAfter: cancelAfter, progress: progress)
    }

    /// C-MOVE (PS3.4 §C.4.2) to `destination`, received by a storage SCP of this side started for
    /// the duration (as DCMTK's `movescu +P` does) on `receiver.port` (0 picks a free one),
    /// answering as `receiver.aeTitle`. The PACS must know `destination` as this host and that
    /// port; `onListening` tells the port before the C-MOVE is sent.
    public static func move(_ request: RetrieveRequest, using client: DICOMClient, destination: String,
                            receiver: (host: String, port: Int, aeTitle: String), into folder: String, durable: Bool = false,
                            cancelAfter: Int? = nil, onListening: @Sendable (Int) -> Void = { _ in },
                            progress: @escaping @Sendable (RetrieveProgress) -> Void = { _ in }) async throws -> RetrieveReport {
        let inbox = try RetrieveInbox(folder: folder, durable: durable)
        var policy = AssociationPolicy(aeTitle: receiver.aeTitle, maxPDULength: client.maxPDULength)
        policy = policy.acceptingAnyCalledAETitle
        let server = try await DICOMServer.start(.init(host: receiver.host, port: receiver.port, policy: policy, eventFilter: { _ in false }),
                                                 services: ServiceRegistry([VerificationService(), inbox]))
        onListening(server.port)
        let report: RetrieveReport
        do {
            let a = try await client.associate(contexts: [request.model.context(.cMoveRQ),
                                                          PresentationContextRQ(id: 0, abstractSyntax: UIDs.verification,
                                                                                transferSyntaxes: [TransferSyntax.implicitVRLittleEndian.uid])])
            report = await run(.cMoveRQ, request, on: a, inbox: inbox, moveDestination: destination, cancelAfter: cancelAfter, progress: progress)
        } catch {
            await server.close()
            throw error
        }
        // The store sub-associations end before the final C-MOVE response by protocol, but a peer
        // may still be releasing one: give it a moment before closing the receiver.
        for _ in 0 ..< 300 where server.activeAssociations > 0 { try? await Task.sleep(nanoseconds: 10_000_000) }
        await server.close()
        var final = report
        final.received = inbox.received
        return final
    }

    /// Sends the C-GET or C-MOVE, follows its Pending responses, cancels when asked, and releases.
    static func run(_ field: CommandField, _ request: RetrieveRequest, on a: DICOMAssociation, inbox: RetrieveInbox, moveDestination: String?,
                    cancelAfter: Int?, progress: @escaping @Sendable (RetrieveProgress) -> Void) async -> RetrieveReport {
        let sopClass = field == .cGetRQ ? request.model.getSOPClassUID : request.model.moveSOPClassUID
        var report = RetrieveReport(status: nil, counts: SubOperationCounts(), failedInstances: [], received: [], cancelled: false)
        guard let pc = a.negotiated.context(for: sopClass) else {
            a.abort()
            report.interruption = .noPresentationContext(sopClassUID: sopClass)
            return report
        }
        let syntax = TransferSyntax.forUID(pc.transferSyntax)
        struct State { var last = SubOperationCounts(); var cancelled = false }
        let state = Mutex(State())
        do {
            var command = DIMSECommand.queryRQ(field, messageID: 0, sopClassUID: sopClass)
            command.moveDestination = moveDestination
            let bytes = ByteBuffer(bytes: try Part10Writer.encodeDataSet(request.identifier, as: syntax))
            let contextID = pc.id
            let final = try await a.send(command, dataSet: bytes, contextID: contextID, onPending: { m in
                let counts = m.command.subOperations ?? SubOperationCounts()
                let cancelNow = state.withLock { s -> Bool in
                    s.last = counts
                    guard let limit = cancelAfter, !s.cancelled, Int(counts.completed) >= limit else { return false }
                    s.cancelled = true
                    return true
                }
                progress(RetrieveProgress(counts: counts, received: inbox.receivedCount))
                if cancelNow, let id = m.command.messageIDBeingRespondedTo { a.cancel(messageID: id, contextID: contextID) }
            })
            report.status = final.command.status
            report.errorComment = final.command.errorComment
            report.counts = final.command.subOperations ?? state.withLock { $0.last }
            if let ds = try? final.dataSet?.decode(syntax: syntax) {
                report.failedInstances = ds.strings(Tag(0x0008, 0x0058)).filter { !$0.isEmpty }
            }
            report.cancelled = state.withLock { $0.cancelled }
            if report.cancelled { report.echoAfterCancel = try? await a.echo() }
            try? await a.release()
        } catch let e as AssociationError {
            report.interruption = e
            report.counts = state.withLock { $0.last }
            report.cancelled = state.withLock { $0.cancelled }
            a.abort()
        } catch {
            report.interruption = .protocolError("\(error)")
            a.abort()
        }
        report.received = inbox.received
        return report
    }

    /// Presentation contexts for the C-STORE sub-operations of a C-GET, at most `budget`. In a
    /// role-reversed context the peer picks one transfer syntax, so every class gets one context
    /// with the uncompressed syntaxes (the peer decompresses a file stored otherwise; nothing is
    /// recompressed lossily). The classes `known` to be in the study come first and also get one
    /// context per encapsulated syntax while the budget allows, so their files come as stored (as
    /// `storescu -R` proposes); the common classes fill the rest.
    static func storageContexts(known: [String], budget: Int) -> [PresentationContextRQ] {
        let uncompressed = [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid]
        let encapsulated = TransferSyntax.known.filter(\.isEncapsulated).map(\.uid)
        let classes = storageSOPClasses(preferring: known, limit: budget)
        let knownSet = Set(known)
        var out: [PresentationContextRQ] = []
        var spare = budget - Set(known).intersection(classes).count // room beyond one context per known class
        for uid in classes {
            out.append(PresentationContextRQ(id: 0, abstractSyntax: uid, transferSyntaxes: uncompressed))
            guard knownSet.contains(uid), spare >= encapsulated.count else { continue }
            spare -= encapsulated.count
            out += encapsulated.map { PresentationContextRQ(id: 0, abstractSyntax: uid, transferSyntaxes: [$0]) }
        }
        // Known classes took room: drop common classes from the end to stay within the budget.
        while out.count > budget, let i = out.lastIndex(where: { !knownSet.contains($0.abstractSyntax) }) { out.remove(at: i) }
        return Array(out.prefix(budget))
    }

    /// Storage SOP classes to propose for C-GET: the given ones first, then the common ones, without
    /// repeats, at most `limit`.
    public static func storageSOPClasses(preferring preferred: [String], limit: Int) -> [String] {
        var seen = Set<String>(), out: [String] = []
        for uid in preferred + commonStorageSOPClasses where !uid.isEmpty && seen.insert(uid).inserted {
            out.append(uid)
            if out.count == limit { break }
        }
        return out
    }

    /// The storage SOP classes a clinical PACS mostly holds (PS3.4 Table B.5-1), proposed for C-GET
    /// when the SOP classes of the study are not known.
    public static let commonStorageSOPClasses: [String] = [
        UIDs.ctImageStorage, UIDs.mrImageStorage, UIDs.computedRadiographyImageStorage,
        "1.2.840.10008.5.1.4.1.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1.1", // Digital X-Ray, for presentation / processing
        "1.2.840.10008.5.1.4.1.1.1.2", "1.2.840.10008.5.1.4.1.1.1.2.1", // Digital Mammography X-Ray
        "1.2.840.10008.5.1.4.1.1.1.3", "1.2.840.10008.5.1.4.1.1.1.3.1", // Digital Intra-Oral X-Ray
        UIDs.ultrasoundImageStorage, UIDs.ultrasoundMultiFrameImageStorage, UIDs.secondaryCaptureImageStorage,
        UIDs.multiFrameSingleBitSecondaryCaptureImageStorage, UIDs.multiFrameGrayscaleByteSecondaryCaptureImageStorage,
        UIDs.multiFrameGrayscaleWordSecondaryCaptureImageStorage, UIDs.multiFrameTrueColorSecondaryCaptureImageStorage,
        UIDs.enhancedCTImageStorage, UIDs.legacyConvertedEnhancedCTImageStorage, UIDs.enhancedMRImageStorage,
        UIDs.enhancedMRColorImageStorage, UIDs.legacyConvertedEnhancedMRImageStorage, UIDs.mrSpectroscopyStorage,
        UIDs.enhancedUSVolumeStorage, UIDs.nuclearMedicineImageStorage, UIDs.positronEmissionTomographyImageStorage,
        UIDs.enhancedPETImageStorage, UIDs.legacyConvertedEnhancedPETImageStorage, UIDs.xRayAngiographicImageStorage,
        UIDs.enhancedXAImageStorage, UIDs.xRayRadiofluoroscopicImageStorage, UIDs.enhancedXRFImageStorage,
        UIDs.xRay3DAngiographicImageStorage, UIDs.xRay3DCraniofacialImageStorage, UIDs.breastTomosynthesisImageStorage,
        UIDs.rtImageStorage, UIDs.rtDoseStorage, UIDs.rtStructureSetStorage, UIDs.rtPlanStorage, UIDs.rtIonPlanStorage,
        UIDs.rtBeamsTreatmentRecordStorage, UIDs.rtBrachyTreatmentRecordStorage, UIDs.rtTreatmentSummaryRecordStorage,
        UIDs.rtIonBeamsTreatmentRecordStorage, UIDs.grayscaleSoftcopyPresentationStateStorage,
        UIDs.colorSoftcopyPresentationStateStorage, UIDs.pseudoColorSoftcopyPresentationStateStorage,
        UIDs.blendingSoftcopyPresentationStateStorage, UIDs.xaxrfGrayscaleSoftcopyPresentationStateStorage,
        UIDs.basicTextSRStorage, UIDs.enhancedSRStorage, UIDs.comprehensiveSRStorage, UIDs.comprehensive3DSRStorage,
        UIDs.extensibleSRStorage, UIDs.keyObjectSelectionDocumentStorage, UIDs.mammographyCADSRStorage, UIDs.chestCADSRStorage,
        UIDs.xRayRadiationDoseSRStorage, UIDs.radiopharmaceuticalRadiationDoseSRStorage, UIDs.patientRadiationDoseSRStorage,
        UIDs.enhancedXRayRadiationDoseSRStorage, UIDs.procedureLogStorage, UIDs.encapsulatedPDFStorage, UIDs.encapsulatedCDAStorage,
        UIDs.encapsulatedSTLStorage, UIDs.vlEndoscopicImageStorage, UIDs.videoEndoscopicImageStorage, UIDs.vlMicroscopicImageStorage,
        UIDs.videoMicroscopicImageStorage, UIDs.vlSlideCoordinatesMicroscopicImageStorage, UIDs.vlPhotographicImageStorage,
        UIDs.videoPhotographicImageStorage, UIDs.vlWholeSlideMicroscopyImageStorage, UIDs.dermoscopicPhotographyImageStorage,
        UIDs.ophthalmicPhotography8BitImageStorage, UIDs.ophthalmicPhotography16BitImageStorage, UIDs.ophthalmicTomographyImageStorage,
        UIDs.ophthalmicOpticalCoherenceTomographyBscanVolumeAnalysisStorage, UIDs.wideFieldOphthalmicPhotographyStereographicProjectionImageStorage,
        UIDs.segmentationStorage, UIDs.surfaceSegmentationStorage, UIDs.parametricMapStorage, UIDs.rawDataStorage,
        UIDs.spatialRegistrationStorage, UIDs.deformableSpatialRegistrationStorage, UIDs.spatialFiducialsStorage,
        UIDs.realWorldValueMappingStorage, UIDs.twelveLeadECGWaveformStorage, UIDs.generalECGWaveformStorage,
        UIDs.ambulatoryECGWaveformStorage, UIDs.hemodynamicWaveformStorage, UIDs.cardiacElectrophysiologyWaveformStorage,
        UIDs.basicVoiceAudioWaveformStorage, UIDs.generalAudioWaveformStorage, UIDs.arterialPulseWaveformStorage,
        UIDs.respiratoryWaveformStorage, UIDs.basicStructuredDisplayStorage, UIDs.hangingProtocolStorage,
        UIDs.storedPrintStorage, UIDs.hardcopyGrayscaleImageStorage, UIDs.hardcopyColorImageStorage,
    ]
}

extension RetrieveSCU {
    /// SOP Classes in Study (0008,0062) of the studies a request selects, asked by a Study Root
    /// C-FIND at STUDY level (PS3.4 Table C.6-5), so that C-GET can propose exactly those classes
    /// with every transfer syntax. Empty when the PACS does not say (the attribute is optional).
    public static func sopClassesInStudies(of request: RetrieveRequest, using client: DICOMClient) async -> [String] {
        var keys = [QueryKey(tag: Tag(0x0008, 0x0062), vr: .UI)]
        let studies = request.identifier.strings(QueryLevel.study.uniqueKey).filter { !$0.isEmpty }
        if !studies.isEmpty {
            keys.append(QueryKey(tag: QueryLevel.study.uniqueKey, vr: .UI, value: studies.joined(separator: "\\")))
        } else if let patient = request.identifier.string(QueryLevel.patient.uniqueKey), !patient.isEmpty {
            keys.append(QueryKey(tag: QueryLevel.patient.uniqueKey, vr: .LO, value: patient))
            keys.append(QueryKey(tag: QueryLevel.study.uniqueKey, vr: .UI))
        } else {
            return []
        }
        guard let identifier = try? QueryIdentifier.make(level: .study, keys: keys),
              let a = try? await client.associate(contexts: [QueryRetrieveModel.studyRoot.context(.cFindRQ)]) else { return [] }
        let found = Mutex<[String]>([])
        _ = try? await a.find(identifier, model: .studyRoot) { match in
            let classes = match.strings(Tag(0x0008, 0x0062)).filter { !$0.isEmpty }
            found.withLock { for c in classes where !$0.contains(c) { $0.append(c) } }
        }
        try? await a.release()
        return found.withLock { $0 }
    }
}
