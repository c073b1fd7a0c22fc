/// Reads DICOM files: PS3.10 files with preamble, "DICM" and File Meta Information, and bare
/// data sets without a meta header, whose encoding is detected from the first element.
public enum Part10Reader {
    /// Reads a file. Pixel data and other large values stay in the file unless
    /// `options.lazyThreshold` is nil; `ReadOptions.headerOnly` stops before Pixel Data.
    public static func read(path: String, options: ReadOptions = .default) throws -> DICOMFile {
        let source = try ByteSource(path: path)
        var file = try read(source: source, options: options)
        file.path = path
        return file
    }

    /// Reads a file held in memory.
    public static func read(bytes: [UInt8], options: ReadOptions = .loadAll, name: String = "<memory>") throws -> DICOMFile {
        try read(source: ByteSource(bytes: bytes, path: name), options: options)
    }

    static func read(source: ByteSource, options: ReadOptions) throws -> DICOMFile {
        let path = source.path
        var warnings: [String] = []
        var preamble: [UInt8]? = nil

        // PS3.10 §7.1: 128-byte preamble then "DICM".
        var hasDICM = false
        if (try? source.ensure(132)) != nil {
            if source.peekByte(128) == 0x44, source.peekByte(129) == 0x49,
               source.peekByte(130) == 0x43, source.peekByte(131) == 0x4D {
                hasDICM = true
                preamble = try source.bytes(128)
                try source.skip(4)
            }
        }
        if !hasDICM {
            // Lenient: "DICM" at offset 0 with no preamble (seen from some writers).
            if (try? source.ensure(4)) != nil, source.peekByte(0) == 0x44, source.peekByte(1) == 0x49,
               source.peekByte(2) == 0x43, source.peekByte(3) == 0x4D {
                try source.skip(4)
                warnings.append("no preamble before \"DICM\"")
            }
        }
        if source.isAtEnd() {
            if hasDICM {
                throw DataSetReadError.notDICOM(path: path, reason: "the file ends after its preamble and \"DICM\"; it has no File Meta Information")
            }
            throw DataSetReadError.notDICOM(path: path, reason: "the file is empty or shorter than a data element")
        }

        var parser = DataSetParser(source: source, options: options)
        var meta = DataSet()
        if try startsWithMetaGroup(source) {
            let read = try readMeta(source: source, truncation: options.truncation)
            meta = read.meta
            if let cut = read.truncation {
                // Only with `.keepAvailable`: `.reject` threw already.
                warnings.append(cut)
                var file = DICOMFile(preamble: preamble, meta: meta, dataSet: DataSet(),
                                     transferSyntax: meta.string(.transferSyntaxUIDTag).map { TransferSyntax.forUID($0) } ?? .explicitVRLittleEndian,
                                     path: path)
                file.warnings = warnings
                file.isTruncated = true
                return file
            }
        } else if hasDICM {
            throw DataSetReadError.notDICOM(path: path, reason: "\"DICM\" is not followed by File Meta Information (group 0002)")
        }

        // Transfer syntax: from the meta header, checked against the first data element.
        var syntax: TransferSyntax
        if let tsElement = meta[.transferSyntaxUIDTag], let b = tsElement.bytes {
            syntax = TransferSyntax.forUID(trimmedText(b))
        } else {
            if !meta.isEmpty { warnings.append("File Meta Information has no Transfer Syntax UID (0002,0010); encoding detected") }
            guard let detected = try detectEncoding(source) else {
                if meta.isEmpty {
                    throw DataSetReadError.notDICOM(path: path, reason: "no \"DICM\" header and the first bytes are not a data element")
                }
                if source.isAtEnd() {
                    return DICOMFile(preamble: preamble, meta: meta, dataSet: DataSet(), transferSyntax: .explicitVRLittleEndian, path: path)
                }
                // Lenient: fall back to the default transfer syntax (PS3.5 §10.1).
                warnings.append("data set encoding not recognisable; read as Implicit VR Little Endian")
                syntax = .implicitVRLittleEndian
                let parsed = try parser.parseDataSet(encoding: .init(explicitVR: false, bigEndian: false), end: nil, depth: 0,
                                                     isItem: false, inherited: nil, pixelRepresentation: nil, stopBefore: options.stopBefore)
                var file = DICOMFile(preamble: preamble, meta: meta, dataSet: parsed.dataSet, transferSyntax: syntax, path: path)
                file.stoppedAt = parsed.stoppedAt
                file.warnings = warnings + parser.warnings
                file.isTruncated = parser.truncated
                file.oddLengthValueCount = parser.oddLengthCount
                file.oddLengthTags = parser.oddLengthTags
                return file
            }
            syntax = detected
        }

        if syntax.isDeflated {
            try source.startInflating(limit: options.maxInflatedLength)
        }

        var encoding = DataSetParser.Encoding(explicitVR: syntax.isExplicitVR, bigEndian: syntax.isBigEndian)
        if !source.isAtEnd(), let actual = try detectEncoding(source) {
            if actual.isExplicitVR != encoding.explicitVR || actual.isBigEndian != encoding.bigEndian,
               !fits(source, encoding) {
                // Lenient (as pydicom and DCMTK): the data set is encoded differently from what
                // the meta header says; follow the data.
                warnings.append("Transfer Syntax \(syntax.uid) does not match the data set encoding; read as \(actual.isExplicitVR ? "explicit" : "implicit") VR \(actual.isBigEndian ? "big" : "little") endian")
                encoding = .init(explicitVR: actual.isExplicitVR, bigEndian: actual.isBigEndian)
                if !syntax.isEncapsulated && !syntax.isDeflated { syntax = actual }
            }
        }

        let parsed = try parser.parseDataSet(encoding: encoding, end: nil, depth: 0, isItem: false, inherited: nil,
                                             pixelRepresentation: nil, stopBefore: options.stopBefore)
        var file = DICOMFile(preamble: preamble, meta: meta, dataSet: parsed.dataSet, transferSyntax: syntax, path: path)
        file.stoppedAt = parsed.stoppedAt
        file.warnings = warnings + parser.warnings
        file.isTruncated = parser.truncated
        file.oddLengthValueCount = parser.oddLengthCount
        file.oddLengthTags = parser.oddLengthTags
        return file
    }

