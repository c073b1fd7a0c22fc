import DICOM
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Peers and oracles of the query/retrieve conformance tests (issue 16): Orthanc configured for
/// Q/R, DCMTK `dcmqrscp` with a generated configuration, the pynetdicom Q/R SCP of
/// `Tests/Oracles/qr_pynetdicom_scp.py`, a TCP listener that never answers, DCMTK `findscu` runs
/// compared with `lightbox find --json` by `Tests/Oracles/qr_find.py`, and the disc checks of the
/// burn conformance tests for `burn --pacs`.
enum QRSupport {
    /// A DCMTK tool: /usr/bin first, since the venv's bin (pynetdicom's apps) also has a `findscu`.
    static func dcmtk(_ tool: String) throws -> String {
        let p = "/usr/bin/\(tool)"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
        return try Oracles.require(tool, package: "dcmtk")
    }

    /// The test study: two GB18030 patients (one study, two series of three images each) and one
    /// ISO 2022 IR 58 patient (one series of three images), 32×32, fixed seeds. Returns the files
    /// by SOP Instance UID with their patient, study and series.
    struct Study {
        struct Instance { var path: String; var patientID: String; var study: String; var series: String; var name: String; var studyDate: String }
        var folder: String
        var instances: [String: Instance]
        var patients: [String] { Array(Set(instances.values.map(\.patientID))).sorted() }
        func of(patient: String) -> [String: Instance] { instances.filter { $0.value.patientID == patient } }
        func of(study: String) -> [String: Instance] { instances.filter { $0.value.study == study } }
        func of(series: String) -> [String: Instance] { instances.filter { $0.value.series == series } }
        func studies(of patient: String) -> [String] { Array(Set(of(patient: patient).values.map(\.study))).sorted() }
        func series(of study: String) -> [String] { Array(Set(of(study: study).values.map(\.series))).sorted() }
        /// The patient whose name is in `charset` (GB18030 or IR 58 synth output).
        var gbPatients: [String] { Array(Set(instances.values.filter { $0.path.contains("/gb/") }.map(\.patientID))).sorted() }
        var ir58Patient: String { instances.values.first { $0.path.contains("/ir58/") }!.patientID }
    }

    static func makeStudy(in folder: String, seeds: (Int, Int) = (101, 102)) throws -> Study {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        for (name, args) in [("gb", ["--charset", "gb18030", "--patients", "2", "--series", "2", "--seed", "\(seeds.0)"]),
                             ("ir58", ["--charset", "iso2022-ir58", "--patients", "1", "--series", "1", "--seed", "\(seeds.1)"])] {
            let r = try runCommand(lightbox, ["synth", folder + "/" + name, "--images", "3", "--size", "32", "--no-noise"] + args)
            guard r.status == 0 else { throw TestFailure.unusable("lightbox synth \(name): \(r.stdout)\(r.stderr)") }
        }
        var instances: [String: Study.Instance] = [:]
        for path in Oracles.files(under: URL(fileURLWithPath: folder)) where path.hasSuffix(".dcm") {
            let ds = try Part10Reader.read(path: path, options: .headerOnly).dataSet
            let uid = try XCTUnwrap(ds.string(.sopInstanceUID))
            instances[uid] = .init(path: path, patientID: ds.string(.patientID) ?? "", study: ds.string(.studyInstanceUID) ?? "",
                                   series: ds.string(.seriesInstanceUID) ?? "", name: ds.string(.patientName) ?? "",
                                   studyDate: ds.string(Tag(0x0008, 0x0020)) ?? "")
        }
        guard instances.count == 15 else { throw TestFailure.unusable("synth made \(instances.count) instances, not 15") }
        return Study(folder: folder, instances: instances)
    }

    // MARK: find against findscu

