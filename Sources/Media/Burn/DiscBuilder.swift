import DICOM
import Foundation

/// `lightbox burn`: input files → a conformant medium for an application profile (PS3.11),
/// with IHE PDI content, written and verified.
///
/// Steps: scan the inputs' headers (de-duplicated by SOP Instance UID, grouped patient → study →
/// series → instance), plan each instance for the profile (`BurnPlanner`), split into volumes
/// that fit the medium (`VolumeSplitter`), then per volume: stage the file-set tree in a work
/// folder (`FileSetStager`), write it (ISO 9660 image, USB folder), read it back and verify it
/// against the DICOMDIR (`MediaVerifier`), and only then give it its final name. Nothing is ever
/// written into the inputs, and no partial output is left under a final name.
public struct DiscBuilder: Sendable {
    public enum Output: Sendable, Equatable {
        /// Image file(s) in the profile's file system (ISO 9660 or UDF): `disc.iso`, or
        /// `disc-1.iso`, `disc-2.iso`, … for several volumes.
        case image(path: String)
        /// A mounted USB stick or any folder (PS3.12 Annex R): refuses a non-empty folder unless
        /// `append`.
        case usb(folder: String, append: Bool)
        /// An optical drive (`/dev/sr0`) or a libburn `stdio:` pseudo-drive: the image is made in
        /// the work folder, checked, burnt after the medium is checked (blank, large enough),
        /// and the disc is read back. Several volumes ask for the next blank disc.
        case device(path: String)
    }

    public struct Options: Sendable {
        public var profile: ApplicationProfile
        public var compression: BurnPlanner.Compression = .none
        /// File-set ID (0004,1130) and volume label; `BASE_n` for several volumes.
        public var fileSetID: String = "LIGHTBOX"
        /// Make up missing Type 1 keys (`dcmmkdir +I`), reported.
        public var invent = false
        /// Usable bytes per volume; nil: the profile's capacity.
        public var capacityBytes: Int64?
        /// Joliet names as well (ISO 9660 on DVD only; never on CD).
        public var joliet = false
        /// The file system of images and discs; nil: the profile's first (PS3.12; e.g. UDF 2.60
        /// for STD-GEN-BD). Must be one the profile lists.
        public var fileSystem: MediaFileSystem?
        /// With UDF: an ISO 9660 bridge over the same files, for readers without UDF.
        public var bridge = true
        /// The on-disc viewer; nil: the profile's default (light on CD, full on DVD, BD, USB).
        /// Part of the web content: none without it.
        public var viewer: ViewerMode?
        public var institution = ""
        public var version = "0.1.0"
        /// Web content (INDEX.HTM, IHE_PDI/); nil for "DICOM ONLY".
        public var web: WebContentWriter.Options? = WebContentWriter.Options()
        /// Where volumes are staged; a folder below it is made and removed.
        public var workFolder: String = NSTemporaryDirectory()
        /// Replace an existing image of the same name (after the new one is verified).
        public var overwrite = false
        /// Write a disc label and case insert PDF here (`label-2.pdf` … for further volumes).
        public var labelPath: String?

        public init(profile: ApplicationProfile) { self.profile = profile }
    }

    public var options: Options
    /// Called before volume n (n > 1) of a burn to a drive, to have the user change discs;
    /// throwing stops the burn.
    public var nextDisc: (@Sendable (_ volume: Int, _ of: Int) throws -> Void)?
    public init(options: Options) { self.options = options }

    /// Scans inputs (files and folders) without a profile check: the planner decides.
    public func scan(_ inputs: [String]) -> FileSetScanner.Result {
        FileSetScanner(options: .init(invent: options.invent)).scan(inputs)
    }

