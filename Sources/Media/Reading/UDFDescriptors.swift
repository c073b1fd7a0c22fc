/// Where a UDF file's bytes lie: absolute image blocks, or inside its File Entry.
struct UDFFileLayout: Sendable {
    enum Data: Sendable {
        /// Extents in file order; `lba` nil for an allocated-but-unrecorded or unallocated extent
        /// (reads as zeros, ECMA-167 4/14.14.1.1).
        case extents([(lba: UInt64?, length: UInt32)])
        /// Data recorded in the File Entry's allocation descriptor field (ICB flag 3, 4/14.6.8).
        case embedded([UInt8])
    }
    var data: Data
    /// Information Length: the file's size in bytes (ECMA-167 4/14.9.10).
    var size: UInt64
}

/// Why a UDF file's allocation descriptors cannot be followed.
struct UDFLayoutError: Error, CustomStringConvertible {
    var description: String
}

/// Decodes the ECMA-167 Part 4 descriptors libudf hands over as raw bytes (all little-endian).
enum UDFDescriptors {
    /// A File Identifier Descriptor (ECMA-167 4/14.4).
    struct FileIdentifier {
        var characteristics: UInt8
        /// Logical block of the entry's ICB in its partition (4/14.4.5).
        var icbLocation: UInt32
        /// The File Identifier decoded from OSTA CS0 (UDF 2.01 §2.1.1); nil when not decodable.
        var name: String?
        /// Bytes the descriptor takes, padded to 4 (4/14.4.9).
        var size: Int
        var isDeleted: Bool { characteristics & 0x04 != 0 }
        var isParent: Bool { characteristics & 0x08 != 0 }
    }

    /// A File Entry (tag 261, 4/14.9) or Extended File Entry (tag 266, 4/14.17).
    struct FileEntry {
        var isExtended: Bool
        /// ICB file type (4/14.6.6): 4 directory, 5 file, 12 symbolic link…
        var fileType: UInt8
        /// Allocation descriptor kind (4/14.6.8): 0 short, 1 long, 2 extended, 3 embedded.
        var allocationKind: UInt16
        var informationLength: UInt64
        /// The allocation descriptor field (L_AD bytes after the extended attributes).
        var allocationDescriptors: [UInt8]
    }

    static func u16(_ p: UnsafePointer<UInt8>, _ at: Int) -> UInt16 { UInt16(p[at]) | UInt16(p[at + 1]) << 8 }
    static func u32(_ p: UnsafePointer<UInt8>, _ at: Int) -> UInt32 { UInt32(u16(p, at)) | UInt32(u16(p, at + 2)) << 16 }
    static func u64(_ p: UnsafePointer<UInt8>, _ at: Int) -> UInt64 { UInt64(u32(p, at)) | UInt64(u32(p, at + 4)) << 32 }
    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { b.withUnsafeBufferPointer { u32($0.baseAddress!, at) } }
    static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { b.withUnsafeBufferPointer { u16($0.baseAddress!, at) } }

    /// A NUL-terminated C string: UTF-8 when valid, else Latin-1 (libudf copies CS0 8-bit names as is).
    static func cString(_ chars: [CChar]) -> String {
        let bytes = chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(validating: bytes, as: UTF8.self) ?? String(bytes.map { Character(Unicode.Scalar($0)) })
    }

    /// The FID at `p`, of which `available` bytes may be read: 38 fixed bytes, Implementation
    /// Use (L_IU), then the File Identifier (L_FI); nil when the tag is not 257 or it runs past.
    static func fileIdentifier(_ p: UnsafePointer<UInt8>, available: Int = 2048) -> FileIdentifier? {
        guard available >= 38, u16(p, 0) == 257 else { return nil }
        let lengthFI = Int(p[19])
        let lengthIU = Int(u16(p, 36))
        guard 38 + lengthIU + lengthFI <= available else { return nil }
        let name = lengthFI == 0 ? "" : decodeCS0(UnsafeBufferPointer(start: p + 38 + lengthIU, count: lengthFI))
        return FileIdentifier(characteristics: p[18], icbLocation: u32(p, 24), name: name,
                              size: 4 * ((38 + lengthIU + lengthFI + 3) / 4))
    }

    /// Why the volume descriptors do not lead to a root folder.
    struct VolumeError: Error, CustomStringConvertible { var description: String }