    /// One C-FIND: the same keys for `lightbox find` (-k, --no-default-keys) and `findscu` (a query
    /// file written by qr_find.py in the same character set).
    struct Query: CustomStringConvertible {
        var level: String            // patient, study, series, image
        var model: String            // patient, study
        var charset: String?         // GB18030, ISO 2022 IR 58, …
        var keys: [String]           // KEY or KEY=VALUE
        var expected: Int            // matches the study holds for it (so a comparison of two empty answers fails)
        var description: String { "\(model)-root \(level) \(charset ?? "") \(keys.joined(separator: " "))" }
    }

    /// Runs findscu (`-X`, responses as files) with a query file from qr_find.py; returns the folder.
    static func findscu(_ q: Query, port: Int, calledAE: String, in folder: String) throws -> String {
        let python = try Oracles.requirePython()
        let findscu = try dcmtk("findscu")
        let dir = folder + "/findscu-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let queryFile = dir + "/query.dcm.in"
        let made = try runCommand(python, [Oracles.oracleScript("qr_find.py"), "query", queryFile, q.level.uppercased(), q.charset ?? "-"] + q.keys)
        guard made.status == 0 else { throw TestFailure.oracleFailed("qr_find.py query \(q): \(made.stdout)\(made.stderr)") }
        let r = try runCommand(findscu, [q.model == "patient" ? "-P" : "-S", "-X", "-od", dir, "-aec", calledAE, "-aet", "FINDSCU",
                                         "127.0.0.1", "\(port)", queryFile], environment: NetworkTestSupport.nodelay)
        guard r.status == 0 else { throw TestFailure.oracleFailed("findscu \(q): status \(r.status): \(r.stdout)\(r.stderr)") }
        return dir
    }

