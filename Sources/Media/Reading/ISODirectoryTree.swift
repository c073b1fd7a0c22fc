import CCdio
import Foundation

/// One directory tree of an ISO 9660 image as libcdio lists it: the primary tree with its recorded
/// identifiers (ECMA-119 §9.1), the same tree with Rock Ridge names (IEEE P1282 RRIP `NM`, `PX`,
/// `SL`), or the Joliet tree of a Supplementary Volume Descriptor (UCS-2 names). Which one depends on
/// the extension mask the image was opened with.
///
/// Hostile images cannot make the walk run away: a folder whose extent was already visited (a
/// loop) is not entered again, and the walk stops below `maximumDepth`.
struct ISODirectoryTree {
    struct Node {
        /// Translated path below the root ("DICOM/IMG1"), components joined by "/".
        var path: String
        /// The identifier exactly as libcdio returned it (`IMG1.;1`, or the Rock Ridge/Joliet name).
        var recorded: String
        /// The recorded path ("DICOM/IMG1.;1"), for reports about on-disc identifiers.
        var recordedPath: String
        var isDirectory: Bool
        var lsn: Int32
        var size: Int64
        /// Folder level, the root's children being at level 2 (ECMA-119 §6.8.2.1 counts the root as 1).
        var level: Int
    }

    /// A Rock Ridge symbolic link: never followed, reported.
    struct Link {
        var path: String
        var target: String
    }

    /// Deeper than any medium needs (PS3.10 allows 8 components), shallow enough to stop a loop
    /// made of distinct extents.
    static let maximumDepth = 64

    private(set) var nodes: [Node] = []
    private(set) var links: [Link] = []
    /// Entries left out, one line each: loops, depth, unusable names, special files.
    private(set) var skipped: [String] = []

    /// Lists every folder and file of the tree `iso` shows. `translateNames` applies
    /// `ISO9660Names.translate` (strip `;1` and a trailing full stop), right for the primary and
    /// Joliet trees; Rock Ridge names are POSIX names and are kept as recorded.
    init(_ iso: OpaquePointer, image: String, translateNames: Bool) throws(MediaVolumeError) {
        var visited = Set<Int32>()
        try walk(iso, image: image, recorded: "", translated: "", level: 1, translateNames: translateNames, visited: &visited)
    }

    private mutating func walk(_ iso: OpaquePointer, image: String, recorded: String, translated: String, level: Int,
                               translateNames: Bool, visited: inout Set<Int32>) throws(MediaVolumeError) {
        guard let list = iso9660_ifs_readdir(iso, "/" + recorded) else {
            throw .unreadableDirectory(volume: image, path: translated, reason: "libcdio cannot read the directory")
        }
        defer { iso9660_filelist_free(list) }
        var children: [Node] = []
        var node = _cdio_list_begin(list)
        while let n = node {
            defer { node = _cdio_list_node_next(n) }
            guard let data = _cdio_list_node_data(n) else { continue }
            let st = data.assumingMemoryBound(to: iso9660_stat_t.self)
            let raw = Self.fileName(st)
            guard raw != "." && raw != ".." && !raw.isEmpty else { continue }
            let name = translateNames ? ISO9660Names.translate(raw) : raw
            let shown = translated.isEmpty ? name : translated + "/" + name
            guard Self.isUsableName(name) else {
                skipped.append("/\(translated.isEmpty ? "" : translated + "/")\(raw.debugDescription.dropFirst().dropLast()): a name that is empty, \".\", \"..\" or holds \"/\" or a control character")
                continue
            }
            if st.pointee.rr.b3_rock == yep {
                let format = UInt32(st.pointee.rr.st_mode) & UInt32(S_IFMT)
                if format == UInt32(S_IFLNK) {
                    let target = st.pointee.rr.psz_symlink.map { String(cString: $0) } ?? ""
                    links.append(Link(path: shown, target: target))
                    continue
                }
                if format != 0 && format != UInt32(S_IFREG) && format != UInt32(S_IFDIR) {
                    skipped.append("/\(shown): a special file (device, pipe or socket), not read")
                    continue
                }
            }
            children.append(Node(path: shown, recorded: raw, recordedPath: recorded.isEmpty ? raw : recorded + "/" + raw, isDirectory: st.pointee.type == 2,  // _STAT_DIR
                                 lsn: Int32(st.pointee.lsn), size: Int64(st.pointee.size), level: level + 1))
        }
        children.sort { $0.path < $1.path }
        for c in children {
            if c.isDirectory {
                guard c.level <= Self.maximumDepth else {
                    skipped.append("/\(c.path): folder deeper than \(Self.maximumDepth) levels, not read")
                    continue
                }
                guard visited.insert(c.lsn).inserted else {
                    skipped.append("/\(c.path): folder whose records lead back to a folder already read (a loop), not read again")
                    continue
                }
            }
            nodes.append(c)
            if c.isDirectory {
                try walk(iso, image: image, recorded: c.recordedPath, translated: c.path, level: c.level,
                         translateNames: translateNames, visited: &visited)
            }
        }
    }

    /// A name that can be one path component: not empty, not `.` or `..`, without `/` or controls.
    static func isUsableName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.unicodeScalars.contains { $0 == "/" || $0.value < 0x20 || $0.value == 0x7F }
    }

    /// The name libcdio keeps after the fixed part of `iso9660_stat_t`. Swift does not import the
    /// flexible array member `filename[]`; it starts right after `b_xa`, being a `char` array
    /// (alignment 1).
    static func fileName(_ stat: UnsafeMutablePointer<iso9660_stat_t>) -> String {
        let offset = MemoryLayout<iso9660_stat_t>.offset(of: \iso9660_stat_t.b_xa)! + MemoryLayout.size(ofValue: stat.pointee.b_xa)
        return String(cString: UnsafeRawPointer(stat).advanced(by: offset).assumingMemoryBound(to: CChar.self))
    }
}
