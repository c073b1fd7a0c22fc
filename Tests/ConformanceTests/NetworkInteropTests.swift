import DICOM
import Foundation
import Network
import XCTest

/// Must-show 1: Lightbox against peers nobody here wrote (DCMTK 3.6.7, pynetdicom 3), on loopback.
final class NetworkInteropTests: XCTestCase {
    /// storescu's transfer syntax options and the syntax each makes it send.
    static let storescuSyntaxes: [(option: String, syntax: String)] = [
        ("-x=", "1.2.840.10008.1.2.1"), ("-xe", "1.2.840.10008.1.2.1"), ("-xb", "1.2.840.10008.1.2.2"),
        ("-xi", "1.2.840.10008.1.2"), ("-xd", "1.2.840.10008.1.2.1.99"),
        ("-xs", "1.2.840.10008.1.2.4.70"), ("-xy", "1.2.840.10008.1.2.4.50"), ("-xx", "1.2.840.10008.1.2.4.51"),
        ("-xv", "1.2.840.10008.1.2.4.90"), ("-xw", "1.2.840.10008.1.2.4.91"), ("-xt", "1.2.840.10008.1.2.4.80"),
        ("-xu", "1.2.840.10008.1.2.4.81"), ("-xr", "1.2.840.10008.1.2.5"),
    ]

