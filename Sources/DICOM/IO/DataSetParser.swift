/// Parses a data set from a `ByteSource` in any of the uncompressed encodings
/// (PS3.5 §7.1: Explicit and Implicit VR; §7.3: byte order; §7.5: sequences and items).
struct DataSetParser {
    let source: ByteSource
    let options: ReadOptions
    private(set) var truncated = false
    /// At most `maxWarnings` are kept; past that they are only counted, so a file of millions of
    /// repeated oddities (stray delimiters, say) costs no memory in proportion.
    private var keptWarnings: [String] = []
    private var suppressedWarnings = 0
    static let maxWarnings = 100
    /// Elements (and encapsulated fragments, under the Pixel Data tag) whose value length is odd,
    /// which PS3.5 §7.1.1 forbids; at most `maxWarnings` are listed, all are counted.
    private(set) var oddLengthTags: [Tag] = []
    private(set) var oddLengthCount = 0

    private mutating func noteOddLength(_ tag: Tag) {
        oddLengthCount += 1
        if oddLengthTags.count < Self.maxWarnings { oddLengthTags.append(tag) }
    }

    var warnings: [String] {
        suppressedWarnings == 0 ? keptWarnings
            : keptWarnings + ["\(suppressedWarnings) more warnings not listed"]
    }

    private mutating func warn(_ message: String) {
        if keptWarnings.count < Self.maxWarnings { keptWarnings.append(message) } else { suppressedWarnings += 1 }
    }

    /// With `.keepAvailable`: true, and the read marked truncated, when the data ends before the
    /// next `n` header bytes (of an element, item or fragment); the stray bytes are dropped.
    /// Other read errors (a corrupt deflate stream, I/O) are thrown as they are.
    private mutating func endsWithin(_ n: Int, inside what: @autoclosure () -> String) throws -> Bool {
        guard options.truncation == .keepAvailable else { return false }
        do {
            try source.ensure(n)
            return false
        } catch DataSetReadError.unexpectedEndOfData {
            truncated = true
            let stray = source.available
            warn("the file ends inside \(what()) at byte \(source.offset)\(stray > 0 ? "; \(stray) stray bytes ignored" : "")")
            try source.skip(UInt64(stray))
            return true
        }
    }

    static let undefinedLength: UInt32 = 0xFFFF_FFFF

    init(source: ByteSource, options: ReadOptions) {
        self.source = source
        self.options = options
    }

    struct Encoding {
        var explicitVR: Bool
        var bigEndian: Bool
    }

    /// Result of parsing one data set.
    struct Parsed {
        var dataSet: DataSet
        /// The tag at which parsing stopped because of `ReadOptions.stopBefore`.
        var stoppedAt: Tag?
    }

    private var path: String { source.path }

