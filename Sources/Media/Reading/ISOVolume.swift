import CCdio
import Foundation

/// An ISO 9660 image read through libcdio's libiso9660 — the reader `burn` verifies its images
/// with and `import` reads discs with (PS3.12 Annex F: CD-R file sets are ISO 9660 Level 1; Annex P
/// allows Joliet and Rock Ridge on DVD).
///
/// Paths use the names a user of the disc sees: Rock Ridge names when the image has them, else
/// Joliet names, else the primary identifiers translated (`DICOMDIR.;1` → `DICOMDIR`), as Linux,
/// Windows and macOS show them. `MediaEntry.recordedName` stays the primary identifier where the
/// file can be matched to it, and the Level 1 checks always look at the primary tree. Rock Ridge
/// symbolic links are never followed: they are listed in `symbolicLinks`. The tree is listed once
/// when opening; the Volume Descriptor at block 16 is the last session of an image grown by
/// xorriso or growisofs (they rewrite it), which is what libcdio reads.
///
/// Thread safety: safe to share; calls into libcdio on one image are serialised by a lock.
public final class ISOVolume: MediaVolume, @unchecked Sendable {
    /// Which names `entries()` shows.
    public enum Naming: String, Sendable {
        case primary, joliet, rockRidge
    }

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
    /// The names `entries()` shows.
    public let naming: Naming
    public let symbolicLinks: [MediaSymbolicLink]
    /// Entries not listed, one line each: folder loops, excessive depth, unusable names.
    public let skippedEntries: [String]
    /// Blocks of Primary Volume Descriptors of later sessions that libcdio does not read (an image
    /// of a multisession CD-R copied block by block, or a drive whose last session is not the first).
    public let unreadSessionDescriptors: [Int64]

    private let iso: OpaquePointer
    /// The image opened for `pread` of file data (2048-byte blocks from byte 0).
    let dataFD: Int32
    let lock = NSLock()

    /// True when every recorded name and the depth are Level 1 (ECMA-119 §7.5, §6.8.2.1).
    public var isLevel1: Bool { level1Problems.isEmpty }

    /// Opens and lists the image.
    public init(imagePath: String) throws(MediaVolumeError) {
        guard FileManager.default.fileExists(atPath: imagePath) else { throw .volumeMissing(path: imagePath) }
        guard let iso = iso9660_open_ext(imagePath, iso_extension_mask_t(ISO_EXTENSION_NONE)) else {
            throw .notISO9660(path: imagePath)
        }
        var cID: UnsafeMutablePointer<CChar>?
        if iso9660_ifs_get_volume_id(iso, &cID) != 0, let cID {
            volumeID = String(cString: cID).trimmingCharacters(in: .whitespaces)
            free(cID)
        } else {
            volumeID = nil
        }
        let primary: ISODirectoryTree
        do { primary = try ISODirectoryTree(iso, image: imagePath, translateNames: true) } catch {
            iso9660_close(iso)
            throw error
        }
        self.iso = iso
        self.imagePath = imagePath
        dataFD = Glibc.open(imagePath, O_RDONLY | O_CLOEXEC)
        hasJoliet = Self.hasJolietDescriptor(iso)
        hasRockRidge = Self.detectRockRidge(imagePath)
        level1Problems = primary.nodes.compactMap { n in
            if let problem = ISO9660Names.recordedNameProblem(n.recorded, isDirectory: n.isDirectory) {
                return "/\(n.recordedPath): \"\(n.recorded)\" \(problem)"
            }
            if n.isDirectory, n.level > ISO9660Names.maximumDirectoryLevel {
                return "/\(n.recordedPath): directory level \(n.level) (at most \(ISO9660Names.maximumDirectoryLevel))"
            }
            return nil
        }

        // The tree whose names a user sees: Rock Ridge, then Joliet, then the primary one.
        var shown = primary
        var naming = Naming.primary
        let jolietMask = ISO_EXTENSION_JOLIET_LEVEL1.rawValue | ISO_EXTENSION_JOLIET_LEVEL2.rawValue | ISO_EXTENSION_JOLIET_LEVEL3.rawValue
        for (candidate, mask, translate) in [(Naming.rockRidge, ISO_EXTENSION_ROCK_RIDGE.rawValue, false),
                                             (.joliet, jolietMask, true)]
            where (candidate == .rockRidge && hasRockRidge) || (candidate == .joliet && hasJoliet) {
            guard let other = iso9660_open_ext(imagePath, iso_extension_mask_t(mask)) else { continue }
            defer { iso9660_close(other) }
            if let tree = try? ISODirectoryTree(other, image: imagePath, translateNames: translate), !tree.nodes.isEmpty || primary.nodes.isEmpty {
                shown = tree
                naming = candidate
                break
            }
        }
        self.naming = naming
        // Primary identifiers by extent, for files (folders of a Joliet tree have their own extents).
        var recordedByExtent: [Int32: String] = [:]
        for n in primary.nodes where !n.isDirectory && n.size > 0 { recordedByExtent[n.lsn] = n.recorded }
        var entries: [MediaEntry] = []
        var locations: [String: (lsn: Int32, isDirectory: Bool, size: Int64)] = [:]
        for n in shown.nodes {
            let recorded = naming == .primary ? n.recorded : (n.isDirectory || n.size == 0 ? nil : recordedByExtent[n.lsn]) ?? n.recorded
            entries.append(MediaEntry(path: n.path, recordedName: recorded, isDirectory: n.isDirectory, size: n.isDirectory ? 0 : n.size))
            locations[n.path] = (n.lsn, n.isDirectory, n.size)
        }
        allEntries = entries
        self.locations = locations
        symbolicLinks = shown.links.map { MediaSymbolicLink(path: $0.path, target: $0.target) }
        skippedEntries = shown.skipped
        unreadSessionDescriptors = ISOSessionScan.laterSessionDescriptors(imagePath: imagePath)
    }

