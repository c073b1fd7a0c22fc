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
        /// Logical block of the entry's ICB in its partition (4/14.4.5), and that partition's
        /// reference number (lb_addr, 4/7.1).
        var icbLocation: UInt32
        var icbPartition: UInt16
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
        return FileIdentifier(characteristics: p[18], icbLocation: u32(p, 24), icbPartition: u16(p, 28), name: name,
                              size: 4 * ((38 + lengthIU + lengthFI + 3) / 4))
    }

    /// Why the volume descriptors do not lead to a root folder.
    struct VolumeError: Error, CustomStringConvertible { var description: String }

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

    /// The extents of `fe`, recorded in partition `partition` (ECMA-167 4/14.14: short_ad 8 bytes
    /// in the entry's own partition, long_ad 16 and ext_ad 20 naming theirs; the top two bits of
    /// the length are the extent type; type 3 continues the list in an Allocation Extent
    /// Descriptor, 4/14.5), as image sectors through `map` — split where a Metadata Partition's
    /// blocks are not contiguous in the image.
    static func layout(_ fe: FileEntry, partition: UInt16, map: UDFVolumeMap, imageBlocks: UInt64,
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
            let ref = fe.allocationKind == 0 ? partition : u16(field, i + locationAt + 4)
            i += size
            if length == 0 { break }
            if type == 3 {
                continuations += 1
                guard continuations <= maximumContinuations,
                      let at = map.resolve(partition: ref, block: position), let block = readBlock(at.lba),
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
                // Recorded: block by block through the map, one piece per contiguous run.
                var left = length
                var block = position
                while left > 0 {
                    guard let at = map.resolve(partition: ref, block: block) else {
                        throw UDFLayoutError(description: "an extent at block \(block) of partition \(ref) lies outside its partition")
                    }
                    let piece = UInt32(min(UInt64(left), UInt64(at.contiguous) * 2048))
                    guard piece > 0, at.lba + (UInt64(piece) + 2047) / 2048 <= imageBlocks else {
                        throw UDFLayoutError(description: "an extent at block \(at.lba) lies outside the image")
                    }
                    extents.append((at.lba, piece))
                    left -= piece
                    block += (piece + 2047) / 2048
                }
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
