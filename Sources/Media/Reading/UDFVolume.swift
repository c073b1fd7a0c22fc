import CCdio
import Foundation

/// A UDF image (UDF 1.02–2.60, ECMA-167 3rd edition) read through libcdio's libudf without
/// mounting — the file system PS3.12 Annex P allows on DVD and Annex X requires on Blu-ray.
/// UDF 2.50/2.60 keep the tree in a Metadata Partition (OSTA UDF 2.60 §2.2.10), which libudf does
/// not know: `UDFVolumeMap` maps its blocks through the Metadata File (or its mirror).
///
/// libudf opens the volume, reads its label and every block (`udf_read_sectors`), and walks the
/// directories (`udf_get_root`, `udf_readdir`, `udf_opendir`). libudf 2.1 reads no Extended File
/// Entries (4/14.17, mkudffs' default from UDF 2.00) and no folders recorded inside their ICB; for
/// those `UDFTreeWalker` walks the tree from the decoded descriptors instead. Names are decoded
/// from OSTA CS0 as recorded (UDF 2.01 §2.1.1); files are read through their allocation
/// descriptors (ECMA-167 4/14.14, `UDFDescriptors`). Every block read lies inside the image;
/// deleted entries and parent links are not listed, symbolic links are recorded in
/// `symbolicLinks` (never followed) and other non-regular entries in `skippedEntries`; a folder
/// already entered (same ICB) or deeper than 64 levels is not entered.
///
/// `MediaEntry.path` and `recordedName` are both the recorded name: UDF has no version suffix.
/// Thread safety: safe to share; calls into libudf on one image are serialised by a lock.
public final class UDFVolume: MediaVolume, @unchecked Sendable {
    public let imagePath: String
    /// The Volume Identifier of the Primary Volume Descriptor (ECMA-167 3/10.1.4).
    public let volumeID: String?
    /// Entries not listed, one line each ("/DEV: a character device, not read").
    public let skippedEntries: [String]
    /// Symbolic links on the volume (ECMA-167 4/14.16), never followed.
    public let symbolicLinks: [MediaSymbolicLink]
    /// True when libudf walked the tree; false when `UDFTreeWalker` walked it from the descriptors.
    public let walkedByLibudf: Bool
    /// The UDF revision the Logical Volume Descriptor's Domain Identifier names (0x0250 for UDF
    /// 2.50, OSTA UDF 2.60 §2.1.5.3); nil when it names none.
    public let revision: UInt16?
    /// Every folder and file, parents before children, sorted by path.
    private let allEntries: [MediaEntry]
    private let layouts: [String: UDFFileLayout]
    private let imageBlocks: UInt64
    private let udf: OpaquePointer
    let lock = NSLock()

    /// Deepest folder entered (a guard against crafted images; PS3.10 allows 8 levels).
    public static let maximumDepth = 64
    /// Most entries listed before giving up on a tree as damaged.
    public static let maximumEntries = 2_000_000

    /// Opens and lists the image.
    /// - Throws: `MediaVolumeError.notUDF` when libudf finds no UDF volume or root directory,
    ///   `.unreadableDirectory` when part of the tree cannot be read.
    public convenience init(imagePath: String) throws(MediaVolumeError) {
        try self.init(imagePath: imagePath, libudfFirst: true)
    }

