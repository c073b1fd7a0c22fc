import DICOM

/// Reads the bytes of a DICOMDIR that `TolerantDICOMDIRReader` needs, in bounded memory: from byte
/// 0 (record offsets count from there, PS3.3 F.3.2.2) to the end of the Directory Record Sequence
/// (0004,1220) when its length is defined, and never more than `limit` bytes. A hostile or broken
/// DICOMDIR may really be gigabytes long (a 4 GiB element after the records, a sparse file); what
/// lies after the records is not needed, and a record sequence longer than `limit` is read as far
/// as the limit (the reader then reports the record cut short).
public enum DICOMDIRBytes {
    /// 64 MiB: about 250,000 directory records, beyond any real medium's DICOMDIR.
    public static let limit = 64 << 20

    public struct Read: Sendable {
        public var bytes: [UInt8]
        /// The file's size on the medium.
        public var size: Int64
        /// True when the read stopped at `limit` before the end of the record sequence (or of the
        /// file, when the sequence's end is not known).
        public var cutAtLimit: Bool
        /// Bytes after the end of the record sequence, not read.
        public var unreadAfterRecords: Int64
    }

    public static func read(_ volume: any MediaVolume, _ path: String, limit: Int = DICOMDIRBytes.limit) throws(MediaVolumeError) -> Read {
        let reader = try volume.open(path)
        var bytes: [UInt8] = []
        var need: Int64 = min(reader.size, Int64(limit))
        var end: Int64? = nil
        while Int64(bytes.count) < need {
            let chunk = try reader.read(upTo: Int(min(Int64(1 << 20), need - Int64(bytes.count))))
            if chunk.isEmpty { break }
            bytes += chunk
            if end == nil, let e = sequenceEnd(bytes) {
                end = e
                need = min(need, e)
            }
        }
        if Int64(bytes.count) > need { bytes.removeSubrange(Int(need)...) }
        let wanted = min(end ?? reader.size, reader.size)
        return Read(bytes: bytes, size: reader.size, cutAtLimit: bytes.count >= limit && Int64(bytes.count) < wanted,
                    unreadAfterRecords: end.map { max(0, reader.size - $0) } ?? 0)
    }

    /// Where the top-level Directory Record Sequence ends (offset from byte 0), when its length is
    /// defined and the headers before it lie within `b`; nil otherwise.
    static func sequenceEnd(_ b: [UInt8]) -> Int64? {
        let start = TolerantDICOMDIRReader.dataSetStart(b)
        guard let syntax = (try? Part10Reader.read(bytes: Array(b.prefix(start)), options: ReadOptions(stopBefore: .directoryRecordSequence, lazyThreshold: nil)))?.transferSyntax,
              !syntax.isDeflated else { return nil }
        let big = syntax.isBigEndian, explicit = syntax.isExplicitVR
        func u16(_ p: Int) -> UInt32 { big ? UInt32(b[p]) << 8 | UInt32(b[p + 1]) : UInt32(b[p]) | UInt32(b[p + 1]) << 8 }
        func u32(_ p: Int) -> UInt32 { big ? u16(p) << 16 | u16(p + 2) : u16(p) | u16(p + 2) << 16 }
        let longVRs: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UR", "UT", "UN", "SV", "UV"]
        var p = start
        while p + 12 <= b.count {
            let length: UInt32, header: Int
            if explicit {
                let vr = String(decoding: b[p + 4 ..< p + 6], as: UTF8.self)
                guard vr.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
                if longVRs.contains(vr) { length = u32(p + 8); header = 12 } else { length = u16(p + 6); header = 8 }
            } else {
                length = u32(p + 4); header = 8
            }
            guard length != 0xFFFF_FFFF else { return nil }
            let end = Int64(p) + Int64(header) + Int64(length)
            if u16(p) == 0x0004, u16(p + 2) == 0x1220 { return end }
            guard end < Int64(b.count) else { return nil }
            p = Int(end)
        }
        return nil
    }
}