    /// The planned volumes, and the report so far (rejections, invented values).
    public func plan(_ inputs: [String]) throws -> (volumes: [VolumePlan], report: BurnReport) {
        let scanned = scan(inputs)
        var report = BurnReport(profile: options.profile.id)
        report.rejections = scanned.rejections
        report.invented = scanned.invented
        report.duplicates = scanned.duplicates
        report.warnings = scanned.warnings
        let planned = BurnPlanner(profile: options.profile, compression: options.compression).plan(scanned.fileSet)
        report.rejections += planned.rejections
        guard !planned.planned.isEmpty else { throw BurnError.nothingToBurn(report.rejections.count) }
        let capacity = options.capacityBytes ?? options.profile.capacityBytes ?? Int64.max / 4
        let volumes = try VolumeSplitter(mediumBytes: capacity, viewerShare: options.web == nil ? 0 : viewerMode.estimatedShare)
            .split(planned.planned, fileSetID: options.fileSetID)
        return (volumes, report)
    }

    /// Builds every volume and writes it to `output`.
    public func build(_ inputs: [String], to output: Output, progress: BurnProgressHandler? = nil,
                      cancel: MediaCancellation = MediaCancellation()) throws -> BurnReport {
        try checkOutput(output)
        var (volumes, report) = try plan(inputs)
        let work = try makeWorkFolder()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let created = PDIText.now()
        for volume in volumes {
            if cancel.isCancelled { throw BurnError.cancelled }
            let info = PDIInfo(institution: options.institution, version: options.version, created: created,
                               profile: options.profile, fileSetID: volume.fileSetID, volume: volume.number,
                               volumeCount: volume.count, webContent: options.web != nil)
            var stagerOptions = FileSetStager.Options(info: info, web: options.web)
            stagerOptions.viewer = viewerMode
            let root = work + "/VOL\(volume.number)"
            let staged = try FileSetStager(options: stagerOptions).stage(volume, into: root, progress: progress, cancel: cancel)
            report.rejections += staged.failures
            let location: String
            switch output {
            case .image(let path):
                location = Self.volumePath(path, volume.number, of: volume.count)
                try writeImage(staged, to: location, progress: progress, cancel: cancel)
            case .usb(let folder, let append):
                location = folder
                try writeFolder(staged, to: folder, append: append, progress: progress, cancel: cancel)
            case .device(let device):
                location = device
                if volume.number > 1 { try nextDisc?(volume.number, volume.count) }
                try burnDisc(staged, device: device, work: work, progress: progress, cancel: cancel)
            }
            try? FileManager.default.removeItem(atPath: root)
            var labelLocation: String? = nil
            if let labelPath = options.labelPath {
                labelLocation = Self.volumePath(labelPath, volume.number, of: volume.count)
                try writeLabel(staged, info: info, to: labelLocation!)
            }
            let fs = staged.fileSet
            report.volumes.append(BurnReport.Volume(
                number: volume.number, fileSetID: volume.fileSetID, location: location, instances: fs.instanceCount,
                patients: fs.patients.count, studies: fs.patients.reduce(0) { $0 + $1.studies.count },
                bytes: staged.totalBytes,
                conversions: staged.plan.instances.filter { $0.action != .copy && staged.fileIDs[$0.sopInstanceUID] != nil }
                    .map { "\($0.source.path) -> \(staged.fileIDs[$0.sopInstanceUID]!.path): \($0.note ?? "")" },
                warnings: staged.warnings, label: labelLocation, viewerBytes: staged.viewerBytes))
        }
        return report
    }

    /// The disc label and case insert (Layouts/disc-label.json) for a volume.
    func writeLabel(_ staged: FileSetStager.Result, info: PDIInfo, to path: String) throws {
        let patients = staged.contents.patients
        let label = DiscLabel(
            patientName: patients.map { $0.name.isEmpty ? "(no name)" : $0.name }.joined(separator: "; "),
            patientID: patients.map(\.id).joined(separator: "; "),
            birthDate: patients.count == 1 ? patients[0].birthDateDA : "",
            studies: patients.flatMap { $0.studies.map { DiscLabel.Study(date: $0.dateDA, description: $0.description, modalities: $0.modalities) } },
            institution: options.institution, applicationVersion: options.version, creationDate: Date(),
            content: info.webContent ? .dicomPlusWeb : .dicomOnly, volume: info.volume, volumeCount: info.volumeCount)
        do { _ = try DiscLabelComposer().render(label, to: path) } catch {
            throw BurnError.cannotWrite(path: path, reason: "\(error)")
        }
    }

