import Foundation

/// A file set in a folder: a staged tree, a mounted disc, a USB stick (PS3.12 Annex R) or any
/// copy of one. Recorded names are the folder's names. A symbolic link is followed only when it
/// names a file inside the folder; links to folders or out of the folder are listed in
/// `symbolicLinks` and never read through, so a hostile medium cannot make import read
/// `/etc/passwd`.
///
/// Thread safety: immutable; each `open` gets its own file descriptor.
public struct FolderVolume: MediaVolume {
    public let root: String
    /// `root` with every link resolved, to tell whether a link stays inside.
    private let realRoot: String
    public var volumeID: String? { nil }

    /// - Throws: `.volumeMissing` when `root` is not a folder.
    public init(root: String) throws(MediaVolumeError) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
            throw .volumeMissing(path: root)
        }
        self.root = root
        realRoot = Self.realPath(root) ?? root
    }

    public func entries() throws(MediaVolumeError) -> [MediaEntry] { try listing().entries }

    public var symbolicLinks: [MediaSymbolicLink] { (try? listing().links) ?? [] }

    /// The folder is walked once, on first use; entries and links come from the same walk.
    private let walked = WalkCache()

    private final class WalkCache: @unchecked Sendable {
        let lock = NSLock()
        var result: (entries: [MediaEntry], links: [MediaSymbolicLink])?
    }

    private func listing() throws(MediaVolumeError) -> (entries: [MediaEntry], links: [MediaSymbolicLink]) {
        walked.lock.lock()
        defer { walked.lock.unlock() }
        if let done = walked.result { return done }
        var out: [MediaEntry] = [], links: [MediaSymbolicLink] = []
        try list("", into: &out, links: &links)
        walked.result = (out, links)
        return (out, links)
    }

    private func list(_ relative: String, into out: inout [MediaEntry], links: inout [MediaSymbolicLink]) throws(MediaVolumeError) {
        let dir = relative.isEmpty ? root : root + "/" + relative
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted() } catch {
            throw .unreadableDirectory(volume: root, path: relative, reason: "\(error.localizedDescription)")
        }
        for name in names {
            let rel = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            guard lstat(root + "/" + rel, &st) == 0 else { continue }
            if (st.st_mode & S_IFMT) == S_IFLNK {
                guard resolvedInside(rel) != nil, stat(root + "/" + rel, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
                    links.append(MediaSymbolicLink(path: rel, target: Self.linkTarget(root + "/" + rel)))
                    continue
                }
            }
            let isDir = (st.st_mode & S_IFMT) == S_IFDIR
            guard isDir || (st.st_mode & S_IFMT) == S_IFREG else { continue }
            out.append(MediaEntry(path: rel, recordedName: name, isDirectory: isDir, size: isDir ? 0 : Int64(st.st_size)))
            if isDir { try list(rel, into: &out, links: &links) }
        }
    }

    /// The real path of `relative` when it lies inside the folder (after resolving links), else nil.
    private func resolvedInside(_ relative: String) -> String? {
        guard let real = Self.realPath(root + "/" + relative) else { return nil }
        return real.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") ? real : nil
    }

    private static func realPath(_ path: String) -> String? {
        guard let p = Glibc.realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    private static func linkTarget(_ path: String) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, Int(PATH_MAX))
        guard n >= 0 else { return "" }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public func entry(at path: String) throws(MediaVolumeError) -> MediaEntry? {
        let rel = Self.normalise(path)
        var st = stat()
        guard !rel.isEmpty, let real = resolvedInside(rel), stat(real, &st) == 0 else { return nil }
        let isDir = (st.st_mode & S_IFMT) == S_IFDIR
        return MediaEntry(path: rel, recordedName: String(rel.split(separator: "/").last!), isDirectory: isDir,
                          size: isDir ? 0 : Int64(st.st_size))
    }

    public func open(_ path: String) throws(MediaVolumeError) -> MediaFileReader {
        let rel = Self.normalise(path)
        guard let e = try entry(at: rel) else { throw .noSuchFile(volume: root, path: rel) }
        guard !e.isDirectory else { throw .isDirectory(volume: root, path: rel) }
        guard let real = resolvedInside(rel) else { throw .noSuchFile(volume: root, path: rel) }
        let fd = Glibc.open(real, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .readFailed(volume: root, path: rel, reason: String(cString: strerror(errno))) }
        return FolderFileReader(fd: fd, size: e.size, volume: root, path: rel)
    }

    static func normalise(_ path: String) -> String {
        if isNormal(path) { return path }
        return path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    /// No leading, trailing or doubled "/" and no "." component: the common case, left as is.
    private static func isNormal(_ path: String) -> Bool {
        var previous: UInt8 = 0x2F, beforePrevious: UInt8 = 0x2F
        for b in path.utf8 {
            if b == 0x2F, previous == 0x2F || (previous == 0x2E && beforePrevious == 0x2F) { return false }
            beforePrevious = previous
            previous = b
        }
        return !(previous == 0x2F || (previous == 0x2E && beforePrevious == 0x2F))
    }
}

final class FolderFileReader: MediaFileReader {
    private let fd: Int32
    let size: Int64
    private let volume: String, path: String

    init(fd: Int32, size: Int64, volume: String, path: String) {
        self.fd = fd
        self.size = size
        self.volume = volume
        self.path = path
    }

    deinit { close(fd) }

    func send(to destination: Int32) throws(MediaVolumeError) -> Int64? {
        let at = lseek(fd, 0, SEEK_CUR)
        guard at >= 0 else { return nil }
        switch sendFileRange(from: fd, offset: Int64(at), count: size - Int64(at), to: destination) {
        case .unsupported: return nil
        case .sent(let n): return n
        case .failed(let e): throw .readFailed(volume: volume, path: path, reason: String(cString: strerror(e)))
        }
    }

    func read(upTo count: Int) throws(MediaVolumeError) -> [UInt8] {
        guard count > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .readFailed(volume: volume, path: path, reason: String(cString: strerror(errno)))
            }
            buffer.removeLast(count - n)
            return buffer
        }
    }
}