    /// True when the next element is in group 0002 (little endian, as the meta header always is).
    private static func startsWithMetaGroup(_ source: ByteSource) throws -> Bool {
        guard (try? source.ensure(2)) != nil else { return false }
        return source.peekByte(0) == 0x02 && source.peekByte(1) == 0x00
    }

    /// File Meta Information: Explicit VR Little Endian elements of group 0002 (PS3.10 §7.1).
    /// Read until the group changes rather than trusting (0002,0000), which is often wrong; but a
    /// file that ends before the end its group length announces, or inside an element header, or
    /// after a meta group without Transfer Syntax UID (0002,0010), is cut inside its meta
    /// information. With `.reject` that throws `DataSetReadError.truncatedFileMeta`; with
    /// `.keepAvailable` the elements read so far come back with the reason in `truncation`. A
    /// value that runs past the end of the file is `lengthPastEnd` under either policy.
    private static func readMeta(source: ByteSource, truncation policy: TruncationPolicy) throws -> (meta: DataSet, truncation: String?) {
        var elements: [DataElement] = []
        var announcedEnd: UInt64? = nil
        var cut: String? = nil
        // Lenient: some writers encode the meta group in Implicit VR.
        var explicitVR = true
        if (try? source.ensure(6)) != nil, VR(byte0: source.peekByte(4), byte1: source.peekByte(5)) == nil {
            explicitVR = false
        }
        while (try? source.ensure(2)) != nil, source.peekByte(0) == 0x02, source.peekByte(1) == 0x00 {
            let offset = source.offset
            guard (try? source.ensure(8)) != nil else {
                cut = "the file ends at byte \(offset + UInt64(source.available)) inside the header of a File Meta Information element"
                try source.skip(UInt64(source.available))
                break
            }
            let group = try source.u16(bigEndian: false)
            let element = try source.u16(bigEndian: false)
            let tag = Tag(group, element)
            var vr: VR
            var length: UInt32
            if explicitVR {
                let (b0, b1) = try source.twoBytes()
                guard let v = VR(byte0: b0, byte1: b1) else {
                    throw DataSetReadError.invalidVR(path: source.path, tag: tag, offset: offset, bytes: [b0, b1])
                }
                vr = v
                if v.hasLongLength {
                    guard (try? source.ensure(6)) != nil else {
                        cut = "the file ends at byte \(source.offset + UInt64(source.available)) inside the header of meta element \(tag)"
                        try source.skip(UInt64(source.available))
                        break
                    }
                    try source.skip(2); length = try source.u32(bigEndian: false)
                } else { length = UInt32(try source.u16(bigEndian: false)) }
            } else {
                length = try source.u32(bigEndian: false)
                vr = DataDictionary.entry(for: tag)?.vr ?? .UN
            }
            guard length != DataSetParser.undefinedLength else {
                throw DataSetReadError.malformed(path: source.path, offset: offset, reason: "meta element \(tag) has undefined length")
            }
            // A meta element longer than the file is refused under either policy: its length may
            // as well be corrupt, and nothing after it can be trusted.
            if let remaining = source.remaining, UInt64(length) > remaining {
                throw DataSetReadError.lengthPastEnd(path: source.path, tag: tag, offset: offset,
                                                     length: UInt64(length), available: remaining)
            }
            let bytes = try source.bytes(Int(length))
            if tag == Tag(0x0002, 0x0000), bytes.count == 4 {
                let n = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
                announcedEnd = source.offset + UInt64(n)
            }
            if let last = elements.last, last.tag >= tag { continue }
            elements.append(DataElement(tag: tag, vr: vr, value: .bytes(bytes)))
        }
        let meta = DataSet(sortedElements: elements, inheritedCharacterSet: nil)
        if cut == nil, source.isAtEnd() {
            if let announcedEnd, source.offset < announcedEnd {
                cut = "the file ends at byte \(source.offset), inside its File Meta Information, whose group length (0002,0000) says it runs to byte \(announcedEnd)"
            } else if meta[.transferSyntaxUIDTag] == nil {
                cut = "the file ends at byte \(source.offset), after File Meta Information without Transfer Syntax UID (0002,0010) and before any data set"
            }
        }
        if let cut, policy == .reject {
            throw DataSetReadError.truncatedFileMeta(path: source.path, reason: cut)
        }
        return (meta, cut)
    }

