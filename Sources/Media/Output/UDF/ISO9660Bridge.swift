import Foundation

/// The ISO 9660 Level 1 tree of a UDF bridge image (ECMA-119): a Primary Volume Descriptor and
/// terminator before the UDF Volume Recognition Sequence, path tables and directory records whose
/// file extents are the UDF files' own data (nothing is recorded twice). Readers that know no UDF
/// see the same files; PS3.10 File IDs are already Level 1 names, other names are shortened to 8.3
/// the way the Level 1 rules allow (ECMA-119 §7.5, §7.6), with `~n` when two would collide.
struct ISO9660Bridge {
    struct Directory {
        var node: Int
        var parentNumber: Int
        var identifier: [UInt8]
        /// The children's nodes in recorded order (ECMA-119 §9.3: by identifier).
        var children: [Int]
        var blocks: UInt32 = 0
        var extent: UInt32 = 0
    }

    /// Directories in path-table order (ECMA-119 §9.4: level, then parent, then identifier).
    private(set) var directories: [Directory] = []
    /// Recorded identifier of every node but the root ("IMG00001.;1", "PAT00001").
    private(set) var identifiers: [Int: [UInt8]] = [:]
    let firstBlock: UInt32
    let pathTableBytes: Int
    var pathTableBlocks: UInt32 { UInt32((pathTableBytes + 2047) / 2048) }
    /// Sectors of path tables and directories, from `firstBlock`.
    private(set) var areaBlocks: UInt32 = 0

    init(plan: UDFImagePlan, tree: StagedTree, firstBlock: UInt32) throws(DiscImageError) {
        self.firstBlock = firstBlock
        let nodes = plan.nodes
        // Names, per folder, unique within it.
        var ids: [Int: [UInt8]] = [:]
        for dir in nodes.indices where nodes[dir].isDirectory {
            var used: Set<[UInt8]> = []
            for child in nodes[dir].children {
                let node = nodes[child]
                let path = node.entry.map { tree.entries[$0].absolutePath } ?? node.name
                if !node.isDirectory, node.size >= Int64(UInt32.max) {
                    throw .bridgeUnsupported(path: path, reason: "is \(node.size) bytes; an ISO 9660 Level 1 file holds less than 4 GiB")
                }
                let id = Self.identifier(node.name, isDirectory: node.isDirectory, taken: used)
                used.insert(id)
                ids[child] = id
            }
        }
        // Path table order: breadth first, each folder's subfolders by identifier.
        var queue = [Directory(node: 0, parentNumber: 1, identifier: [0], children: [])]
        var level = [0: 1]
        var i = 0
        while i < queue.count {
            let node = queue[i].node
            let kids = nodes[node].children.sorted { Self.sortKey(ids[$0]!).lexicographicallyPrecedes(Self.sortKey(ids[$1]!)) }
            queue[i].children = kids
            for k in kids where nodes[k].isDirectory {
                level[k] = level[node]! + 1
                if level[k]! > ISO9660Names.maximumDirectoryLevel {
                    let path = nodes[k].entry.map { tree.entries[$0].absolutePath } ?? nodes[k].name
                    throw .bridgeUnsupported(path: path, reason: "is at directory level \(level[k]!); ISO 9660 allows \(ISO9660Names.maximumDirectoryLevel)")
                }
                queue.append(Directory(node: k, parentNumber: i + 1, identifier: ids[k]!, children: []))
            }
            i += 1
        }
        directories = queue
        identifiers = ids
        pathTableBytes = queue.reduce(0) { $0 + 8 + $1.identifier.count + ($1.identifier.count % 2) }
        var next = firstBlock + 2 * UInt32((pathTableBytes + 2047) / 2048)
        for d in directories.indices {
            let sizes = [34, 34] + directories[d].children.map { Self.recordLength(identifiers[$0]!) }
            var blocks: UInt32 = 1, used = 0
            for s in sizes {
                if used + s > 2048 { blocks += 1; used = 0 }
                used += s
            }
            directories[d].blocks = blocks
            directories[d].extent = next
            next += blocks
        }
        areaBlocks = next - firstBlock
    }

    // MARK: Names

