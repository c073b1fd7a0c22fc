#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// Lightbox's identity in File Meta Information (PS3.7 §D.3.3.2, PS3.10 §7.1).
public enum Implementation {
    /// Implementation Class UID, a 2.25 UID derived once from a UUID (PS3.5 §B.2).
    public static let classUID = "2.25.163219727315740093386093632101417745829"
    /// Implementation Version Name (≤ 16 characters).
    public static let versionName = "LIGHTBOX_0_1"
}

/// Writes PS3.10 files: preamble, "DICM", File Meta Information in Explicit VR LE, then the data
/// set in the chosen transfer syntax (Implicit LE, Explicit LE, Explicit BE, Deflated, or an
/// encapsulated syntax whose pixel data is already encoded).
public enum Part10Writer {
    /// Encodes a whole file into memory.
    public static func encode(_ file: DICOMFile, as syntax: TransferSyntax? = nil) throws -> [UInt8] {
        let out = OutputSink()
        try write(file, as: syntax, into: out)
        return out.buffer
    }

    /// Encodes only a data set (no preamble or meta), e.g. for a DIMSE message or a DICOMDIR record.
    public static func encodeDataSet(_ dataSet: DataSet, as syntax: TransferSyntax) throws -> [UInt8] {
        let out = OutputSink()
        try DataSetEncoder(syntax).encode(dataSet.elements[...], into: out)
        if syntax.isDeflated { return try deflateRaw(out.buffer) }
        return out.buffer
    }

    /// Writes a file atomically: to a temporary name in the same folder, then renamed over `path`
    /// only when complete. With `durable`, the data is fsynced before the rename and the folder after
    /// it (`DurableRename`).
    public static func write(_ file: DICOMFile, to path: String, as syntax: TransferSyntax? = nil,
                             durable: Bool = false) throws {
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let base = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        let temp = (dir.isEmpty ? "" : dir + "/") + ".\(base).lightbox-\(getpid())-\(UInt32.random(in: 0 ... .max)).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DataSetWriteError.cannotCreate(path: path, reason: errnoString()) }
        var ok = false
        defer {
            if !ok { close(fd); unlink(temp) }
        }
        let out = OutputSink(fd: fd, path: path)
        try write(file, as: syntax, into: out)
        try out.flush()
        guard close(fd) == 0 else { ok = true; unlink(temp); throw DataSetWriteError.io(path: path, reason: errnoString()) }
        ok = true
        try DurableRename.commit(temp, to: path, durable: durable)
    }

    static func write(_ file: DICOMFile, as syntax: TransferSyntax?, into out: OutputSink) throws {
        let syntax = syntax ?? file.transferSyntax
        if syntax.isEncapsulated != file.transferSyntax.isEncapsulated,
           let px = file.dataSet[.pixelDataTag] {
            let isEncapsulatedValue: Bool
            switch px.value {
            case .encapsulated: isEncapsulatedValue = true
            case .bulk(let r): isEncapsulatedValue = r.isEncapsulated
            default: isEncapsulatedValue = false
            }
            if isEncapsulatedValue != syntax.isEncapsulated {
                throw DataSetWriteError.unsupportedEncoding(reason: "pixel data is \(isEncapsulatedValue ? "encapsulated" : "native") but \(syntax.name) needs it \(syntax.isEncapsulated ? "encapsulated" : "native"); transcode the pixel data first")
            }
        }
        if file.preamble != nil || !file.meta.isEmpty {
            out.append(file.preamble ?? [UInt8](repeating: 0, count: 128))
            out.append([0x44, 0x49, 0x43, 0x4D])
            let meta = makeMeta(from: file.meta, dataSet: file.dataSet, syntax: syntax)
            try DataSetEncoder(explicitVR: true, bigEndian: false).encode(meta.elements[...], into: out)
        }
        if syntax.isDeflated {
            let body = OutputSink()
            try DataSetEncoder(syntax).encode(file.dataSet.elements[...], into: body)
            out.append(try deflateRaw(body.buffer))
        } else {
            try DataSetEncoder(syntax).encode(file.dataSet.elements[...], into: out)
        }
    }

    /// File Meta Information for writing (PS3.10 §7.1): keeps what the source had, fills in what is
    /// required, sets the Transfer Syntax UID and recomputes the group length.
    public static func makeMeta(from existing: DataSet, dataSet: DataSet, syntax: TransferSyntax) -> DataSet {
        var meta = existing.group(0x0002)
        meta.inheritedCharacterSet = nil
        func set(_ element: UInt16, _ vr: VR, _ value: String) {
            meta.insert(DataElement(tag: Tag(0x0002, element), vr: vr, value: .bytes(padded(value, vr: vr))))
        }
        meta.insert(DataElement(tag: Tag(0x0002, 0x0000), vr: .UL, value: .bytes([0, 0, 0, 0])))
        if meta[Tag(0x0002, 0x0001)] == nil {
            meta.insert(DataElement(tag: Tag(0x0002, 0x0001), vr: .OB, value: .bytes([0x00, 0x01])))
        }
        if meta[Tag(0x0002, 0x0002)] == nil, let e = dataSet[Tag(0x0008, 0x0016)], let b = e.bytes {
            set(0x0002, .UI, trimmedText(b))
        }
        if meta[Tag(0x0002, 0x0003)] == nil, let e = dataSet[Tag(0x0008, 0x0018)], let b = e.bytes {
            set(0x0003, .UI, trimmedText(b))
        }
        set(0x0010, .UI, syntax.uid)
        if meta[Tag(0x0002, 0x0012)] == nil {
            set(0x0012, .UI, Implementation.classUID)
            set(0x0013, .SH, Implementation.versionName)
        }
        return meta
    }

    /// A text value's bytes padded to even length (UI with NUL, others with space).
    static func padded(_ value: String, vr: VR) -> [UInt8] {
        var b = Array(value.utf8)
        if b.count & 1 == 1 { b.append(vr.paddingByte) }
        return b
    }

    /// Raw DEFLATE (no zlib header), as Deflated Explicit VR Little Endian requires (PS3.5 §A.5).
    static func deflateRaw(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        var rc = deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
                               ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw DataSetWriteError.deflate(reason: "deflateInit2 failed (\(rc))") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count))) + 16
        var out = [UInt8](repeating: 0, count: bound)
        var input = input
        let produced: Int = input.withUnsafeMutableBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = inp.baseAddress
                stream.avail_in = uInt(inp.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                rc = deflate(&stream, Z_FINISH)
                return o.count - Int(stream.avail_out)
            }
        }
        guard rc == Z_STREAM_END else { throw DataSetWriteError.deflate(reason: "deflate returned \(rc)") }
        out.removeLast(out.count - produced)
        // Keep the data set's length even: PS3.5 §A.5 pads the deflated stream with a NUL if needed.
        if out.count & 1 == 1 { out.append(0) }
        return out
    }
}
