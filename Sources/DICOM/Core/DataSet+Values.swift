/// Typed access to values (PS3.5 §6.2): text decoded with the data set's Specific Character Set,
/// numbers from binary or text VRs.
extension DataSet {
    /// The decoded text of an element, with insignificant padding removed; multiple values stay
    /// joined by backslash. Nil if absent, empty, or not text.
    public func string(_ tag: Tag) -> String? {
        guard let e = self[tag], let b = e.bytes, !b.isEmpty else { return nil }
        let text = decodeText(b, vr: e.vr)
        return text.isEmpty ? nil : text
    }

    /// Every value of a multi-valued text element, split after decoding (so GBK trail bytes that
    /// happen to be 0x5C never split a value).
    public func strings(_ tag: Tag) -> [String] {
        guard let e = self[tag], let b = e.bytes, !b.isEmpty else { return [] }
        let text = specificCharacterSet.decode(b, vr: e.vr)
        guard e.vr.allowsBackslashSeparatedValues else { return [trimDICOMPadding(text, vr: e.vr)] }
        return text.split(separator: "\\", omittingEmptySubsequences: false).map { trimDICOMPadding(String($0), vr: e.vr) }
    }

    /// The value decoded and trimmed per its VR.
    public func decodeText(_ bytes: [UInt8], vr: VR) -> String {
        if vr.usesSpecificCharacterSet {
            return trimDICOMPadding(specificCharacterSet.decode(bytes, vr: vr), vr: vr)
        }
        // Non-affected VRs use the default repertoire; Latin-1 never fails to decode.
        return trimDICOMPadding(String(decoding: bytes, as: UTF8.self), vr: vr)
    }

    public func personName(_ tag: Tag) -> PersonName? {
        string(tag).map { PersonName($0) }
    }

    /// Integer value `index` of US, SS, UL, SL, SV, UV, IS (and, truncating, DS) elements.
    public func int(_ tag: Tag, index: Int = 0) -> Int? {
        guard let e = self[tag], let b = e.bytes else { return nil }
        return NumericValues.int(b, vr: e.vr, index: index) ?? {
            guard e.vr == .IS || e.vr == .DS else { return nil }
            let values = strings(tag)
            guard index < values.count else { return nil }
            if e.vr == .IS { return IntegerString.parse(values[index]) }
            return DecimalString.parse(values[index]).map { Int($0) }
        }()
    }

    /// Floating-point value `index` of FL, FD, DS, IS and integer VRs.
    public func double(_ tag: Tag, index: Int = 0) -> Double? {
        guard let e = self[tag], let b = e.bytes else { return nil }
        if let d = NumericValues.double(b, vr: e.vr, index: index) { return d }
        if e.vr == .DS || e.vr == .IS {
            let values = strings(tag)
            guard index < values.count else { return nil }
            return DecimalString.parse(values[index])
        }
        return NumericValues.int(b, vr: e.vr, index: index).map(Double.init)
    }

    /// All values of a binary numeric element as integers.
    public func ints(_ tag: Tag) -> [Int] {
        guard let e = self[tag], let b = e.bytes else { return [] }
        let n = e.vr.wordSize > 0 ? b.count / max(e.vr.wordSize, 1) : 0
        if e.vr == .IS { return strings(tag).compactMap { IntegerString.parse($0) } }
        return (0 ..< n).compactMap { NumericValues.int(b, vr: e.vr, index: $0) }
    }

    public func uint16(_ tag: Tag) -> UInt16? { int(tag).flatMap { UInt16(exactly: $0) } }

    // MARK: Setting values

    /// Sets a text element, encoding it with this data set's Specific Character Set for the VRs
    /// that use it, and padding to even length.
    public mutating func set(_ tag: Tag, _ vr: VR, _ value: String) throws {
        var bytes: [UInt8]
        if vr.usesSpecificCharacterSet {
            bytes = try specificCharacterSet.encode(value, vr: vr)
        } else {
            bytes = Array(value.utf8)
        }
        if bytes.count & 1 == 1 { bytes.append(vr.paddingByte) }
        insert(DataElement(tag: tag, vr: vr, value: .bytes(bytes)))
    }

    /// Sets a text element from several values joined with backslash.
    public mutating func set(_ tag: Tag, _ vr: VR, values: [String]) throws {
        try set(tag, vr, values.joined(separator: "\\"))
    }

    public mutating func set(_ tag: Tag, uint16 values: UInt16...) {
        var b: [UInt8] = []
        for v in values { b.append(UInt8(v & 0xFF)); b.append(UInt8(v >> 8)) }
        insert(DataElement(tag: tag, vr: .US, value: .bytes(b)))
    }

    public mutating func set(_ tag: Tag, uint32 values: UInt32...) {
        var b: [UInt8] = []
        for v in values { b += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        insert(DataElement(tag: tag, vr: .UL, value: .bytes(b)))
    }

    public mutating func set(_ tag: Tag, sequence items: [DataSet], undefinedLength: Bool = true) {
        insert(DataElement(tag: tag, vr: .SQ, value: .sequence(items), hasUndefinedLength: undefinedLength))
    }
}

/// Reads binary numbers from little-endian value bytes (PS3.5 Table 6.2-1).
public enum NumericValues {
    public static func int(_ b: [UInt8], vr: VR, index: Int) -> Int? {
        func u(_ size: Int) -> UInt64? {
            let start = index * size
            guard index >= 0, start + size <= b.count else { return nil }
            var v: UInt64 = 0
            for k in 0 ..< size { v |= UInt64(b[start + k]) << (8 * UInt64(k)) }
            return v
        }
        switch vr {
        case .US, .OW: return u(2).map { Int($0) }
        case .SS: return u(2).map { Int(Int16(truncatingIfNeeded: $0)) }
        case .UL, .OL: return u(4).map { Int($0) }
        case .SL: return u(4).map { Int(Int32(truncatingIfNeeded: $0)) }
        case .UV, .OV: return u(8).map { Int(truncatingIfNeeded: $0) }
        case .SV: return u(8).map { Int(Int64(bitPattern: $0)) }
        case .OB, .UN: return index < b.count && index >= 0 ? Int(b[index]) : nil
        default: return nil
        }
    }

    public static func double(_ b: [UInt8], vr: VR, index: Int) -> Double? {
        switch vr {
        case .FL, .OF:
            let start = index * 4
            guard index >= 0, start + 4 <= b.count else { return nil }
            let bits = UInt32(b[start]) | UInt32(b[start + 1]) << 8 | UInt32(b[start + 2]) << 16 | UInt32(b[start + 3]) << 24
            return Double(Float(bitPattern: bits))
        case .FD, .OD:
            let start = index * 8
            guard index >= 0, start + 8 <= b.count else { return nil }
            var bits: UInt64 = 0
            for k in 0 ..< 8 { bits |= UInt64(b[start + k]) << (8 * UInt64(k)) }
            return Double(bitPattern: bits)
        default: return nil
        }
    }
}
