#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// A forward reader over a file, a byte array or an inflating stream, with a sliding buffer.
///
/// Files are read in chunks with `pread`, so reading a header touches only its first kilobytes
/// and skipping pixel data costs nothing. All multi-byte reads take the byte order as argument.
final class ByteSource {
    let path: String
    private var buffer: [UInt8]
    /// Offset in the underlying stream of `buffer[0]`.
    private var bufferBase: UInt64 = 0
    /// Read position inside `buffer`.
    private var pos = 0
    private let fd: Int32
    /// Total size when known (files and arrays), nil for inflated streams.
    let totalSize: UInt64?
    private var inflater: Inflater?
    private var chunkSize: Int

    /// Opens a file for reading.
    init(path: String, initialChunk: Int = 16 * 1024) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataSetReadError.cannotOpen(path: path, reason: errnoString()) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd); throw DataSetReadError.io(path: path, reason: errnoString())
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd); throw DataSetReadError.cannotOpen(path: path, reason: "it is a directory")
        }
        self.fd = fd
        self.totalSize = UInt64(st.st_size)
        self.buffer = []
        self.chunkSize = initialChunk
    }

    /// Reads from memory.
    init(bytes: [UInt8], path: String = "<memory>") {
        self.path = path
        self.fd = -1
        self.buffer = bytes
        self.totalSize = UInt64(bytes.count)
        self.chunkSize = 0
    }

    deinit { if fd >= 0 { close(fd) } }

    /// The current position in the (decompressed) stream.
    var offset: UInt64 { bufferBase + UInt64(pos) }
    var isFileBacked: Bool { fd >= 0 && inflater == nil }

    /// Bytes left, when known.
    var remaining: UInt64? {
        guard inflater == nil, let total = totalSize else { return nil }
        return total >= offset ? total - offset : 0
    }

    @inline(__always) var available: Int { buffer.count - pos }

    /// Makes sure `n` bytes are buffered at the read position, or throws at end of data.
    @inline(__always) func ensure(_ n: Int) throws {
        if buffer.count - pos >= n { return }
        try refill(n)
    }

    /// True when no byte is left.
    func isAtEnd() -> Bool {
        if buffer.count > pos { return false }
        do {
            try refill(1)
            return false
        } catch let e as DataSetReadError {
            if case .unexpectedEndOfData = e { return true }
            // A read or inflate error is not the end of the data: the next read reports it
            // (a corrupt deflate stream must not read as an empty data set).
            return false
        } catch {
            return false
        }
    }

    private func refill(_ n: Int) throws {
        // Compact: drop consumed bytes.
        if pos > 0 {
            buffer.removeFirst(pos)
            bufferBase += UInt64(pos)
            pos = 0
        }
        if let inflater {
            while buffer.count < n {
                // In steps of at most 256 KiB: a declared length is not allocated before the
                // stream shows it has that much data.
                let got = try inflater.inflate(into: &buffer, want: min(max(n - buffer.count, 64 * 1024), 256 * 1024))
                if got == 0 { break }
            }
        } else if fd >= 0 {
            let fileOffset = bufferBase + UInt64(buffer.count)
            // Never ask for more than the file still holds: at the end of a file this keeps a
            // 4 MiB chunk from being allocated to find nothing.
            let left = Int(clamping: (totalSize ?? fileOffset) > fileOffset ? (totalSize ?? 0) - fileOffset : 0)
            let want = min(max(n - buffer.count, chunkSize), max(left, 0))
            chunkSize = min(chunkSize * 2, 4 << 20)
            if want == 0 {
                throw DataSetReadError.unexpectedEndOfData(path: path, offset: fileOffset, needed: n - buffer.count)
            }
            let old = buffer.count
            buffer.reserveCapacity(old + want)
            var got = 0
            buffer.append(contentsOf: repeatElement(0, count: want))
            while got < want {
                let r = buffer.withUnsafeMutableBytes { b in
                    pread(fd, b.baseAddress! + old + got, want - got, off_t(fileOffset) + off_t(got))
                }
                if r < 0 {
                    if errno == EINTR { continue }
                    buffer.removeLast(want - got)
                    throw DataSetReadError.io(path: path, reason: errnoString())
                }
                if r == 0 { break }
                got += r
            }
            buffer.removeLast(want - got)
        }
        if buffer.count < n {
            throw DataSetReadError.unexpectedEndOfData(path: path, offset: bufferBase + UInt64(buffer.count),
                                                       needed: n - buffer.count)
        }
    }

    /// Moves forward `n` bytes without reading them when they are not buffered.
    func skip(_ n: UInt64) throws {
        if UInt64(available) >= n { pos += Int(n); return }
        if inflater != nil {
            var left = n
            while left > 0 {
                let step = Int(min(left, 1 << 20))
                try ensure(step); pos += step; left -= UInt64(step)
            }
            return
        }
        let target = offset + n
        if let total = totalSize, target > total {
            throw DataSetReadError.unexpectedEndOfData(path: path, offset: total, needed: Int(clamping: target - total))
        }
        if fd >= 0 {
            buffer.removeAll(keepingCapacity: true)
            bufferBase = target
            pos = 0
        } else {
            pos += Int(n)
        }
    }

    /// Moves back to an earlier position still in the buffer (used for peeking).
    func rewind(to position: UInt64) {
        precondition(position >= bufferBase && position <= offset, "rewind outside the buffer")
        pos = Int(position - bufferBase)
    }

    @inline(__always) func peekByte(_ i: Int) -> UInt8 { buffer[pos + i] }

    @inline(__always) func u16(bigEndian: Bool) throws -> UInt16 {
        try ensure(2)
        let v = buffer.withUnsafeBufferPointer { p -> UInt16 in
            bigEndian ? UInt16(p[pos]) << 8 | UInt16(p[pos + 1]) : UInt16(p[pos]) | UInt16(p[pos + 1]) << 8
        }
        pos += 2
        return v
    }

    @inline(__always) func u32(bigEndian: Bool) throws -> UInt32 {
        try ensure(4)
        let v = buffer.withUnsafeBufferPointer { p -> UInt32 in
            let b0 = UInt32(p[pos]), b1 = UInt32(p[pos + 1]), b2 = UInt32(p[pos + 2]), b3 = UInt32(p[pos + 3])
            return bigEndian ? b0 << 24 | b1 << 16 | b2 << 8 | b3 : b0 | b1 << 8 | b2 << 16 | b3 << 24
        }
        pos += 4
        return v
    }

    /// Reads two bytes without byte-order interpretation (the VR field).
    @inline(__always) func twoBytes() throws -> (UInt8, UInt8) {
        try ensure(2)
        let r = (buffer[pos], buffer[pos + 1])
        pos += 2
        return r
    }

    func bytes(_ n: Int) throws -> [UInt8] {
        if n == 0 { return [] }
        if inflater != nil || fd < 0 {
            try ensure(n)
        } else if available < n {
            // Large reads from a file go straight into the result.
            return try readDirect(n)
        }
        let out = Array(buffer[pos ..< pos + n])
        pos += n
        return out
    }

    private func readDirect(_ n: Int) throws -> [UInt8] {
        let have = available
        var out = [UInt8](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { o in
            buffer.withUnsafeBufferPointer { b in
                for i in 0 ..< have { o[i] = b[pos + i] }
            }
        }
        var got = have
        let start = offset + UInt64(have)
        while got < n {
            let r = out.withUnsafeMutableBytes { b in
                pread(fd, b.baseAddress! + got, n - got, off_t(start) + off_t(got - have))
            }
            if r < 0 { if errno == EINTR { continue }; throw DataSetReadError.io(path: path, reason: errnoString()) }
            if r == 0 {
                throw DataSetReadError.unexpectedEndOfData(path: path, offset: offset + UInt64(got), needed: n - got)
            }
            got += r
        }
        buffer.removeAll(keepingCapacity: true)
        bufferBase = offset + UInt64(n)
        pos = 0
        return out
    }

    /// From the current position on, the stream is raw DEFLATE (PS3.5 §A.5): switch to inflating it.
    func startInflating(limit: UInt64 = ReadOptions.default.maxInflatedLength) throws {
        let compressedStart = offset
        let compressed: CompressedInput = fd >= 0
            ? .file(fd: fd, offset: compressedStart, end: totalSize ?? compressedStart)
            : .memory(Array(buffer[pos...]))
        inflater = try Inflater(input: compressed, path: path, limit: limit)
        buffer.removeAll()
        bufferBase = 0
        pos = 0
    }
}

