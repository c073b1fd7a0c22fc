/// A DICOM file: preamble, File Meta Information and data set (PS3.10 §7).
public struct DICOMFile: Sendable {
    /// The 128-byte preamble, or nil for a file without a Part 10 header.
    public var preamble: [UInt8]?
    /// File Meta Information, group 0002 (PS3.10 §7.1). Empty for files without a meta header.
    public var meta: DataSet
    public var dataSet: DataSet
    /// The transfer syntax the data set was read in.
    public var transferSyntax: TransferSyntax
    /// Where it was read from, if a file.
    public var path: String?
    /// Set when reading stopped early (`ReadOptions.stopBefore`): the first tag not read.
    public var stoppedAt: Tag?
    /// Deviations from the standard that the reader tolerated, in words.
    public var warnings: [String]
    /// The file ended inside a value, sequence or item (read with `TruncationPolicy.keepAvailable`).
    public var isTruncated: Bool = false
    /// How many values were stored with an odd length, which PS3.5 §7.1.1 forbids (every value is
    /// padded to even length). `Part10Writer` pads them when the file is written again; a copy of
    /// the raw bytes would keep the defect (and DCMTK refuses such data on the wire).
    public var oddLengthValueCount: Int = 0
    /// The tags of the first of those values (fragments of encapsulated pixel data count under
    /// Pixel Data), for a report.
    public var oddLengthTags: [Tag] = []

    public init(preamble: [UInt8]? = [UInt8](repeating: 0, count: 128), meta: DataSet = DataSet(),
                dataSet: DataSet, transferSyntax: TransferSyntax, path: String? = nil) {
        self.preamble = preamble; self.meta = meta; self.dataSet = dataSet
        self.transferSyntax = transferSyntax; self.path = path; self.stoppedAt = nil; self.warnings = []
    }

    /// Whether the file had a Part 10 header ("DICM" and group 0002).
    public var hasFileMeta: Bool { !meta.isEmpty }
}
