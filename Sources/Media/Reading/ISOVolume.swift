import CCdio
import Foundation

/// An ISO 9660 image read through libcdio's libiso9660 — the reader `burn` verifies its images
/// with and `import` reads discs with (PS3.12 Annex F: CD-R file sets are ISO 9660 Level 1).
///
/// The primary tree is read as recorded, without Joliet or Rock Ridge names (facts.md: libcdio
/// would otherwise show the Joliet names), so `MediaEntry.recordedName` is the on-disc identifier
/// (`DICOMDIR.;1`) and `path` its translation (`DICOMDIR`). The tree is listed once when opening.
///
/// Thread safety: safe to share; calls into libcdio on one image are serialised by a lock.
public final class ISOVolume: MediaVolume, @unchecked Sendable {
    public let imagePath: String
    public let volumeID: String?
    /// Every folder and file, parents before children, sorted by path.
    private let allEntries: [MediaEntry]
    private let locations: [String: (lsn: Int32, isDirectory: Bool, size: Int64)]
    /// Names or depths that are not ISO 9660 Level 1, one line each ("/DICOM/LONGNAME01: …").
    public let level1Problems: [String]
    /// A Joliet Supplementary Volume Descriptor is present (allowed on DVD, PS3.12 Annex P).
    public let hasJoliet: Bool
    /// Rock Ridge entries are present (not allowed on CD-R, PS3.12 Annex F).
    public let hasRockRidge: Bool

    private let iso: OpaquePointer
    let lock = NSLock()

    /// True when every recorded name and the depth are Level 1 (ECMA-119 §7.5, §6.8.2.1).
    public var isLevel1: Bool { level1Problems.isEmpty }

    /// Opens and lists the image.
    public init(imagePath: String) throws(MediaVolumeError) {
        guard FileManager.default.fileExists(atPath: imagePath) else { throw .volumeMissing(path: imagePath) }
        guard let iso = iso9660_open_ext(imagePath, iso_extension_mask_t(ISO_EXTENSION_NONE)) else {
            throw .notISO9660(path: imagePath)
        }
        self.iso = iso
        self.imagePath = imagePath
        var cID: UnsafeMutablePointer<CChar>?
        if iso9660_ifs_get_volume_id(iso, &cID) != 0, let cID {
            volumeID = String(cString: cID).trimmingCharacters(in: .whitespaces)
            free(cID)
        } else {
            volumeID = nil
        }
        var entries: [MediaEntry] = []
        var locations: [String: (lsn: Int32, isDirectory: Bool, size: Int64)] = [:]
        var problems: [String] = []
        do {
            try Self.list(iso, image: imagePath, recorded: "", translated: "", level: 1,
                          entries: &entries, locations: &locations, problems: &problems)
        } catch {
            iso9660_close(iso)
            throw error
        }
        allEntries = entries
        self.locations = locations
        level1Problems = problems
        hasJoliet = Self.hasJolietDescriptor(iso)
        hasRockRidge = Self.detectRockRidge(imagePath)
    }

    deinit { iso9660_close(iso) }

    public func entries() throws(MediaVolumeError) -> [MediaEntry] { allEntries }

    public func entry(at path: String) throws(MediaVolumeError) -> MediaEntry? {
        let p = FolderVolume.normalise(path)
        return allEntries.first { $0.path == p }
    }

    public func open(_ path: String) throws(MediaVolumeError) -> MediaFileReader {
        let p = FolderVolume.normalise(path)
        guard let loc = locations[p] else { throw .noSuchFile(volume: imagePath, path: p) }
        guard !loc.isDirectory else { throw .isDirectory(volume: imagePath, path: p) }
        return ISOFileReader(volume: self, path: p, lsn: loc.lsn, size: loc.size)
    }

    /// Reads `blocks` 2048-byte blocks from logical block `lsn` into `buffer`; the bytes read.
    func readBlocks(_ buffer: UnsafeMutableRawPointer, lsn: Int32, blocks: Int) -> Int {
        lock.withLock { Int(iso9660_iso_seek_read(iso, buffer, lsn, blocks)) }
    }

    // MARK: Listing

    /// The name libcdio keeps after the fixed part of `iso9660_stat_t`. Swift does not import the
    /// flexible array member `filename[]`; it starts right after `b_xa`, being a `char` array
    /// (alignment 1).
    static func fileName(_ stat: UnsafeMutablePointer<iso9660_stat_t>) -> String {
        let offset = MemoryLayout<iso9660_stat_t>.offset(of: \iso9660_stat_t.b_xa)! + MemoryLayout.size(ofValue: stat.pointee.b_xa)
        return String(cString: UnsafeRawPointer(stat).advanced(by: offset).assumingMemoryBound(to: CChar.self))
    }

