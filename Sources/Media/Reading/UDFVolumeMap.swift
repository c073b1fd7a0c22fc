/// How a UDF volume's logical blocks map to image sectors: the Logical Volume Descriptor's
/// partition maps (ECMA-167 3/10.6, 3/10.7) over the Partition Descriptors (3/10.5), including
/// UDF 2.50/2.60's Metadata Partition (OSTA UDF 2.60 §2.2.10), whose blocks are the bytes of the
/// Metadata File (or, when that is damaged, of its mirror).
struct UDFVolumeMap {
    enum Partition {
        /// A Type 1 map: blocks from `start`, `length` of them.
        case physical(start: UInt32, length: UInt32)
        /// A Metadata Partition: its blocks are the Metadata File's extents, in order (absolute).
        case metadata(extents: [(lba: UInt64, blocks: UInt32)])
        /// A map not read here (virtual, sparable), with what it is.
        case unsupported(String)
    }

    /// By partition reference number (the map's index).
    var partitions: [Partition]
    /// The UDF revision from the Logical Volume Descriptor's Domain Identifier (UDF 2.60 §2.1.5.3).
    var revision: UInt16?
    /// The root folder's ICB (partition reference, block), from the File Set Descriptor.
    var root: (partition: UInt16, block: UInt32)
    var hasMetadataPartition: Bool { partitions.contains { if case .metadata = $0 { return true } else { return false } } }

    /// One Type 1 partition from `start` to the end of the addressable blocks.
    static func single(start: UInt32) -> UDFVolumeMap {
        UDFVolumeMap(partitions: [.physical(start: start, length: UInt32.max - start)], revision: nil, root: (0, 0))
    }

    /// The image sector of `block` in partition `partition` and how many blocks from there are
    /// contiguous in the image; nil when the reference or block is outside every map.
    func resolve(partition: UInt16, block: UInt32) -> (lba: UInt64, contiguous: UInt32)? {
        guard Int(partition) < partitions.count else { return nil }
        switch partitions[Int(partition)] {
        case .physical(let start, let length):
            guard block < length else { return nil }
            return (UInt64(start) + UInt64(block), length - block)
        case .metadata(let extents):
            var first: UInt32 = 0
            for e in extents {
                if block < first + e.blocks { return (e.lba + UInt64(block - first), e.blocks - (block - first)) }
                first += e.blocks
            }
            return nil
        case .unsupported:
            return nil
        }
    }