    /// `disc.iso` for one volume, `disc-2.iso` for the second of several.
    public static func volumePath(_ path: String, _ n: Int, of count: Int) -> String {
        guard count > 1 else { return path }
        let ns = path as NSString
        let ext = ns.pathExtension
        let base = ext.isEmpty ? path : ns.deletingPathExtension
        return base + "-\(n)" + (ext.isEmpty ? "" : "." + ext)
    }

    /// The viewer the volumes get: the one asked for, else the profile's default.
    public var viewerMode: ViewerMode { options.viewer ?? options.profile.viewer }

    /// The file system images and discs get: the one asked for, else the profile's default; ISO
    /// 9660 Level 1 for a profile without a disc file system (MIME, USB), as an image is asked for.
    public var imageFileSystem: MediaFileSystem {
        options.fileSystem ?? options.profile.fileSystems.first { $0 != .fat } ?? .iso9660Level1
    }

    func checkOutput(_ output: Output) throws {
        let fm = FileManager.default
        if case .usb = output {} else {
            if let asked = options.fileSystem, !options.profile.fileSystems.contains(asked) || asked == .fat {
                throw BurnError.fileSystemNotAllowed(profile: options.profile.id, asked: asked.title, allowed: options.profile.fileSystems.map(\.title))
            }
        }
        switch output {
        case .image(let path):
            let folder = (path as NSString).deletingLastPathComponent
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isDir), isDir.boolValue else {
                throw BurnError.outputFolderMissing(path: path)
            }
            if fm.fileExists(atPath: path, isDirectory: &isDir) {
                if isDir.boolValue { throw BurnError.cannotWrite(path: path, reason: "is a folder; give a file name such as disc.iso") }
                if !options.overwrite { throw BurnError.outputExists(path: path) }
            }
        case .usb(let folder, let append):
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
                throw BurnError.outputFolderMissing(path: folder + "/")
            }
            let existing = ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") && !USBWriter.ignorableNames.contains($0) }
            if !existing.isEmpty && !append {
                throw BurnError.cannotWrite(path: folder, reason: "is not empty (\(existing.prefix(3).joined(separator: ", "))\(existing.count > 3 ? ", …" : "")); use an empty stick, or --append to add the file set next to the files already there")
            }
            // A second file set would clash with the first one's DICOMDIR and File IDs.
            for name in ["DICOMDIR", "DICOM", "INDEX.HTM", "IHE_PDI"] where existing.contains(where: { $0.uppercased() == name }) {
                throw BurnError.cannotWrite(path: folder, reason: "already holds a DICOM file set (\(name)); adding to one is not supported: use an empty stick")
            }
            if options.capacityBytes != nil {
                throw BurnError.cannotWrite(path: folder, reason: "--capacity splits into several volumes, which one USB folder cannot hold; leave it out")
            }
        case .device(let device):
            if !device.hasPrefix("stdio:") && !fm.fileExists(atPath: device) {
                throw BurnError.cannotWrite(path: device, reason: "no such device; `lightbox burn --list-drives` shows the drives")
            }
        }
    }

    func makeWorkFolder() throws -> String {
        // Absolute, so that libisofs and the verifier find staged files whatever the current folder.
        var base = options.workFolder.hasSuffix("/") ? String(options.workFolder.dropLast()) : options.workFolder
        if !base.hasPrefix("/") { base = FileManager.default.currentDirectoryPath + "/" + base }
        let path = base + "/lightbox-burn-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw BurnError.cannotWrite(path: path, reason: "\(error.localizedDescription); choose another --work-dir")
        }
        return path
    }

    /// The writer for the volume's image: ISO 9660 (Level 1, Joliet only off CD) or UDF with its bridge.
    func imageWriter(for staged: FileSetStager.Result) -> (any DiscImageWriter, MediaFileSystem) {
        let fs = imageFileSystem
        if let revision = fs.udfRevision {
            return (UDFImageWriter(options: UDFImageOptions(revision: revision, volumeID: staged.plan.fileSetID, bridge: options.bridge)), fs)
        }
        return (ISOImageWriter(options: ISOImageOptions(volumeID: staged.plan.fileSetID, joliet: options.joliet && fs == .iso9660)), fs)
    }

    /// An image (ISO 9660 or UDF): written under a temporary name next to the final one, read back
    /// through the reader `import` uses and verified, then renamed.
    func writeImage(_ staged: FileSetStager.Result, to path: String, progress: BurnProgressHandler?, cancel: MediaCancellation) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let temp = (folder.isEmpty ? "" : folder + "/") + ".\((path as NSString).lastPathComponent).partial-\(getpid())"
        defer { unlink(temp) }
        let (writer, fileSystem) = imageWriter(for: staged)
        if let capacity = options.capacityBytes ?? options.profile.capacityBytes {
            let size = try writer.imageSize(folder: staged.root)
            if size > capacity { throw BurnError.volumeTooLarge(volume: staged.plan.number, bytes: size, capacity: capacity) }
        }
        let number = staged.plan.number
        try writer.write(folder: staged.root, to: temp, cancellation: cancel) { p in
            progress?(BurnProgress(phase: .writing, volume: number, done: p.filesWritten, total: p.totalFiles,
                                   bytes: p.bytesWritten, totalBytes: p.totalBytes))
        }
        if cancel.isCancelled { throw BurnError.cancelled }
        let problems = try ImageVerifier(fileSystem: fileSystem, bridge: options.bridge).verify(temp, staged: staged, progress: progress, cancel: cancel)
        if cancel.isCancelled { throw BurnError.cancelled }
        guard problems.isEmpty else { throw BurnError.verificationFailed(volume: path, problems: problems) }
        guard rename(temp, path) == 0 else { throw BurnError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    }

    /// A folder (USB stick, PS3.12 Annex R): copied file by file under temporary names, synced,
    /// then read back and verified against the staged tree.
    func writeFolder(_ staged: FileSetStager.Result, to folder: String, append: Bool, progress: BurnProgressHandler?,
                     cancel: MediaCancellation) throws {
        let number = staged.plan.number
        do {
            try USBWriter(append: append).write(folder: staged.root, to: folder, cancellation: cancel) { p in
                progress?(BurnProgress(phase: .writing, volume: number, done: p.filesWritten, total: p.totalFiles,
                                       bytes: p.bytesWritten, totalBytes: p.totalBytes))
            }
        } catch {
            if cancel.isCancelled { throw BurnError.cancelled }
            throw BurnError.cannotWrite(path: folder, reason: "\(error)")
        }
        let volume: FolderVolume
        do { volume = try FolderVolume(root: folder) } catch { throw BurnError.cannotRead(path: folder, reason: "\(error)") }
        let problems = MediaVerifier().verify(volume, staged: staged, expectVolumeID: false, progress: progress, cancel: cancel)
        if cancel.isCancelled { throw BurnError.cancelled }
        guard problems.isEmpty else { throw BurnError.verificationFailed(volume: folder, problems: problems) }
    }

    /// An optical disc (BD-R through libburn as well): the image is made and verified in the work folder, then burnt; the
    /// drive checks the medium first and compares the disc with the image afterwards.
    func burnDisc(_ staged: FileSetStager.Result, device: String, work: String, progress: BurnProgressHandler?,
                  cancel: MediaCancellation) throws {
        let image = work + "/VOL\(staged.plan.number).IMG"
        defer { unlink(image) }
        try writeImage(staged, to: image, progress: progress, cancel: cancel)
        let number = staged.plan.number
        do {
            try OpticalDrive(device: device).burn(image: image, pad: imageFileSystem.udfRevision == nil, cancellation: cancel) { p in
                progress?(BurnProgress(phase: .writing, volume: number, done: 0, total: 0, bytes: p.bytesWritten, totalBytes: p.totalBytes))
            }
        } catch {
            if cancel.isCancelled { throw BurnError.cancelled }
            throw BurnError.cannotWrite(path: device, reason: "\(error)")
        }
    }
}
