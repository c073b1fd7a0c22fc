import Foundation

/// CD/DVD/BD burning through libburn, driven by libisoburn's xorriso API (PS3.12 Annex F CD-R,
/// Annex P DVD; BD Annex X wants UDF, which libburn's ISO 9660 cannot give).
///
/// `device` is a drive address ("/dev/sr0") or an xorriso pseudo-drive ("stdio:/path/file"),
/// which behaves as an overwriteable disc and lets the whole path run without hardware.
/// The decisions (is the disc there, blank, large enough) are in `OpticalMedium.checkBurn`.
///
/// Thread safety: every call holds the process-wide libisofs/xorriso lock; a burn blocks other
/// image writes and drive calls until it ends. A burn that has started cannot be cancelled
/// (stopping would spoil a write-once disc); cancellation is checked before it starts.
public struct OpticalDrive: Sendable {
    public let device: String

    public init(device: String) { self.device = device }

    /// The drives libburn can see (`-devices`). Throws `.noOpticalDrive` when there are none.
    public static func list() throws(OpticalDriveError) -> [OpticalDriveInfo] {
        let out = try XorrisoSession.with { s throws(OpticalDriveError) in s.run(["-devices"]) }
        let drives = OpticalDriveInfo.parse(devicesOutput: out.results)
        if drives.isEmpty { throw .noOpticalDrive }
        return drives
    }

    /// The disc in the drive (`-outdev DEV -toc -tell_media_space`), then releases the drive.
    public func medium() throws(OpticalDriveError) -> OpticalMedium {
        try XorrisoSession.with { s throws(OpticalDriveError) in
            defer { _ = s.run(["-dev", ""]) }
            let out = s.run(["-outdev", device, "-toc", "-tell_media_space"])
            let m = OpticalMedium.parse(tocOutput: out.results)
            if out.failed && m.profile.isEmpty { throw .xorriso(operation: "inspecting \(device)", messages: out.problems) }
            return m
        }
    }