    private static func list(_ iso: OpaquePointer, image: String, recorded: String, translated: String, level: Int,
                             entries: inout [MediaEntry], locations: inout [String: (lsn: Int32, isDirectory: Bool, size: Int64)],
                             problems: inout [String]) throws(MediaVolumeError) {
        guard let list = iso9660_ifs_readdir(iso, "/" + recorded) else {
            throw .unreadableDirectory(volume: image, path: translated, reason: "libcdio cannot read the directory")
        }
        defer { iso9660_filelist_free(list) }
        var children: [(recorded: String, isDirectory: Bool, lsn: Int32, size: Int64)] = []
        var node = _cdio_list_begin(list)
        while let n = node {
            if let data = _cdio_list_node_data(n) {
                let st = data.assumingMemoryBound(to: iso9660_stat_t.self)
                let name = fileName(st)
                if name != "." && name != ".." && !name.isEmpty {
                    let isDir = st.pointee.type == 2  // _STAT_DIR
                    children.append((name, isDir, Int32(st.pointee.lsn), Int64(st.pointee.size)))
                }
            }
            node = _cdio_list_node_next(n)
        }
        children.sort { ISO9660Names.translate($0.recorded) < ISO9660Names.translate($1.recorded) }
        for c in children {
            let name = ISO9660Names.translate(c.recorded)
            let path = translated.isEmpty ? name : translated + "/" + name
            let recordedPath = recorded.isEmpty ? c.recorded : recorded + "/" + c.recorded
            if let problem = ISO9660Names.recordedNameProblem(c.recorded, isDirectory: c.isDirectory) {
                problems.append("/\(recordedPath): \"\(c.recorded)\" \(problem)")
            }
            if c.isDirectory, level + 1 > ISO9660Names.maximumDirectoryLevel {
                problems.append("/\(recordedPath): directory level \(level + 1) (at most \(ISO9660Names.maximumDirectoryLevel))")
            }
            entries.append(MediaEntry(path: path, recordedName: c.recorded, isDirectory: c.isDirectory, size: c.isDirectory ? 0 : c.size))
            locations[path] = (c.lsn, c.isDirectory, c.size)
            if c.isDirectory {
                try Self.list(iso, image: image, recorded: recordedPath, translated: path, level: level + 1,
                              entries: &entries, locations: &locations, problems: &problems)
            }
        }
    }

    // MARK: Extensions

    /// A Supplementary Volume Descriptor (type 2) with a Joliet escape sequence (`%/@`, `%/C`,
    /// `%/E` at byte 88), looked for from block 16 up to the terminator (ECMA-119 §8.5).
    private static func hasJolietDescriptor(_ iso: OpaquePointer) -> Bool {
        var block = [UInt8](repeating: 0, count: 2048)
        for lsn in Int32(16)..<Int32(64) {
            let n = block.withUnsafeMutableBytes { iso9660_iso_seek_read(iso, $0.baseAddress, lsn, 1) }
            guard n == 2048, block[1...5] == [0x43, 0x44, 0x30, 0x30, 0x31] else { return false }  // "CD001"
            if block[0] == 255 { return false }
            if block[0] == 2, block[88] == 0x25, block[89] == 0x2F, [0x40, 0x43, 0x45].contains(block[90]) { return true }
        }
        return false
    }

    /// Rock Ridge through libcdio's own check on a second handle that interprets extensions.
    private static func detectRockRidge(_ imagePath: String) -> Bool {
        guard let all = iso9660_open_ext(imagePath, iso_extension_mask_t(ISO_EXTENSION_ALL)) else { return false }
        defer { iso9660_close(all) }
        return iso9660_have_rr(all, 0) == yep
    }
}

/// ISO 9660 Level 1 files are one extent, so a file is `size` bytes from block `lsn` on.
final class ISOFileReader: MediaFileReader {
    private let volume: ISOVolume
    private let path: String
    private let lsn: Int32
    let size: Int64
    private var offset: Int64 = 0

    init(volume: ISOVolume, path: String, lsn: Int32, size: Int64) {
        self.volume = volume
        self.path = path
        self.lsn = lsn
        self.size = size
    }

    func read(upTo count: Int) throws(MediaVolumeError) -> [UInt8] {
        let want = Int(min(Int64(max(0, count)), size - offset))
        guard want > 0 else { return [] }
        let skip = Int(offset % 2048)
        let blocks = (skip + want + 2047) / 2048
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: blocks * 2048, alignment: 16)
        defer { buffer.deallocate() }
        let got = volume.readBlocks(buffer, lsn: lsn + Int32(offset / 2048), blocks: blocks)
        guard got >= skip + want else {
            throw .readFailed(volume: volume.imagePath, path: path, reason: "got \(max(0, got - skip)) of \(want) bytes at offset \(offset)")
        }
        offset += Int64(want)
        return [UInt8](UnsafeRawBufferPointer(start: buffer + skip, count: want))
    }
}

/// The name the disc-builder brief uses for the ISO reader.
public typealias ISOImageReader = ISOVolume
