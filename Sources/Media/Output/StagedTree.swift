import Foundation

/// A staged file-set folder, walked once: every folder and regular file below the root with its
/// path relative to the root ("DICOM/PAT00001/IMG00001"), parents before children, names sorted.
/// Symbolic links are followed (a staging step may link instead of copying).
struct StagedTree: Sendable {
    struct Entry: Sendable, Equatable {
        var relativePath: String
        var absolutePath: String
        var isDirectory: Bool
        var size: Int64
        /// Directory level (root is 1; a file directly under the root has level 1 too).
        var level: Int
        var name: String { String(relativePath.split(separator: "/").last ?? "") }
        var parentPath: String {
            guard let slash = relativePath.lastIndex(of: "/") else { return "" }
            return String(relativePath[..<slash])
        }
    }

    var root: String
    var entries: [Entry]

    var files: [Entry] { entries.filter { !$0.isDirectory } }
    var directories: [Entry] { entries.filter(\.isDirectory) }
    var totalFileBytes: Int64 { entries.reduce(0) { $0 + ($1.isDirectory ? 0 : $1.size) } }

    enum Problem: Error, Equatable {
        case missingRoot(String)
        case unreadable(String, String)
        case unsupported(String)
    }

    /// Walks `root`. Throws on a missing root, an unreadable entry or one that is neither file nor folder.
    static func walk(_ root: String) throws(Problem) -> StagedTree {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
            throw .missingRoot(root)
        }
        var entries: [Entry] = []
        try walk(root, relative: "", level: 1, into: &entries)
        return StagedTree(root: root, entries: entries)
    }

    private static func walk(_ dir: String, relative: String, level: Int, into entries: inout [Entry]) throws(Problem) {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted() } catch {
            throw .unreadable(dir, String(cString: strerror(errno == 0 ? EACCES : errno)))
        }
        for name in names {
            let path = dir + "/" + name
            let rel = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            guard stat(path, &st) == 0 else {
                var lst = stat()
                if lstat(path, &lst) == 0, (lst.st_mode & S_IFMT) == S_IFLNK {
                    throw .unreadable(path, "a symbolic link to a missing file")
                }
                throw .unreadable(path, String(cString: strerror(errno)))
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                entries.append(Entry(relativePath: rel, absolutePath: path, isDirectory: true, size: 0, level: level + 1))
                try walk(path, relative: rel, level: level + 1, into: &entries)
            case S_IFREG:
                guard access(path, R_OK) == 0 else { throw .unreadable(path, String(cString: strerror(errno))) }
                entries.append(Entry(relativePath: rel, absolutePath: path, isDirectory: false, size: Int64(st.st_size), level: level))
            default:
                throw .unsupported(path)
            }
        }
    }
}