    /// Parses elements until `end` (an absolute offset), the end of data, or, for an item of
    /// undefined length, the Item Delimitation Item.
    mutating func parseDataSet(encoding: Encoding, end: UInt64?, depth: Int, isItem: Bool,
                               inherited: SpecificCharacterSet?, pixelRepresentation: UInt16?,
                               stopBefore: Tag?) throws -> Parsed {
        var elements: [DataElement] = []
        elements.reserveCapacity(isItem ? 16 : 96)
        var characterSet = inherited
        var privateCreators: [UInt32: String] = [:]
        var needsVRResolution = false
        var pixelRep = pixelRepresentation
        var bitsAllocated: UInt16?
        var stoppedAt: Tag?
        var outOfOrder = false

        while true {
            if let end, source.offset >= end { break }
            if end == nil && !isItem && source.isAtEnd() { break }
            if options.truncation == .keepAvailable && source.isAtEnd() {
                truncated = true
                warn("the file ends inside a sequence item at byte \(source.offset)")
                break
            }
            if options.truncation == .keepAvailable, let remaining = source.remaining, remaining < 8 {
                truncated = true
                warn("\(remaining) stray bytes at the end of the file ignored")
                try source.skip(remaining)
                break
            }
            if try endsWithin(8, inside: "an element header") { break }
            let elementOffset = source.offset
            // With `stopBefore` the element may be given back (`rewind`): its tag must come from
            // one buffer fill, or a refill between its two halves drops the first and the rewind traps.
            if stopBefore != nil { try source.ensure(4) }
            let group = try source.u16(bigEndian: encoding.bigEndian)
            let elementNumber = try source.u16(bigEndian: encoding.bigEndian)
            let tag = Tag(group, elementNumber)

            if group == 0xFFFE {
                let length = try source.u32(bigEndian: encoding.bigEndian)
                if tag == .itemDelimitationItem {
                    if isItem && end == nil { break }
                    // Lenient: a stray delimiter in a defined-length context is skipped.
                    warn("stray Item Delimitation Item at byte \(elementOffset) ignored")
                    continue
                }
                if tag == .sequenceDelimitationItem {
                    // Lenient: a stray Sequence Delimitation Item at data-set level is skipped.
                    warn("stray Sequence Delimitation Item at byte \(elementOffset) ignored")
                    continue
                }
                _ = length
                throw DataSetReadError.malformed(path: path, offset: elementOffset,
                                                 reason: "item tag \(tag) where a data element was expected")
            }

            if let stopBefore, tag >= stopBefore {
                source.rewind(to: elementOffset)
                stoppedAt = tag
                break
            }

            // Element header.
            var vr: VR
            var length: UInt32
            var dictionaryVR: VR? = nil
            if encoding.explicitVR {
                let (b0, b1) = try source.twoBytes()
                if let v = VR(byte0: b0, byte1: b1) {
                    vr = v
                    if v.hasLongLength {
                        if try endsWithin(6, inside: "the header of \(tag)") { break }
                        try source.skip(2)
                        length = try source.u32(bigEndian: encoding.bigEndian)
                    } else {
                        length = UInt32(try source.u16(bigEndian: encoding.bigEndian))
                    }
                } else {
                    throw DataSetReadError.invalidVR(path: path, tag: tag, offset: elementOffset, bytes: [b0, b1])
                }
                if vr == .UN, let entry = lookup(tag, privateCreators) {
                    // Lenient (as pydicom and DCMTK): UN for an element the dictionary knows is
                    // read with the dictionary's VR; a sequence inside UN is Implicit VR LE (PS3.5 §6.2.2).
                    dictionaryVR = entry.vr
                    if entry.isAmbiguousVR { needsVRResolution = true }
                }
            } else {
                length = try source.u32(bigEndian: encoding.bigEndian)
                if let entry = lookup(tag, privateCreators) {
                    vr = entry.vr
                    if entry.isAmbiguousVR { needsVRResolution = true }
                } else {
                    vr = .UN
                }
            }

            let element: DataElement
            if length == Self.undefinedLength {
                if tag == .pixelDataTag && vr != .SQ {
                    element = try readEncapsulated(tag: tag, vr: vr == .UN ? .OB : vr, elementOffset: elementOffset,
                                                   encoding: encoding, depth: depth)
                } else {
                    // SQ, or UN/other of undefined length: a sequence. Within UN it is Implicit VR LE.
                    let itemEncoding = (vr == .UN || (encoding.explicitVR && vr != .SQ))
                        ? Encoding(explicitVR: false, bigEndian: false) : encoding
                    if vr != .SQ && vr != .UN {
                        warn("\(tag) has VR \(vr) with undefined length; read as a sequence")
                    }
                    let items = try parseItems(encoding: itemEncoding, end: nil, depth: depth + 1, tag: tag,
                                               inherited: characterSet, pixelRepresentation: pixelRep)
                    element = DataElement(tag: tag, vr: .SQ, value: .sequence(items), hasUndefinedLength: true)
                }
            } else if vr == .SQ || (vr == .UN && dictionaryVR == .SQ) {
                let itemEncoding = vr == .UN ? Encoding(explicitVR: false, bigEndian: false) : encoding
                let start = source.offset
                let available = try checkLength(tag: tag, length: UInt64(length), at: elementOffset)
                let items = try parseItems(encoding: itemEncoding, end: start + available, depth: depth + 1,
                                           tag: tag, inherited: characterSet, pixelRepresentation: pixelRep)
                if source.offset != start + available && !truncated {
                    throw DataSetReadError.malformed(path: path, offset: start,
                                                     reason: "sequence \(tag) items overrun its length \(length)")
                }
                element = DataElement(tag: tag, vr: .SQ, value: .sequence(items))
            } else {
                if let dv = dictionaryVR { vr = dv }
                element = try readValue(tag: tag, vr: vr, length: length, elementOffset: elementOffset,
                                        bigEndian: encoding.bigEndian, depth: depth)
            }

            // Track what later elements need: character set, private creators, pixel description.
            if tag == .specificCharacterSetTag, let b = element.bytes {
                characterSet = SpecificCharacterSet(String(decoding: b, as: UTF8.self))
            } else if tag.isPrivateCreator, let b = element.bytes {
                privateCreators[UInt32(tag.group) << 8 | UInt32(tag.element)] = trimmedText(b)
            } else if tag == Tag(0x0028, 0x0103), let b = element.bytes, b.count >= 2 {
                pixelRep = UInt16(b[0]) | UInt16(b[1]) << 8
            } else if tag == Tag(0x0028, 0x0100), let b = element.bytes, b.count >= 2 {
                bitsAllocated = UInt16(b[0]) | UInt16(b[1]) << 8
            }

            if let last = elements.last, last.tag >= tag {
                // Lenient: out-of-order or repeated tags; the later value wins (as pydicom).
                // Sorted once at the end: inserting each in place was quadratic in hostile files.
                warn("element \(tag) at byte \(elementOffset) is out of order or repeated")
                outOfOrder = true
            }
            elements.append(element)
        }

        if outOfOrder {
            let order = elements.indices.sorted { (elements[$0].tag, $0) < (elements[$1].tag, $1) }
            var sorted: [DataElement] = []
            sorted.reserveCapacity(order.count)
            for i in order {
                if let last = sorted.last, last.tag == elements[i].tag { sorted[sorted.count - 1] = elements[i] }
                else { sorted.append(elements[i]) }
            }
            elements = sorted
        }

        if needsVRResolution {
            resolveAmbiguousVRs(&elements, pixelRepresentation: pixelRep, bitsAllocated: bitsAllocated)
        }
        return Parsed(dataSet: DataSet(sortedElements: elements, inheritedCharacterSet: inherited), stoppedAt: stoppedAt)
    }

