import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a staged file-set folder to a UDF image: UDF 2.50 (BD-RE) or 2.60 (BD-R) as PS3.12
/// Annex X requires for Blu-ray, or UDF 2.01 for DVD (Annex P); with an ISO 9660 Level 1 bridge
/// over the same file data unless `options.bridge` is off.
///
/// Written here from ECMA-167 3rd edition and OSTA UDF 2.60, because nothing in Debian writes a
/// populated UDF 2.5 image without mounting one: the layout is planned first (`UDFImagePlan`), then
/// the image is written front to back through `DurableImageFile` — descriptors, the metadata and
/// its mirror, then each file's data copied inside the kernel (holes of sparse files stay holes).
/// The caller gives a temporary path, reads the image back (`UDFVolume`) and renames it.
///
/// File names are recorded as staged, in OSTA CS0 (UDF 2.60 §2.1.1): PS3.10 File IDs stay as
/// they are, and other files (README, web content) may keep long or Chinese names.
public struct UDFImageWriter: DiscImageWriter {
    public var options: UDFImageOptions

    public init(options: UDFImageOptions) { self.options = options }

    public func imageSize(folder: String) throws(DiscImageError) -> Int64 {
        try checkOptions()
        return try UDFImagePlan(tree: StagedTree.forImage(folder), options: options).imageBytes
    }

    @discardableResult
    public func write(folder: String, to imagePath: String, cancellation: MediaCancellation? = nil,
                      progress: ((MediaProgress) -> Void)? = nil) throws(DiscImageError) -> DiscImageSummary {
        try checkOptions()
        try DurableImageFile.checkTarget(imagePath)
        let tree = try StagedTree.forImage(folder)
        let plan = try UDFImagePlan(tree: tree, options: options)
        let date = options.fixedTimestamp ?? Date()
        let descriptors = UDFVolumeDescriptors(plan: plan, time: UDFFields.timestamp(date),
                                               volumeSetPrefix: Self.volumeSetPrefix(date, plan: plan))
        let file = try DurableImageFile(path: imagePath, total: plan.imageBytes)
        let files = plan.fileCount
        var filesDone = 0
        func report() {
            progress?(MediaProgress(bytesWritten: file.written, totalBytes: plan.imageBytes, filesWritten: filesDone, totalFiles: files))
        }

        try file.append(head(plan, descriptors, date: date))
        try file.append(partitionHead(plan, descriptors))
        report()
        for node in plan.nodes where !node.isDirectory {
            if MediaCancellation.requested(cancellation) { throw file.abandonWith(.cancelled(path: imagePath)) }
            let entry = tree.entries[node.entry!]
            try copy(entry, into: file, expected: node.size, cancellation: cancellation)
            let tail = (2048 - Int(node.size % 2048)) % 2048
            try file.appendZeros(Int64(tail))
            filesDone += 1
            report()
        }
        // Anchors after the partition: N−256 and N, the last sector (ECMA-167 3/8.4.2.1).
        try file.appendZeros(Int64(plan.closingAnchor - plan.absolute(plan.partitionLength)) * 2048)
        try file.append(descriptors.anchor(plan.closingAnchor))
        try file.appendZeros(255 * 2048)
        try file.append(descriptors.anchor(plan.closingAnchor + 256))
        guard file.written == plan.imageBytes else {
            throw file.abandonWith(.writeFailed(path: imagePath, reason: "the image came to \(file.written) bytes, \(plan.imageBytes) were planned"))
        }
        try file.finish()
        report()
        return DiscImageSummary(path: imagePath, bytes: plan.imageBytes, files: files, directories: plan.directoryCount - 1)
    }

    private func checkOptions() throws(DiscImageError) {
        try ISOImageWriter.checkVolumeID(options.volumeID)
        guard UDFImageOptions.supportedRevisions.contains(options.revision) else {
            throw .library(operation: "UDF \(UDFImageOptions.text(options.revision))",
                           message: "not written; UDF 2.01, 2.50 and 2.60 are")
        }
    }

    /// The Volume Set Identifier's unique prefix (UDF 2.60 §2.2.2.5): 8 hex digits of the time,
    /// 8 of a value that differs per image (random, or from the content when the time is fixed).
    static func volumeSetPrefix(_ date: Date, plan: UDFImagePlan) -> String {
        let seconds = UInt32(truncatingIfNeeded: Int64(date.timeIntervalSince1970))
        let second: UInt32 = plan.options.fixedTimestamp == nil ? UInt32.random(in: 0 ... .max)
            : UInt32(truncatingIfNeeded: plan.imageBlocks) &* 2_654_435_761 &+ UInt32(plan.nodes.count)
        return String(format: "%08X%08X", seconds, second)
    }

