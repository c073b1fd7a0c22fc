import Foundation
import XCTest

/// Orthanc (Debian's `orthanc`), a real PACS, started on loopback for one test with a generated
/// configuration: temporary storage and index folders, its own DICOM and HTTP ports, no remote
/// access, no plugins. Stopped (and its folders removed) by `stop()`.
final class OrthancPeer {
    let aeTitle: String
    let dicomPort: Int
    let httpPort: Int
    let folder: String
    private let process: Process

    /// Starts Orthanc and waits until both ports accept connections. `extraConfig` adds (or
    /// replaces) configuration entries, e.g. `DicomAlwaysAllowFind`/`Get`/`Move` and
    /// `DicomModalities` for query/retrieve tests.
    init(aeTitle: String = "ORTHANC", encoding: String = "Utf8", extraConfig: [String: Any] = [:]) throws {
        let orthanc = try Oracles.require("Orthanc", package: "orthanc")
        self.aeTitle = aeTitle
        dicomPort = NetworkTestSupport.freePort()
        var http = NetworkTestSupport.freePort()
        while http == dicomPort { http = NetworkTestSupport.freePort() }
        httpPort = http
        folder = try NetworkTestSupport.temporaryDirectory("orthanc")
        var config: [String: Any] = [
            "Name": "lightbox-test", "DicomAet": aeTitle, "DicomPort": dicomPort, "HttpPort": httpPort,
            "StorageDirectory": folder + "/storage", "IndexDirectory": folder + "/index",
            "RemoteAccessAllowed": false, "AuthenticationEnabled": false, "Plugins": [String](),
            "DefaultEncoding": encoding, "DicomCheckCalledAet": false,
            "DicomAlwaysAllowStore": true, "DicomAlwaysAllowEcho": true,
            "StorageCompression": false, "OverwriteInstances": true,
        ]
        config.merge(extraConfig) { $1 }
        let path = folder + "/orthanc.json"
        try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted]).write(to: URL(fileURLWithPath: path))
        process = try NetworkTestSupport.launch(orthanc, [path], log: folder + "/orthanc.log")
        do {
            try NetworkTestSupport.waitForListener(port: dicomPort, timeout: 60)
            try NetworkTestSupport.waitForListener(port: httpPort, timeout: 60)
        } catch {
            stop()
            throw error
        }
    }

    /// SOP Instance UIDs Orthanc holds, asked through its REST API.
    func storedInstances() throws -> [String] {
        let r = try runCommand(try Oracles.requirePython(), [Oracles.oracleScript("orthanc_rest.py"), "\(httpPort)", "instances"])
        guard r.status == 0, let uids = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String] else {
            XCTFail("Orthanc REST query failed: \(r.stdout)\(r.stderr)\n\(log)")
            return []
        }
        return uids
    }

    /// Writes the file Orthanc stored for an instance to `path`.
    func downloadInstance(_ sopInstanceUID: String, to path: String) throws {
        let r = try runCommand(try Oracles.requirePython(), [Oracles.oracleScript("orthanc_rest.py"), "\(httpPort)", "file", sopInstanceUID, path])
        XCTAssertEqual(r.status, 0, "Orthanc has no file for \(sopInstanceUID): \(r.stdout)\(r.stderr)")
    }

    /// What Orthanc logged, for failure messages.
    var log: String { (try? String(contentsOfFile: folder + "/orthanc.log", encoding: .utf8)) ?? "" }

    func stop() {
        NetworkTestSupport.stop(process)
        try? FileManager.default.removeItem(atPath: folder)
    }
}
