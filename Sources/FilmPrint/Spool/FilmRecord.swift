import DICOM
import Network

/// One film box as kept in the spool: a data set holding the film box attributes (PS3.3 C.13.3),
/// the session's (Number of Copies, Medium Type …), the Presentation LUT it uses (PS3.3 C.11.4),
/// and one item per image box in Image Box Content Sequence (2130,0040) with its attributes and its
/// Basic Grayscale Image Sequence, and per annotation box in Annotation Content Sequence
/// (2130,0050) — the structure of a Stored Print object (PS3.3 A.34), so the spool is DICOM that
/// dcmdump reads.
public enum FilmRecord {
    public static func make(filmBox: PrintSession.FilmBox, session: PrintSession) -> DataSet {
        var ds = filmBox.attributes
        // The session's text (Film Session Label, Owner ID) keeps its character set (PS3.3 C.12.1.1.2).
        for tag in [Tag.specificCharacterSet, .numberOfCopies, .printPriority, .mediumType, .filmDestination, .filmSessionLabel, .ownerID] {
            if let e = session.sessionAttributes[tag] { ds.insert(e) }
        }
        try? ds.set(.sopClassUID, .UI, UIDs.basicFilmBox)
        try? ds.set(.sopInstanceUID, .UI, filmBox.uid)
        let lutUID = filmBox.attributes.sequenceItems(.referencedPresentationLUTSequence).first?.string(.referencedSOPInstanceUID)
            ?? session.sessionAttributes.sequenceItems(.referencedPresentationLUTSequence).first?.string(.referencedSOPInstanceUID)
        if let lutUID, let lut = session.presentationLUTs[lutUID] {
            ds.set(.presentationLUTContentSequence, sequence: [lut])
        }
        ds.remove(.referencedPresentationLUTSequence)
        ds.remove(.referencedFilmSessionSequence)
        ds.set(.imageBoxContentSequence, sequence: filmBox.imageBoxes.map { box in
            var item = box.attributes
            item.set(.imageBoxPosition, uint16: UInt16(box.position))
            try? item.set(.referencedSOPInstanceUID, .UI, box.uid)
            if let image = box.image { item.set(.basicGrayscaleImageSequence, sequence: [image]) }
            return item
        })
        ds.set(.annotationContentSequence, sequence: filmBox.annotationBoxes.filter { !$0.text.isEmpty }.map { a in
            var item = DataSet()
            try? item.set(.specificCharacterSet, .CS, "ISO_IR 192")
            item.set(.annotationPosition, uint16: UInt16(a.position))
            try? item.set(.textString, .LO, a.text)
            return item
        })
        return ds
    }
}
