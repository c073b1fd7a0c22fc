import DICOM
import Network

/// One Basic Film Session and what hangs under it (PS3.4 §H.4.1-§H.4.5), as a value: the print
/// SCP keeps one per association (PS3.4 §H.2.2: a film session exists for the duration of its
/// association). Every operation of PS3.4 Annex H is a mutating method returning the response,
/// so the rules are tested without a network; N-ACTION returns a frozen copy to print.
public struct PrintSession: Sendable {
    public struct ImageBox: Sendable {
        public var uid: String
        public var position: Int
        /// Polarity, Magnification Type, Requested Image Size, … as last set.
        public var attributes = DataSet()
        /// The Basic Grayscale Image Sequence item (PS3.3 C.13.5): Rows, Columns, Bits, Pixel Data.
        public var image: DataSet?
    }
    public struct AnnotationBox: Sendable {
        public var uid: String
        public var position: Int
        public var text: String = ""
    }
    public struct FilmBox: Sendable {
        public var uid: String
        public var attributes: DataSet
        public var imageBoxes: [ImageBox]
        public var annotationBoxes: [AnnotationBox]
        public var printed = false
    }

    public var sessionUID: String?
    /// Films printed so far in this session (film box and session N-ACTIONs): numbers the films of each job.
    public private(set) var filmsPrinted = 0
    public var sessionAttributes = DataSet()
    public var filmBoxes: [FilmBox] = []
    /// Presentation LUT SOP Instances (PS3.4 §H.4.9) by UID.
    public var presentationLUTs: [String: DataSet] = [:]
    /// Annotation boxes per Annotation Display Format ID (from the printer profile); absent IDs have none.
    public var annotationPositions: [String: Int] = [:]
    /// Whether the peer negotiated the Basic Annotation Box SOP Class (else no annotation boxes are made).
    public var annotationsNegotiated = false

    public init() {}

    // MARK: Film Session, PS3.4 §H.4.1

    /// N-CREATE (§H.4.1.2.1): one film session per association (a second one: 0111 Duplicate SOP
    /// Instance, as DCMTK answers); Memory Allocation is accepted with warning B600.
    public mutating func createSession(uid proposed: String?, attributes: DataSet) -> DIMSEResponse {
        guard sessionUID == nil else {
            return DIMSEResponse(status: .duplicateSOPInstance, errorComment: "a film session exists on this association")
        }
        if let failure = PrintAttributeRules.filmSession.validate(attributes, creating: true) { return failure.response }
        let uid = proposed.flatMap { $0.isEmpty ? nil : $0 } ?? UIDGenerator.makeUID()
        sessionUID = uid
        sessionAttributes = Self.defaults(session: attributes)
        var r = DIMSEResponse(status: attributes[.memoryAllocation] != nil ? PrintStatus.memoryAllocationNotSupported : .success,
                              dataSet: sessionAttributes, affectedSOPInstanceUID: uid)
        if attributes[.memoryAllocation] != nil { r.errorComment = "Memory Allocation is not supported" }
        return r
    }

    public mutating func setSession(uid: String, attributes: DataSet) -> DIMSEResponse {
        guard uid == sessionUID else { return Self.noSuchInstance(uid) }
        if let failure = PrintAttributeRules.filmSession.validate(attributes, creating: false) { return failure.response }
        for e in attributes.elements { sessionAttributes.insert(e) }
        return DIMSEResponse(status: .success, dataSet: attributes)
    }

    /// N-ACTION (§H.4.1.2.4): prints every film box; C600 when there is none, B602 when no image box has an image.
    public mutating func printSession(uid: String) -> (DIMSEResponse, [FilmBox]) {
        guard uid == sessionUID else { return (Self.noSuchInstance(uid), []) }
        guard !filmBoxes.isEmpty else {
            return (DIMSEResponse(status: PrintStatus.noFilmBox, errorComment: "the film session has no film box"), [])
        }
        let empty = filmBoxes.allSatisfy { $0.imageBoxes.allSatisfy { $0.image == nil } }
        for i in filmBoxes.indices { filmBoxes[i].printed = true }
        filmsPrinted += filmBoxes.count
        return (DIMSEResponse(status: empty ? PrintStatus.sessionEmptyPage : .success), filmBoxes)
    }

    /// N-DELETE (§H.4.1.2.3): the session and everything under it.
    public mutating func deleteSession(uid: String) -> DIMSEResponse {
        guard uid == sessionUID else { return Self.noSuchInstance(uid) }
        self = PrintSession(keeping: self)
        return .success
    }

