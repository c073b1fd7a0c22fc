import DICOM
import Foundation
import Network
import NIOCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Helpers for the network conformance suites: servers on loopback, free ports, DCMTK and
/// pynetdicom peers, and a pydicom comparison of stored files with their originals.
enum NetworkTestSupport {
    static let nodelay = ["TCP_NODELAY": "1"]

    /// A Verification + Storage SCP on 127.0.0.1, port chosen by the kernel.
    static func startStoreServer(inbox: String, aeTitle: String = "LIGHTBOX", configure: (inout AssociationPolicy) -> Void = { _ in }) async throws -> DICOMServer {
        var policy = AssociationPolicy(aeTitle: aeTitle)
        configure(&policy)
        let registry = ServiceRegistry([VerificationService(), try StorageService(inbox: inbox)])
        return try await DICOMServer.start(.init(host: "127.0.0.1", port: 0, policy: policy), services: registry)
    }

    static func temporaryDirectory(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "lightbox-net-\(name)-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A TCP port free right now on 127.0.0.1 (for servers we cannot ask to bind port 0).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Waits for the server's events (`DICOMServer.events`, which only one caller may read) to
    /// satisfy `done`, given every event so far; throws after `timeout`. Tests synchronise on these
    /// events rather than sleeping for a while and hoping the server got there.
    static func waitForEvents(_ server: DICOMServer, timeout: Duration = .seconds(30),
                              until done: @escaping @Sendable ([AssociationEvent]) -> Bool) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                var seen: [AssociationEvent] = []
                for await e in server.events {
                    seen.append(e)
                    if done(seen) { return true }
                }
                return false
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            let met = try await group.next() ?? false
            group.cancelAll()
            if !met { throw AssociationError.timeout("server events (\(timeout))") }
        }
    }

    /// Waits until something accepts TCP connections on the port.
    static func waitForListener(port: Int, timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let s = try? RawPeer(port: port) { s.close(); return }
            usleep(50_000)
        }
        throw AssociationError.timeout("a listener on port \(port)")
    }

    /// Starts a background process; the caller terminates it.
    static func launch(_ executable: String, _ arguments: [String], environment: [String: String] = [:], log: String? = nil) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let log {
            FileManager.default.createFile(atPath: log, contents: nil)
            let h = FileHandle(forWritingAtPath: log)
            p.standardOutput = h; p.standardError = h
        } else {
            p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        }
        try p.run()
        return p
    }

    /// Ends a launched peer (SIGKILL: DCMTK storescp ignores SIGTERM while it waits).
    static func stop(_ p: Process) {
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    /// Corpus files usable as C-STORE sources: readable by DCMTK and pydicom, with meta.
    static func corpusFiles() throws -> [StoreFile] {
        let dir = try Oracles.requireCorpus("pydicom")
        let bad = ["truncated", "bad", "NoMeta", "no_meta", "missing", "mismatch", "embedded-sequence", "UN_sequence",
                   "empty_charset", "nested_priv", "meta_missing", "priv_SQ", "liver", "SC_rgb_jpeg_dcmd",
                   "rtdose_rle"] // DCMTK 3.6.7 misreads its RLE pixel data as OW: "No SOP Class or Instance UID in file"
        return Oracles.files(under: dir).filter { p in p.hasSuffix(".dcm") && !bad.contains { p.contains($0) } }
            .filter { !$0.contains("dicomdir") && !$0.contains("DICOMDIR") }
            .compactMap { try? StoreFile.load(path: $0) }
            .filter { $0.dataSetOffset != nil && $0.sopClassUID != "1.2.840.10008.1.3.10" }
    }

    /// Up to `limit` files of one transfer syntax with distinct SOP Instance UIDs; fewer than
    /// `atLeast` (by default `limit`) is a failure of the calling test: a corpus that lost files
    /// must not turn a transfer into one of no files.
    static func distinct(_ files: [StoreFile], syntax: String, limit: Int, atLeast: Int? = nil,
                         file: StaticString = #filePath, line: UInt = #line) -> [StoreFile] {
        var seen: Set<String> = []
        var out: [StoreFile] = []
        for f in files where f.transferSyntaxUID == syntax && !seen.contains(f.sopInstanceUID) && out.count < limit {
            seen.insert(f.sopInstanceUID); out.append(f)
        }
        XCTAssertGreaterThanOrEqual(out.count, atLeast ?? limit, "corpus files in \(syntax) with distinct SOP Instance UIDs", file: file, line: line)
        return out
    }

    /// Drops files whose SOP Instance UID an earlier file has (corpus variants share UIDs).
    static func unique(_ files: [StoreFile]) -> [StoreFile] {
        var seen: Set<String> = []
        return files.filter { seen.insert($0.sopInstanceUID).inserted }
    }

    /// Compares each original with the stored file of the same SOP Instance UID in `directory`
    /// using pydicom: the data set bytes must be identical when the transfer syntax is the same,
    /// and every element value equal otherwise. Throws with the script's report on a mismatch.
    static func compareWithPydicom(originals: [String], directory: String, exactBytes: Bool = true,
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        let python = try Oracles.requirePython()
        let script = NSTemporaryDirectory() + "lightbox-compare-\(getpid()).py"
        try compareScript.write(toFile: script, atomically: true, encoding: .utf8)
        let r = try runCommand(python, [script, exactBytes ? "bytes" : "values", directory] + originals)
        XCTAssertEqual(r.status, 0, "pydicom comparison failed:\n\(r.stdout)\n\(r.stderr)", file: file, line: line)
    }

    static let compareScript = #"""
    import os, sys, pydicom
    from pydicom.filereader import read_preamble, _read_file_meta_info
    mode, directory, originals = sys.argv[1], sys.argv[2], sys.argv[3:]
    stored = {}
    for name in os.listdir(directory):
        p = os.path.join(directory, name)
        if not os.path.isfile(p) or name.endswith('.log') or name.startswith('.'):
            continue
        try:
            ds = pydicom.dcmread(p, stop_before_pixels=True)
            stored[str(ds.SOPInstanceUID)] = p
        except Exception as e:
            print('unreadable stored file', p, e); sys.exit(1)
    def raw_dataset(path):
        with open(path, 'rb') as f:
            read_preamble(f, False)
            _read_file_meta_info(f)
            return f.read()
    failures = 0
    for o in originals:
        a = pydicom.dcmread(o)
        uid = str(a.SOPInstanceUID)
        if uid not in stored:
            print('missing', uid, o); failures += 1; continue
        b = pydicom.dcmread(stored[uid])
        ta, tb = a.file_meta.TransferSyntaxUID, b.file_meta.TransferSyntaxUID
        if ta == tb and mode == 'bytes':
            if raw_dataset(o) != raw_dataset(stored[uid]):
                print('data set bytes differ', o, stored[uid]); failures += 1
        else:
            for elem in a:
                if elem.tag == 0x7FE00010 or elem.tag.element == 0 or elem.tag == 0xFFFCFFFC:
                    continue
                other = b.get(elem.tag)
                if other is None or other.value != elem.value:
                    print('value differs', o, elem.tag, ta, tb); failures += 1; break
            if 'PixelData' in a and ta == tb:
                if a.PixelData != b.PixelData:
                    print('pixel data differs', o); failures += 1
            elif 'PixelData' in a:
                import numpy
                if not numpy.array_equal(a.pixel_array, b.pixel_array):
                    print('pixels differ', o); failures += 1
        if b.file_meta.MediaStorageSOPInstanceUID != uid or b.file_meta.MediaStorageSOPClassUID != a.SOPClassUID:
            print('meta identity wrong', stored[uid]); failures += 1
    print('compared', len(originals), 'failures', failures)
    sys.exit(1 if failures else 0)
    """#
}

/// A blocking TCP peer on loopback for byte-level tests.
final class RawPeer {
    let fd: Int32

    init(port: Int, receiveTimeout: Double = 30) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { Glibc.close(fd); throw AssociationError.connectionClosed }
        var tv = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - Double(Int(receiveTimeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Adopts an accepted socket.
    init(fd: Int32) { self.fd = fd }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + done, bytes.count - done, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    /// Reads exactly n bytes; nil on close or timeout.
    func receive(_ n: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: n)
        var got = 0
        while got < n {
            let r = out.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, n - got, 0) }
            if r <= 0 { return nil }
            got += r
        }
        return out
    }

    /// Reads one whole PDU (header and body); nil on close or timeout.
    func receivePDU() -> [UInt8]? {
        guard let h = receive(6) else { return nil }
        let length = Int(UInt32(h[2]) << 24 | UInt32(h[3]) << 16 | UInt32(h[4]) << 8 | UInt32(h[5]))
        guard let body = receive(length) else { return nil }
        return h + body
    }

    func receivePDUParsed() -> PDU? {
        guard let b = receivePDU() else { return nil }
        return try? PDUParser(maxPDataLength: .max, maxOtherLength: .max).parse(bytes: b)
    }

    /// True when the peer closed the connection (recv returns 0) within the timeout.
    func waitForClose() -> Bool {
        var b = [UInt8](repeating: 0, count: 4096)
        while true {
            let r = b.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 4096, 0) }
            if r == 0 { return true }
            if r < 0 { return errno == ECONNRESET }
        }
    }

    func close() { Glibc.close(fd) }
}
