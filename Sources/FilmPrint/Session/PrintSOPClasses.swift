import DICOM
import Network

/// The SOP classes of the Print Management Service Class (PS3.4 Annex H) that Lightbox serves.
public enum PrintSOPClasses {
    /// Basic Grayscale Print Management Meta SOP Class (PS3.4 §H.3.1) and its members.
    public static let grayscaleMeta = MetaSOPClass(uid: UIDs.basicGrayscalePrintManagementMeta, memberSOPClassUIDs: [
        UIDs.basicFilmSession, UIDs.basicFilmBox, UIDs.basicGrayscaleImageBox, UIDs.printer,
    ])
    /// Well-known SOP Instance of the Printer SOP Class (PS3.4 §H.4.4).
    public static let printerInstance = UIDs.printerInstance
    /// Well-known SOP Instance of Printer Configuration Retrieval (PS3.4 §H.4.11).
    public static let printerConfigurationInstance = UIDs.printerConfigurationRetrievalInstance
}

/// The status codes of PS3.4 §H.4 that a print SCP answers (PS3.7 Annex C names the general ones).
public enum PrintStatus {
    /// Warning: Memory allocation not supported (Film Session N-CREATE, §H.4.1.2.1.2).
    public static let memoryAllocationNotSupported = DIMSEStatus(0xB600)
    /// Warning: Film session printing (collation) is not supported (§H.4.1.2.4.2).
    public static let filmSessionPrintingNotSupported = DIMSEStatus(0xB601)
    /// Warning: Film Session SOP Instance hierarchy does not contain Image Box SOP Instances (empty page).
    public static let sessionEmptyPage = DIMSEStatus(0xB602)
    /// Warning: Film Box SOP Instance hierarchy does not contain Image Box SOP Instances (empty page).
    public static let filmBoxEmptyPage = DIMSEStatus(0xB603)
    /// Warning: Image size is larger than image box size, the image has been demagnified.
    public static let demagnified = DIMSEStatus(0xB604)
    /// Warning: Requested Min Density or Max Density outside of printer's operating range; the printer uses its own.
    public static let densityOutOfRange = DIMSEStatus(0xB605)
    /// Warning: Image size is larger than the Image Box size; the image has been cropped to fit.
    public static let cropped = DIMSEStatus(0xB609)
    /// Warning: Image size or combined print image size is larger than the Image Box size; the image has been decimated to fit.
    public static let decimated = DIMSEStatus(0xB60A)
    /// Failure: Film Session SOP Instance hierarchy does not contain Film Box SOP Instances.
    public static let noFilmBox = DIMSEStatus(0xC600)
    /// Failure: Unable to create Print Job SOP Instance; print queue is full.
    public static let queueFull = DIMSEStatus(0xC601)
    /// Failure: Unable to create Print Job SOP Instance; print queue is full (Film Box level).
    public static let filmBoxQueueFull = DIMSEStatus(0xC602)
    /// Failure: Image size is larger than image box size.
    public static let imageLargerThanBox = DIMSEStatus(0xC603)
    /// Failure: Insufficient memory in printer to store the image.
    public static let insufficientMemory = DIMSEStatus(0xC605)
    /// Failure: Combined Print Image size is larger than the Image Box size.
    public static let combinedImageLargerThanBox = DIMSEStatus(0xC613)
    /// Failure: There is an existing Film Box that has not been printed and N-ACTION at the Film
    /// Session level is not supported. A new Film Box will not be created when a previous Film Box
    /// has not been printed.
    public static let unprintedFilmBoxExists = DIMSEStatus(0xC616)
}