    /// A fresh session after N-DELETE. Presentation LUTs stay: they belong to the association, not
    /// to the film session (PS3.4 §H.4.9; DCMTK's print SCU deletes them after the session).
    private init(keeping old: PrintSession) {
        presentationLUTs = old.presentationLUTs
        annotationPositions = old.annotationPositions
        annotationsNegotiated = old.annotationsNegotiated
    }

    // MARK: Film Box, PS3.4 §H.4.2

    /// N-CREATE (§H.4.2.2.1): needs the session (Referenced Film Session Sequence), makes one image
    /// box per position of the display format and the annotation boxes of its format, and answers
    /// every attribute with the printer's defaults, plus the Referenced Image Box and Referenced
    /// Basic Annotation Box Sequences.
    public mutating func createFilmBox(uid proposed: String?, attributes: DataSet, defaults: DataSet,
                                       check: (DataSet) -> AttributeFailure? = { _ in nil }) -> DIMSEResponse {
        guard let session = sessionUID else {
            return DIMSEResponse(status: .invalidObjectInstance, errorComment: "no film session: N-CREATE a Basic Film Session first")
        }
        if let failure = PrintAttributeRules.filmBox.validate(attributes, creating: true) { return failure.response }
        let ref = attributes.sequenceItems(.referencedFilmSessionSequence).first
        guard let referenced = ref?.string(.referencedSOPInstanceUID), referenced == session else {
            return AttributeFailure(status: .invalidAttributeValue, tag: .referencedFilmSessionSequence,
                                    reason: "Referenced Film Session Sequence does not name this association's film session").response
        }
        if let lut = attributes.sequenceItems(.referencedPresentationLUTSequence).first?.string(.referencedSOPInstanceUID),
           presentationLUTs[lut] == nil {
            return AttributeFailure(status: .invalidAttributeValue, tag: .referencedPresentationLUTSequence,
                                    reason: "Presentation LUT \(lut) does not exist").response
        }
        if let failure = check(attributes) { return failure.response }
        let count = (try? ImageDisplayFormat(dicom: attributes.string(.imageDisplayFormat) ?? ""))?.boxCount ?? 0
        let uid = proposed.flatMap { $0.isEmpty ? nil : $0 } ?? UIDGenerator.makeUID()
        var merged = defaults
        for e in attributes.elements { merged.insert(e) }
        let boxes = (1 ... max(count, 1)).map { ImageBox(uid: UIDGenerator.makeUID(), position: $0) }
        let formatID = merged.string(.annotationDisplayFormatID) ?? ""
        let annotations = annotationsNegotiated ? (0 ..< (annotationPositions[formatID] ?? 0)).map {
            AnnotationBox(uid: UIDGenerator.makeUID(), position: $0 + 1)
        } : []
        filmBoxes.append(FilmBox(uid: uid, attributes: merged, imageBoxes: boxes, annotationBoxes: annotations))

        var response = merged
        response.set(.referencedImageBoxSequence, sequence: boxes.map { Self.reference(UIDs.basicGrayscaleImageBox, $0.uid) })
        if !annotations.isEmpty {
            response.set(.referencedBasicAnnotationBoxSequence, sequence: annotations.map { Self.reference(UIDs.basicAnnotationBox, $0.uid) })
        }
        return DIMSEResponse(status: .success, dataSet: response, affectedSOPInstanceUID: uid)
    }

    public mutating func setFilmBox(uid: String, attributes: DataSet, check: (DataSet) -> AttributeFailure? = { _ in nil }) -> DIMSEResponse {
        guard let i = filmBoxes.firstIndex(where: { $0.uid == uid }) else { return Self.noSuchInstance(uid) }
        for tag in [Tag.imageDisplayFormat, .filmSizeID, .filmOrientation, .annotationDisplayFormatID, .referencedFilmSessionSequence]
            where attributes[tag] != nil {
            // PS3.4 Table H.4-5: these are set at N-CREATE only.
            return AttributeFailure(status: .noSuchAttribute, tag: tag, reason: "\(tag) can only be given at N-CREATE").response
        }
        if let failure = PrintAttributeRules.filmBox.validate(attributes, creating: false) { return failure.response }
        var merged = filmBoxes[i].attributes
        for e in attributes.elements { merged.insert(e) }
        if let failure = check(merged) { return failure.response }
        filmBoxes[i].attributes = merged
        return DIMSEResponse(status: .success, dataSet: attributes)
    }