    func testEchoscuAgainstLightbox() async throws {
        let echoscu = try Oracles.require("echoscu", package: "dcmtk")
        let server = try await NetworkTestSupport.startStoreServer(inbox: try NetworkTestSupport.temporaryDirectory("echo"))
        defer { Task { await server.close() } }
        let r = try runCommand(echoscu, ["-aet", "ECHOSCU", "-aec", "LIGHTBOX", "--repeat", "3", "127.0.0.1", "\(server.port)"],
                               environment: NetworkTestSupport.nodelay)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testStorescuEveryTransferSyntaxSeveralFilesPerAssociation() async throws {
        let storescu = try Oracles.require("storescu", package: "dcmtk")
        let corpus = try NetworkTestSupport.corpusFiles()
        var runs = 0
        for (option, syntax) in Self.storescuSyntaxes {
            // Up to four (the corpus has fewer in some syntaxes), at least one.
            let files = NetworkTestSupport.distinct(corpus, syntax: syntax, limit: 4, atLeast: 1)
            guard !files.isEmpty else { continue }
            let inbox = try NetworkTestSupport.temporaryDirectory("storescu")
            let server = try await NetworkTestSupport.startStoreServer(inbox: inbox)
            let r = try runCommand(storescu, ["-aet", "STORESCU", "-aec", "LIGHTBOX", option, "127.0.0.1", "\(server.port)"] + files.map(\.path),
                                   environment: NetworkTestSupport.nodelay)
            await server.close()
            XCTAssertEqual(r.status, 0, "storescu \(option): \(r.stderr)")
            let stored = try FileManager.default.contentsOfDirectory(atPath: inbox).filter { $0.hasSuffix(".dcm") }
            XCTAssertEqual(stored.count, files.count, "storescu \(option)")
            // storescu re-encodes each data set before sending (DCMTK drops group lengths, repads),
            // so the content is compared element by element, pixel data byte for byte.
            try NetworkTestSupport.compareWithPydicom(originals: files.map(\.path), directory: inbox, exactBytes: false)
            // The receipt log has one line per object.
            let log = (try? String(contentsOfFile: inbox + "/receipts.log", encoding: .utf8)) ?? ""
            XCTAssertEqual(log.split(separator: "\n").count, files.count)
            runs += 1
        }
        XCTAssertEqual(runs, Self.storescuSyntaxes.count)
    }

    func testStorescuSmallAndLargeMaxPDU() async throws {
        let storescu = try Oracles.require("storescu", package: "dcmtk")
        let corpus = try NetworkTestSupport.corpusFiles()
        let files = NetworkTestSupport.distinct(corpus, syntax: "1.2.840.10008.1.2.1", limit: 6)
        for (ours, theirs) in [(UInt32(4096), "4096"), (UInt32(1 << 20), "131072")] {
            let inbox = try NetworkTestSupport.temporaryDirectory("pdu")
            let server = try await NetworkTestSupport.startStoreServer(inbox: inbox) { $0.maxPDULength = ours }
            let r = try runCommand(storescu, ["-aec", "LIGHTBOX", "--max-pdu", theirs, "127.0.0.1", "\(server.port)"] + files.map(\.path),
                                   environment: NetworkTestSupport.nodelay)
            await server.close()
            XCTAssertEqual(r.status, 0, "max PDU \(ours)/\(theirs): \(r.stderr)")
            try NetworkTestSupport.compareWithPydicom(originals: files.map(\.path), directory: inbox, exactBytes: false)
        }
    }

    func testPynetdicomSCUAgainstLightbox() async throws {
        let python = try Oracles.requirePython()
        let corpus = try NetworkTestSupport.corpusFiles()
        let files = NetworkTestSupport.unique(NetworkTestSupport.distinct(corpus, syntax: "1.2.840.10008.1.2.1", limit: 3)
            + NetworkTestSupport.distinct(corpus, syntax: "1.2.840.10008.1.2", limit: 2)
            + NetworkTestSupport.distinct(corpus, syntax: "1.2.840.10008.1.2.5", limit: 1))
        let inbox = try NetworkTestSupport.temporaryDirectory("pynetdicom-scu")
        let server = try await NetworkTestSupport.startStoreServer(inbox: inbox)
        let script = #"""
        import sys
        from pydicom import dcmread
        from pynetdicom import AE
        from pynetdicom.sop_class import Verification
        port, files = int(sys.argv[1]), sys.argv[2:]
        ae = AE(ae_title='PYNETDICOM')
        ae.add_requested_context(Verification)
        datasets = [dcmread(f) for f in files]
        for ds in datasets:
            ae.add_requested_context(ds.SOPClassUID, ds.file_meta.TransferSyntaxUID)
        assoc = ae.associate('127.0.0.1', port, ae_title='LIGHTBOX')
        assert assoc.is_established, 'association failed'
        status = assoc.send_c_echo()
        assert status.Status == 0, 'echo %r' % status
        for ds in datasets:
            status = assoc.send_c_store(ds)
            assert status and status.Status == 0, 'store %r' % status
        assoc.release()
        print('ok')
        """#
        let path = NSTemporaryDirectory() + "lightbox-pyscu-\(getpid()).py"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try runCommand(python, [path, "\(server.port)"] + files.map(\.path))
        await server.close()
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        try NetworkTestSupport.compareWithPydicom(originals: files.map(\.path), directory: inbox)
    }

    func testLightboxSCUAgainstStorescp() async throws {
        let storescp = try Oracles.require("storescp", package: "dcmtk")
        let corpus = try NetworkTestSupport.corpusFiles()
        let files = NetworkTestSupport.unique(NetworkTestSupport.distinct(corpus, syntax: "1.2.840.10008.1.2.1", limit: 4)
            + NetworkTestSupport.distinct(corpus, syntax: "1.2.840.10008.1.2", limit: 2)
            + NetworkTestSupport.distinct(corpus, syntax: "1.2.840.10008.1.2.4.50", limit: 2)
            + NetworkTestSupport.distinct(corpus, syntax: "1.2.840.10008.1.2.5", limit: 2))
        let out = try NetworkTestSupport.temporaryDirectory("storescp")
        let port = NetworkTestSupport.freePort()
        let p = try NetworkTestSupport.launch(storescp, ["-aet", "STORESCP", "+xa", "-od", out, "\(port)"], environment: NetworkTestSupport.nodelay)
        defer { NetworkTestSupport.stop(p) }
        try NetworkTestSupport.waitForListener(port: port)
        let client = DICOMClient(host: "127.0.0.1", port: port, callingAETitle: "LIGHTBOX", calledAETitle: "STORESCP", maxPDULength: 16384)
        let echoStatus = try await client.echo()
        XCTAssertEqual(echoStatus, .success)
        let a = try await client.associate(contexts: StoreSCU.contexts(for: files) + [
            PresentationContextRQ(id: 0, abstractSyntax: UIDs.verification, transferSyntaxes: [TransferSyntax.implicitVRLittleEndian.uid]),
        ].map { var c = $0; c.id = 255; return c })
        let results = try await StoreSCU.send(files, on: a)
        try await a.release()
        XCTAssertEqual(results.filter { $0.status.map { !$0.isFailure } ?? false }.count, files.count,
                       "\(results.map { "\($0.path): \($0.status.map { "\($0)" } ?? "-") \($0.error ?? "")" })")
        // storescp re-encodes what it receives (group lengths, padding), so compare element values.
        try NetworkTestSupport.compareWithPydicom(originals: files.map(\.path), directory: out, exactBytes: false)
    }

    /// The Affected SOP Class/Instance UID of a C-STORE are the data set's (0008,0016)/(0008,0018),
    /// not the File Meta's: rtdose.dcm and rtplan.dcm have a (0002,0003) that differs from the data set.
    func testLightboxSCUSendsDataSetIdentity() async throws {
        let storescp = try Oracles.require("storescp", package: "dcmtk")
        let dir = try Oracles.requireCorpus("pydicom")
        let paths = ["rtdose.dcm", "rtplan.dcm"].map { dir.appendingPathComponent($0).path }
        let files = try paths.map { try StoreFile.load(path: $0) }
        XCTAssertEqual(files.map(\.sopInstanceUID), ["1.9.999.999.99.9.9999.9999.20030818153516",
                                                     "1.2.777.777.77.7.7777.7777.20030903150023"])
        XCTAssertEqual(files.map(\.sopClassUID), ["1.2.840.10008.5.1.4.1.1.481.2", "1.2.840.10008.5.1.4.1.1.481.5"])
        // To Lightbox's own SCP (which names the stored file and its meta after the command) …
        let inbox = try NetworkTestSupport.temporaryDirectory("identity")
        let server = try await NetworkTestSupport.startStoreServer(inbox: inbox)
        let client = DICOMClient(host: "127.0.0.1", port: server.port, calledAETitle: "LIGHTBOX")
        var a = try await client.associate(contexts: StoreSCU.contexts(for: files))
        var results = try await StoreSCU.send(files, on: a)
        try await a.release()
        await server.close()
        XCTAssertEqual(results.filter { $0.status == .success }.count, files.count, "\(results.map { $0.error ?? "" })")
        try NetworkTestSupport.compareWithPydicom(originals: paths, directory: inbox)
        // … and to storescp.
        let out = try NetworkTestSupport.temporaryDirectory("identity-storescp")
        let port = NetworkTestSupport.freePort()
        let p = try NetworkTestSupport.launch(storescp, ["-aet", "STORESCP", "-od", out, "\(port)"], environment: NetworkTestSupport.nodelay)
        defer { NetworkTestSupport.stop(p) }
        try NetworkTestSupport.waitForListener(port: port)
        a = try await DICOMClient(host: "127.0.0.1", port: port, calledAETitle: "STORESCP").associate(contexts: StoreSCU.contexts(for: files))
        results = try await StoreSCU.send(files, on: a)
        try await a.release()
        XCTAssertEqual(results.filter { $0.status == .success }.count, files.count, "\(results.map { $0.error ?? "" })")
        try NetworkTestSupport.compareWithPydicom(originals: paths, directory: out, exactBytes: false)
    }

    func testLightboxSCUAgainstPynetdicomSCP() async throws {
        let python = try Oracles.requirePython()
        let corpus = try NetworkTestSupport.corpusFiles()
        let files = NetworkTestSupport.unique(NetworkTestSupport.distinct(corpus, syntax: "1.2.840.10008.1.2.1", limit: 3)
            + NetworkTestSupport.distinct(corpus, syntax: "1.2.840.10008.1.2", limit: 2))
        let out = try NetworkTestSupport.temporaryDirectory("pynetdicom-scp")
        let port = NetworkTestSupport.freePort()
        let script = #"""
        import os, sys
        from pynetdicom import AE, evt, AllStoragePresentationContexts, ALL_TRANSFER_SYNTAXES
        from pynetdicom.sop_class import Verification
        from pydicom.filewriter import write_file_meta_info
        port, out = int(sys.argv[1]), sys.argv[2]
        def on_store(event):
            path = os.path.join(out, event.request.AffectedSOPInstanceUID + '.dcm')
            with open(path, 'wb') as f:
                f.write(b'\x00' * 128 + b'DICM')
                write_file_meta_info(f, event.file_meta, enforce_standard=True)
                f.write(event.request.DataSet.getvalue())
            return 0x0000
        ae = AE(ae_title='PYSCP')
        for cx in AllStoragePresentationContexts:
            ae.add_supported_context(cx.abstract_syntax, ALL_TRANSFER_SYNTAXES)
        ae.add_supported_context(Verification)
        ae.start_server(('127.0.0.1', port), block=True, evt_handlers=[(evt.EVT_C_STORE, on_store)])
        """#
        let path = NSTemporaryDirectory() + "lightbox-pyscp-\(getpid()).py"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let p = try NetworkTestSupport.launch(python, [path, "\(port)", out])
        defer { NetworkTestSupport.stop(p) }
        try NetworkTestSupport.waitForListener(port: port, timeout: 20)
        let client = DICOMClient(host: "127.0.0.1", port: port, callingAETitle: "LIGHTBOX", calledAETitle: "PYSCP")
        let echoStatus = try await client.echo()
        XCTAssertEqual(echoStatus, .success)
        let a = try await client.associate(contexts: StoreSCU.contexts(for: files))
        let results = try await StoreSCU.send(files, on: a)
        try await a.release()
        XCTAssertEqual(results.filter { $0.status.map { !$0.isFailure } ?? false }.count, files.count, "\(results.map { "\($0.path): \($0.error ?? "")" })")
        try NetworkTestSupport.compareWithPydicom(originals: files.map(\.path), directory: out)
    }

    /// `lightbox echo` and `lightbox send` and `lightbox store-server` as processes.
    func testCommandLine() async throws {
        let storescu = try Oracles.require("storescu", package: "dcmtk")
        let binary = try RenderConformanceTests.lightboxBinary()
        let inbox = try NetworkTestSupport.temporaryDirectory("cli")
        let port = NetworkTestSupport.freePort()
        let server = try NetworkTestSupport.launch(binary, ["store-server", "--port", "\(port)", "-aet", "INBOX", "--inbox", inbox])
        defer { NetworkTestSupport.stop(server) }
        try NetworkTestSupport.waitForListener(port: port)
        let files = NetworkTestSupport.distinct(try NetworkTestSupport.corpusFiles(), syntax: "1.2.840.10008.1.2.1", limit: 3)
        var r = try runCommand(binary, ["echo", "127.0.0.1", "\(port)", "-aec", "INBOX"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        r = try runCommand(binary, ["send", "127.0.0.1", "\(port)", "-aec", "INBOX", "-aet", "SENDER"] + files.map(\.path))
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        r = try runCommand(binary, ["echo", "127.0.0.1", "\(port)", "-aec", "WRONG"])
        XCTAssertEqual(r.status, 2, "unknown called AE must fail")
        r = try runCommand(storescu, ["-aec", "INBOX", "127.0.0.1", "\(port)", files[0].path], environment: NetworkTestSupport.nodelay)
        XCTAssertEqual(r.status, 0, r.stderr)
        try NetworkTestSupport.compareWithPydicom(originals: files.map(\.path), directory: inbox, exactBytes: false)
    }
}
