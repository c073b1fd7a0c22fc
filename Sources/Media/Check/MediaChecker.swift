import DICOM
import Foundation

/// Checks a received or burned medium against the standard and reports every problem in plain
/// words (issue 18, `lightbox check`):
/// - what `MediaCatalogReader` finds while reading (PS3.3 Annex F records, offsets, in-use flag,
///   missing or unreferenced files, record-versus-file UIDs);
/// - PS3.10 §8.2 File IDs and §7.1 File Meta Information (`FileIDRule`, `FileMetaRule`);
/// - PS3.5 §7.1 element lengths that run past the end of a file (`ElementLengthRule`);
/// - PS3.3 F.5 Type 1 record keys (`RecordKeyRule`);
/// - PS3.5 §6.2 control characters in patients' names (`NameCharacterRule`);
/// - PS3.11 the application profile, given or inferred (`ProfileRule`);
/// - PS3.12 the physical format: ISO 9660 names and label, UDF on a CD profile (`PhysicalFormatRule`);
/// - IHE PDI README.TXT and autorun (`PDIRule`).
/// Nothing is written to the medium.
public struct MediaChecker: Sendable {
    public let profiles: ProfileCatalog

    public init(profiles: ProfileCatalog) { self.profiles = profiles }

    /// Loads the default profile tables (`ProfileCatalog.loadDefault()`).
    public init() throws(MediaCheckError) {
        do { profiles = try ProfileCatalog.loadDefault() } catch { throw .profilesUnavailable("\(error)") }
    }

    /// Checks the folder or ISO image at `path`; `profile` names a PS3.11 profile (e.g.
    /// "STD-GEN-CD"), or nil to infer it from the files.
    /// - Throws: `MediaCheckError.unreadable` when the medium cannot be read at all,
    ///   `.unknownProfile` for a profile name not in the tables.
    public func check(_ path: String, profile: String? = nil) throws(MediaCheckError) -> MediaCheckReport {
        let source: MediaSource
        do { source = try MediaSource.open(path) } catch { throw .unreadable(error) }
        return try check(source, profile: profile)
    }

    public func check(_ source: MediaSource, profile name: String? = nil) throws(MediaCheckError) -> MediaCheckReport {
        var given: ApplicationProfile? = nil
        if let name {
            guard let p = profiles.profile(name) else { throw .unknownProfile(name, known: profiles.profiles.map(\.id)) }
            given = p
        }
        let reading = MediaCatalogReader().reading(source)
        let catalog = reading.catalog
        var headers = reading.headers
        for instance in catalog.instances where headers[instance.path] == nil {
            headers[instance.path] = MediaCatalogReader.header(source.volume, instance.path, sniff: false)
        }
        let directory = reading.directory
        let rootNames = Set(source.volume.rootNames())
        let context = CheckContext(source: source, catalog: catalog, headers: headers, directory: directory, rootNames: rootNames,
                                   lengthChecks: reading.lengthChecks)
        let applied = given ?? ProfileRule.infer(context, from: profiles)

        var findings = catalog.findings.map(CheckFinding.init)
        var rules: [any CheckRule] = [FileIDRule(), FileMetaRule(), ElementLengthRule(), RecordKeyRule(), NameCharacterRule(), PhysicalFormatRule(profile: applied), PDIRule()]
        if let applied { rules.insert(ProfileRule(profile: applied), at: 4) }
        for rule in rules { findings += rule.check(context) }
        findings = findings.enumerated().sorted { ($0.element.severity, $0.offset) < ($1.element.severity, $1.offset) }.map(\.element)

        // Readable: the header parses and no element runs past the end of the file.
        let cutShort = Set(findings.filter { $0.kind == "elementPastEnd" }.flatMap(\.files))
        let readable = catalog.instances.filter { headers[$0.path].flatMap { $0 } != nil && !cutShort.contains($0.path) }.count
        let patients = catalog.patients.map { "\($0.name.isEmpty ? "(no name)" : $0.name) (\($0.id.isEmpty ? "no ID" : $0.id))" }
        return MediaCheckReport(source: source.path, profile: applied?.id ?? "", profileInferred: given == nil,
                                instances: catalog.instances.count, readable: readable, patients: patients, findings: findings)
    }
}

extension MediaVolume {
    /// Names at the root (files and folders) without ";version" or trailing full stop, uppercased.
    func rootNames() -> [String] {
        ((try? entries()) ?? []).filter { !$0.path.contains("/") }.map { FileIDResolver.stripVersionAndDot($0.path).uppercased() }
    }
}