    /// The DICOM JSON model of findscu's responses (qr_find.py responses: UTF-8 via dcmconv +U8).
    static func findscuJSON(_ dir: String) throws -> [[String: Any]] {
        let r = try runCommand(try Oracles.requirePython(), [Oracles.oracleScript("qr_find.py"), "responses", dir])
        guard r.status == 0, let a = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]] else {
            throw TestFailure.oracleFailed("qr_find.py responses: \(r.stdout)\(r.stderr)")
        }
        return a
    }

    /// `lightbox find` with the query's keys only, `--json`; returns the command result.
    static func lightboxFind(_ q: Query, port: Int, calledAE: String, json: Bool = true, extra: [String] = []) throws -> CommandResult {
        let lightbox = try RenderConformanceTests.lightboxBinary()
        var args = ["find", "127.0.0.1", "\(port)", "--call", calledAE, "--aet", "LIGHTBOXQR", "--level", q.level, "--model", q.model,
                    "--no-default-keys"]
        if let c = q.charset { args += ["--charset", c] }
        for k in q.keys { args += ["-k", k] }
        if json { args.append("--json") }
        return try runCommand(lightbox, args + extra)
    }

    /// Runs the query both ways and asserts that Lightbox's matches equal findscu's (qr_find.py
    /// compare: every element of every response, values in UTF-8, (0008,0005) aside) and that there
    /// are `q.expected` of them.
    static func assertFindEqualsFindscu(_ q: Query, port: Int, calledAE: String, folder: String,
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try findscu(q, port: port, calledAE: calledAE, in: folder)
        let ours = try lightboxFind(q, port: port, calledAE: calledAE)
        XCTAssertEqual(ours.status, 0, "\(q): \(ours.stdout)\(ours.stderr)", file: file, line: line)
        let jsonPath = dir + "/lightbox.json"
        try ours.stdout.write(toFile: jsonPath, atomically: true, encoding: .utf8)
        // The JSON array is streamed one match a line: `[`, one object per line, `]`.
        let lines = ours.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.first, "[", "\(q): \(ours.stdout.prefix(300))", file: file, line: line)
        XCTAssertEqual(lines.last, "]", "\(q): \(ours.stdout.suffix(300))", file: file, line: line)
        XCTAssertEqual(lines.count, q.expected + 2, "\(q): one line per match:\n\(ours.stdout.prefix(2000))", file: file, line: line)
        XCTAssertTrue(ours.stderr.contains("\(q.expected) match(es); final status: Success"), "\(q): \(ours.stderr)", file: file, line: line)
        let cmp = try runCommand(try Oracles.requirePython(), [Oracles.oracleScript("qr_find.py"), "compare", dir, jsonPath])
        XCTAssertEqual(cmp.status, 0, "\(q): lightbox find differs from findscu:\n\(cmp.stdout)\(cmp.stderr)", file: file, line: line)
        let report = try? JSONSerialization.jsonObject(with: Data(cmp.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(report?["findscu"] as? Int, q.expected, "\(q): findscu's matches:\n\(cmp.stdout)", file: file, line: line)
    }

    // MARK: retrieve

    /// Every entry of DEST, hidden ones too.
    static func entries(_ dest: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dest)) ?? []).sorted()
    }

    /// DEST holds exactly `<UID>.dcm` for each expected UID, plus receipts.log; no hidden or
    /// temporary file.
    static func assertDestination(_ dest: String, holds uids: Set<String>, file: StaticString = #filePath, line: UInt = #line) {
        let names = entries(dest)
        XCTAssertEqual(Set(names.filter { $0 != "receipts.log" }), Set(uids.map { "\($0).dcm" }),
                       "files in \(dest)", file: file, line: line)
        XCTAssertEqual(names.filter { $0.hasPrefix(".") }, [], "hidden leftovers in \(dest)", file: file, line: line)
    }

    /// The report lines of `lightbox retrieve` (contract): status line and counts line.
    static func assertReport(_ out: String, verb: String, status: String, completed: Int, failed: Int = 0, written: Int, dest: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(out.contains("retrieve (\(verb)) from 127.0.0.1:") && out.contains(": \(status)"), "report: \(out)", file: file, line: line)
        XCTAssertTrue(out.contains("completed \(completed), failed \(failed), warning 0; \(written) file(s) written to \(dest)"),
                      "report: \(out)", file: file, line: line)
    }

    // MARK: streaming runs

    /// A command whose stdout lines are counted as they arrive.
    final class StreamingRun: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var buffer = Data()
        private var lineCount = 0
        private var errData = Data()
        private let done = DispatchGroup()

        init(_ executable: String, _ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            done.enter(); done.enter()
            let oh = out.fileHandleForReading, eh = err.fileHandleForReading
            DispatchQueue.global().async {
                while true {
                    let d = oh.availableData
                    if d.isEmpty { break }
                    self.lock.lock()
                    self.buffer.append(d)
                    self.lineCount += d.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                    self.lock.unlock()
                }
                self.done.leave()
            }
            DispatchQueue.global().async {
                let d = eh.readDataToEndOfFile()
                self.lock.lock(); self.errData = d; self.lock.unlock()
                self.done.leave()
            }
        }

        var lines: Int { lock.lock(); defer { lock.unlock() }; return lineCount }

        /// Waits for the process (at most `timeout` s; then kills it) and returns its output.
        func finish(timeout: Double = 90) -> CommandResult {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            _ = done.wait(timeout: .now() + 30)
            lock.lock(); defer { lock.unlock() }
            return CommandResult(status: process.terminationStatus, stdout: String(decoding: buffer, as: UTF8.self),
                                 stderr: String(decoding: errData, as: UTF8.self))
        }
    }

    /// Waits until `condition` holds, polling; false after `timeout` seconds.
    static func wait(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    /// "Maximum resident set size (kbytes): N" of `/usr/bin/time -v`, in kB.
    static func maxRSS(_ stderr: String) -> Int? {
        for line in stderr.split(separator: "\n") where line.contains("Maximum resident set size") {
            return Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "")
        }
        return nil
    }

    // MARK: disc checks (the oracles of BurnConformanceTests.testEveryProfileOnMixedInput)

    /// Checks a disc image as the burn conformance tests do: xorriso opens and extracts it,
    /// `isoinfo -l` shows Level 1 names only, dcmdump, dcdirdmp and dciodvfy accept the DICOMDIR,
    /// pydicom's FileSet finds exactly `sources` (by SOP Instance UID, each record's file holding
    /// it), and pixels pydicom decodes from the disc equal pydicom's decoding of the sources.
    static func checkDisc(_ iso: String, sources: [String: String], work: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let xorriso = try Oracles.require("xorriso", package: "xorriso")
        let isoinfo = try Oracles.require("isoinfo", package: "genisoimage")
        let dcmdump = try dcmtk("dcmdump")
        let dcdirdmp = try Oracles.require("dcdirdmp", package: "dicom3tools")
        let dciodvfy = try Oracles.require("dciodvfy", package: "dicom3tools")
        let python = try Oracles.requirePython()

        let find = try runCommand(xorriso, ["-indev", iso, "-find", "/", "-type", "f"])
        XCTAssertEqual(find.status, 0, find.stderr, file: file, line: line)
        XCTAssertTrue(find.stdout.contains("'/DICOMDIR'"), String(find.stdout.prefix(500)), file: file, line: line)
        let listing = try runCommand(isoinfo, ["-l", "-i", iso])
        XCTAssertEqual(listing.status, 0, file: file, line: line)
        let names = listing.stdout.split(separator: "\n").filter { $0.hasPrefix("-") || $0.hasPrefix("d") }
            .compactMap { $0.split(separator: " ").last.map(String.init) }.filter { $0 != "." && $0 != ".." }
        XCTAssertFalse(names.isEmpty, file: file, line: line)
        for n in names {
            XCTAssertNotNil(n.range(of: #"^[A-Z0-9_]{1,8}(\.[A-Z0-9_]{0,3};1)?$"#, options: .regularExpression), "\(n) is not Level 1", file: file, line: line)
        }
        let tree = work.appendingPathComponent("tree-\(UUID().uuidString.prefix(6))")
        let extract = try runCommand(xorriso, ["-osirrox", "on", "-indev", iso, "-extract", "/", tree.path])
        XCTAssertEqual(extract.status, 0, extract.stderr, file: file, line: line)
        let dicomdir = tree.appendingPathComponent("DICOMDIR").path
        let dump = try runCommand(dcmdump, ["-q", dicomdir])
        XCTAssertEqual(dump.status, 0, dump.stderr, file: file, line: line)
        XCTAssertEqual(dump.stderr, "", "dcmdump complained", file: file, line: line)
        let dir = try runCommand(dcdirdmp, [dicomdir])
        XCTAssertEqual(dir.status, 0, dir.stderr, file: file, line: line)
        XCTAssertFalse((dir.stdout + dir.stderr).contains("Error"), String((dir.stdout + dir.stderr).prefix(1500)), file: file, line: line)
        let vfy = try runCommand(dciodvfy, [dicomdir])
        XCTAssertTrue(vfy.stderr.split(separator: "\n").contains("BasicDirectory"), "dciodvfy: \(vfy.stdout.prefix(300)) \(vfy.stderr.prefix(300))",
                      file: file, line: line)
        var errors = (vfy.stdout + vfy.stderr).split(separator: "\n").filter { $0.hasPrefix("Error") }.map(String.init)
        // dciodvfy splits values on raw 0x5C bytes, so a GB18030 name whose trail byte is 0x5C (運
        // is DF 5C) looks like two values to it (facts.md, "Character sets"; as in
        // DICOMDIRConformanceTests). Accept only that, and only when a source's name is so.
        let fiveC = try sources.values.contains { path in
            let ds = try Part10Reader.read(path: path, options: .headerOnly).dataSet
            return (ds[.patientName]?.bytes ?? []).contains(0x5C) && ds.strings(.patientName).count == 1
        }
        if fiveC { errors.removeAll { $0.contains("Value Multiplicity") && $0.contains("Element=<PatientName>") } }
        XCTAssertEqual(errors, [], "dciodvfy", file: file, line: line)
        let py = try runCommand(python, [Oracles.oracleScript("pydicom_fileset.py"), dicomdir])
        XCTAssertEqual(py.status, 0, py.stdout + py.stderr, file: file, line: line)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(py.stdout.utf8)) as? [String: Any], file: file, line: line)
        let instances = try XCTUnwrap(json["instances"] as? [[String: Any]], file: file, line: line)
        XCTAssertEqual(Set(instances.compactMap { $0["sop_instance_uid"] as? String }), Set(sources.keys), "instances on the disc", file: file, line: line)
        for i in instances { XCTAssertEqual(i["sop_instance_uid"] as? String, i["file_sop_instance_uid"] as? String, file: file, line: line) }

        // Pixels: pydicom on the disc's files against pydicom on the sources.
        var disc: [String: String] = [:]
        for path in Oracles.files(under: tree.appendingPathComponent("DICOM")) {
            let f = try Part10Reader.read(path: path, options: .headerOnly)
            XCTAssertTrue(f.hasFileMeta && f.preamble != nil, "\(path): no Part 10 header", file: file, line: line)
            if let uid = f.dataSet.string(.sopInstanceUID) { disc[uid] = path }
        }
        let pairs = sources.compactMap { uid, src in disc[uid].map { (src, $0) } }
        XCTAssertEqual(pairs.count, sources.count, "files on the disc", file: file, line: line)
        let theirs = try BurnConformanceTests.pydicomPixels(pairs.map(\.0), in: work.appendingPathComponent("pixels-src-\(UUID().uuidString.prefix(6))"))
        let ours = try BurnConformanceTests.pydicomPixels(pairs.map(\.1), in: work.appendingPathComponent("pixels-disc-\(UUID().uuidString.prefix(6))"))
        for (src, d) in pairs {
            let a = try XCTUnwrap(theirs[src], file: file, line: line), b = try XCTUnwrap(ours[d], file: file, line: line)
            XCTAssertTrue(a.ok && b.ok, "pydicom cannot decode \(src) or \(d): \(a.error ?? b.error ?? "")", file: file, line: line)
            XCTAssertEqual(a.shape, b.shape, d, file: file, line: line)
            XCTAssertEqual(a.values(), b.values(), "pixels of \(d) differ from \(src)", file: file, line: line)
        }
    }
}

