#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects encoded bytes in memory and, when writing a file, flushes them in large blocks.
final class OutputSink {
    private(set) var buffer: [UInt8] = []
    private let fd: Int32
    private let path: String
    private let flushThreshold = 4 << 20
    private(set) var written: UInt64 = 0

    /// An in-memory sink.
    init() { fd = -1; path = "<memory>"; buffer.reserveCapacity(64 * 1024) }

    /// A sink writing to an open file descriptor.
    init(fd: Int32, path: String) {
        self.fd = fd; self.path = path
        buffer.reserveCapacity(flushThreshold + 64 * 1024)
    }

    var position: UInt64 { written + UInt64(buffer.count) }

    @inline(__always) func u16(_ v: UInt16, bigEndian: Bool) {
        if bigEndian { buffer.append(UInt8(v >> 8)); buffer.append(UInt8(v & 0xFF)) }
        else { buffer.append(UInt8(v & 0xFF)); buffer.append(UInt8(v >> 8)) }
    }

    @inline(__always) func u32(_ v: UInt32, bigEndian: Bool) {
        if bigEndian { u16(UInt16(v >> 16), bigEndian: true); u16(UInt16(v & 0xFFFF), bigEndian: true) }
        else { u16(UInt16(v & 0xFFFF), bigEndian: false); u16(UInt16(v >> 16), bigEndian: false) }
    }

    @inline(__always) func append(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }
    @inline(__always) func append(_ byte: UInt8) { buffer.append(byte) }

    func append(swapping bytes: [UInt8], wordSize: Int) {
        var copy = bytes
        swapBytes(&copy, wordSize: wordSize)
        buffer.append(contentsOf: copy)
    }

    func flushIfLarge() throws { if fd >= 0 && buffer.count >= flushThreshold { try flush() } }

    func flush() throws {
        guard fd >= 0, !buffer.isEmpty else { return }
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, buffer.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw DataSetWriteError.io(path: path, reason: errnoString())
            }
            done += n
        }
        written += UInt64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Copies a byte range of another file into the output, swapping words when asked.
    func copy(from ref: BulkDataReference, swapToBigEndian: Bool, wordSize: Int, tag: Tag) throws {
        let chunk = 4 << 20
        var done: UInt64 = 0
        let needsSwap = (ref.isBigEndian != swapToBigEndian) && wordSize > 1
        while done < ref.length {
            let n = Int(min(UInt64(chunk), ref.length - done))
            var bytes: [UInt8]
            do { bytes = try ref.readRange(offset: ref.offset + done, count: n) }
            catch { throw DataSetWriteError.bulkData(tag: tag, underlying: "\(error)") }
            if needsSwap { swapBytes(&bytes, wordSize: wordSize) }
            buffer.append(contentsOf: bytes)
            try flushIfLarge()
            done += UInt64(n)
        }
    }
}