enum CompressedInput {
    case file(fd: Int32, offset: UInt64, end: UInt64)
    case memory([UInt8])
}

/// Raw DEFLATE decompression through zlib (`inflateInit2` with window bits −15, PS3.5 §A.5).
final class Inflater {
    private var stream = z_stream()
    private var input: CompressedInput
    /// zlib keeps pointers into this buffer between calls, so it is manually allocated.
    private let inputBuffer: UnsafeMutablePointer<UInt8>
    private let inputCapacity: Int
    private var finished = false
    /// Most bytes this stream may inflate to: a guard against decompression bombs.
    private let limit: UInt64
    private var total: UInt64 = 0
    private let path: String

    init(input: CompressedInput, path: String, limit: UInt64 = .max) throws {
        self.limit = limit
        self.input = input
        self.path = path
        switch input {
        case .memory(let bytes): inputCapacity = max(bytes.count, 1)
        case .file: inputCapacity = 256 * 1024
        }
        inputBuffer = .allocate(capacity: inputCapacity)
        let rc = inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            inputBuffer.deallocate()
            throw DataSetReadError.deflate(path: path, reason: "inflateInit2 failed (\(rc))")
        }
    }

    deinit { inflateEnd(&stream); inputBuffer.deallocate() }

    /// Loads the next compressed chunk into `inputBuffer`; false at the end of input.
    private func nextInput() throws -> Bool {
        switch input {
        case .memory(let bytes):
            if bytes.isEmpty { return false }
            bytes.withUnsafeBufferPointer { inputBuffer.update(from: $0.baseAddress!, count: bytes.count) }
            stream.next_in = inputBuffer; stream.avail_in = uInt(bytes.count)
            input = .memory([])
            return true
        case .file(let fd, let off, let end):
            if off >= end { return false }
            let n = Int(min(end - off, UInt64(inputCapacity)))
            var r: Int
            repeat { r = pread(fd, inputBuffer, n, off_t(off)) } while r < 0 && errno == EINTR
            if r < 0 { throw DataSetReadError.io(path: path, reason: errnoString()) }
            if r == 0 { return false }
            stream.next_in = inputBuffer; stream.avail_in = uInt(r)
            input = .file(fd: fd, offset: off + UInt64(r), end: end)
            return true
        }
    }

    /// Appends up to `want` inflated bytes to `out`; returns how many (0 at the end of the stream).
    func inflate(into out: inout [UInt8], want: Int) throws -> Int {
        if finished { return 0 }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: want))
        var produced = 0
        while produced < want && !finished {
            if stream.avail_in == 0 {
                if !(try nextInput()) {
                    // Lenient: a stream cut before its final block still yields what it holds.
                    finished = true
                    break
                }
            }
            let rc: Int32 = out.withUnsafeMutableBufferPointer { o in
                stream.next_out = o.baseAddress! + start + produced
                stream.avail_out = uInt(want - produced)
                let before = stream.avail_out
                let rc = CZlib.inflate(&stream, Z_NO_FLUSH)
                produced += Int(before - stream.avail_out)
                return rc
            }
            if rc == Z_STREAM_END { finished = true }
            else if rc != Z_OK && rc != Z_BUF_ERROR {
                out.removeLast(want - produced)
                let msg = stream.msg.map { String(cString: $0) } ?? "zlib error \(rc)"
                throw DataSetReadError.deflate(path: path, reason: msg)
            }
        }
        out.removeLast(want - produced)
        total += UInt64(produced)
        if total > limit {
            throw DataSetReadError.deflate(path: path, reason: "the data set inflates past \(limit) bytes (ReadOptions.maxInflatedLength); refusing a possible decompression bomb")
        }
        return produced
    }
}