/// Orthanc for query/retrieve: C-FIND, C-GET and C-MOVE allowed for any calling AE, answers in
/// GB18030 (`DefaultEncoding` Chinese), and the given move destinations (AE → port on 127.0.0.1).
extension OrthancPeer {
    static func queryRetrieve(moveDestinations: [String: Int]) throws -> OrthancPeer {
        var modalities: [String: Any] = [:]
        for (ae, port) in moveDestinations { modalities[ae.lowercased()] = [ae, "127.0.0.1", port] }
        return try OrthancPeer(encoding: "Chinese", extraConfig: [
            "DicomAlwaysAllowFind": true, "DicomAlwaysAllowGet": true, "DicomAlwaysAllowMove": true,
            "DicomModalities": modalities,
        ])
    }

    /// SOP Instance UIDs Orthanc holds for one patient (REST /tools/find, via qr_orthanc.py).
    func instances(ofPatient id: String) throws -> Set<String> {
        let r = try runCommand(try Oracles.requirePython(), [Oracles.oracleScript("qr_orthanc.py"), "\(httpPort)", "patient-instances", id])
        guard r.status == 0, let uids = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String] else {
            throw TestFailure.oracleFailed("Orthanc REST query failed: \(r.stdout)\(r.stderr)")
        }
        return Set(uids)
    }
}

