import DICOM
import Foundation
import Resources

/// A Media Storage Application Profile, PS3.11 §6 and Annex D (e.g. STD-GEN-CD), as data.
///
/// Profiles live in `Media/profiles/<ID>.json` at the top of the repository (installed next to the
/// program later), not in code, so a site can add one without rebuilding. General-purpose profiles
/// allow every Storage SOP Class (`sopClassRule == .allStorage`) rather than listing them.
public struct ApplicationProfile: Codable, Sendable, Equatable {
    /// How the profile says which SOP Classes may be on the medium.
    public enum SOPClassRule: String, Codable, Sendable {
        /// Any Storage SOP Class of PS3.4 Annex B (the general-purpose profiles, PS3.11 §D.3.2).
        case allStorage = "all-storage"
        /// Only those in `sopClasses`.
        case listed
    }

    /// The profile's identifier, e.g. "STD-GEN-DVD-JPEG" (PS3.11 Table 6-1 naming).
    public var id: String
    public var title: String
    /// Where the standard defines it, e.g. "PS3.11 Annex D (§D.2)".
    public var reference: String
    /// "CD-R", "DVD-R", "DVD-RAM", "BD-R", "USB", "MIME".
    public var medium: String
    /// Usable bytes of the medium; nil when the device decides (USB) or there is no medium (MIME).
    public var capacityBytes: Int64?
    /// True for STD-GEN-MIME: any transfer syntax.
    public var anyTransferSyntax: Bool
    /// Transfer syntaxes allowed for the files (the DICOMDIR itself is always Explicit VR LE).
    public var transferSyntaxes: [String]
    public var sopClassRule: SOPClassRule
    /// With `.listed`: the allowed SOP Class UIDs.
    public var sopClasses: [String]
    /// The physical format and file system (PS3.12).
    public var fileSystem: String
    /// The file systems the medium may carry (PS3.12), the default first; empty for MIME.
    public var fileSystems: [MediaFileSystem]
    public var fileSystemReference: String
    public var notes: [String]
    /// The on-disc viewer's default for this medium (Lightbox's choice, not PS3.11's): `light` on
    /// CD, `full` on DVD, BD and USB, `off` for MIME.
    public var viewer: ViewerMode

    public func allows(transferSyntax uid: String) -> Bool {
        anyTransferSyntax || transferSyntaxes.contains(uid)
    }

    public func allows(sopClass uid: String) -> Bool {
        switch sopClassRule {
        case .allStorage: return Self.isStorageSOPClass(uid)
        case .listed: return sopClasses.contains(uid)
        }
    }

    /// True for a Storage SOP Class the dictionary knows (PS3.6 Table A-1 names ending "Storage",
    /// including the retired ones that may still be interchanged).
    public static func isStorageSOPClass(_ uid: String) -> Bool {
        guard let e = UIDRegistry.entry(for: uid), e.type.lowercased().contains("sop class") else { return false }
        return e.keyword.contains("Storage") && !e.keyword.hasPrefix("StorageCommitment")
            && uid != UIDs.mediaStorageDirectoryStorage
    }
}

/// The application profiles found in a `profiles` folder.
public struct ProfileCatalog: Sendable {
    public var profiles: [ApplicationProfile]

    public init(profiles: [ApplicationProfile]) { self.profiles = profiles.sorted { $0.id < $1.id } }

    public func profile(_ id: String) -> ApplicationProfile? {
        profiles.first { $0.id.caseInsensitiveCompare(id) == .orderedSame }
    }

    /// Reads every `*.json` in `folder` (the `profiles` folder itself).
    public static func load(from folder: URL) throws -> ProfileCatalog {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw ProfileError.cannotRead(path: folder.path, reason: error.localizedDescription)
        }
        var out: [ApplicationProfile] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let url = folder.appendingPathComponent(name)
            do {
                out.append(try JSONDecoder().decode(ApplicationProfile.self, from: Data(contentsOf: url)))
            } catch {
                throw ProfileError.cannotRead(path: url.path, reason: "\(error)")
            }
        }
        return ProfileCatalog(profiles: out)
    }

    /// Loads the catalog from the data folder `MediaData.folder()` finds.
    public static func loadDefault() throws -> ProfileCatalog {
        try load(from: MediaData.folder().appendingPathComponent("profiles"))
    }
}

public enum ProfileError: Error, CustomStringConvertible, Equatable {
    case cannotRead(path: String, reason: String)
    case dataFolderNotFound(searched: [String])
    case unknownProfile(String, known: [String])

    public var description: String {
        switch self {
        case .cannotRead(let p, let r): return "cannot read application profiles from \(p): \(r)"
        case .dataFolderNotFound(let s):
            return "cannot find Lightbox's Media data folder (profiles); set LIGHTBOX_DATA_DIR to the folder holding Media/. Looked in: \(s.joined(separator: ", "))"
        case .unknownProfile(let id, let known):
            return "unknown application profile \(id); known: \(known.joined(separator: ", "))"
        }
    }
}

/// Finds Lightbox's `Media/` data folder (profiles now; PDI templates later).
///
/// Order: `$LIGHTBOX_DATA_DIR/Media` (or `$LIGHTBOX_DATA_DIR` itself if it holds `profiles`);
/// then, walking up from the executable's folder, the first ancestor holding `Media/profiles`
/// (a development build in `.build/debug` finds the repository's); then the same walk from this
/// source file (`#filePath`, for tests run from anywhere); then `/usr/share/lightbox/Media`.
public enum MediaData {
    public static func folder(environment: [String: String] = ProcessInfo.processInfo.environment,
                              executable: String? = CommandLine.arguments.first) throws -> URL {
        var searched: [String] = []
        let fm = FileManager.default
        func holdsProfiles(_ u: URL) -> Bool {
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: u.appendingPathComponent("profiles").path, isDirectory: &isDir) && isDir.boolValue
        }
        if let dir = environment["LIGHTBOX_DATA_DIR"], !dir.isEmpty {
            let base = URL(fileURLWithPath: dir)
            for u in [base.appendingPathComponent("Media"), base] {
                searched.append(u.path)
                if holdsProfiles(u) { return u }
            }
        }
        let search = DataFolder.search("Media", executable: executable, sourceFile: #filePath, accept: holdsProfiles)
        if let found = search.found { return found }
        throw ProfileError.dataFolderNotFound(searched: searched + search.searched)
    }
}