    /// The recorded identifier for a staged name: the name itself when it is Level 1 (files gain
    /// ".;1" or ";1"), else upper case, other characters as "_", 8.3, and "~n" until unique.
    static func identifier(_ name: String, isDirectory: Bool, taken: Set<[UInt8]>) -> [UInt8] {
        func clean(_ s: Substring, _ n: Int) -> String {
            String(s.uppercased().map { ISO9660Names.isDCharacter($0) ? $0 : "_" }.prefix(n))
        }
        var base: String, ext: String
        if isDirectory {
            (base, ext) = (ISO9660Names.directoryNameProblem(name) == nil ? name : clean(Substring(name), 8), "")
        } else if ISO9660Names.fileNameProblem(name) == nil {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            (base, ext) = (String(parts[0]), parts.count == 2 ? String(parts[1]) : "")
        } else {
            let dot = name.lastIndex(of: ".")
            base = clean(dot.map { name[..<$0] } ?? Substring(name), 8)
            ext = clean(dot.map { name[name.index(after: $0)...] } ?? "", 3)
            if base.isEmpty { base = "_" }
        }
        func recorded(_ b: String) -> [UInt8] { Array((isDirectory ? b : b + "." + ext + ";1").utf8) }
        var candidate = recorded(base)
        var n = 1
        while taken.contains(candidate) {
            let suffix = "~\(n)"
            candidate = recorded(String(base.prefix(8 - suffix.count)) + suffix)
            n += 1
        }
        return candidate
    }

    /// ECMA-119 §9.3: identifiers compared as if padded with spaces (name part, then extension).
    static func sortKey(_ id: [UInt8]) -> [UInt8] {
        let s = String(decoding: id, as: UTF8.self)
        let noVersion = s.split(separator: ";").first.map(String.init) ?? s
        let parts = noVersion.split(separator: ".", omittingEmptySubsequences: false)
        let base = String(parts[0]).padding(toLength: 8, withPad: " ", startingAt: 0)
        let ext = (parts.count > 1 ? String(parts[1]) : "").padding(toLength: 3, withPad: " ", startingAt: 0)
        return Array((base + ext).utf8)
    }

    static func recordLength(_ id: [UInt8]) -> Int { 33 + id.count + (id.count % 2 == 0 ? 1 : 0) }

    // MARK: Bytes