/// DCMTK `dcmqrscp` on 127.0.0.1 with a generated configuration: one storage area (AE title
/// `aeTitle`, any peer may store and query), and HostTable entries for the move destinations.
final class DCMQRSCPPeer {
    let aeTitle: String
    let port: Int
    let folder: String
    private let process: Process

    init(aeTitle: String = "QRSCP", moveDestinations: [String: Int]) throws {
        let dcmqrscp = try QRSupport.dcmtk("dcmqrscp")
        self.aeTitle = aeTitle
        port = NetworkTestSupport.freePort()
        folder = try NetworkTestSupport.temporaryDirectory("dcmqrscp")
        let db = folder + "/db"
        try FileManager.default.createDirectory(atPath: db, withIntermediateDirectories: true)
        var hosts = ""
        for (n, (ae, p)) in moveDestinations.sorted(by: { $0.key < $1.key }).enumerated() {
            hosts += "dest\(n) = (\(ae), 127.0.0.1, \(p))\n"
        }
        let config = """
        NetworkTCPPort  = \(port)
        MaxPDUSize      = 65536
        MaxAssociations = 16

        HostTable BEGIN
        \(hosts)HostTable END

        VendorTable BEGIN
        VendorTable END

        AETable BEGIN
        \(aeTitle) \(db) RW (200, 1024mb) ANY
        AETable END

        """
        let path = folder + "/dcmqrscp.cfg"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        process = try NetworkTestSupport.launch(dcmqrscp, ["-c", path, "-ll", "info"], environment: NetworkTestSupport.nodelay,
                                                log: folder + "/dcmqrscp.log")
        do { try NetworkTestSupport.waitForListener(port: port, timeout: 30) } catch { stop(); throw error }
    }