    /// `libudfFirst: false` walks the tree from the descriptors only (tests compare both walks).
    init(imagePath: String, libudfFirst: Bool) throws(MediaVolumeError) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: imagePath) else {
            throw .volumeMissing(path: imagePath)
        }
        let bytes = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        guard let udf = udf_open(imagePath) else { throw .notUDF(path: imagePath, reason: "no UDF anchor or volume descriptors") }
        self.udf = udf
        self.imagePath = imagePath
        imageBlocks = bytes / 2048
        var volid = [CChar](repeating: 0, count: 256)
        _ = udf_get_volume_id(udf, &volid, UInt32(volid.count))
        let label = UDFDescriptors.cString(volid).trimmingCharacters(in: .whitespaces)
        volumeID = label.isEmpty ? nil : label

        // The partition maps: a Metadata Partition (UDF 2.50/2.60) is beyond libudf.
        let blocks = imageBlocks
        let volumeMap = try? UDFVolumeMap.read { lba -> [UInt8]? in
            guard lba < blocks, lba <= UInt64(Int32.max) else { return nil }
            var block = [UInt8](repeating: 0, count: 2048)
            let ok = block.withUnsafeMutableBytes { udf_read_sectors(udf, $0.baseAddress, lsn_t(lba), 1) == DRIVER_OP_SUCCESS }
            return ok ? block : nil
        }
        revision = volumeMap?.revision
        let libudfCan = !(volumeMap?.hasMetadataPartition ?? false)

        // libudf's own walk first; when it cannot (no root File Entry, a folder recorded as an
        // Extended File Entry, a folder it stops short in), the descriptors decoded here.
        var walker = UDFTreeWalker(image: imagePath, imageBlocks: imageBlocks, udf: udf)
        var byLibudf = true
        do throws(MediaVolumeError) {
            guard libudfFirst, libudfCan, let root = udf_get_root(udf, 1, 0) else {
                throw MediaVolumeError.notUDF(path: imagePath, reason: "libudf finds no File Set Descriptor or root File Entry")
            }
            try walker.list(root, path: "", depth: 0)
        } catch {
            walker = UDFTreeWalker(image: imagePath, imageBlocks: imageBlocks, udf: udf)
            byLibudf = false
            do {
                try walker.listFromVolumeDescriptors()
            } catch {
                udf_close(udf)
                throw error
            }
        }
        allEntries = walker.entries.sorted { $0.path < $1.path }
        layouts = walker.layouts
        skippedEntries = walker.skipped
        symbolicLinks = walker.links
        walkedByLibudf = byLibudf
    }

    deinit { udf_close(udf) }

    public func entries() throws(MediaVolumeError) -> [MediaEntry] { allEntries }

    public func entry(at path: String) throws(MediaVolumeError) -> MediaEntry? {
        let p = FolderVolume.normalise(path)
        return allEntries.first { $0.path == p }
    }

    public func open(_ path: String) throws(MediaVolumeError) -> MediaFileReader {
        let p = FolderVolume.normalise(path)
        guard let layout = layouts[p] else {
            if allEntries.contains(where: { $0.path == p && $0.isDirectory }) { throw .isDirectory(volume: imagePath, path: p) }
            throw .noSuchFile(volume: imagePath, path: p)
        }
        return UDFFileReader(volume: self, path: p, layout: layout)
    }

    /// The absolute block where a file's data starts (its first recorded extent), nil for a folder,
    /// an empty or embedded file, or an unknown path.
    public func firstBlock(of path: String) -> Int64? {
        guard case .extents(let extents) = layouts[FolderVolume.normalise(path)]?.data, let lba = extents.first?.lba else { return nil }
        return Int64(lba)
    }

    /// Reads `blocks` 2048-byte blocks from absolute block `lba`; false when outside the image or
    /// when libudf fails.
    func readBlocks(_ buffer: UnsafeMutableRawPointer, lba: UInt64, blocks: Int) -> Bool {
        guard blocks > 0, lba + UInt64(blocks) <= imageBlocks, lba <= UInt64(Int32.max) else { return false }
        return lock.withLock { udf_read_sectors(udf, buffer, lsn_t(lba), blocks) == DRIVER_OP_SUCCESS }
    }
}

/// Reads a file's extents front to back; unrecorded extents read as zeros (ECMA-167 4/14.14.1.1).
final class UDFFileReader: MediaFileReader {
    private let volume: UDFVolume
    private let path: String
    private let layout: UDFFileLayout
    let size: Int64
    private var offset: Int64 = 0

    init(volume: UDFVolume, path: String, layout: UDFFileLayout) {
        self.volume = volume
        self.path = path
        self.layout = layout
        size = Int64(clamping: layout.size)
    }

    func read(upTo count: Int) throws(MediaVolumeError) -> [UInt8] {
        let want = Int(min(Int64(max(0, count)), size - offset))
        guard want > 0 else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(want)
        switch layout.data {
        case .embedded(let bytes):
            out = Array(bytes[Int(offset)..<Int(offset) + want])
        case .extents(let extents):
            var position = UInt64(offset)
            var start: UInt64 = 0
            for extent in extents where out.count < want {
                let end = start + UInt64(extent.length)
                defer { start = end }
                guard position < end else { continue }
                let within = position - start
                let take = Int(min(UInt64(want - out.count), end - position))
                if let lba = extent.lba {
                    let skip = Int(within % 2048)
                    let blocks = (skip + take + 2047) / 2048
                    let buffer = UnsafeMutableRawPointer.allocate(byteCount: blocks * 2048, alignment: 16)
                    defer { buffer.deallocate() }
                    guard volume.readBlocks(buffer, lba: lba + within / 2048, blocks: blocks) else {
                        throw .readFailed(volume: volume.imagePath, path: path, reason: "blocks from \(lba + within / 2048) lie outside the image or cannot be read")
                    }
                    out += UnsafeRawBufferPointer(start: buffer + skip, count: take)
                } else {
                    out += [UInt8](repeating: 0, count: take)
                }
                position += UInt64(take)
            }
            guard out.count == want else {
                throw .readFailed(volume: volume.imagePath, path: path, reason: "the allocation descriptors cover \(out.count) of \(want) bytes at offset \(offset)")
            }
        }
        offset += Int64(want)
        return out
    }
}
