/// A data element: tag, VR and value (PS3.5 §7.1).
///
/// Numeric values are kept in little-endian byte order whatever the source transfer syntax was;
/// text is kept as the bytes on the wire and decoded on demand with the data set's Specific
/// Character Set, so reading and writing never changes a value.
public struct DataElement: Sendable, Equatable {
    public var tag: Tag
    public var vr: VR
    public var value: ElementValue
    /// The element was encoded with undefined length (sequences, encapsulated pixel data,
    /// UN of unknown length). Writers keep the same form.
    public var hasUndefinedLength: Bool

    public init(tag: Tag, vr: VR, value: ElementValue, hasUndefinedLength: Bool = false) {
        self.tag = tag; self.vr = vr; self.value = value; self.hasUndefinedLength = hasUndefinedLength
    }

    public init(tag: Tag, vr: VR, bytes: [UInt8]) {
        self.init(tag: tag, vr: vr, value: .bytes(bytes))
    }

    /// The value's raw bytes (little endian) when it is held in memory as bytes.
    public var bytes: [UInt8]? {
        if case .bytes(let b) = value { return b }
        return nil
    }

    /// The items of a sequence (empty if the element is not a sequence).
    public var items: [DataSet] {
        if case .sequence(let items) = value { return items }
        return []
    }

    /// Length of the value as it would be written (even-padded), or nil for undefined/nested values.
    public var valueLength: Int? {
        switch value {
        case .bytes(let b): return b.count + (b.count & 1)
        case .bulk(let ref): return ref.isEncapsulated ? nil : Int(ref.length) + Int(ref.length & 1)
        case .sequence, .encapsulated: return nil
        }
    }
}

/// The value of a data element.
public enum ElementValue: Sendable, Equatable {
    /// Value bytes, little endian for numeric VRs, unpadded as stored.
    case bytes([UInt8])
    /// Sequence of items (VR SQ, or UN of undefined length read as Implicit VR LE, PS3.5 §6.2.2).
    case sequence([DataSet])
    /// Encapsulated pixel data: Basic Offset Table and fragments (PS3.5 §A.4).
    case encapsulated(EncapsulatedPixelData)
    /// A large value left in its file until asked for: pixel data stays lazy.
    case bulk(BulkDataReference)
}

/// Encapsulated pixel data: the Basic Offset Table item and the fragment items (PS3.5 §A.4).
public struct EncapsulatedPixelData: Sendable, Equatable {
    /// The first item's value: empty, or one 32-bit offset per frame (PS3.5 Table A.4-1).
    public var basicOffsetTable: [UInt8]
    public var fragments: [[UInt8]]

    public init(basicOffsetTable: [UInt8] = [], fragments: [[UInt8]]) {
        self.basicOffsetTable = basicOffsetTable; self.fragments = fragments
    }

    /// Offsets from the Basic Offset Table, one per frame, in bytes from the first fragment's item tag.
    public var frameOffsets: [UInt32] {
        stride(from: 0, to: basicOffsetTable.count - 3, by: 4).map { i in
            UInt32(basicOffsetTable[i]) | UInt32(basicOffsetTable[i + 1]) << 8
                | UInt32(basicOffsetTable[i + 2]) << 16 | UInt32(basicOffsetTable[i + 3]) << 24
        }
    }
}
