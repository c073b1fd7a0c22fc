import DICOM
import Foundation
import NIOCore

/// A DICOM file prepared for C-STORE: its identity (the data set's SOP Class/Instance UID, PS3.7
/// §9.1.1 Affected SOP Class/Instance UID) and transfer syntax, and where its data set starts, so
/// it can be sent as stored without being parsed.
public struct StoreFile: Sendable, Equatable {
    public var path: String
    public var sopClassUID: String
    public var sopInstanceUID: String
    public var transferSyntaxUID: String
    /// Byte offset of the data set after the meta header; nil for a file without one (re-encoded when sent).
    public var dataSetOffset: Int?

    /// Reads the identity of a file. The SOP Class/Instance UID are the data set's (0008,0016) and
    /// (0008,0018): they are what the receiver stores and what the C-STORE must name. The File Meta
    /// (0002,0002)/(0002,0003) are used only when the data set lacks them (they can disagree).
    public static func load(path: String) throws -> StoreFile {
        if var f = try? fromMetaHeader(path: path) {
            // Read (and so check) the meta information and the data set up to the UIDs: a file
            // cut inside its File Meta Information is refused here, not sent as an empty data set.
            let ds = try Part10Reader.read(path: path, options: ReadOptions(stopBefore: Tag(0x0008, 0x0019))).dataSet
            if let c = ds.string(Tag(0x0008, 0x0016)), !c.isEmpty { f.sopClassUID = c }
            if let s = ds.string(Tag(0x0008, 0x0018)), !s.isEmpty { f.sopInstanceUID = s }
            return f
        }
        let file = try Part10Reader.read(path: path, options: .headerOnly)
        let sopClass = file.dataSet.string(Tag(0x0008, 0x0016)) ?? ""
        let sopInstance = file.dataSet.string(Tag(0x0008, 0x0018)) ?? ""
        guard !sopClass.isEmpty, !sopInstance.isEmpty else {
            throw AssociationError.protocolError("\(path) has no SOP Class or SOP Instance UID")
        }
        return StoreFile(path: path, sopClassUID: sopClass, sopInstanceUID: sopInstance,
                         transferSyntaxUID: file.transferSyntax.uid, dataSetOffset: nil)
    }

    /// Parses "DICM" and the group 0002 elements (always Explicit VR Little Endian) by hand.
    static func fromMetaHeader(path: String) throws -> StoreFile? {
        guard let h = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? h.close() }
        let head = [UInt8](h.readData(ofLength: 64 * 1024))
        guard head.count > 132, head[128] == 0x44, head[129] == 0x49, head[130] == 0x43, head[131] == 0x4D else { return nil }
        var i = 132
        var values: [UInt16: String] = [:]
        while i + 8 <= head.count {
            let group = UInt16(head[i]) | UInt16(head[i + 1]) << 8
            guard group == 0x0002 else { break }
            let element = UInt16(head[i + 2]) | UInt16(head[i + 3]) << 8
            let vr = String(decoding: head[i + 4 ..< i + 6], as: UTF8.self)
            var length: Int, start: Int
            if ["OB", "OW", "OF", "SQ", "UT", "UN", "UC", "UR", "OD", "OL", "OV"].contains(vr) {
                guard i + 12 <= head.count else { return nil }
                length = Int(UInt32(head[i + 8]) | UInt32(head[i + 9]) << 8 | UInt32(head[i + 10]) << 16 | UInt32(head[i + 11]) << 24)
                start = i + 12
            } else {
                length = Int(UInt16(head[i + 6]) | UInt16(head[i + 7]) << 8)
                start = i + 8
            }
            guard start + length <= head.count else { return nil }
            if [0x0002, 0x0003, 0x0010].contains(element) {
                values[element] = Latin1.trimmed(Array(head[start ..< start + length]))
            }
            i = start + length
        }
        guard let c = values[0x0002], let s = values[0x0003], let t = values[0x0010], !c.isEmpty, !s.isEmpty, !t.isEmpty else { return nil }
        return StoreFile(path: path, sopClassUID: c, sopInstanceUID: s, transferSyntaxUID: t, dataSetOffset: i)
    }

    /// The data set bytes in `syntax`: as stored when the syntax matches, else re-encoded
    /// (possible between uncompressed syntaxes only).
    public func dataSet(in syntax: TransferSyntax) throws -> ByteBuffer {
        try payload(in: syntax).bytes
    }

    /// The data set to send in `syntax`, and how many values of odd length were padded on the
    /// way. A file is sent as stored when the syntax matches and every value has an even length;
    /// otherwise it is re-encoded, which pads odd values to even length as PS3.5 §7.1.1 requires
    /// (text with its VR's padding, binary with a zero byte). An odd value sent as stored makes
    /// an odd P-DATA fragment, which DCMTK-based receivers refuse ("Odd Fragment Length").
    public func payload(in syntax: TransferSyntax) throws -> StorePayload {
        if syntax.uid == transferSyntaxUID, let offset = dataSetOffset {
            // Parsed with large values left in the file: the element lengths, not the pixels.
            let parsed = try Part10Reader.read(path: path, options: .default)
            if parsed.oddLengthValueCount == 0 {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                return StorePayload(bytes: ByteBuffer(bytes: data[data.startIndex + offset ..< data.endIndex]), paddedValues: 0)
            }
            return StorePayload(bytes: ByteBuffer(bytes: try Part10Writer.encodeDataSet(parsed.dataSet, as: syntax)),
                                paddedValues: parsed.oddLengthValueCount)
        }
        let file = try Part10Reader.read(path: path, options: .loadAll)
        return StorePayload(bytes: ByteBuffer(bytes: try Part10Writer.encodeDataSet(file.dataSet, as: syntax)),
                            paddedValues: file.oddLengthValueCount)
    }
}

