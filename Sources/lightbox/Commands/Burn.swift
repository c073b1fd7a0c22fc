import ArgumentParser
import DICOM
import Foundation
import Media
import Network
#if canImport(Glibc)
import Glibc
#endif

/// `lightbox burn`: DICOM files → a patient disc (ISO 9660 image) or USB stick with a DICOMDIR,
/// IHE PDI content and a verified copy of every file.
struct Burn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a patient disc: DICOMDIR, IHE PDI web content, ISO 9660 or UDF image, disc or USB stick, verified.",
        discussion: """
        Reads every DICOM file in the inputs (any names, any layout, any transfer syntax, with or \
        without a Part 10 header), drops byte-identical copies of one instance, groups them patient → \
        study → series and writes a file set for a PS3.11 application profile:

          DICOMDIR                       Basic Directory (PS3.3 Annex F), Explicit VR Little Endian
          DICOM/PAT00001/STU00001/SER00001/IMG00001 …   PS3.10 File IDs made by Lightbox
          README.TXT                     who made the disc, what is on it, how to view it (UTF-8)
          INDEX.HTM, IHE_PDI/            IHE PDI web content: pages and JPEG previews (--no-web: none)

        Each file is copied as it is when the profile allows its transfer syntax, else rewritten or \
        decompressed to Explicit VR Little Endian (a lossy source is never re-encoded lossily; the \
        report says what happened). With --compress jpeg-lossless, native images are stored as JPEG \
        Lossless where the profile allows it (…-JPEG profiles).

        The file system is the profile's (PS3.12): ISO 9660 Level 1 on CD; ISO 9660 on DVD \
        (--file-system udf-2.01 for UDF); UDF 2.60 on BD (udf-2.50 for BD-RE), which Lightbox \
        writes itself, with an ISO 9660 bridge over the same files for readers that know no UDF \
        (--no-bridge leaves it out). `lightbox burn --profile STD-GEN-BD-JPEG -o disc.udf` makes a \
        Blu-ray image; --device burns it to a BD-R.

        The output is written under a temporary name, read back (ISO 9660 through libcdio, UDF by \
        Lightbox's own reader, as `import` reads it), checked \
        against the DICOMDIR — every referenced file present with the right SOP Instance UID and \
        byte-identical content — and only then renamed. Content larger than the medium (profile \
        capacity or --capacity) is split at study or series boundaries into complete volumes \
        disc-1.iso, disc-2.iso, … Ctrl-C or SIGTERM stops cleanly and leaves no output.

        Real scanner files often lack a key the DICOMDIR needs (Study ID, Series Number, Instance \
        Number, Modality…). Such a key is filled in the DICOMDIR only, from what the file has or \
        with a generated value, and each filled key is listed ("filled:"); the files themselves are \
        never changed. --strict leaves such files out instead. Conflicts that concern patient \
        safety are always refused: one Study Instance UID under two Patient IDs, one SOP Instance \
        UID with two different contents. Values of odd length (which PS3.5 §7.1.1 forbids) are \
        padded to even length on the medium, and the report says so.

        The exit status is 0 when every input is on the medium, 1 when some were left out (listed), \
        2 when nothing could be made.

        Profiles: STD-GEN-CD (default: CD-R, Explicit VR LE only), STD-GEN-DVD-JPEG, STD-GEN-DVD-J2K, \
        STD-GEN-USB-JPEG, STD-GEN-USB-J2K, STD-GEN-BD, STD-GEN-BD-JPEG, STD-GEN-BD-J2K, \
        STD-GEN-DVD-RAM, STD-GEN-MIME.

        Examples:
          lightbox burn study/ -o disc.iso
          lightbox burn ct/ mr/ -o /srv/discs/case42.iso --profile STD-GEN-DVD-JPEG --institution "City Hospital"
          lightbox burn inbox/ --usb /media/stick --profile STD-GEN-USB-JPEG
          lightbox burn study/ --device /dev/sr0 --profile STD-GEN-DVD-JPEG
          lightbox burn --list-drives
          lightbox burn scans/ -o disc.iso --label disc-label.pdf
          lightbox burn scans/ -o disc.iso --strict          # leave out files that lack a record key
          lightbox burn --pacs pacs.local:104 --call PACS --patient-id 12345 -o disc.iso
          lightbox burn --pacs pacs.local:104 --call PACS --patient-id 12345 --study 1.2.3 --usb /media/stick

        From the PACS (--pacs HOST:PORT): the patient's studies (or the --study ones) are retrieved \
        by C-GET, or by C-MOVE with --move-to, into a work folder, as `lightbox retrieve` does; the \
        retrieve report is printed, and the disc is made from what arrived. A retrieve with failed \
        sub-operations makes no disc (exit 1) unless --allow-partial.
        """)

    @Argument(help: "DICOM files or folders to put on the medium.", completion: .file())
    var inputs: [String] = []

    @Option(name: .long, help: "Pull the inputs from this PACS (HOST:PORT) instead of files: with --call, --patient-id or --study.")
    var pacs: String?

    @OptionGroup(title: "From a PACS (with --pacs)") var network: NetworkOptions
    @OptionGroup(title: "What to pull (with --pacs)") var selection: RetrieveOptions

    @Flag(name: .customLong("allow-partial"), help: "With --pacs: burn what arrived even when some instances failed to.")
    var allowPartial = false

    @Option(name: [.short, .customLong("output")], help: "Write the disc image here (disc.iso, disc.udf; several volumes: disc-1.iso, disc-2.iso, …).")
    var output: String?

    @Option(name: .customLong("usb"), help: "Write the file set to this mounted USB stick (or any empty folder).")
    var usb: String?

    @Flag(name: .long, help: "With --usb: add to a stick that already holds other (non-DICOM) files.")
    var append = false

    @Option(name: .long, help: "Burn to this optical drive (e.g. /dev/sr0): the disc must be blank and large enough; it is read back after burning.")
    var device: String?

    @Flag(name: .customLong("list-drives"), help: "List optical drives and their media, then exit.")
    var listDrives = false

    @Option(name: .long, help: "Application profile (PS3.11).")
    var profile = "STD-GEN-CD"

    @Option(name: .customLong("fileset-id"), help: "File-set ID and volume label: up to 16 of A–Z 0–9 _.")
    var fileSetID = "LIGHTBOX"

    @Option(name: .long, help: "Institution shown in README.TXT, INDEX.HTM and on the label.")
    var institution = ""

    @Flag(name: .long, help: "Leave out files that lack a Type 1 directory record key instead of filling the key in the DICOMDIR.")
    var strict = false

    @Flag(name: .long, help: ArgumentHelp("Fill missing keys (the default now; kept for old scripts).", visibility: .hidden))
    var invent = false

    @Option(name: .long, help: "none, or jpeg-lossless: store native images as JPEG Lossless where the profile allows it.")
    var compress = "none"

    @Flag(name: .customLong("no-web"), help: "No web content (INDEX.HTM, IHE_PDI/): a \"DICOM ONLY\" disc.")
    var noWeb = false

    @Option(name: .customLong("web-images"), help: "JPEG previews per series in the web content.")
    var webImages = 6

    @Option(name: .long, help: "Bytes per volume instead of the profile's medium size, e.g. 650M, 4.7G.")
    var capacity: String?

    @Flag(name: .long, help: "Add Joliet names (ISO 9660 on DVD only; never on CD).")
    var joliet = false

    @Option(name: .customLong("file-system"), help: ArgumentHelp(
        "File system of the image or disc: one the profile allows (default: its first).",
        discussion: "iso9660-level1 (CD), iso9660 or udf-2.01 (DVD), udf-2.60 or udf-2.50 (BD). `lightbox burn --help` lists the profiles' choices in its discussion.",
        valueName: "name"))
    var fileSystem: String?

    @Option(name: .long, help: ArgumentHelp(
        "The viewer on the disc: off, light or full (default: light on CD, full on DVD, BD and USB).",
        discussion: "INDEX.HTM gets \"View images\": every frame of every series in any browser, from the disc, with nothing installed. full keeps every frame at full bit depth (window/level, values in HU, measurements); light keeps 8-bit frames at each window preset, for small discs.",
        valueName: "mode"))
    var viewer: String?

    @Flag(name: .customLong("no-bridge"), help: "UDF only: no ISO 9660 bridge (by default the files are also listed in an ISO 9660 Level 1 tree).")
    var noBridge = false

    @Option(name: .customLong("work-dir"), help: "Where volumes are staged before writing (default: $TMPDIR or /tmp).")
    var workDir: String?

    @Flag(name: .long, help: "Replace an existing image of the same name once the new one is verified.")
    var overwrite = false

    @Option(name: .long, help: "Also write a printable disc label and case insert (PDF), e.g. label.pdf.")
    var label: String?

    @Flag(name: .long, help: "Print progress as plain lines (for logs) instead of a bar.")
    var plainProgress = false

    func validate() throws {
        if listDrives { return }
        if let pacs {
            if !inputs.isEmpty { throw ValidationError("give either files to burn or --pacs, not both") }
            if Burn.parsePeer(pacs) == nil { throw ValidationError("--pacs wants HOST:PORT, e.g. pacs.local:104; got \(pacs)") }
            if selection.isSelectionEmpty { throw ValidationError("with --pacs, say what to pull: --patient-id and/or --study") }
        } else if inputs.isEmpty {
            throw ValidationError("give the DICOM files or folders to burn, or --pacs HOST:PORT with --patient-id")
        }
        let targets = [output, usb, device].compactMap { $0 }.count
        if targets == 0 { throw ValidationError("say where to write: -o disc.iso, --usb /media/stick or --device /dev/sr0") }
        if targets > 1 { throw ValidationError("-o, --usb and --device are exclusive; run burn once for each") }
        if append && usb == nil { throw ValidationError("--append goes with --usb") }
        if BurnPlanner.Compression(rawValue: compress) == nil {
            throw ValidationError("--compress wants one of: \(BurnPlanner.Compression.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        do { try DICOMDIRBuilder.validate(fileSetID: fileSetID) } catch { throw ValidationError("\(error)") }
        if let capacity, Burn.parseBytes(capacity) == nil { throw ValidationError("--capacity wants a size such as 650M or 4.7G; got \(capacity)") }
        if webImages < 0 { throw ValidationError("--web-images must be 0 or more") }
    }

    /// "650M" → 650_000_000, "4.7G" → 4_700_000_000, "123456" → 123456.
    static func parseBytes(_ s: String) -> Int64? {
        let units: [Character: Double] = ["K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12]
        var text = s.uppercased().trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("B") { text.removeLast() }
        var factor = 1.0
        if let u = text.last, let f = units[u] { factor = f; text.removeLast() }
        guard let v = Double(text), v > 0 else { return nil }
        return Int64(v * factor)
    }

    /// "host:104" → ("host", 104); "[::1]:104" → ("::1", 104).
    static func parsePeer(_ s: String) -> (host: String, port: Int)? {
        guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]), (1 ... 65535).contains(port) else { return nil }
        var host = String(s[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    /// --pacs: retrieves into a fresh folder under the work folder and prints the report; nil when
    /// the retrieve is not complete enough to burn (the folder is then removed).
    func pullFromPACS(into workFolder: String) async throws -> String {
        let (host, port) = Burn.parsePeer(pacs!)!
        let folder = workFolder + "/lightbox-pacs-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let request: RetrieveRequest
        do { request = try selection.request() } catch { printError("error: \(error)"); throw ExitCode(2) }
        let report: RetrieveReport
        do {
            report = try await selection.pull(request, client: try network.client(host: host, port: port), into: folder,
                                              plainProgress: plainProgress, quiet: false)
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            printError("error: \(pacs!): \(error)"); throw ExitCode(2)
        }
        for line in selection.describe(report, host: host, port: port, folder: "the work folder") { print(line) }
        if report.received.isEmpty || (!report.isComplete && !allowPartial) {
            try? FileManager.default.removeItem(atPath: folder)
            printError(report.received.isEmpty ? "error: nothing was retrieved from \(pacs!); no disc made"
                                               : "error: the retrieve is incomplete; no disc made (--allow-partial burns what arrived)")
            throw ExitCode(1)
        }
        return folder
    }

    func run() async throws {
        if listDrives {
            do {
                for d in try OpticalDrive.list() { print(d) }
            } catch { printError("error: \(error)"); throw ExitCode(2) }
            return
        }
        let catalog: ProfileCatalog
        do { catalog = try ProfileCatalog.loadDefault() } catch { printError("error: \(error)"); throw ExitCode(2) }
        guard let chosen = catalog.profile(profile) else {
            printError("error: \(ProfileError.unknownProfile(profile, known: catalog.profiles.map(\.id)))"); throw ExitCode(2)
        }
        var inputs = self.inputs
        var pulled: String?
        defer { if let pulled { try? FileManager.default.removeItem(atPath: pulled) } }
        if pacs != nil {
            pulled = try await pullFromPACS(into: workDir ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp")
            // The received files only, not the receipts log beside them.
            inputs = ((try? FileManager.default.contentsOfDirectory(atPath: pulled!)) ?? []).filter { $0.hasSuffix(".dcm") && !$0.hasPrefix(".") }
                .sorted().map { pulled! + "/" + $0 }
        }
        for input in inputs where !FileManager.default.fileExists(atPath: input) {
            printError("error: \(input): no such file or folder"); throw ExitCode(2)
        }
        var options = DiscBuilder.Options(profile: chosen)
        options.compression = BurnPlanner.Compression(rawValue: compress) ?? .none
        options.fileSetID = fileSetID
        options.invent = !strict
        options.capacityBytes = capacity.flatMap(Burn.parseBytes)
        options.joliet = joliet
        if let fileSystem {
            guard let fs = MediaFileSystem(rawValue: fileSystem.lowercased()) else {
                printError("error: unknown file system \(fileSystem); \(chosen.id) allows \(chosen.fileSystems.map(\.rawValue).joined(separator: ", "))")
                throw ExitCode(2)
            }
            options.fileSystem = fs
        }
        options.bridge = !noBridge
        if let viewer {
            guard let mode = ViewerMode(rawValue: viewer.lowercased()) else {
                printError("error: unknown viewer mode \(viewer); use off, light or full"); throw ExitCode(2)
            }
            options.viewer = mode
        }
        options.institution = institution
        options.version = Lightbox.configuration.version
        options.web = noWeb ? nil : WebContentWriter.Options(imagesPerSeries: webImages)
        options.workFolder = workDir ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        options.overwrite = overwrite
        options.labelPath = label
        let target: DiscBuilder.Output = output.map { .image(path: $0) }
            ?? usb.map { .usb(folder: $0, append: append) } ?? .device(path: device!)

        let cancel = MediaCancellation()
        let signals = SignalCancellation(cancel)
        defer { signals.restore() }
        let bar = PhaseProgressBar(plain: plainProgress)
        let report: BurnReport
        do {
            var builder = DiscBuilder(options: options)
            builder.nextDisc = { n, count in
                bar.finish()
                printError("volume \(n - 1) of \(count) is done: insert a blank disc for volume \(n) and press Enter (Ctrl-C stops)")
                guard readLine() != nil else { throw BurnError.cancelled }
            }
            report = try builder.build(inputs, to: target, progress: { bar.update($0) }, cancel: cancel)
            bar.finish()
        } catch {
            bar.finish()
            if cancel.isCancelled || (error as? BurnError) == .cancelled {
                printError("lightbox burn: \(BurnError.cancelled)")
                throw ExitCode(signals.exitStatus)
            }
            printError("error: \(error)")
            throw ExitCode(2)
        }
        for line in report.lines { print(line) }
        if let first = report.volumes.first, case .image = target {
            print("done: \(report.instanceCount) instance(s) on \(report.volumes.count) volume(s) [\(chosen.id)]; first image \(first.location)")
        } else {
            print("done: \(report.instanceCount) instance(s) [\(chosen.id)]")
        }
        if !report.isComplete {
            if report.rejections.contains(where: { if case .missingKey = $0 { return true } else { return false } }) {
                printError("hint: without --strict, missing directory record keys are filled in the DICOMDIR (the files are unchanged)")
            }
            printError("\(report.rejections.count) input file(s) were left out (see \"rejected:\" above)")
            throw ExitCode(1)
        }
    }
}

/// Turns SIGINT and SIGTERM into a cancellation, so a burn stops at the next file and removes
/// its temporary output; the exit status is then 128 + the signal number.
final class SignalCancellation: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var signal: Int32 = SIGTERM

    init(_ cancel: MediaCancellation) {
        for sig in [SIGINT, SIGTERM] {
            Glibc.signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in
                self?.lock.lock(); self?.signal = sig; self?.lock.unlock()
                cancel.cancel()
            }
            source.resume()
            sources.append(source)
        }
    }

    var exitStatus: Int32 { lock.lock(); defer { lock.unlock() }; return 128 + signal }

    func restore() {
        for s in sources { s.cancel() }
        Glibc.signal(SIGINT, SIG_DFL); Glibc.signal(SIGTERM, SIG_DFL)
    }
}
