import DICOM

/// Finds where each item of a DICOMDIR's Directory Record Sequence (0004,1220) starts and ends,
/// by walking the element headers of the file (PS3.5 §7.1, §7.5), so the record offsets
/// (PS3.3 F.3.2.2: byte offsets from the first byte of the file, preamble included) can be
/// matched to items. Handles explicit and implicit VR, little and big endian, defined and
/// undefined lengths. Bounded: each byte is visited once, nesting is limited to 32 levels.
struct DICOMDIRItemLocator {
    struct Item {
        /// Offset of the item tag (FFFE,E000) from byte 0 of the file.
        var start: Int
        /// The item's content: from after its header to before its delimiter.
        var contentStart: Int
        var contentEnd: Int
    }

    enum Failure: Error { case malformed(String) }

    let bytes: [UInt8]
    let explicitVR: Bool
    let bigEndian: Bool
    /// Set by `items` when the last record item claims more bytes than the file holds: its start,
    /// claimed length and the bytes available.
    private(set) var cutShort: (start: Int, claimed: Int, available: Int)?

    private func u16(_ p: Int) -> UInt16 {
        bigEndian ? UInt16(bytes[p]) << 8 | UInt16(bytes[p + 1]) : UInt16(bytes[p]) | UInt16(bytes[p + 1]) << 8
    }
    private func u32(_ p: Int) -> UInt32 {
        bigEndian ? UInt32(u16(p)) << 16 | UInt32(u16(p + 2)) : UInt32(u16(p)) | UInt32(u16(p + 2)) << 16
    }

    private static let longVRs: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UR", "UT", "UN", "SV", "UV"]

    /// An element header at `p`: tag, whether a sequence, value length (nil = undefined), header size.
    private func header(at p: Int) throws(Failure) -> (group: UInt16, element: UInt16, isSequence: Bool, length: Int?, size: Int) {
        guard p + 8 <= bytes.count else { throw .malformed("the file ends inside an element header at byte \(p)") }
        let g = u16(p), e = u16(p + 2)
        if g == 0xFFFE {
            let l = u32(p + 4)
            return (g, e, false, l == 0xFFFF_FFFF ? nil : Int(l), 8)
        }
        if explicitVR {
            let vr = String(decoding: bytes[p + 4 ..< p + 6], as: UTF8.self)
            guard vr.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
                throw .malformed("no valid VR at byte \(p + 4) for element (\(hex(g)),\(hex(e)))")
            }
            if Self.longVRs.contains(vr) {
                guard p + 12 <= bytes.count else { throw .malformed("the file ends inside an element header at byte \(p)") }
                let l = u32(p + 8)
                return (g, e, vr == "SQ" || (vr == "UN" && l == 0xFFFF_FFFF), l == 0xFFFF_FFFF ? nil : Int(l), 12)
            }
            return (g, e, false, Int(u16(p + 6)), 8)
        }
        let l = u32(p + 4)
        let isSQ = l == 0xFFFF_FFFF || DataDictionary.entry(for: Tag(g, e))?.vr == .SQ
        return (g, e, isSQ, l == 0xFFFF_FFFF ? nil : Int(l), 8)
    }

    private func hex(_ v: UInt16) -> String { String(v, radix: 16, uppercase: true).leftPadded(4) }

    /// Skips the value of an element whose header ends at `p`; returns the offset after it.
    private func skipValue(from p: Int, isSequence: Bool, length: Int?, depth: Int) throws(Failure) -> Int {
        if let length {
            guard p + length <= bytes.count else { throw .malformed("a value of \(length) bytes at byte \(p) runs past the end of the file") }
            return p + length
        }
        guard depth < 32 else { throw .malformed("sequences nested more than 32 deep at byte \(p)") }
        // Undefined length: items up to the Sequence Delimitation Item (PS3.5 §7.5.2).
        var q = p
        while true {
            let h = try header(at: q)
            q += 8
            if h.group == 0xFFFE, h.element == 0xE0DD { return q }
            guard h.group == 0xFFFE, h.element == 0xE000 else { throw .malformed("expected an item at byte \(q - 8)") }
            if let l = h.length {
                guard q + l <= bytes.count else { throw .malformed("an item of \(l) bytes at byte \(q - 8) runs past the end of the file") }
                q += l
            } else {
                q = try skipItemContent(from: q, depth: depth + 1).after
            }
        }
    }

    /// Walks the elements of an undefined-length item from `p`; returns where its delimiter starts and the offset after it.
    private func skipItemContent(from p: Int, depth: Int) throws(Failure) -> (end: Int, after: Int) {
        var q = p
        while true {
            let h = try header(at: q)
            if h.group == 0xFFFE, h.element == 0xE00D { return (q, q + 8) }
            q = try skipValue(from: q + h.size, isSequence: h.isSequence, length: h.length, depth: depth + 1)
        }
    }

    /// The items of the first (0004,1220) at the top level of the data set starting at `dataSetStart`.
    /// Nil when the data set has no Directory Record Sequence.
    mutating func items(dataSetStart: Int) throws(Failure) -> [Item]? {
        var p = dataSetStart
        while p < bytes.count {
            let h = try header(at: p)
            if h.group == 0x0004, h.element == 0x1220 {
                var q = p + h.size
                let end = h.length.map { q + $0 }
                if let end, end > bytes.count { throw .malformed("the Directory Record Sequence runs past the end of the file") }
                var out: [Item] = []
                while end.map({ q < $0 }) ?? true {
                    let ih = try header(at: q)
                    if ih.group == 0xFFFE, ih.element == 0xE0DD { break }
                    guard ih.group == 0xFFFE, ih.element == 0xE000 else {
                        throw .malformed("expected a directory record item at byte \(q)")
                    }
                    if let l = ih.length {
                        guard q + 8 + l <= bytes.count else {
                            // Tolerated (as pydicom does): keep what the file holds of the last item.
                            out.append(Item(start: q, contentStart: q + 8, contentEnd: bytes.count))
                            cutShort = (q, l, bytes.count - q - 8)
                            break
                        }
                        out.append(Item(start: q, contentStart: q + 8, contentEnd: q + 8 + l))
                        q += 8 + l
                    } else {
                        let (e, after) = try skipItemContent(from: q + 8, depth: 1)
                        out.append(Item(start: q, contentStart: q + 8, contentEnd: e))
                        q = after
                    }
                }
                return out
            }
            if h.group > 0x0004 || (h.group == 0x0004 && h.element > 0x1220) { return nil }
            p = try skipValue(from: p + h.size, isSequence: h.isSequence, length: h.length, depth: 0)
        }
        return nil
    }
}

extension String {
    fileprivate func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