    /// Reads the Anchor at block 256 (3/10.2), the Main Volume Descriptor Sequence (Partition and
    /// Logical Volume Descriptors), the Metadata File when there is a Metadata Partition, and the
    /// File Set Descriptor (4/14.1) for the root.
    static func read(readBlock: (UInt64) -> [UInt8]?) throws(UDFDescriptors.VolumeError) -> UDFVolumeMap {
        typealias D = UDFDescriptors
        guard let anchor = readBlock(256), D.u16(anchor, 0) == 2 else {
            throw .init(description: "no Anchor Volume Descriptor Pointer at block 256")
        }
        let length = D.u32(anchor, 16), location = D.u32(anchor, 20)
        var partitionStarts: [UInt16: (start: UInt32, length: UInt32)] = [:]
        var lvd: [UInt8]?
        for i in 0..<min(UInt64(length / 2048), 64) {
            guard let d = readBlock(UInt64(location) + i) else { break }
            let tag = D.u16(d, 0)
            if tag == 8 { break }  // Terminating Descriptor
            if tag == 5, partitionStarts[D.u16(d, 22)] == nil { partitionStarts[D.u16(d, 22)] = (D.u32(d, 188), D.u32(d, 192)) }
            if tag == 6, lvd == nil { lvd = d }
        }
        guard let lvd, !partitionStarts.isEmpty else { throw .init(description: "no Partition or Logical Volume Descriptor") }
        guard D.u32(lvd, 212) == 2048 else { throw .init(description: "logical block size \(D.u32(lvd, 212)), not 2048") }
        let domain = String(decoding: lvd[217..<236].prefix { $0 != 0 }, as: UTF8.self)
        let revision: UInt16? = domain == "*OSTA UDF Compliant" ? D.u16(lvd, 240) : nil

        // Partition maps (3/10.7): Type 1 first, then Type 2 maps that may refer to them.
        var maps: [Partition] = []
        var pending: [(index: Int, bytes: [UInt8])] = []
        var at = 440
        for _ in 0..<min(Int(D.u32(lvd, 268)), 64) where at + 6 <= 2048 {
            let type = lvd[at], mapLength = max(Int(lvd[at + 1]), 6)
            guard at + mapLength <= 2048 else { break }
            if type == 1, let p = partitionStarts[D.u16(lvd, at + 4)] {
                maps.append(.physical(start: p.start, length: p.length))
            } else if type == 2 {
                maps.append(.unsupported("a Type 2 partition map"))
                pending.append((maps.count - 1, Array(lvd[at..<at + mapLength])))
            } else {
                maps.append(.unsupported("a partition map of type \(type)"))
            }
            at += mapLength
        }
        for (index, m) in pending {
            let id = String(decoding: m[5..<28].prefix { $0 != 0 }, as: UTF8.self)
            guard id == "*UDF Metadata Partition", m.count >= 64 else {
                maps[index] = .unsupported(id.isEmpty ? "a Type 2 partition map" : "a \"\(id.dropFirst())\" (UDF 1.50+ virtual or sparable partitions are not read)")
                continue
            }
            guard let p = partitionStarts[D.u16(m, 38)] else { continue }
            let physical = UDFVolumeMap(partitions: [.physical(start: p.start, length: p.length)], revision: nil, root: (0, 0))
            // The Metadata File, else its Mirror (UDF 2.60 §2.2.13.1).
            for fileLocation in [D.u32(m, 40), D.u32(m, 44)] {
                guard let block = physical.resolve(partition: 0, block: fileLocation).flatMap({ readBlock($0.lba) }),
                      let fe = block.withUnsafeBufferPointer({ D.fileEntry($0.baseAddress) }),
                      fe.fileType == 250 || fe.fileType == 251, fe.allocationKind == 0 else { continue }
                var extents: [(lba: UInt64, blocks: UInt32)] = []
                var i = 0
                var ok = true
                while i + 8 <= fe.allocationDescriptors.count {
                    let raw = D.u32(fe.allocationDescriptors, i), position = D.u32(fe.allocationDescriptors, i + 4)
                    i += 8
                    let bytes = raw & 0x3FFF_FFFF
                    if bytes == 0 { break }
                    guard raw >> 30 == 0, let start = physical.resolve(partition: 0, block: position),
                          start.contiguous >= (bytes + 2047) / 2048 else { ok = false; break }
                    extents.append((start.lba, (bytes + 2047) / 2048))
                }
                if ok, !extents.isEmpty { maps[index] = .metadata(extents: extents); break }
            }
        }
        var map = UDFVolumeMap(partitions: maps, revision: revision, root: (0, 0))
        // File Set Descriptor: the Logical Volume Contents Use long_ad (3/10.6.7, 4/14.1).
        let fsdBlock = D.u32(lvd, 252), fsdPartition = D.u16(lvd, 256)
        guard Int(fsdPartition) < maps.count else { throw .init(description: "the File Set Descriptor is in partition \(fsdPartition), which has no map") }
        if case .unsupported(let what) = maps[Int(fsdPartition)] {
            throw .init(description: "the tree lies in \(what)")
        }
        guard let fsdAt = map.resolve(partition: fsdPartition, block: fsdBlock), let fsd = readBlock(fsdAt.lba), D.u16(fsd, 0) == 256 else {
            throw .init(description: "no File Set Descriptor at block \(fsdBlock) of partition \(fsdPartition)")
        }
        map.root = (D.u16(fsd, 408), D.u32(fsd, 404))
        return map
    }
}