    /// True when the next element header reads plausibly in `encoding`. Some headers read plausibly
    /// both ways, e.g. group 0001 in big endian is group 0100 in little endian: then the
    /// declared transfer syntax decides, not `detectEncoding`'s preference for little endian.
    private static func fits(_ source: ByteSource, _ encoding: DataSetParser.Encoding) -> Bool {
        guard (try? source.ensure(8)) != nil else { return false }
        let b0 = source.peekByte(0), b1 = source.peekByte(1)
        let group = encoding.bigEndian ? UInt16(b0) << 8 | UInt16(b1) : UInt16(b0) | UInt16(b1) << 8
        let vrValid = VR(byte0: source.peekByte(4), byte1: source.peekByte(5)) != nil
        return (0x0001 ... 0x0100).contains(group) && vrValid == encoding.explicitVR
    }

    /// Looks at the next element header and says which uncompressed encoding it is in, or nil if it
    /// does not look like a data element. Does not move the read position.
    static func detectEncoding(_ source: ByteSource) throws -> TransferSyntax? {
        guard (try? source.ensure(8)) != nil else { return nil }
        let b = (0 ..< 8).map { source.peekByte($0) }
        let groupLE = UInt16(b[0]) | UInt16(b[1]) << 8
        let groupBE = UInt16(b[0]) << 8 | UInt16(b[1])
        let vrValid = VR(byte0: b[4], byte1: b[5]) != nil
        // Data sets start with a low group (0002…0010 in practice, 0008 usually); group 0000 is
        // a DIMSE command set, never a stored data set.
        let plausibleLE = (0x0001 ... 0x0100).contains(groupLE)
        let plausibleBE = (0x0001 ... 0x0100).contains(groupBE) && !plausibleLE
        if plausibleLE {
            return vrValid ? .explicitVRLittleEndian : .implicitVRLittleEndian
        }
        if plausibleBE {
            // Implicit VR Big Endian does not exist (PS3.5 §A.1).
            return vrValid ? .explicitVRBigEndian : nil
        }
        return nil
    }
}