    private func lookup(_ tag: Tag, _ privateCreators: [UInt32: String]) -> DictionaryEntry? {
        if tag.isPrivate {
            if tag.isPrivateCreator { return DataDictionary.entry(for: tag) }
            guard let creatorTag = tag.privateCreatorTag,
                  let creator = privateCreators[UInt32(creatorTag.group) << 8 | UInt32(creatorTag.element)]
            else { return nil }
            return DataDictionary.privateEntry(creator: creator, tag: tag)
        }
        return DataDictionary.entry(for: tag)
    }

    /// The length to read: `length` itself, or, when the file ends first and truncation is
    /// tolerated, what remains (recorded as a warning).
    @discardableResult
    private mutating func checkLength(tag: Tag, length: UInt64, at offset: UInt64) throws -> UInt64 {
        if let remaining = source.remaining, length > remaining {
            guard options.truncation == .keepAvailable else {
                throw DataSetReadError.lengthPastEnd(path: path, tag: tag, offset: offset, length: length, available: remaining)
            }
            truncated = true
            warn("\(tag) at byte \(offset) declares length \(length) but the file ends after \(remaining) bytes; kept what is there")
            return remaining
        }
        return length
    }

    private mutating func readValue(tag: Tag, vr: VR, length: UInt32, elementOffset: UInt64,
                                    bigEndian: Bool, depth: Int) throws -> DataElement {
        if length & 1 == 1 { noteOddLength(tag) }
        let len = try checkLength(tag: tag, length: UInt64(length), at: elementOffset)
        if let threshold = options.lazyThreshold, source.isFileBacked, len >= UInt64(threshold),
           vr == .OB || vr == .OW || vr == .UN || vr == .OF || vr == .OD || vr == .OL || vr == .OV {
            let ref = BulkDataReference(path: path, offset: source.offset, length: len, isEncapsulated: false,
                                        isBigEndian: bigEndian, wordSize: vr.wordSize)
            try source.skip(len)
            return DataElement(tag: tag, vr: vr, value: .bulk(ref))
        }
        if len > options.maxValueLength {
            throw DataSetReadError.valueTooLarge(path: path, tag: tag, length: len, limit: options.maxValueLength)
        }
        var bytes = try source.bytes(Int(len))
        if bigEndian && vr.wordSize > 1 { swapBytes(&bytes, wordSize: vr.wordSize) }
        return DataElement(tag: tag, vr: vr, value: .bytes(bytes))
    }

    /// Encapsulated pixel data: items until the Sequence Delimitation Item (PS3.5 §A.4).
    private mutating func readEncapsulated(tag: Tag, vr: VR, elementOffset: UInt64, encoding: Encoding,
                                           depth: Int) throws -> DataElement {
        let start = source.offset
        let lazy = options.lazyThreshold != nil && source.isFileBacked
        var items: [[UInt8]] = []
        while true {
            if try endsWithin(8, inside: "encapsulated \(tag)") { break }
            let itemOffset = source.offset
            let g = try source.u16(bigEndian: encoding.bigEndian)
            let e = try source.u16(bigEndian: encoding.bigEndian)
            let len = try source.u32(bigEndian: encoding.bigEndian)
            let itemTag = Tag(g, e)
            if itemTag == .sequenceDelimitationItem { break }
            guard itemTag == .item else {
                throw DataSetReadError.malformed(path: path, offset: itemOffset,
                                                 reason: "expected an item (FFFE,E000) in encapsulated pixel data, found \(itemTag)")
            }
            guard len != Self.undefinedLength else {
                throw DataSetReadError.malformed(path: path, offset: itemOffset,
                                                 reason: "pixel data fragment with undefined length")
            }
            if len & 1 == 1 { noteOddLength(tag) }
            let available = try checkLength(tag: tag, length: UInt64(len), at: itemOffset)
            if lazy {
                try source.skip(available)
            } else {
                items.append(try source.bytes(Int(available)))
            }
            if available < UInt64(len) { break }
        }
        if lazy {
            let ref = BulkDataReference(path: path, offset: start, length: source.offset - start, isEncapsulated: true)
            return DataElement(tag: tag, vr: vr, value: .bulk(ref), hasUndefinedLength: true)
        }
        let encapsulated = EncapsulatedPixelData(basicOffsetTable: items.first ?? [], fragments: Array(items.dropFirst()))
        return DataElement(tag: tag, vr: vr, value: .encapsulated(encapsulated), hasUndefinedLength: true)
    }