/// A data set ready for C-STORE.
public struct StorePayload: Sendable {
    public var bytes: ByteBuffer
    /// Values of odd length in the file that were padded to even length (PS3.5 §7.1.1).
    public var paddedValues: Int
}

/// Progress of a C-STORE run, reported after each file.
public struct StoreProgress: Sendable {
    public var index: Int
    public var total: Int
    public var path: String
    public var status: DIMSEStatus?
    public var error: String?
    public var bytes: Int
    /// Values of odd length padded to even length on the way (PS3.5 §7.1.1).
    public var paddedValues: Int = 0
    /// True when the peer stored the object (Success or Warning).
    public var stored: Bool { status.map { !$0.isFailure } ?? false }
}

/// C-STORE of files over one association (PS3.4 Annex B as SCU).
public enum StoreSCU {
    /// Every regular file under the given paths (folders recursively), sorted.
    public static func expand(_ paths: [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else { out.append(p); continue }
            if !isDir.boolValue { out.append(p); continue }
            guard let e = fm.enumerator(atPath: p) else { continue }
            var found: [String] = []
            for case let rel as String in e {
                let full = p + "/" + rel
                var d: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &d), !d.boolValue, !(rel as NSString).lastPathComponent.hasPrefix(".") {
                    found.append(full)
                }
            }
            out += found.sorted()
        }
        return out
    }

    /// Presentation contexts for the files: per SOP class one with the uncompressed syntaxes, and
    /// one per other syntax the files are in (at most 128, PS3.8 §9.3.2.2).
    public static func contexts(for files: [StoreFile]) -> [PresentationContextRQ] {
        let uncompressed = [TransferSyntax.explicitVRLittleEndian.uid, TransferSyntax.implicitVRLittleEndian.uid]
        var out: [PresentationContextRQ] = []
        var seen: Set<String> = []
        for f in files {
            if !seen.contains(f.sopClassUID) {
                seen.insert(f.sopClassUID)
                out.append(PresentationContextRQ(id: 0, abstractSyntax: f.sopClassUID, transferSyntaxes: uncompressed))
            }
            let key = f.sopClassUID + "|" + f.transferSyntaxUID
            if !uncompressed.contains(f.transferSyntaxUID), !seen.contains(key) {
                seen.insert(key)
                out.append(PresentationContextRQ(id: 0, abstractSyntax: f.sopClassUID, transferSyntaxes: [f.transferSyntaxUID]))
            }
        }
        out = Array(out.prefix(128))
        for i in out.indices { out[i].id = UInt8(2 * i + 1) }
        return out
    }

    /// Sends the files, as many associations as it takes: when the peer aborts (or the
    /// association otherwise fails) during a file, that file is reported as failed and a new
    /// association carries on with the rest. Throws only when the first association cannot be
    /// made; when a later one cannot, every file not yet sent is reported as not sent.
    public static func send(_ files: [StoreFile], using client: DICOMClient,
                            progress: @Sendable (StoreProgress) -> Void = { _ in }) async throws -> StoreRun {
        var run = StoreRun(results: [], associations: 0)
        let contexts = contexts(for: files)
        while run.results.count < files.count {
            let association: DICOMAssociation
            do {
                association = try await client.associate(contexts: contexts)
            } catch {
                if run.associations == 0 { throw error }
                for (i, f) in files.enumerated().dropFirst(run.results.count) {
                    let p = StoreProgress(index: i + 1, total: files.count, path: f.path, status: nil,
                                          error: "not sent: a new association after the abort failed: \(error)", bytes: 0)
                    progress(p); run.results.append(p)
                }
                break
            }
            run.associations += 1
            do {
                try await send(files, from: run.results.count, on: association, into: &run.results, progress: progress)
                try await association.release()
            } catch {
                // The file that was under way is reported with the error; go on after it.
                association.abort()
            }
        }
        return run
    }

    /// Sends the files over one association; per-file failures are reported, not thrown.
    public static func send(_ files: [StoreFile], on association: DICOMAssociation,
                            progress: @Sendable (StoreProgress) -> Void = { _ in }) async throws -> [StoreProgress] {
        var results: [StoreProgress] = []
        try await send(files, from: 0, on: association, into: &results, progress: progress)
        return results
    }

    /// Sends `files[start...]` on `association`, appending one result per file. An association
    /// failure is appended as the failing file's result, then thrown.
    static func send(_ files: [StoreFile], from start: Int, on association: DICOMAssociation,
                     into results: inout [StoreProgress], progress: @Sendable (StoreProgress) -> Void) async throws {
        for (i, f) in files.enumerated().dropFirst(start) {
            var p = StoreProgress(index: i + 1, total: files.count, path: f.path, status: nil, error: nil, bytes: 0)
            let exact = association.negotiated.contexts.values.first { $0.abstractSyntax == f.sopClassUID && $0.transferSyntax == f.transferSyntaxUID }
            let convertible = association.negotiated.contexts.values.sorted { $0.id < $1.id }.first {
                $0.abstractSyntax == f.sopClassUID && !TransferSyntax.forUID($0.transferSyntax).isEncapsulated
                    && !TransferSyntax.forUID(f.transferSyntaxUID).isEncapsulated
            }
            if let pc = exact ?? convertible {
                do {
                    let payload = try f.payload(in: .forUID(pc.transferSyntax))
                    p.bytes = payload.bytes.readableBytes
                    p.paddedValues = payload.paddedValues
                    let r = try await association.store(sopClassUID: f.sopClassUID, sopInstanceUID: f.sopInstanceUID,
                                                        dataSet: payload.bytes, contextID: pc.id)
                    p.status = r.status
                    if let c = r.errorComment { p.error = c }
                } catch let e as AssociationError {
                    p.error = "association failed: \(e)"
                    progress(p); results.append(p)
                    throw e
                } catch {
                    p.error = "\(error)"
                }
            } else {
                p.error = "no accepted presentation context for \(UIDRegistry.name(for: f.sopClassUID) ?? f.sopClassUID) in \(TransferSyntax.forUID(f.transferSyntaxUID).name)"
            }
            progress(p)
            results.append(p)
        }
    }
}

/// What `StoreSCU.send(_:using:progress:)` did: one result per file, in order, and how many
/// associations it took.
public struct StoreRun: Sendable {
    public var results: [StoreProgress]
    public var associations: Int
}