    /// N-ACTION (§H.4.2.2.4): prints this film box; B603 when no image box holds an image.
    public mutating func printFilmBox(uid: String) -> (DIMSEResponse, FilmBox?) {
        guard let i = filmBoxes.firstIndex(where: { $0.uid == uid }) else { return (Self.noSuchInstance(uid), nil) }
        filmBoxes[i].printed = true
        filmsPrinted += 1
        let empty = filmBoxes[i].imageBoxes.allSatisfy { $0.image == nil }
        return (DIMSEResponse(status: empty ? PrintStatus.filmBoxEmptyPage : .success), filmBoxes[i])
    }

    /// N-DELETE (§H.4.2.2.3): only the last film box may be deleted (PS3.4 §H.4.2.2.3).
    public mutating func deleteFilmBox(uid: String) -> DIMSEResponse {
        guard let i = filmBoxes.firstIndex(where: { $0.uid == uid }) else { return Self.noSuchInstance(uid) }
        guard i == filmBoxes.count - 1 else {
            return DIMSEResponse(status: .processingFailure, errorComment: "only the last film box may be deleted (PS3.4 H.4.2.2.3)")
        }
        filmBoxes.removeLast()
        return .success
    }

    // MARK: Image Box, PS3.4 §H.4.3

    /// N-SET (§H.4.3.2.1): the image (8-bit: BA 8 BS 8 HB 7; 12-bit: BA 16 BS 12 HB 11; MONOCHROME1
    /// or 2, one sample, unsigned), with Pixel Data of exactly Rows × Columns samples.
    public mutating func setImageBox(uid: String, attributes: DataSet) -> DIMSEResponse {
        guard let (f, b) = imageBoxIndex(uid) else { return Self.noSuchInstance(uid) }
        if let failure = PrintAttributeRules.imageBox.validate(attributes, creating: false) { return failure.response }
        if let position = attributes.int(.imageBoxPosition), position != filmBoxes[f].imageBoxes[b].position {
            return AttributeFailure(status: .invalidAttributeValue, tag: .imageBoxPosition,
                                    reason: "Image Box Position \(position) is not this box's (\(filmBoxes[f].imageBoxes[b].position))").response
        }
        if attributes[.basicGrayscaleImageSequence] != nil {
            guard let item = attributes.sequenceItems(.basicGrayscaleImageSequence).first else {
                return AttributeFailure(status: .missingAttributeValue, tag: .basicGrayscaleImageSequence, reason: "the image sequence is empty").response
            }
            if let failure = Self.checkImage(item) { return failure.response }
            filmBoxes[f].imageBoxes[b].image = item
        }
        for e in attributes.elements where e.tag != .basicGrayscaleImageSequence { filmBoxes[f].imageBoxes[b].attributes.insert(e) }
        return DIMSEResponse(status: .success)
    }

    /// The film box attributes and the position of an image box.
    public func imageBox(_ uid: String) -> (filmBox: DataSet, position: Int, attributes: DataSet)? {
        guard let (f, b) = imageBoxIndex(uid) else { return nil }
        return (filmBoxes[f].attributes, filmBoxes[f].imageBoxes[b].position, filmBoxes[f].imageBoxes[b].attributes)
    }

    private func imageBoxIndex(_ uid: String) -> (Int, Int)? {
        for (f, box) in filmBoxes.enumerated() {
            if let b = box.imageBoxes.firstIndex(where: { $0.uid == uid }) { return (f, b) }
        }
        return nil
    }

