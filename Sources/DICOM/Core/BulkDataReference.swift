#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value left in its file until asked for, so pixel data stays lazy and large objects stream.
///
/// The reference names the file, the byte offset of the value (after the element header) and its
/// length. For encapsulated pixel data (PS3.5 §A.4) the range covers the items up to and
/// including the Sequence Delimitation Item.
public struct BulkDataReference: Sendable, Equatable {
    public let path: String
    public let offset: UInt64
    /// Length in bytes of the stored range.
    public let length: UInt64
    /// The range holds items of encapsulated pixel data, not a plain value.
    public let isEncapsulated: Bool
    /// The stored bytes are big endian and must be swapped in units of `wordSize` when loaded.
    public let isBigEndian: Bool
    public let wordSize: Int

    public init(path: String, offset: UInt64, length: UInt64, isEncapsulated: Bool = false,
                isBigEndian: Bool = false, wordSize: Int = 1) {
        self.path = path; self.offset = offset; self.length = length
        self.isEncapsulated = isEncapsulated; self.isBigEndian = isBigEndian; self.wordSize = wordSize
    }

    /// Reads the stored bytes (little endian for numeric VRs).
    public func loadBytes() throws -> [UInt8] {
        var bytes = try readRange(offset: offset, count: Int(length))
        if isBigEndian && wordSize > 1 { swapBytes(&bytes, wordSize: wordSize) }
        return bytes
    }

    /// Reads `count` bytes at `offset` from the referenced file.
    public func readRange(offset: UInt64, count: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataSetReadError.cannotOpen(path: path, reason: errnoString()) }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { buf in
                pread(fd, buf.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if n < 0 { if errno == EINTR { continue }; throw DataSetReadError.io(path: path, reason: errnoString()) }
            if n == 0 { throw DataSetReadError.unexpectedEndOfData(path: path, offset: offset + UInt64(done), needed: count - done) }
            done += n
        }
        return out
    }

    /// Parses the items of an encapsulated value: Basic Offset Table and fragments (PS3.5 §A.4).
    public func loadEncapsulated() throws -> EncapsulatedPixelData {
        let raw = try readRange(offset: offset, count: Int(length))
        return try EncapsulatedPixelData(itemStream: raw, path: path, baseOffset: offset)
    }
}

extension EncapsulatedPixelData {
    /// Parses a stream of items: the Basic Offset Table item, fragment items, and optionally the
    /// terminating Sequence Delimitation Item (always little endian, PS3.5 §A.4).
    init(itemStream raw: [UInt8], path: String, baseOffset: UInt64) throws {
        var pos = 0
        var items: [[UInt8]] = []
        func u16(_ p: Int) -> UInt16 { UInt16(raw[p]) | UInt16(raw[p + 1]) << 8 }
        func u32(_ p: Int) -> UInt32 { UInt32(u16(p)) | UInt32(u16(p + 2)) << 16 }
        while pos + 8 <= raw.count {
            let tag = Tag(u16(pos), u16(pos + 2))
            let len = u32(pos + 4)
            pos += 8
            if tag == .sequenceDelimitationItem { break }
            guard tag == .item else {
                throw DataSetReadError.malformed(path: path, offset: baseOffset + UInt64(pos - 8),
                                                 reason: "expected an item tag (FFFE,E000) in encapsulated pixel data, found \(tag)")
            }
            guard len != 0xFFFF_FFFF, Int(len) <= raw.count - pos else {
                throw DataSetReadError.lengthPastEnd(path: path, tag: .pixelDataTag, offset: baseOffset + UInt64(pos - 8),
                                                     length: UInt64(len), available: UInt64(raw.count - pos))
            }
            items.append(Array(raw[pos ..< pos + Int(len)]))
            pos += Int(len)
        }
        guard let first = items.first else {
            self.init(basicOffsetTable: [], fragments: [])
            return
        }
        self.init(basicOffsetTable: first, fragments: Array(items.dropFirst()))
    }
}

/// Reverses the byte order of each `wordSize`-byte unit in place.
@inlinable func swapBytes(_ bytes: inout [UInt8], wordSize: Int) {
    guard wordSize > 1 else { return }
    let n = bytes.count - bytes.count % wordSize
    bytes.withUnsafeMutableBufferPointer { p in
        var i = 0
        while i < n {
            var a = i, b = i + wordSize - 1
            while a < b { p.swapAt(a, b); a += 1; b -= 1 }
            i += wordSize
        }
    }
}

func errnoString() -> String { String(cString: strerror(errno)) }