    deinit {
        iso9660_close(iso)
        if dataFD >= 0 { close(dataFD) }
    }

    public func entries() throws(MediaVolumeError) -> [MediaEntry] { allEntries }

    public func entry(at path: String) throws(MediaVolumeError) -> MediaEntry? {
        let p = FolderVolume.normalise(path)
        guard let loc = locations[p] else { return nil }
        return allEntries.first { $0.path == p && $0.isDirectory == loc.isDirectory }
    }

    public func open(_ path: String) throws(MediaVolumeError) -> MediaFileReader {
        let p = FolderVolume.normalise(path)
        guard let loc = locations[p] else { throw .noSuchFile(volume: imagePath, path: p) }
        guard !loc.isDirectory else { throw .isDirectory(volume: imagePath, path: p) }
        return ISOFileReader(volume: self, path: p, lsn: loc.lsn, size: loc.size)
    }

    /// The first logical block of a file's data (its extent, ECMA-119 §9.1.3), nil for a folder or
    /// an unknown path.
    public func firstBlock(of path: String) -> Int64? {
        guard let loc = locations[FolderVolume.normalise(path)], !loc.isDirectory else { return nil }
        return Int64(loc.lsn)
    }

    /// Reads `blocks` 2048-byte blocks from logical block `lsn` into `buffer`; the bytes read.
    /// File data is read with `pread` on the image's own descriptor, not through libcdio's stdio
    /// stream, whose 128 KiB buffer is refilled after every seek (reading each 8 KiB header cost
    /// 128 KiB) and which needs the lock.
    func readBlocks(_ buffer: UnsafeMutableRawPointer, lsn: Int32, blocks: Int) -> Int {
        guard dataFD >= 0 else { return lock.withLock { Int(iso9660_iso_seek_read(iso, buffer, lsn, blocks)) } }
        var done = 0
        let want = blocks * 2048
        while done < want {
            let n = pread(dataFD, buffer + done, want - done, off_t(lsn) * 2048 + off_t(done))
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            done += n
        }
        return done
    }

    /// The name libcdio keeps after the fixed part of `iso9660_stat_t` (see `ISODirectoryTree`).
    static func fileName(_ stat: UnsafeMutablePointer<iso9660_stat_t>) -> String { ISODirectoryTree.fileName(stat) }

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

    /// Rock Ridge through libcdio's own check on a second handle that interprets Rock Ridge only
    /// (with Joliet allowed too, libcdio would look at the Joliet tree, which has none).
    private static func detectRockRidge(_ imagePath: String) -> Bool {
        guard let all = iso9660_open_ext(imagePath, iso_extension_mask_t(ISO_EXTENSION_ROCK_RIDGE.rawValue)) else { return false }
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

    func send(to fd: Int32) throws(MediaVolumeError) -> Int64? {
        guard volume.dataFD >= 0 else { return nil }
        switch sendFileRange(from: volume.dataFD, offset: Int64(lsn) * 2048 + offset, count: size - offset, to: fd) {
        case .unsupported: return nil
        case .sent(let n):
            offset += n
            guard offset == size else { throw .readFailed(volume: volume.imagePath, path: path, reason: "the image ends inside the file (\(offset) of \(size) bytes)") }
            return n
        case .failed(let e): throw .readFailed(volume: volume.imagePath, path: path, reason: String(cString: strerror(e)))
        }
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