    /// The Basic Grayscale Image Sequence item (PS3.4 Table H.4-9, PS3.3 C.13.5 "Basic Grayscale
    /// Image Sequence"): as DCMTK's print SCP accepts it (8-bit or 12-bit).
    static func checkImage(_ item: DataSet) -> AttributeFailure? {
        func fail(_ tag: Tag, _ why: String, _ status: DIMSEStatus = .invalidAttributeValue) -> AttributeFailure {
            AttributeFailure(status: status, tag: tag, reason: why)
        }
        for tag in [Tag.samplesPerPixel, .photometricInterpretation, .rows, .columns, .bitsAllocated, .bitsStored, .highBit,
                    .pixelRepresentation, .pixelData] where item[tag] == nil {
            return fail(tag, "the image lacks \(tag)", .missingAttribute)
        }
        guard item.int(.samplesPerPixel) == 1 else { return fail(.samplesPerPixel, "grayscale images have one sample per pixel") }
        guard ["MONOCHROME1", "MONOCHROME2"].contains(item.string(.photometricInterpretation) ?? "") else {
            return fail(.photometricInterpretation, "MONOCHROME1 or MONOCHROME2 only")
        }
        guard item.int(.pixelRepresentation) == 0 else { return fail(.pixelRepresentation, "P-values are unsigned") }
        let (ba, bs, hb) = (item.int(.bitsAllocated) ?? 0, item.int(.bitsStored) ?? 0, item.int(.highBit) ?? 0)
        guard (ba == 8 && bs == 8 && hb == 7) || (ba == 16 && bs == 12 && hb == 11) else {
            return fail(.bitsStored, "images are 8-bit (BA 8, BS 8, HB 7) or 12-bit (BA 16, BS 12, HB 11), not BA \(ba) BS \(bs) HB \(hb)")
        }
        let rows = item.int(.rows) ?? 0, cols = item.int(.columns) ?? 0
        guard rows > 0, cols > 0 else { return fail(.rows, "Rows and Columns must be positive") }
        let expected = rows * cols * (ba / 8)
        let actual = item[.pixelData]?.bytes?.count ?? -1
        guard actual == expected || actual == expected + (expected & 1) else {
            return fail(.pixelData, "Pixel Data has \(actual) bytes; \(rows)×\(cols) at \(ba) bits needs \(expected)")
        }
        return nil
    }

    // MARK: Annotation Box, PS3.4 §H.4.5

    public mutating func setAnnotationBox(uid: String, attributes: DataSet) -> DIMSEResponse {
        for f in filmBoxes.indices {
            if let a = filmBoxes[f].annotationBoxes.firstIndex(where: { $0.uid == uid }) {
                if let failure = PrintAttributeRules.annotationBox.validate(attributes, creating: false) { return failure.response }
                if let text = attributes.string(.textString) { filmBoxes[f].annotationBoxes[a].text = text }
                return .success
            }
        }
        return Self.noSuchInstance(uid)
    }

    // MARK: Presentation LUT, PS3.4 §H.4.9

    public mutating func createPresentationLUT(uid proposed: String?, attributes: DataSet) -> DIMSEResponse {
        if let failure = PrintAttributeRules.presentationLUT.validate(attributes, creating: false) { return failure.response }
        guard (attributes[.presentationLUTSequence] != nil) != (attributes[.presentationLUTShape] != nil) else {
            return AttributeFailure(status: .missingAttribute, tag: .presentationLUTShape,
                                    reason: "give exactly one of Presentation LUT Sequence and Presentation LUT Shape").response
        }
        let uid = proposed.flatMap { $0.isEmpty ? nil : $0 } ?? UIDGenerator.makeUID()
        presentationLUTs[uid] = attributes
        return DIMSEResponse(status: .success, dataSet: attributes, affectedSOPInstanceUID: uid)
    }

    public mutating func deletePresentationLUT(uid: String) -> DIMSEResponse {
        presentationLUTs.removeValue(forKey: uid) == nil ? Self.noSuchInstance(uid) : .success
    }

    // MARK: Helpers

    static func noSuchInstance(_ uid: String) -> DIMSEResponse {
        DIMSEResponse(status: .noSuchObjectInstance, errorComment: "no such instance: \(uid)")
    }

    static func reference(_ sopClass: String, _ uid: String) -> DataSet {
        var item = DataSet()
        try? item.set(.referencedSOPClassUID, .UI, sopClass)
        try? item.set(.referencedSOPInstanceUID, .UI, uid)
        return item
    }

    /// The session's attributes with the defaults of PS3.3 C.13.1 filled in.
    static func defaults(session ds: DataSet) -> DataSet {
        var out = ds
        if out[.numberOfCopies] == nil { try? out.set(.numberOfCopies, .IS, "1") }
        if out[.printPriority] == nil { try? out.set(.printPriority, .CS, "MED") }
        if out[.mediumType] == nil { try? out.set(.mediumType, .CS, "BLUE FILM") }
        if out[.filmDestination] == nil { try? out.set(.filmDestination, .CS, "PROCESSOR") }
        out.remove(.memoryAllocation)
        return out
    }
}

extension DataSet {
    /// Items of a sequence element; empty when absent or not a sequence.
    func sequenceItems(_ tag: Tag) -> [DataSet] {
        if case .sequence(let items)? = self[tag]?.value { return items }
        return []
    }
}