    /// The partition start and root folder ICB of the volume: Anchor Volume Descriptor Pointer at
    /// block 256 (3/10.2), the Main Volume Descriptor Sequence's Partition Descriptor (3/10.5:
    /// starting location at byte 188) and Logical Volume Descriptor (3/10.6: block size at 212,
    /// File Set Descriptor long_ad at 248, partition maps from 440), then the File Set Descriptor's
    /// Root Directory ICB (4/14.1, long_ad at 400). Only type 1 partition maps: a type 2 map is a
    /// virtual, sparable or metadata partition (UDF 1.50+, 2.50/2.60), not read here.
    static func volumeRoot(readBlock: (UInt64) -> [UInt8]?) throws(VolumeError) -> (partitionStart: UInt32, rootICB: UInt32) {
        guard let anchor = readBlock(256), u16(anchor, 0) == 2 else { throw VolumeError(description: "no Anchor Volume Descriptor Pointer at block 256") }
        let length = u32(anchor, 16), location = u32(anchor, 20)
        var partitionStart: UInt32? = nil
        var fileSet: UInt32? = nil
        for i in 0..<min(UInt64(length / 2048), 64) {
            guard let d = readBlock(UInt64(location) + i) else { break }
            let tag = u16(d, 0)
            if tag == 8 { break }  // Terminating Descriptor
            if tag == 5, partitionStart == nil { partitionStart = u32(d, 188) }
            if tag == 6 {
                guard u32(d, 212) == 2048 else { throw VolumeError(description: "logical block size \(u32(d, 212)), not 2048") }
                let maps = Int(u32(d, 268))
                var at = 440
                for _ in 0..<min(maps, 64) where at + 2 <= 2048 {
                    if d[at] == 2 {
                        throw VolumeError(description: "a virtual, sparable or metadata partition (UDF 1.50+ on rewritable media, UDF 2.50/2.60) is not read")
                    }
                    at += max(Int(d[at + 1]), 6)
                }
                fileSet = u32(d, 252)
            }
        }
        guard let partitionStart, let fileSet else { throw VolumeError(description: "no Partition or Logical Volume Descriptor") }
        guard let fsd = readBlock(UInt64(partitionStart) + UInt64(fileSet)), u16(fsd, 0) == 256 else {
            throw VolumeError(description: "no File Set Descriptor at block \(fileSet) of the partition")
        }
        return (partitionStart, u32(fsd, 404))
    }

    /// OSTA Compressed Unicode (UDF 2.01 §2.1.1): compression ID 8 (each byte a code point
    /// U+0000–U+00FF) or 16 (UTF-16 big-endian).
    static func decodeCS0(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        guard let id = b.first else { return nil }
        let rest = b.dropFirst()
        switch id {
        case 8:
            return String(String.UnicodeScalarView(rest.map { Unicode.Scalar($0) }))
        case 16:
            guard rest.count % 2 == 0 else { return nil }
            var units: [UInt16] = []
            var i = rest.startIndex
            while i < rest.endIndex { units.append(UInt16(b[i]) << 8 | UInt16(b[i + 1])); i += 2 }
            return String(validating: units, as: UTF16.self)
        default:
            return nil
        }
    }

    /// The (Extended) File Entry in the 2048-byte block at `p`, or nil when the tag is neither.
    static func fileEntry(_ p: UnsafePointer<UInt8>?) -> FileEntry? {
        guard let p else { return nil }
        let tag = u16(p, 0)
        guard tag == 261 || tag == 266 else { return nil }
        let extended = tag == 266
        let lengthEA = Int(u32(p, extended ? 208 : 168))
        let lengthAD = Int(u32(p, extended ? 212 : 172))
        let base = extended ? 216 : 176
        guard lengthEA >= 0, lengthAD >= 0, base + lengthEA + lengthAD <= 2048 else { return nil }
        let ads = Array(UnsafeBufferPointer(start: p + base + lengthEA, count: lengthAD))
        return FileEntry(isExtended: extended, fileType: p[27], allocationKind: u16(p, 34) & 7,
                         informationLength: u64(p, 56), allocationDescriptors: ads)
    }