    /// Burns an image, ISO 9660 or UDF (`-as cdrecord`), after checking the disc, then verifies that the disc
    /// reads back byte for byte as the image.
    /// - Parameter progress: bytes written (from xorriso's UPDATE lines) and the image size,
    ///   called from a helper thread about three times a second.
    /// - Parameter pad: let libburn add its 300 KiB of padding (cdrecord's default, harmless for
    ///   ISO 9660). Off for UDF, whose closing anchor must stay on the disc's last sector
    ///   (ECMA-167 3/8.4.2.1); UDF images are whole recording units already.
    public func burn(image: String, pad: Bool = true, cancellation: MediaCancellation? = nil,
                     progress: (@Sendable (MediaProgress) -> Void)? = nil) throws(OpticalDriveError) {
        var st = stat()
        guard stat(image, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { throw .imageMissing(path: image) }
        let size = Int64(st.st_size)
        try medium().checkBurn(of: size, device: device)
        if MediaCancellation.requested(cancellation) { throw .cancelled(device: device) }
        try XorrisoSession.with { s throws(OpticalDriveError) in
            defer { _ = s.run(["-dev", ""]) }
            let out = s.run(["-as", "cdrecord", "-v", "dev=\(device)", "blank=as_needed"] + (pad ? [] : ["-nopad"]) + [image]) { line in
                if let mb = Self.megabytesWritten(line) { progress?(MediaProgress(bytesWritten: min(size, mb << 20), totalBytes: size)) }
            }
            if out.failed { throw .xorriso(operation: "burning \(image) to \(device)", messages: out.problems) }
        }
        progress?(MediaProgress(bytesWritten: size, totalBytes: size))
        try verify(image: image)
    }

    /// Burns a staged file-set folder directly (`-map` + `-commit`) with the same ISO 9660 Level 1
    /// settings as `ISOImageWriter` (no Rock Ridge, Joliet as asked, Volume ID = File-set ID), then
    /// verifies every file against the folder through libcdio.
    public func burn(folder: String, options: ISOImageOptions, cancellation: MediaCancellation? = nil,
                     progress: (@Sendable (MediaProgress) -> Void)? = nil) throws(OpticalDriveError) {
        let size: Int64
        do { size = try ISOImageWriter(options: options).imageSize(folder: folder) } catch {
            throw .xorriso(operation: "preparing \(folder)", messages: [error.description])
        }
        try medium().checkBurn(of: size, device: device)
        if MediaCancellation.requested(cancellation) { throw .cancelled(device: device) }
        try XorrisoSession.with { s throws(OpticalDriveError) in
            defer { _ = s.run(["-dev", ""]) }
            var args = ["-outdev", device, "-blank", "as_needed", "-compliance", "iso_9660_level=1", "-rockridge", "off",
                        "-joliet", options.joliet ? "on" : "off", "-volid", options.volumeID,
                        "-application_id", options.applicationID]
            if let t = options.fixedTimestamp {
                let stamp = String(format: "%.0f", t.timeIntervalSince1970.rounded(.down))
                args += ["-volume_date", "all_file_dates", "=\(stamp)", "-volume_date", "uuid", ISOImageWriterTime.text(t)]
            }
            args += ["-map", folder, "/", "-commit"]
            let out = s.run(args) { line in
                if let mb = Self.megabytesWritten(line) { progress?(MediaProgress(bytesWritten: min(size, mb << 20), totalBytes: size)) }
            }
            if out.failed { throw .xorriso(operation: "burning \(folder) to \(device)", messages: out.problems) }
        }
        progress?(MediaProgress(bytesWritten: size, totalBytes: size))
        try verify(folder: folder, volumeID: options.volumeID)
    }

    /// The file or block device that holds the disc's bytes ("stdio:/x.iso" → "/x.iso").
    var readablePath: String { device.hasPrefix("stdio:") ? String(device.dropFirst(6)) : device }

    /// Compares the disc's first bytes with the image.
    public func verify(image: String) throws(OpticalDriveError) {
        guard let a = FileHandle(forReadingAtPath: image) else { throw .imageMissing(path: image) }
        guard let b = FileHandle(forReadingAtPath: readablePath) else {
            throw .verificationFailed(device: device, reason: "cannot open \(readablePath) for reading")
        }
        defer { try? a.close(); try? b.close() }
        var offset: Int64 = 0
        while true {
            let x = (try? a.read(upToCount: 1 << 20)) ?? Data()
            if x.isEmpty { return }
            let y = (try? b.read(upToCount: x.count)) ?? Data()
            if x != y {
                throw .verificationFailed(device: device, reason: y.count < x.count
                    ? "the disc ends at byte \(offset + Int64(y.count)), the image is longer"
                    : "the disc differs from the image within bytes \(offset)…\(offset + Int64(x.count))")
            }
            offset += Int64(x.count)
        }
    }

    /// Reads the disc through libcdio and compares volume ID, file list and every file's bytes
    /// with the staged folder.
    public func verify(folder: String, volumeID: String) throws(OpticalDriveError) {
        do {
            let disc = try ISOVolume(imagePath: readablePath)
            let staged = try FolderVolume(root: folder)
            guard disc.volumeID == volumeID else {
                throw OpticalDriveError.verificationFailed(device: device, reason: "Volume ID \(disc.volumeID ?? "none"), expected \(volumeID)")
            }
            let want = try staged.files(), got = try disc.files()
            guard want.map(\.path) == got.map(\.path) else {
                let missing = Set(want.map(\.path)).subtracting(got.map(\.path)).sorted()
                throw OpticalDriveError.verificationFailed(device: device, reason: "files differ (missing: \(missing.prefix(5).joined(separator: ", ")))")
            }
            for f in want where try disc.readFile(f.path) != staged.readFile(f.path) {
                throw OpticalDriveError.verificationFailed(device: device, reason: "/\(f.path) differs from the staged file")
            }
        } catch let e as OpticalDriveError {
            throw e
        } catch {
            throw .verificationFailed(device: device, reason: "\(error)")
        }
    }

    /// "xorriso : UPDATE :   12 of  700 MB written (fifo 95%) [buf 100%]" → 12.
    static func megabytesWritten(_ line: String) -> Int64? {
        guard line.contains("UPDATE"), let r = line.range(of: " MB written") ?? line.range(of: "MB written") else { return nil }
        let head = line[..<r.lowerBound].split(separator: " ")
        guard let ofIndex = head.lastIndex(of: "of"), ofIndex > head.startIndex else { return nil }
        return Int64(head[head.index(before: ofIndex)])
    }
}

/// The volume time text shared with `ISOImageWriter`'s fixed timestamps ("YYYYMMDDhhmmss00", UTC).
enum ISOImageWriterTime {
    static func text(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMddHHmmss"
        return f.string(from: date) + "00"
    }
}
