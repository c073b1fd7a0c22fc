import CCdio

/// Lists a UDF tree once, for `UDFVolume.init`: through libudf's directory calls (`list`), or —
/// where libudf 2.1 stops (folders recorded as Extended File Entries, ECMA-167 4/14.17, the
/// default of UDF 2.00+ formatters) — from the volume descriptors and File Identifier Descriptors
/// decoded here (`listFromVolumeDescriptors`). Blocks are read with `udf_read_sectors`, each
/// checked to lie inside the image.
struct UDFTreeWalker {
    let image: String
    let imageBlocks: UInt64
    let udf: OpaquePointer
    var entries: [MediaEntry] = []
    var layouts: [String: UDFFileLayout] = [:]
    var skipped: [String] = []
    /// Symbolic links found (ICB file type 12), never followed.
    var links: [MediaSymbolicLink] = []
    /// Directory ICBs already entered (ECMA-167 4/14.4.5), as `key(partition, block)`.
    var visited: Set<UInt64> = []
    /// How the volume's blocks map to the image: from the descriptors, or libudf's one partition.
    var map = UDFVolumeMap.single(start: 0)

    /// Largest folder (its File Identifier Descriptors) read by `listFromVolumeDescriptors`.
    static let maximumDirectoryBytes: UInt64 = 64 << 20

    init(image: String, imageBlocks: UInt64, udf: OpaquePointer) {
        self.image = image
        self.imageBlocks = imageBlocks
        self.udf = udf
    }

    // MARK: Through libudf

    /// Lists the directory `dir` (consumed: libudf frees it at its end) below `path`, and checks
    /// that libudf went through all of its File Identifier Descriptors.
    mutating func list(_ dir: UnsafeMutablePointer<udf_dirent_t>, path: String, depth: Int) throws(MediaVolumeError) {
        let expected = UDFDescriptors.fileEntry(lbx_udf_fe_bytes(dir))?.informationLength
        do throws(MediaVolumeError) {
            try checkBeforeLibudf(dir, expected: expected ?? 0, path: path)
        } catch {
            udf_dirent_free(dir)
            throw error
        }
        var consumed: UInt64 = 0
        var names: Set<String> = []
        while udf_readdir(dir) != nil {
            do throws(MediaVolumeError) {
                guard let bytes = lbx_udf_fid_bytes(dir), let fid = UDFDescriptors.fileIdentifier(bytes, available: 2048) else {
                    throw .unreadableDirectory(volume: image, path: path, reason: "a File Identifier Descriptor is damaged")
                }
                consumed += UInt64(fid.size)
                if fid.isDeleted || fid.isParent || lbx_udf_is_parent(dir) != 0 { continue }
                let fe = UDFDescriptors.fileEntry(lbx_udf_fe_bytes(dir))
                // libudf reads one Type 1 partition: its files' blocks are relative to its start.
                map = UDFVolumeMap.single(start: lbx_udf_part_start(dir))
                if let sub = try visit(fid, fe: fe, partition: 0, parent: path, depth: depth, names: &names) {
                    guard let opened = udf_opendir(dir) else {
                        throw .unreadableDirectory(volume: image, path: sub,
                                                   reason: fe?.isExtended == true ? "libudf reads no Extended File Entries" : "libudf cannot open the folder")
                    }
                    try list(opened, path: sub, depth: depth + 1)
                }
            } catch {
                udf_dirent_free(dir)
                throw error
            }
        }
        if let expected, consumed < expected {
            throw .unreadableDirectory(volume: image, path: path, reason: "libudf stopped after \(consumed) of the folder's \(expected) bytes")
        }
    }