    /// Sectors 0 up to the partition: recognition, volume descriptors, integrity, anchor, bridge.
    private func head(_ plan: UDFImagePlan, _ d: UDFVolumeDescriptors, date: Date) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(plan.partitionStart) * 2048)
        func put(_ sector: UInt32, _ bytes: [UInt8]) {
            let at = Int(sector) * 2048
            out.replaceSubrange(at..<at + bytes.count, with: bytes)
        }
        var next: UInt32 = 16
        if let bridge = plan.bridge {
            for s in bridge.volumeDescriptors(plan: plan, date: date) { put(next, s); next += 1 }
        }
        for s in UDFVolumeDescriptors.recognitionSequence() { put(next, s); next += 1 }
        for (i, s) in d.volumeDescriptorSequence(start: UDFImagePlan.mainVDS).enumerated() { put(UDFImagePlan.mainVDS + UInt32(i), s) }
        for (i, s) in d.volumeDescriptorSequence(start: UDFImagePlan.reserveVDS).enumerated() { put(UDFImagePlan.reserveVDS + UInt32(i), s) }
        put(UDFImagePlan.integritySequence, d.integrity(UDFImagePlan.integritySequence))
        put(UDFImagePlan.integritySequence + 1, d.terminating(UDFImagePlan.integritySequence + 1))
        put(UDFImagePlan.anchor, d.anchor(UDFImagePlan.anchor))
        if let bridge = plan.bridge { put(bridge.firstBlock, bridge.area(plan: plan, date: date)) }
        return out
    }

    /// The partition up to the first file's data: the Metadata File and Mirror entries and both
    /// copies of the metadata (2.50/2.60), or the metadata alone (2.01).
    private func partitionHead(_ plan: UDFImagePlan, _ d: UDFVolumeDescriptors) -> [UInt8] {
        let metadata = self.metadata(plan, d)
        guard plan.options.usesMetadataPartition else { return metadata }
        var out = [UInt8](repeating: 0, count: Int(plan.metadataStart) * 2048)
        let length = Int64(plan.metadataAllocated) * 2048
        out.replaceSubrange(0..<2048, with: UDFEntries.extendedFileEntry(
            block: 0, type: .metadata, uniqueID: 0, length: length, firstBlock: plan.metadataStart,
            long: false, dataPartition: 0, links: 1, time: d.time))
        out.replaceSubrange(2048..<4096, with: UDFEntries.extendedFileEntry(
            block: 1, type: .metadataMirror, uniqueID: 0, length: length, firstBlock: plan.mirrorStart,
            long: false, dataPartition: 0, links: 1, time: d.time))
        return out + metadata + metadata
    }

    /// The metadata: File Set Descriptor, Terminating Descriptor, and every Extended File Entry
    /// with each folder's File Identifier Descriptors, `metadataAllocated` blocks.
    private func metadata(_ plan: UDFImagePlan, _ d: UDFVolumeDescriptors) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(plan.metadataAllocated) * 2048)
        func put(_ block: UInt32, _ bytes: [UInt8], at offset: Int = 0) {
            let at = Int(block) * 2048 + offset
            out.replaceSubrange(at..<at + bytes.count, with: bytes)
        }
        let ref = plan.metadataPartition
        put(0, d.fileSet(rootBlock: plan.nodes[0].entryBlock))
        put(1, d.terminating(1))
        for node in plan.nodes {
            if node.isDirectory {
                let subfolders = node.children.filter { plan.nodes[$0].isDirectory }.count
                put(node.entryBlock, UDFEntries.extendedFileEntry(
                    block: node.entryBlock, type: .directory, uniqueID: node.uniqueID, length: Int64(node.directoryBytes),
                    firstBlock: node.directoryBlock, long: false, dataPartition: ref, links: UInt16(clamping: 1 + subfolders), time: d.time))
                let parent = plan.nodes[node.parent]
                var offset = 0
                let up = UDFEntries.fileIdentifier(name: nil, isDirectory: true, icbBlock: parent.entryBlock, partition: ref,
                                                   uniqueID: parent.uniqueID, firstBlock: node.directoryBlock, offset: 0)
                put(node.directoryBlock, up)
                offset += up.count
                for c in node.children {
                    let child = plan.nodes[c]
                    let fid = UDFEntries.fileIdentifier(name: child.name, isDirectory: child.isDirectory, icbBlock: child.entryBlock,
                                                        partition: ref, uniqueID: child.uniqueID,
                                                        firstBlock: node.directoryBlock, offset: offset)
                    put(node.directoryBlock, fid, at: offset)
                    offset += fid.count
                }
            } else {
                put(node.entryBlock, UDFEntries.extendedFileEntry(
                    block: node.entryBlock, type: .file, uniqueID: node.uniqueID, length: node.size,
                    firstBlock: node.dataBlock, long: true, dataPartition: 0, links: 1, time: d.time))
            }
        }
        return out
    }

    /// Appends one staged file's bytes; it must still have the size it was planned with.
    private func copy(_ entry: StagedTree.Entry, into file: DurableImageFile, expected: Int64,
                      cancellation: MediaCancellation?) throws(DiscImageError) {
        let fd = open(entry.absolutePath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw file.abandonWith(.sourceUnreadable(path: entry.absolutePath, reason: String(cString: strerror(errno)))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, Int64(st.st_size) == expected else {
            throw file.abandonWith(.sourceUnreadable(path: entry.absolutePath, reason: "its size changed while the image was written"))
        }
        try file.appendFile(fd, size: expected, sourcePath: entry.absolutePath) { _ in !MediaCancellation.requested(cancellation) }
    }
}