    static func both16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8), UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func both32(_ v: UInt32) -> [UInt8] {
        let le = [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
        return le + le.reversed()
    }

    /// A Directory Record (ECMA-119 §9.1).
    static func record(_ id: [UInt8], extent: UInt32, size: UInt32, isDirectory: Bool, date: [UInt8]) -> [UInt8] {
        var r: [UInt8] = [UInt8(recordLength(id)), 0] + both32(extent) + both32(size) + date
        r += [isDirectory ? 2 : 0, 0, 0] + both16(1) + [UInt8(id.count)] + id
        if id.count % 2 == 0 { r.append(0) }
        return r
    }

    /// The 7-byte recording date (ECMA-119 §9.1.5), in UTC.
    static func recordDate(_ date: Date) -> [UInt8] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return [UInt8(max(0, (c.year ?? 1970) - 1900)), UInt8(c.month ?? 1), UInt8(c.day ?? 1),
                UInt8(c.hour ?? 0), UInt8(c.minute ?? 0), UInt8(c.second ?? 0), 0]
    }

    /// The 17-byte volume date (ECMA-119 §8.4.26.1): "YYYYMMDDhhmmsscc" and the offset, in UTC.
    static func volumeDate(_ date: Date?) -> [UInt8] {
        guard let date else { return Array("0000000000000000".utf8) + [0] }
        return Array(ISOImageWriterTime.text(date).utf8) + [0]
    }

    static func padded(_ s: String, _ n: Int) -> [UInt8] { Array(s.utf8.prefix(n)) + [UInt8](repeating: 0x20, count: max(0, n - s.utf8.count)) }

    /// The extent and size a node has in the ISO tree.
    private func location(_ node: Int, plan: UDFImagePlan) -> (extent: UInt32, size: UInt32) {
        if plan.nodes[node].isDirectory {
            let d = directories.first { $0.node == node }!
            return (d.extent, d.blocks * 2048)
        }
        let n = plan.nodes[node]
        return (n.size == 0 ? 0 : plan.absolute(n.dataBlock), UInt32(n.size))
    }

    /// The Primary Volume Descriptor (ECMA-119 §8.4) and the Volume Descriptor Set Terminator (§8.3).
    func volumeDescriptors(plan: UDFImagePlan, date: Date) -> [[UInt8]] {
        var p = [UInt8](repeating: 0, count: 2048)
        func put(_ at: Int, _ b: [UInt8]) { p.replaceSubrange(at..<at + b.count, with: b) }
        put(0, [1] + Array("CD001".utf8) + [1])
        put(8, Self.padded("LINUX", 32))
        put(40, Self.padded(plan.options.volumeID, 32))
        put(80, Self.both32(UInt32(plan.imageBlocks)))
        put(120, Self.both16(1)); put(124, Self.both16(1)); put(128, Self.both16(2048))
        put(132, Self.both32(UInt32(pathTableBytes)))
        let l = firstBlock, m = firstBlock + pathTableBlocks
        put(140, [UInt8(l & 0xFF), UInt8(l >> 8 & 0xFF), UInt8(l >> 16 & 0xFF), UInt8(l >> 24)])
        put(148, [UInt8(m >> 24), UInt8(m >> 16 & 0xFF), UInt8(m >> 8 & 0xFF), UInt8(m & 0xFF)])
        let root = directories[0]
        put(156, Self.record([0], extent: root.extent, size: root.blocks * 2048, isDirectory: true, date: Self.recordDate(date)))
        put(190, Self.padded(plan.options.volumeID, 128))
        put(318, Self.padded("", 128))
        put(446, Self.padded("LIGHTBOX", 128))
        put(574, Self.padded("LIGHTBOX", 128))
        put(702, Self.padded("", 37)); put(739, Self.padded("", 37)); put(776, Self.padded("", 37))
        put(813, Self.volumeDate(date)); put(830, Self.volumeDate(date))
        put(847, Self.volumeDate(nil)); put(864, Self.volumeDate(nil))
        p[881] = 1
        var t = [UInt8](repeating: 0, count: 2048)
        t.replaceSubrange(0..<7, with: [255] + Array("CD001".utf8) + [1])
        return [p, t]
    }

    /// Path tables (L then M, ECMA-119 §9.4) and every directory, `areaBlocks` sectors.
    func area(plan: UDFImagePlan, date: Date) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(areaBlocks) * 2048)
        let stamp = Self.recordDate(date)
        var lTable: [UInt8] = [], mTable: [UInt8] = []
        for d in directories {
            let e = d.extent, parent = UInt16(d.parentNumber)
            let pad: [UInt8] = d.identifier.count % 2 == 1 ? [0] : []
            lTable += [UInt8(d.identifier.count), 0, UInt8(e & 0xFF), UInt8(e >> 8 & 0xFF), UInt8(e >> 16 & 0xFF), UInt8(e >> 24),
                       UInt8(parent & 0xFF), UInt8(parent >> 8)] + d.identifier + pad
            mTable += [UInt8(d.identifier.count), 0, UInt8(e >> 24), UInt8(e >> 16 & 0xFF), UInt8(e >> 8 & 0xFF), UInt8(e & 0xFF),
                       UInt8(parent >> 8), UInt8(parent & 0xFF)] + d.identifier + pad
        }
        out.replaceSubrange(0..<lTable.count, with: lTable)
        let mAt = Int(pathTableBlocks) * 2048
        out.replaceSubrange(mAt..<mAt + mTable.count, with: mTable)
        for d in directories {
            let parent = directories[d.parentNumber - 1]
            var records = [Self.record([0], extent: d.extent, size: d.blocks * 2048, isDirectory: true, date: stamp),
                           Self.record([1], extent: parent.extent, size: parent.blocks * 2048, isDirectory: true, date: stamp)]
            for c in d.children {
                let (extent, size) = location(c, plan: plan)
                records.append(Self.record(identifiers[c]!, extent: extent, size: size, isDirectory: plan.nodes[c].isDirectory, date: stamp))
            }
            var at = Int(d.extent - firstBlock) * 2048
            var used = 0
            for r in records {
                if used + r.count > 2048 { at += 2048 - used; used = 0 }
                out.replaceSubrange(at..<at + r.count, with: r)
                at += r.count; used += r.count
            }
        }
        return out
    }
}