    /// libudf 2.1 trusts a folder's File Identifier Descriptors: it reads past its buffer when
    /// one runs beyond it or the folder continues in a second extent. Reads the same blocks first
    /// and checks that the descriptors up to the folder's length lie inside them.
    private func checkBeforeLibudf(_ dir: UnsafeMutablePointer<udf_dirent_t>, expected: UInt64, path: String) throws(MediaVolumeError) {
        var first: UInt64 = 0
        var count: Int64 = 0
        lbx_udf_dir_extent(dir, &first, &count)
        let unsafe = MediaVolumeError.unreadableDirectory(volume: image, path: path, reason: "its entries are not one extent libudf can read safely")
        guard expected > 0 else { return }
        guard count > 0, UInt64(count) * 2048 <= Self.maximumDirectoryBytes, first + UInt64(count) <= imageBlocks,
              UInt64(count) * 2048 >= expected, first <= UInt64(Int32.max) else { throw unsafe }
        var buffer = [UInt8](repeating: 0, count: Int(count) * 2048)
        let ok = buffer.withUnsafeMutableBytes { udf_read_sectors(udf, $0.baseAddress, lsn_t(first), Int(count)) == DRIVER_OP_SUCCESS }
        guard ok else { throw unsafe }
        var offset = 0
        while UInt64(offset) < expected {
            let fid = buffer.withUnsafeBufferPointer { UDFDescriptors.fileIdentifier($0.baseAddress! + offset, available: buffer.count - offset) }
            guard let fid, offset + fid.size <= buffer.count else { throw unsafe }
            offset += fid.size
        }
        guard UInt64(offset) == expected else { throw unsafe }
    }

    // MARK: From the descriptors

    /// Finds the root through the Anchor (block 256), the Main Volume Descriptor Sequence's
    /// Partition and Logical Volume Descriptors and the File Set Descriptor (ECMA-167 3/10.2,
    /// 3/10.5, 3/10.6, 4/14.1), then lists the tree.
    mutating func listFromVolumeDescriptors() throws(MediaVolumeError) {
        let volumeMap: UDFVolumeMap
        do { volumeMap = try UDFVolumeMap.read(readBlock: readBlock) } catch {
            throw .notUDF(path: image, reason: error.description)
        }
        map = volumeMap
        visited.insert(Self.key(volumeMap.root.partition, volumeMap.root.block))
        try listDirectory(icb: volumeMap.root.block, partition: volumeMap.root.partition, path: "", depth: 0)
    }

    /// A folder ICB's identity for the loop check: partition reference and block.
    static func key(_ partition: UInt16, _ block: UInt32) -> UInt64 { UInt64(partition) << 32 | UInt64(block) }

    /// The (Extended) File Entry block at `block` of `partition`, nil when outside the map or image.
    private func entryBlock(_ partition: UInt16, _ block: UInt32) -> [UInt8]? {
        map.resolve(partition: partition, block: block).flatMap { readBlock($0.lba) }
    }

    private mutating func listDirectory(icb: UInt32, partition: UInt16, path: String, depth: Int) throws(MediaVolumeError) {
        let shown = path.isEmpty ? "the root folder" : "/\(path)"
        guard let block = entryBlock(partition, icb),
              let fe = block.withUnsafeBufferPointer({ UDFDescriptors.fileEntry($0.baseAddress) }), fe.fileType == 4 else {
            throw .unreadableDirectory(volume: image, path: path, reason: "no folder File Entry at block \(icb) for \(shown)")
        }
        guard fe.informationLength <= Self.maximumDirectoryBytes else {
            throw .unreadableDirectory(volume: image, path: path, reason: "the folder claims \(fe.informationLength) bytes of entries; the tree looks damaged")
        }
        let data: [UInt8]
        do {
            let layout = try UDFDescriptors.layout(fe, partition: partition, map: map, imageBlocks: imageBlocks, readBlock: readBlock)
            data = try contents(layout)
        } catch {
            throw .unreadableDirectory(volume: image, path: path, reason: error.description)
        }
        var names: Set<String> = []
        var offset = 0
        while offset + 38 <= data.count {
            let parsed = data.withUnsafeBufferPointer { UDFDescriptors.fileIdentifier($0.baseAddress! + offset, available: data.count - offset) }
            guard let fid = parsed else {
                throw .unreadableDirectory(volume: image, path: path, reason: "a File Identifier Descriptor at byte \(offset) of the folder is damaged")
            }
            offset += fid.size
            if fid.isDeleted || fid.isParent { continue }
            let child = entryBlock(fid.icbPartition, fid.icbLocation)
            let childFE = child?.withUnsafeBufferPointer { UDFDescriptors.fileEntry($0.baseAddress) }
            if let sub = try visit(fid, fe: childFE, partition: fid.icbPartition, parent: path, depth: depth, names: &names) {
                try listDirectory(icb: fid.icbLocation, partition: fid.icbPartition, path: sub, depth: depth + 1)
            }
        }
    }

