import DICOM
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A received DIMSE data set (PS3.7 §6.3.1), held in memory or already streamed to a file.
public enum ReceivedDataSet: Sendable, Equatable {
    /// The data set bytes in the presentation context's transfer syntax.
    case bytes([UInt8])
    /// A file holding `headerLength` bytes of Part 10 preamble and meta, then the data set bytes.
    case file(path: String, headerLength: Int, dataSetLength: Int)

    /// The data set, parsed in `syntax`.
    public func decode(syntax: TransferSyntax) throws -> DataSet {
        switch self {
        case .bytes(let b): return try Part10Reader.readDataSet(bytes: b, syntax: syntax)
        case .file(let path, _, _): return try Part10Reader.read(path: path, options: .loadAll).dataSet
        }
    }
}

/// Where the data set of an incoming message goes while its P-DATA fragments arrive.
public enum DataSetDestination: Sendable {
    /// Kept in memory, up to `limit` bytes (larger ones fail the message).
    case memory(limit: Int)
    /// Streamed to a new file in `directory` (a hidden temporary name), after `header` bytes.
    case file(directory: String, header: [UInt8])
}

/// Receives the fragments of one data set. Runs on the association's event loop.
protocol DataSetSink: AnyObject {
    func write(_ buffer: ByteBuffer) throws
    func finish() throws -> ReceivedDataSet
    /// Discards a partial data set (association aborted mid-transfer).
    func cancel()
}

final class MemorySink: DataSetSink {
    var bytes: [UInt8] = []
    let limit: Int
    init(limit: Int) { self.limit = limit }
    func write(_ buffer: ByteBuffer) throws {
        guard bytes.count + buffer.readableBytes <= limit else { throw DIMSEError.dataSetTooLarge(limit: limit) }
        bytes.append(contentsOf: buffer.readableBytesView)
    }
    func finish() throws -> ReceivedDataSet { .bytes(bytes) }
    func cancel() { bytes = [] }
}

/// Streams a data set to a temporary file; the service renames it when it accepts the object.
final class FileSink: DataSetSink {
    let path: String
    let headerLength: Int
    var dataLength = 0
    private var fd: Int32

    init(directory: String, header: [UInt8]) throws {
        path = "\(directory)/.incoming-\(getpid())-\(UInt64.random(in: 0 ... .max)).part"
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StorageError.cannotCreate(path: path, errno: errno) }
        headerLength = header.count
        try header.withUnsafeBytes { try writeAll($0) }
    }

    private func writeAll(_ raw: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError.writeFailed(path: path, errno: errno)
            }
            done += n
        }
    }

    func write(_ buffer: ByteBuffer) throws {
        try buffer.withUnsafeReadableBytes { try writeAll($0) }
        dataLength += buffer.readableBytes
    }

    func finish() throws -> ReceivedDataSet {
        let rc = close(fd)
        fd = -1
        guard rc == 0 else { unlink(path); throw StorageError.writeFailed(path: path, errno: errno) }
        return .file(path: path, headerLength: headerLength, dataSetLength: dataLength)
    }

    func cancel() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(path)
    }

    deinit { if fd >= 0 { close(fd); unlink(path) } }
}

/// Failures of the storage service's file handling.
public enum StorageError: Error, Sendable, CustomStringConvertible {
    case cannotCreate(path: String, errno: Int32)
    case writeFailed(path: String, errno: Int32)

    public var description: String {
        switch self {
        case let .cannotCreate(p, e): return "cannot create \(p): \(String(cString: strerror(e)))"
        case let .writeFailed(p, e): return "cannot write \(p): \(String(cString: strerror(e)))"
        }
    }
}