    /// Loads files with DCMTK `storescu` (all of a folder, recursively).
    func load(_ folder: String) throws {
        let storescu = try QRSupport.dcmtk("storescu")
        let r = try runCommand(storescu, ["+sd", "+r", "-aec", aeTitle, "127.0.0.1", "\(port)", folder], environment: NetworkTestSupport.nodelay)
        guard r.status == 0 else { throw TestFailure.oracleFailed("storescu into dcmqrscp: \(r.stdout)\(r.stderr)\n\(log)") }
    }

    var log: String { (try? String(contentsOfFile: folder + "/dcmqrscp.log", encoding: .utf8)) ?? "" }

    func stop() {
        NetworkTestSupport.stop(process)
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// The pynetdicom Q/R SCP of Tests/Oracles/qr_pynetdicom_scp.py, serving a folder.
final class PynetdicomQRPeer {
    let aeTitle: String
    let port: Int
    let logPath: String
    private let process: Process

    init(aeTitle: String = "PYQR", folder: String, options: [String] = [], work: String) throws {
        self.aeTitle = aeTitle
        port = NetworkTestSupport.freePort()
        logPath = work + "/pyqr-\(port).jsonl"
        process = try NetworkTestSupport.launch(try Oracles.requirePython(),
                                                [Oracles.oracleScript("qr_pynetdicom_scp.py"), "\(port)", aeTitle, folder, "--log", logPath] + options,
                                                log: work + "/pyqr-\(port).out")
        do { try NetworkTestSupport.waitForListener(port: port, timeout: 30) } catch { stop(); throw error }
    }

    /// The SCP's event log (one JSON object a line).
    var events: [[String: Any]] {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func stop() { NetworkTestSupport.stop(process) }
}

/// A TCP listener on 127.0.0.1 that accepts connections and never sends a byte: a peer that
/// never answers the A-ASSOCIATE-RQ.
final class SilentListener: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private var accepted: [Int32] = []
    private let lock = NSLock()

    init() throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        guard withUnsafePointer(to: &addr, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) } }) == 0,
              listen(s, 8) == 0 else { Glibc.close(s); throw TestFailure.unusable("cannot listen") }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
        fd = s
        port = Int(UInt16(bigEndian: addr.sin_port))
        Thread.detachNewThread { [weak self] in
            while true {
                let c = accept(s, nil, nil)
                if c < 0 { return }
                guard let self else { Glibc.close(c); return }
                self.lock.lock(); self.accepted.append(c); self.lock.unlock()
            }
        }
    }

    var connections: Int { lock.lock(); defer { lock.unlock() }; return accepted.count }

    func close() {
        shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
        lock.lock(); accepted.forEach { Glibc.close($0) }; accepted = []; lock.unlock()
    }
}
