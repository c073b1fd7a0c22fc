/// Encodes text for ISO 2022 character sets (and single-term sets such as "ISO_IR 100", which
/// only ever use their initial designations). Each character goes to the first set that can
/// hold it, preferring what is designated already; escape sequences designate a new set, and
/// value 1's sets are designated again before every delimiter (CR, LF, FF, TAB, other controls;
/// '\' in multi-valued VRs; '^' and '=' in PN) and at the end of the value (PS3.5 §6.1.2.5.3).
/// G1 resets implicitly at delimiters, so a G1 set is designated again after each one
/// (as in PS3.5 Annex I).
enum ISO2022Encoder {
    static func encode(_ string: String, configuration c: ISO2022Configuration, vr: VR) throws(CharacterSetError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count + 8)
        var g0 = c.initialG0
        var g1 = c.initialG1
        let isPN = vr == .PN
        let multiValued = vr.allowsBackslashSeparatedValues

        func designate(_ set: GraphicSet) {
            out.append(0x1B)
            out.append(contentsOf: set.escapeSequence)
            if set.isG0 { g0 = set } else { g1 = set }
        }
        func restoreInitial() {
            if g0 != c.initialG0 { designate(c.initialG0) }
            if g1 != c.initialG1 {
                if let s = c.initialG1 { designate(s) } else { g1 = nil }
            }
        }

        for scalar in string.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                if v == 0x1B {
                    throw .forbiddenControlCharacter(character: Character(scalar), characterSet: c.name, vr: vr)
                }
                let b = UInt8(v)
                if b < 0x20 || (isPN && (b == 0x5E || b == 0x3D)) || (multiValued && b == 0x5C) {
                    restoreInitial()
                } else if g0.isMultiByte {
                    designate(c.initialG0)       // ASCII (or JIS X 0201 Romaji for IR 13)
                }
                out.append(b)
                continue
            }
            // Current designations first, then every set the terms allow, in term order.
            var done = false
            if let s = g1, let bytes = Self.bytes(for: scalar, in: s) {
                out.append(contentsOf: bytes); done = true
            } else if g0.isMultiByte, let bytes = Self.bytes(for: scalar, in: g0) {
                out.append(contentsOf: bytes); done = true
            } else {
                for set in c.designations where set != g0 && set != g1 {
                    if let bytes = Self.bytes(for: scalar, in: set) {
                        designate(set)
                        out.append(contentsOf: bytes)
                        done = true
                        break
                    }
                }
            }
            if !done {
                throw .unrepresentable(character: Character(scalar), characterSet: c.name, vr: vr)
            }
        }
        restoreInitial()
        return out
    }

    /// The bytes of one non-ASCII scalar in `set` as they appear in the stream (7-bit for G0
    /// double-byte sets, high bit set for G1), or nil if the set lacks it.
    static func bytes(for scalar: Unicode.Scalar, in set: GraphicSet) -> [UInt8]? {
        let v = scalar.value
        switch set {
        case .ascii, .jisRoman:
            return v < 0x80 ? [UInt8(v)] : nil
        case .singleByte(let cs):
            return SingleByteTable.table(cs).encode[scalar].map { [$0] }
        case .katakana:
            return (0xFF61...0xFF9F).contains(v) ? [UInt8(0xA1 + v - 0xFF61)] : nil
        case .jisX0208:
            guard let e = eucBytes(scalar, "EUC-JP"), e.count == 2, isGR94(e[0]), isGR94(e[1]) else { return nil }
            return [e[0] & 0x7F, e[1] & 0x7F]
        case .jisX0212:
            guard let e = eucBytes(scalar, "EUC-JP"), e.count == 3, e[0] == 0x8F, isGR94(e[1]), isGR94(e[2]) else { return nil }
            return [e[1] & 0x7F, e[2] & 0x7F]
        case .ksX1001:
            guard let e = eucBytes(scalar, "EUC-KR"), e.count == 2, isGR94(e[0]), isGR94(e[1]) else { return nil }
            return e
        case .gb2312:
            guard let e = eucBytes(scalar, "EUC-CN"), e.count == 2, isGR94(e[0]), isGR94(e[1]) else { return nil }
            return e
        }
    }

    private static func isGR94(_ b: UInt8) -> Bool { b >= 0xA1 && b <= 0xFE }

    private static func eucBytes(_ scalar: Unicode.Scalar, _ charset: String) -> [UInt8]? {
        var utf8: [UInt8] = []
        IconvConverter.appendUTF8(scalar, &utf8)
        return utf8.withUnsafeBufferPointer { IconvConverter.encode($0, to: charset).bytes }
    }
}