    /// Items of a sequence until `end` or the Sequence Delimitation Item (PS3.5 §7.5).
    private mutating func parseItems(encoding: Encoding, end: UInt64?, depth: Int, tag: Tag,
                                     inherited: SpecificCharacterSet?, pixelRepresentation: UInt16?) throws -> [DataSet] {
        guard depth <= options.maxNestingDepth else {
            throw DataSetReadError.nestingTooDeep(path: path, offset: source.offset, limit: options.maxNestingDepth)
        }
        var items: [DataSet] = []
        while true {
            if let end, source.offset >= end { break }
            if try endsWithin(8, inside: "sequence \(tag)") { break }
            let itemOffset = source.offset
            let g = try source.u16(bigEndian: encoding.bigEndian)
            let e = try source.u16(bigEndian: encoding.bigEndian)
            let len = try source.u32(bigEndian: encoding.bigEndian)
            let itemTag = Tag(g, e)
            if itemTag == .sequenceDelimitationItem {
                if end != nil { warn("Sequence Delimitation Item inside defined-length sequence \(tag)") }
                break
            }
            guard itemTag == .item else {
                throw DataSetReadError.malformed(path: path, offset: itemOffset,
                                                 reason: "expected an item (FFFE,E000) in sequence \(tag), found \(itemTag)")
            }
            let parsed: Parsed
            if len == Self.undefinedLength {
                parsed = try parseDataSet(encoding: encoding, end: nil, depth: depth, isItem: true,
                                          inherited: inherited, pixelRepresentation: pixelRepresentation, stopBefore: nil)
            } else {
                let available = try checkLength(tag: tag, length: UInt64(len), at: itemOffset)
                let itemEnd = source.offset + available
                parsed = try parseDataSet(encoding: encoding, end: itemEnd, depth: depth, isItem: true,
                                          inherited: inherited, pixelRepresentation: pixelRepresentation, stopBefore: nil)
                if source.offset != itemEnd && !truncated {
                    throw DataSetReadError.malformed(path: path, offset: itemOffset,
                                                     reason: "item of \(tag) overruns its length \(len)")
                }
            }
            var item = parsed.dataSet
            item.inheritedCharacterSet = inherited
            items.append(item)
        }
        return items
    }

    /// Chooses between the VRs the dictionary allows for an Implicit VR element (PS3.5 Annex A.1 and
    /// the notes of PS3.6): US/SS by Pixel Representation, OB/OW by Bits Allocated.
    private func resolveAmbiguousVRs(_ elements: inout [DataElement], pixelRepresentation: UInt16?, bitsAllocated: UInt16?) {
        for i in elements.indices {
            let tag = elements[i].tag
            guard !tag.isPrivate, let entry = DataDictionary.entry(for: tag), entry.isAmbiguousVR,
                  elements[i].vr == entry.vr else { continue }
            let vrs = entry.vrs
            if vrs.contains(.SS) && vrs.contains(.US) {
                elements[i].vr = (pixelRepresentation == 1) ? .SS : .US
                if vrs.contains(.OW), tag == Tag(0x0028, 0x3006) {
                    elements[i].vr = .US
                }
            } else if vrs.contains(.OB) && vrs.contains(.OW) {
                if tag == .pixelDataTag, let ba = bitsAllocated, ba <= 8 {
                    elements[i].vr = .OB
                } else {
                    elements[i].vr = .OW
                }
            }
        }
    }
}

/// The text of a value with leading/trailing spaces and NULs removed.
func trimmedText(_ bytes: [UInt8]) -> String {
    var lo = 0, hi = bytes.count
    while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0 { lo += 1 }
    while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0 { hi -= 1 }
    return String(decoding: bytes[lo ..< hi], as: UTF8.self)
}