    /// A symbolic link's target from its Path Components (ECMA-167 4/14.16: type 1 or 2 the root,
    /// 3 "..", 4 ".", 5 a CS0 name), e.g. "../IMAGES/A" or "/etc/passwd"; nil when malformed.
    static func symbolicLinkTarget(_ bytes: [UInt8]) -> String? {
        var parts: [String] = []
        var absolute = false
        var i = 0
        while i < bytes.count {
            guard i + 4 <= bytes.count else { return nil }
            let type = bytes[i], length = Int(bytes[i + 1])
            guard i + 4 + length <= bytes.count else { return nil }
            switch type {
            case 1, 2: absolute = true; parts.removeAll()
            case 3: parts.append("..")
            case 4: parts.append(".")
            case 5:
                guard length > 0, let name = bytes.withUnsafeBufferPointer({ decodeCS0(UnsafeBufferPointer(rebasing: $0[i + 4 ..< i + 4 + length])) }) else { return nil }
                parts.append(name)
            default: return nil
            }
            i += 4 + length
        }
        return (absolute ? "/" : "") + parts.joined(separator: "/")
    }

    static func typeName(_ type: UInt8) -> String {
        switch type {
        case 12: return "a symbolic link"
        case 6: return "a block device"
        case 7: return "a character device"
        case 9: return "a FIFO"
        case 10: return "a socket"
        case 13: return "a stream directory"
        default: return "an entry of ICB file type \(type)"
        }
    }

    /// Most Allocation Extent Descriptor blocks followed for one file.
    static let maximumContinuations = 4096

    /// The extents of `fe` (ECMA-167 4/14.14: short_ad 8 bytes, long_ad 16, ext_ad 20; the top two
    /// bits of the length are the extent type; type 3 continues the list in an Allocation Extent
    /// Descriptor, 4/14.5). Positions are relative to `partitionStart` (one partition, as libudf).
    static func layout(_ fe: FileEntry, partitionStart: UInt32, imageBlocks: UInt64,
                       readBlock: (UInt64) -> [UInt8]?) throws(UDFLayoutError) -> UDFFileLayout {
        if fe.allocationKind == 3 {
            guard UInt64(fe.allocationDescriptors.count) >= fe.informationLength else {
                throw UDFLayoutError(description: "embedded data shorter than the file length")
            }
            return UDFFileLayout(data: .embedded(Array(fe.allocationDescriptors.prefix(Int(fe.informationLength)))),
                                 size: fe.informationLength)
        }
        let size: Int
        let locationAt: Int
        switch fe.allocationKind {
        case 0: (size, locationAt) = (8, 4)
        case 1: (size, locationAt) = (16, 4)
        case 2: (size, locationAt) = (20, 12)
        default: throw UDFLayoutError(description: "allocation descriptor kind \(fe.allocationKind) is not defined")
        }
        var extents: [(lba: UInt64?, length: UInt32)] = []
        var field = fe.allocationDescriptors
        var covered: UInt64 = 0
        var continuations = 0
        var i = 0
        while i + size <= field.count, covered < fe.informationLength {
            let raw = u32(field, i)
            let length = raw & 0x3FFF_FFFF
            let type = raw >> 30
            let position = u32(field, i + locationAt)
            i += size
            if length == 0 { break }
            if type == 3 {
                continuations += 1
                guard continuations <= maximumContinuations,
                      let block = readBlock(UInt64(partitionStart) + UInt64(position)),
                      u16(block, 0) == 258 else {
                    throw UDFLayoutError(description: "an Allocation Extent Descriptor is missing or damaged")
                }
                let lengthAD = Int(u32(block, 20))
                guard 24 + lengthAD <= 2048 else { throw UDFLayoutError(description: "an Allocation Extent Descriptor is damaged") }
                field = Array(block[24..<24 + lengthAD])
                i = 0
                continue
            }
            if type == 0 {
                let lba = UInt64(partitionStart) + UInt64(position)
                guard lba + (UInt64(length) + 2047) / 2048 <= imageBlocks else {
                    throw UDFLayoutError(description: "an extent at block \(lba) lies outside the image")
                }
                extents.append((lba, length))
            } else {
                extents.append((nil, length))
            }
            covered += UInt64(length)
        }
        guard covered >= fe.informationLength else {
            throw UDFLayoutError(description: "the allocation descriptors cover \(covered) of \(fe.informationLength) bytes")
        }
        return UDFFileLayout(data: .extents(extents), size: fe.informationLength)
    }
}
