import Foundation

/// Where everything of a UDF image goes, worked out before a byte is written (so the size is
/// known for capacity checks and the free-space check, and the image is then written front to back).
///
/// Absolute sectors (2048 bytes):
/// - 0–15 system area; 16… the Volume Recognition Sequence (ECMA-167 2/8.3), after the ISO 9660
///   Primary Volume Descriptor and terminator when there is a bridge;
/// - 32–47 the Main and 48–63 the Reserve Volume Descriptor Sequence (3/8.4.2);
/// - 64–65 the Logical Volume Integrity Sequence (3/10.10);
/// - 256 the first Anchor Volume Descriptor Pointer (3/10.2);
/// - 257… the ISO 9660 path tables and directories of the bridge;
/// - the partition: for UDF 2.50/2.60 the Metadata File and Metadata Mirror File entries at blocks
///   0 and 1, the metadata (File Set Descriptor, every File Entry and folder) from block 32 — one
///   alignment unit — then its mirror copy, then the file data; for UDF 2.01 the metadata from
///   block 0, then the file data. The mirror sits before the data, so nothing but the anchors
///   follows the last file;
/// - after the partition: zeros up to the Anchors at N−256 and N, the last sector (3/8.4.2.1),
///   the image being a whole number of 64 KiB.
struct UDFImagePlan {
    /// One folder or file of the tree.
    struct Node {
        /// Index into the staged tree's entries; nil for the root.
        var entry: Int?
        var name: String
        var isDirectory: Bool
        var parent: Int
        var children: [Int] = []
        var size: Int64 = 0
        /// UDF Unique ID (UDF 2.60 §3.2.1.1): 0 for the root, then from 16.
        var uniqueID: UInt64 = 0
        /// Block of its (Extended) File Entry in the metadata partition (or partition, for 2.01).
        var entryBlock: UInt32 = 0
        /// Folders: the File Identifier Descriptors' first block and length in bytes.
        var directoryBlock: UInt32 = 0
        var directoryBytes: Int = 0
        /// Files: first block of the data in the physical partition.
        var dataBlock: UInt32 = 0
    }

    static let blockSize = 2048
    /// UDF 2.60 §2.2.10: allocation and alignment unit of the metadata (32 blocks, one BD ECC block).
    static let alignmentUnit: UInt32 = 32
    /// The largest extent a descriptor records (ECMA-167 4/14.14.1.1: under 2^30 bytes, whole blocks).
    static let maximumExtent: Int64 = (1 << 30) - 2048
    static let mainVDS: UInt32 = 32, reserveVDS: UInt32 = 48, integritySequence: UInt32 = 64, anchor: UInt32 = 256

    let options: UDFImageOptions
    var nodes: [Node] = []
    /// Blocks of metadata (FSD, TD, entries, folders) used, and allocated (a whole number of units).
    var metadataUsed: UInt32 = 0
    var metadataAllocated: UInt32 = 0
    /// Partition-relative block where the metadata (2.50: the Metadata File's extent) starts, and
    /// for 2.50 where its mirror starts.
    var metadataStart: UInt32 = 0
    var mirrorStart: UInt32 = 0
    /// First absolute sector of the partition and its length in blocks.
    var partitionStart: UInt32 = 0
    var partitionLength: UInt32 = 0
    var bridge: ISO9660Bridge?
    var nextUniqueID: UInt64 = 16

