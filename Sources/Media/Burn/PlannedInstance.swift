import DICOM

/// What the disc builder does with one input file to put it on the medium.
public enum InstanceAction: Sendable, Equatable {
    /// The file already conforms (Part 10 header, allowed transfer syntax): its bytes go on the
    /// medium unchanged.
    case copy
    /// Same pixel data, new Part 10 file: a missing or inconsistent File Meta Information
    /// (PS3.10 §7.1) or a native encoding the profile does not allow (e.g. Implicit VR LE on
    /// STD-GEN-CD) is rewritten as `targetTransferSyntaxUID` without touching pixel values.
    case rewrite
    /// The pixel data is decoded and written in another transfer syntax (PS3.5 §8, §A.4).
    case transcode
}

/// One instance as it will be on the medium.
public struct PlannedInstance: Sendable {
    /// The scanned source; its `transferSyntaxUID` is the source's.
    public var source: ScannedInstance
    public var action: InstanceAction
    /// The transfer syntax of the file on the medium (Referenced Transfer Syntax UID in File).
    public var targetTransferSyntaxUID: String
    /// Estimated size on the medium, for splitting into volumes.
    public var estimatedBytes: Int64
    /// What the report should say about this file (e.g. a lossy source decompressed).
    public var note: String?

    public var sopInstanceUID: String { source.sopInstanceUID }

    /// The instance as the DICOMDIR describes it: the source's keys with the target syntax.
    public var onMedium: ScannedInstance {
        var i = source
        i.transferSyntaxUID = targetTransferSyntaxUID
        return i
    }
}
