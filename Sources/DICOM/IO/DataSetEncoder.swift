/// Encodes data sets in Implicit VR LE, Explicit VR LE or Explicit VR BE (PS3.5 §7).
///
/// Lengths of defined-length sequences and items are computed before writing, so output can be
/// streamed to a file without seeking back; large values held as `BulkDataReference`s are copied
/// from their files in blocks. Group length elements (gggg,0000) are recomputed.
struct DataSetEncoder {
    let explicitVR: Bool
    let bigEndian: Bool

    init(explicitVR: Bool, bigEndian: Bool) {
        self.explicitVR = explicitVR; self.bigEndian = bigEndian
    }

    init(_ syntax: TransferSyntax) {
        self.init(explicitVR: syntax.isExplicitVR, bigEndian: syntax.isBigEndian)
    }

    static let undefined: UInt32 = 0xFFFF_FFFF

    /// The VR actually written: a value too long for a 16-bit length is written as UN (as DCMTK does).
    @inline(__always) func writtenVR(_ e: DataElement) -> VR {
        if explicitVR && !e.vr.hasLongLength, let len = e.valueLength, len > 0xFFFE { return .UN }
        return e.vr
    }

    func headerLength(_ vr: VR) -> UInt64 {
        if !explicitVR { return 8 }
        return vr.hasLongLength ? 12 : 8
    }

    /// Bytes this element takes when encoded.
    func encodedLength(_ e: DataElement) -> UInt64 {
        let vr = writtenVR(e)
        switch e.value {
        case .bytes(let b):
            return headerLength(vr) + UInt64(b.count + (b.count & 1))
        case .bulk(let ref):
            if ref.isEncapsulated { return headerLength(vr) + ref.length }
            return headerLength(vr) + ref.length + (ref.length & 1)
        case .encapsulated(let enc):
            var n = headerLength(vr) + 8 + UInt64(enc.basicOffsetTable.count + (enc.basicOffsetTable.count & 1))
            for f in enc.fragments { n += 8 + UInt64(f.count + (f.count & 1)) }
            return n + 8
        case .sequence(let items):
            var n = headerLength(.SQ)
            for item in items {
                n += 8 + itemContentLength(item)
                if e.hasUndefinedLength { n += 8 }
            }
            if e.hasUndefinedLength { n += 8 }
            return n
        }
    }

    func itemContentLength(_ item: DataSet) -> UInt64 {
        var n: UInt64 = 0
        for e in item.elements { n += encodedLength(e) }
        return n
    }

    /// Writes the elements of a data set. `elements` must be in tag order.
    func encode(_ elements: ArraySlice<DataElement>, into out: OutputSink) throws {
        var i = elements.startIndex
        while i < elements.endIndex {
            let e = elements[i]
            if e.tag.isGroupLength {
                // Recompute the group length from the elements that follow in the same group.
                var n: UInt64 = 0
                var j = i + 1
                while j < elements.endIndex && elements[j].tag.group == e.tag.group {
                    n += encodedLength(elements[j]); j += 1
                }
                var v: [UInt8] = []
                let len = UInt32(truncatingIfNeeded: n)
                v = [UInt8(len & 0xFF), UInt8(len >> 8 & 0xFF), UInt8(len >> 16 & 0xFF), UInt8(len >> 24)]
                try encode(DataElement(tag: e.tag, vr: .UL, value: .bytes(v)), into: out)
            } else {
                try encode(e, into: out)
            }
            i += 1
        }
    }

    private func header(tag: Tag, vr: VR, length: UInt32, into out: OutputSink) {
        out.u16(tag.group, bigEndian: bigEndian)
        out.u16(tag.element, bigEndian: bigEndian)
        if explicitVR {
            out.append(UInt8(vr.rawValue >> 8)); out.append(UInt8(vr.rawValue & 0xFF))
            if vr.hasLongLength {
                out.append(0); out.append(0)
                out.u32(length, bigEndian: bigEndian)
            } else {
                out.u16(UInt16(truncatingIfNeeded: length), bigEndian: bigEndian)
            }
        } else {
            out.u32(length, bigEndian: bigEndian)
        }
    }

    private func itemHeader(_ tag: Tag, length: UInt32, into out: OutputSink) {
        out.u16(tag.group, bigEndian: bigEndian)
        out.u16(tag.element, bigEndian: bigEndian)
        out.u32(length, bigEndian: bigEndian)
    }

    func encode(_ e: DataElement, into out: OutputSink) throws {
        let vr = writtenVR(e)
        switch e.value {
        case .bytes(let b):
            let padded = b.count + (b.count & 1)
            guard padded <= 0xFFFF_FFFE else { throw DataSetWriteError.valueTooLong(tag: e.tag, vr: vr, length: b.count) }
            header(tag: e.tag, vr: vr, length: UInt32(padded), into: out)
            if bigEndian && vr.wordSize > 1 { out.append(swapping: b, wordSize: vr.wordSize) } else { out.append(b) }
            if b.count & 1 == 1 { out.append(vr.paddingByte) }
        case .bulk(let ref):
            if ref.isEncapsulated {
                guard !bigEndian, explicitVR else {
                    throw DataSetWriteError.unsupportedEncoding(reason: "encapsulated pixel data needs an Explicit VR Little Endian based transfer syntax")
                }
                header(tag: e.tag, vr: vr, length: Self.undefined, into: out)
                try out.copy(from: ref, swapToBigEndian: false, wordSize: 1, tag: e.tag)
            } else {
                let padded = ref.length + (ref.length & 1)
                guard padded <= 0xFFFF_FFFE else { throw DataSetWriteError.valueTooLong(tag: e.tag, vr: vr, length: Int(ref.length)) }
                header(tag: e.tag, vr: vr, length: UInt32(padded), into: out)
                try out.copy(from: ref, swapToBigEndian: bigEndian, wordSize: vr.wordSize, tag: e.tag)
                if ref.length & 1 == 1 { out.append(vr.paddingByte) }
            }
        case .encapsulated(let enc):
            guard !bigEndian, explicitVR else {
                throw DataSetWriteError.unsupportedEncoding(reason: "encapsulated pixel data needs an Explicit VR Little Endian based transfer syntax")
            }
            header(tag: e.tag, vr: vr, length: Self.undefined, into: out)
            for item in [enc.basicOffsetTable] + enc.fragments {
                itemHeader(.item, length: UInt32(item.count + (item.count & 1)), into: out)
                out.append(item)
                if item.count & 1 == 1 { out.append(0) }
                try out.flushIfLarge()
            }
            itemHeader(.sequenceDelimitationItem, length: 0, into: out)
        case .sequence(let items):
            let undefinedLength = e.hasUndefinedLength
            var total: UInt64 = 0
            if !undefinedLength {
                for item in items { total += 8 + itemContentLength(item) }
            }
            header(tag: e.tag, vr: .SQ, length: undefinedLength ? Self.undefined : UInt32(truncatingIfNeeded: total), into: out)
            for item in items {
                itemHeader(.item, length: undefinedLength ? Self.undefined : UInt32(truncatingIfNeeded: itemContentLength(item)), into: out)
                try encode(item.elements[...], into: out)
                if undefinedLength { itemHeader(.itemDelimitationItem, length: 0, into: out) }
            }
            if undefinedLength { itemHeader(.sequenceDelimitationItem, length: 0, into: out) }
        }
        try out.flushIfLarge()
    }
}
