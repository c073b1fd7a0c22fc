/// How much of a file to read, and the limits that keep hostile input bounded.
public struct ReadOptions: Sendable {
    /// Stop at the first top-level element whose tag is at or past this one: pass
    /// `Tag(0x7FE0, 0x0010)` to index headers without touching pixel data.
    public var stopBefore: Tag?
    /// Values at least this long (pixel data, large OB/OW/UN) stay in the file as a
    /// `BulkDataReference` instead of being read. `nil` reads every value into memory.
    /// Has no effect on in-memory and deflated sources.
    public var lazyThreshold: Int?
    /// Sequences nested deeper than this are refused (`DataSetReadError.nestingTooDeep`).
    public var maxNestingDepth: Int
    /// Largest value read into memory; longer ones are refused unless they can stay lazy.
    public var maxValueLength: UInt64

    /// What to do when the file ends inside a value, sequence or item.
    public var truncation: TruncationPolicy
    /// Most bytes a Deflated Explicit VR Little Endian data set may inflate to (default 1 GiB):
    /// deflated files are small in practice, and this bounds a decompression bomb.
    public var maxInflatedLength: UInt64 = 1 << 30

    public init(stopBefore: Tag? = nil, lazyThreshold: Int? = 256 * 1024, maxNestingDepth: Int = 64,
                maxValueLength: UInt64 = 1 << 32, truncation: TruncationPolicy = .reject) {
        self.stopBefore = stopBefore; self.lazyThreshold = lazyThreshold
        self.maxNestingDepth = maxNestingDepth; self.maxValueLength = maxValueLength
        self.truncation = truncation
    }

    /// The same options, keeping what a truncated file holds.
    public var keepingTruncatedData: ReadOptions {
        var o = self; o.truncation = .keepAvailable; return o
    }

    /// Everything up to, not including, Pixel Data (7FE0,0010).
    public static let headerOnly = ReadOptions(stopBefore: Tag(0x7FE0, 0x0010))
    /// Everything; pixel data and other large values stay lazy.
    public static let `default` = ReadOptions()
    /// Everything in memory.
    public static let loadAll = ReadOptions(lazyThreshold: nil)
}

/// How to treat a file that ends before a declared length.
public enum TruncationPolicy: Sendable {
    /// Throw `DataSetReadError.lengthPastEnd` / `.unexpectedEndOfData` (the default: a burner or
    /// importer must not take a damaged file for a whole one).
    case reject
    /// Keep the bytes that are there, stop at the end of the file, set `DICOMFile.isTruncated`
    /// and say so in `warnings` (what pydicom and viewers do; `lightbox dump` uses it).
    case keepAvailable
}