    /// A folder's bytes (its File Identifier Descriptors), at most `maximumDirectoryBytes`.
    private func contents(_ layout: UDFFileLayout) throws(UDFLayoutError) -> [UInt8] {
        switch layout.data {
        case .embedded(let bytes): return bytes
        case .extents(let extents):
            var out: [UInt8] = []
            for extent in extents where UInt64(out.count) < layout.size {
                let blocks = (Int(extent.length) + 2047) / 2048
                if let lba = extent.lba {
                    var buffer = [UInt8](repeating: 0, count: blocks * 2048)
                    let ok = lba + UInt64(blocks) <= imageBlocks && lba <= UInt64(Int32.max)
                        && buffer.withUnsafeMutableBytes { udf_read_sectors(udf, $0.baseAddress, lsn_t(lba), blocks) == DRIVER_OP_SUCCESS }
                    guard ok else { throw UDFLayoutError(description: "folder blocks from \(lba) cannot be read") }
                    out += buffer.prefix(Int(extent.length))
                } else {
                    out += [UInt8](repeating: 0, count: Int(extent.length))
                }
            }
            return Array(out.prefix(Int(layout.size)))
        }
    }

    // MARK: Shared

    /// Records one named entry; returns the path of a folder to enter (after the depth and loop
    /// checks), or nil.
    private mutating func visit(_ fid: UDFDescriptors.FileIdentifier, fe: UDFDescriptors.FileEntry?, partition: UInt16,
                                parent: String, depth: Int, names: inout Set<String>) throws(MediaVolumeError) -> String? {
        let shown = parent.isEmpty ? "/" : "/\(parent)/"
        guard let name = fid.name, !name.isEmpty, name != ".", name != "..",
              !name.contains("/"), !name.contains("\0") else {
            skipped.append("\(shown)\(fid.name ?? "?"): name not usable as a path component, not read")
            return nil
        }
        let path = parent.isEmpty ? name : parent + "/" + name
        guard names.insert(name).inserted else {
            skipped.append("/\(path): a second entry with the same name, not read")
            return nil
        }
        guard entries.count < UDFVolume.maximumEntries else {
            throw .unreadableDirectory(volume: image, path: parent, reason: "more than \(UDFVolume.maximumEntries) entries; the tree looks damaged")
        }
        guard let fe else {
            skipped.append("/\(path): no valid File Entry at block \(fid.icbLocation), not read")
            return nil
        }
        switch fe.fileType {
        case 4:  // directory (ECMA-167 4/14.6.6)
            guard depth + 1 <= UDFVolume.maximumDepth else {
                skipped.append("/\(path): folder deeper than \(UDFVolume.maximumDepth) levels, not entered")
                return nil
            }
            guard visited.insert(Self.key(fid.icbPartition, fid.icbLocation)).inserted else {
                skipped.append("/\(path): folder already listed elsewhere (a loop), not entered")
                return nil
            }
            entries.append(MediaEntry(path: path, recordedName: name, isDirectory: true, size: 0))
            return path
        case 5:  // regular file
            let layout: UDFFileLayout
            do {
                layout = try UDFDescriptors.layout(fe, partition: partition, map: map, imageBlocks: imageBlocks, readBlock: readBlock)
            } catch {
                skipped.append("/\(path): \(error), not read")
                return nil
            }
            entries.append(MediaEntry(path: path, recordedName: name, isDirectory: false, size: Int64(clamping: fe.informationLength)))
            layouts[path] = layout
            return nil
        case 12 where fe.informationLength <= 65_536:  // symbolic link: recorded, not followed
            if let layout = try? UDFDescriptors.layout(fe, partition: partition, map: map, imageBlocks: imageBlocks, readBlock: readBlock),
               let bytes = try? contents(layout), let target = UDFDescriptors.symbolicLinkTarget(bytes) {
                links.append(MediaSymbolicLink(path: path, target: target))
            } else {
                skipped.append("/\(path): a symbolic link whose target cannot be read, not followed")
            }
            return nil
        default:
            skipped.append("/\(path): \(UDFDescriptors.typeName(fe.fileType)), not read")
            return nil
        }
    }

    /// One 2048-byte block inside the image, or nil.
    private func readBlock(_ lba: UInt64) -> [UInt8]? {
        guard lba < imageBlocks, lba <= UInt64(Int32.max) else { return nil }
        var block = [UInt8](repeating: 0, count: 2048)
        let ok = block.withUnsafeMutableBytes { udf_read_sectors(udf, $0.baseAddress, lsn_t(lba), 1) == DRIVER_OP_SUCCESS }
        return ok ? block : nil
    }
}
