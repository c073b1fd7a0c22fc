import DICOM

/// A DICOM lookup table: LUT Descriptor (0028,3002) plus LUT Data (0028,3006), PS3.3 §C.11.1.1
/// (Modality LUT), §C.11.2.1 (VOI LUT), §C.11.6.1 (Presentation LUT).
///
/// The descriptor's first value is the number of entries (0 means 65536), the second the first
/// stored value mapped (US or SS, PS3.3 §C.11.1.1.1), the third the bits per entry. Input values
/// below the first mapped value map to the first entry; values above the last to the last entry.
public struct LookupTable: Sendable, Equatable {
    /// First input value mapped: inputs ≤ this map to `entries[0]`.
    public var firstMapped: Int
    /// Bits per entry (8 to 16); the output range is 0 … 2^bitsPerEntry − 1.
    public var bitsPerEntry: Int
    public var entries: [UInt16]
    public var explanation: String?

    public init(firstMapped: Int, bitsPerEntry: Int, entries: [UInt16], explanation: String? = nil) {
        self.firstMapped = firstMapped; self.bitsPerEntry = bitsPerEntry
        self.entries = entries; self.explanation = explanation
    }

    /// Largest value an entry can hold: 2^bitsPerEntry − 1.
    public var maxOutput: Int { (1 << bitsPerEntry) - 1 }
    public var lastMapped: Int { firstMapped + entries.count - 1 }

    /// The entry for an input value, clamped to the first and last entry (PS3.3 §C.11.1.1.1).
    @inlinable public func callAsFunction(_ x: Int) -> Int {
        if x <= firstMapped { return Int(entries[0]) }
        let i = x - firstMapped
        return i >= entries.count ? Int(entries[entries.count - 1]) : Int(entries[i])
    }

    /// Reads a LUT from an item of the Modality LUT or VOI LUT Sequence (or a data set holding
    /// LUT Descriptor and LUT Data directly).
    ///
    /// - Parameter signedInput: Pixel Representation is 1, so a first-mapped value written as
    ///   US above 32767 is read as negative (PS3.3 §C.11.1.1.1: it is "US or SS" per the pixel data).
    public init(item: DataSet, signedInput: Bool, path: String? = nil) throws {
        try self.init(descriptorTag: .lutDescriptor, dataTag: .lutData, in: item,
                      signedInput: signedInput, path: path)
        explanation = item.string(.lutExplanation)
    }

    /// Reads a LUT from any descriptor/data pair (also the palette colour descriptors, §C.7.6.3.1.5).
    public init(descriptorTag: Tag, dataTag: Tag, in ds: DataSet, signedInput: Bool, path: String? = nil) throws {
        let d = ds.ints(descriptorTag)
        guard d.count >= 3 else {
            throw ImagingError.missingAttribute("\(descriptorTag) LUT Descriptor (3 values)", file: path)
        }
        let count = d[0] == 0 ? 65536 : d[0] & 0xFFFF
        var first = d[1]
        if signedInput, first > 32767 { first -= 65536 }   // US-encoded negative first value
        if !signedInput, first < 0 { first += 65536 }       // SS-encoded on unsigned data
        var bits = d[2]
        guard let el = ds[dataTag], let bytes = el.bytes else {
            throw ImagingError.missingAttribute("\(dataTag) LUT Data", file: path)
        }
        var entries: [UInt16]
        if bits <= 8 && bytes.count == count && bytes.count != count * 2 {
            // Lenient: 8-bit entries packed two per 16-bit word (OW), as written by many devices.
            entries = bytes.map { UInt16($0) }
        } else {
            entries = [UInt16](repeating: 0, count: bytes.count / 2)
            for i in 0 ..< entries.count { entries[i] = UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8 }
        }
        guard !entries.isEmpty else {
            throw ImagingError.invalidAttribute("\(dataTag) LUT Data", value: "empty", file: path)
        }
        // Lenient: a LUT Data shorter or longer than the descriptor says is used as far as it goes.
        if entries.count > count { entries.removeLast(entries.count - count) }
        // Lenient: bits per entry outside 8…16 (some writers put 12 for 16, or 0) are taken from the data.
        if bits < 1 || bits > 16 {
            let m = Int(entries.max() ?? 0)
            bits = max(8, Int.bitWidth - m.leadingZeroBitCount)
        }
        self.init(firstMapped: first, bitsPerEntry: bits, entries: entries)
    }
}