    /// Sectors in the image: up to the second closing anchor, rounded up to whole 64 KiB (the BD
    /// recording unit, 32 sectors, and two DVD ECC blocks), so a drive or libburn, which pads a
    /// track to whole units, leaves the last anchor on the last sector N of the disc.
    var imageBlocks: UInt64 {
        let end = UInt64(partitionStart) + UInt64(partitionLength) + 257
        return (end + UInt64(Self.alignmentUnit) - 1) / UInt64(Self.alignmentUnit) * UInt64(Self.alignmentUnit)
    }
    /// The anchor at N−256 (N, the last sector, holds the other).
    var closingAnchor: UInt32 { UInt32(imageBlocks - 257) }
    var imageBytes: Int64 { Int64(imageBlocks) * Int64(Self.blockSize) }
    var fileCount: Int { nodes.filter { !$0.isDirectory }.count }
    /// Folders, the root included (UDF 2.60 §2.2.6.4).
    var directoryCount: Int { nodes.filter(\.isDirectory).count }
    /// Partition reference number of the metadata: 1 (the Type 2 map) for 2.50/2.60, else 0.
    var metadataPartition: UInt16 { options.usesMetadataPartition ? 1 : 0 }

    /// Lays out `tree`. Throws when a file is too large for the descriptors or the bridge.
    init(tree: StagedTree, options: UDFImageOptions) throws(DiscImageError) {
        self.options = options
        nodes.append(Node(entry: nil, name: "", isDirectory: true, parent: 0))
        var index: [String: Int] = ["": 0]
        for (i, e) in tree.entries.enumerated() {
            guard let parent = index[e.parentPath] else { continue }
            let id = nodes.count
            nodes.append(Node(entry: i, name: e.name, isDirectory: e.isDirectory, parent: parent, size: e.isDirectory ? 0 : e.size,
                              uniqueID: nextUniqueID))
            nextUniqueID += 1
            nodes[parent].children.append(id)
            if e.isDirectory { index[e.relativePath] = id }
            let extents = (e.size + Self.maximumExtent - 1) / Self.maximumExtent
            if extents > Int64(UDFEntries.maximumLongADs) {
                throw .sourceUnreadable(path: e.absolutePath, reason: "is \(e.size) bytes, more than one UDF File Entry can describe")
            }
            if UDFFields.cs0(e.name).count > 255 {
                throw .nonConformantName(path: e.absolutePath, reason: "\"\(e.name)\" is longer than the 255 bytes a UDF name holds")
            }
        }
        // Metadata: FSD and its Terminating Descriptor, then each entry (folders followed by their
        // File Identifier Descriptors), parents before children.
        var block: UInt32 = 2
        for i in nodes.indices {
            nodes[i].entryBlock = block
            block += 1
            if nodes[i].isDirectory {
                nodes[i].directoryBytes = UDFEntries.fidBytes(parent: true, name: "")
                    + nodes[i].children.reduce(0) { $0 + UDFEntries.fidBytes(parent: false, name: nodes[$1].name) }
                nodes[i].directoryBlock = block
                block += UInt32((nodes[i].directoryBytes + Self.blockSize - 1) / Self.blockSize)
            }
        }
        metadataUsed = block
        let unit = Self.alignmentUnit
        metadataAllocated = (block + unit - 1) / unit * unit
        var data: UInt32
        if options.usesMetadataPartition {
            metadataStart = unit
            mirrorStart = unit + metadataAllocated
            data = mirrorStart + metadataAllocated
        } else {
            metadataStart = 0
            data = metadataAllocated
        }
        for i in nodes.indices where !nodes[i].isDirectory {
            nodes[i].dataBlock = data
            let blocks = (nodes[i].size + Int64(Self.blockSize) - 1) / Int64(Self.blockSize)
            guard Int64(data) + blocks < Int64(UInt32.max) - 512 else {
                throw .noSpace(path: options.volumeID, needed: (Int64(data) + blocks) * 2048, available: nil)
            }
            data += UInt32(blocks)
        }
        partitionLength = data
        partitionStart = Self.anchor + 1
        if options.bridge {
            let b = try ISO9660Bridge(plan: self, tree: tree, firstBlock: Self.anchor + 1)
            partitionStart += b.areaBlocks
            bridge = b
        }
    }

    /// Absolute sector of a block of the physical partition.
    func absolute(_ partitionBlock: UInt32) -> UInt32 { partitionStart + partitionBlock }
}
