import Foundation

/// The Part 4 descriptors of a UDF tree: Extended File Entries (ECMA-167 4/14.17) and File
/// Identifier Descriptors (4/14.4), as UDF 2.60 §2.3 restricts them.
enum UDFEntries {
    /// long_ads that fit in one Extended File Entry block after its 216 fixed bytes.
    static let maximumLongADs = (2048 - 216) / 16

    /// ICB file types (4/14.6.6; UDF 2.60 §2.3.5.2 for 250–252).
    enum FileType: UInt8 { case directory = 4, file = 5, metadata = 250, metadataMirror = 251 }

    /// Bytes of a File Identifier Descriptor: 38 fixed bytes, no Implementation Use, the CS0 name,
    /// padded to a multiple of 4 (4/14.4.9).
    static func fidBytes(parent: Bool, name: String) -> Int {
        let lengthFI = parent ? 0 : UDFFields.cs0(name).count
        return (38 + lengthFI + 3) / 4 * 4
    }

    /// An Extended File Entry (4/14.17) at `block` of its partition.
    /// - Parameters:
    ///   - allocation: `.short` extents in the entry's own partition (folders, metadata files) or
    ///     `.long` extents in `dataPartition` (file data, UDF 2.60 §2.3.10).
    ///   - links: File Link Count (4/14.9.6): 1 for a file, 1 + subfolders for a folder.
    static func extendedFileEntry(block: UInt32, type: FileType, uniqueID: UInt64, length: Int64, firstBlock: UInt32,
                                  long: Bool, dataPartition: UInt16, links: UInt16, time: [UInt8]) -> [UInt8] {
        var r = UDFRecord(size: 2048)
        // ICB tag (4/14.6): strategy 4, one entry, the file type; flags: allocation descriptor kind.
        r.u16(20, 4)
        r.u16(24, 1)
        r.u8(27, type.rawValue)
        r.u16(34, long ? 1 : 0)
        r.u32(36, 0xFFFF_FFFF)  // uid: none (UDF 2.60 §3.3.3.1)
        r.u32(40, 0xFFFF_FFFF)  // gid
        // Permissions (4/14.9.5): read for owner, group and others; folders also execute.
        let bits: UInt32 = type == .directory ? 0x5 : 0x4
        r.u32(44, bits | bits << 5 | bits << 10)
        r.u16(48, links)
        r.u64(56, UInt64(length))  // Information Length
        r.u64(64, UInt64(length))  // Object Size (no streams)
        let blocks = (UInt64(length) + 2047) / 2048
        r.u64(72, blocks)          // Logical Blocks Recorded
        for at in [80, 92, 104, 116] { r.put(at, time) }  // access, modification, creation, attribute
        r.u32(128, 1)              // checkpoint
        r.put(168, UDFFields.implementation)
        r.u64(200, uniqueID)
        var at = 216
        var left = length
        var next = firstBlock
        while left > 0 {
            let piece = min(left, UDFImagePlan.maximumExtent)
            if long {
                r.longAD(at, length: UInt32(piece), block: next, partition: dataPartition)
                at += 16
            } else {
                r.shortAD(at, length: UInt32(piece), block: next)
                at += 8
            }
            next += UInt32(piece / 2048)
            left -= piece
        }
        r.u32(208, 0)            // L_EA
        r.u32(212, UInt32(at - 216))  // L_AD
        r.tag(266, location: block, length: at)
        return r.bytes
    }

    /// The File Identifier Descriptor of `name` (nil: the parent entry, 4/14.4.3 bit 3) whose ICB
    /// is `icbBlock` of `partition`, starting at byte `offset` of a folder recorded from `firstBlock`.
    static func fileIdentifier(name: String?, isDirectory: Bool, icbBlock: UInt32, partition: UInt16, uniqueID: UInt64,
                               firstBlock: UInt32, offset: Int) -> [UInt8] {
        let encoded = name.map(UDFFields.cs0) ?? []
        var r = UDFRecord(size: fidBytes(parent: name == nil, name: name ?? ""))
        r.u16(16, 1)  // File Version Number
        r.u8(18, (isDirectory ? 0x02 : 0) | (name == nil ? 0x08 : 0))
        r.u8(19, UInt8(encoded.count))
        r.longAD(20, length: 2048, block: icbBlock, partition: partition, uniqueID: UInt32(truncatingIfNeeded: uniqueID))
        r.u16(36, 0)  // L_IU
        r.put(38, encoded)
        r.tag(257, location: firstBlock + UInt32(offset / 2048))
        return r.bytes
    }
}
