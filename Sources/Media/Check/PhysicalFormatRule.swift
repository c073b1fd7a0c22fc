/// PS3.12 (Annex F for CD-R and the other ISO 9660 media): names on an ISO 9660 image are Level 1
/// (ECMA-119 §7.5: 8.3 d-characters, at most 8 levels), and the Volume Identifier is present and
/// made of d-characters (ECMA-119 §8.4.6: A–Z, 0–9, _; at most 32).
///
/// The file system is judged by the profile's `fileSystems`:
/// - a CD profile (Annex F) requires ISO 9660 Level 1, so a UDF image without an ISO 9660 tree is
///   an error, and the ISO 9660 tree of a UDF bridge image is checked as above;
/// - DVD (Annex P) allows UDF 1.02–2.01 or ISO 9660;
/// - BD (Annex X) requires UDF 2.50 or 2.60: an ISO 9660-only image, or UDF of another revision,
///   is an error.
/// Without a profile the file system is not judged.
struct PhysicalFormatRule: CheckRule {
    /// The PS3.11 profile applied (given or inferred); nil when unknown.
    var profile: ApplicationProfile? = nil

    init(profile: ApplicationProfile? = nil) { self.profile = profile }

    /// True for the CD-R profiles (PS3.11 ids ending in "-CD"), whose media PS3.12 Annex F governs.
    var isCDProfile: Bool { profile?.id.uppercased().hasSuffix("-CD") ?? false }

    func check(_ context: CheckContext) -> [CheckFinding] {
        if let udf = context.source.volume as? UDFVolume { return checkUDF(udf) }
        guard let iso = context.source.volume as? ISOVolume else { return [] }
        return checkISO9660(iso) + udfRequired(iso)
    }

    /// UDF revisions the profile allows: those listed, or 1.02–2.01 when it lists UDF 2.01 (Annex P).
    static func allows(_ revision: UInt16, _ listed: [UInt16]) -> Bool {
        guard let top = listed.max() else { return false }
        return top <= 0x0201 ? (0x0102...0x0201).contains(revision) : listed.contains(revision)
    }

    /// An ISO 9660 image for a profile that requires UDF (BD, DVD-RAM).
    private func udfRequired(_ iso: ISOVolume) -> [CheckFinding] {
        guard let profile, !profile.fileSystems.isEmpty, !profile.fileSystems.contains(where: \.isISO9660) else { return [] }
        let wanted = profile.fileSystems.filter { $0.udfRevision != nil }.map(\.title).joined(separator: " or ")
        let unread = VolumeRecognition.read(iso.imagePath).hasUDF
        return [CheckFinding(.error, unread ? "udfUnreadable" : "noUDF",
                             unread ? "The disc has a UDF file system that cannot be read, so only its ISO 9660 tree was checked; a \(profile.id) disc must carry \(wanted)."
                                    : "The disc holds only an ISO 9660 file system, but a \(profile.id) disc must carry \(wanted); Blu-ray readers built for DICOM discs may not open it.",
                             clause: profile.fileSystemReference)]
    }

    private func checkUDF(_ udf: UDFVolume) -> [CheckFinding] {
        guard let profile else { return [] }
        let listed = profile.fileSystems.compactMap(\.udfRevision)
        if !listed.isEmpty {
            guard let revision = udf.revision, Self.allows(revision, listed) else {
                let found = udf.revision.map { "UDF " + UDFImageOptions.text($0) } ?? "UDF of no stated revision"
                let wanted = listed.max()! <= 0x0201 ? "UDF 1.02–2.01" : listed.sorted().map { "UDF " + UDFImageOptions.text($0) }.joined(separator: " or ")
                return [CheckFinding(.error, "udfRevision",
                                     "The disc's file system is \(found), but a \(profile.id) disc must use \(wanted).",
                                     clause: profile.fileSystemReference)]
            }
            return []
        }
        guard isCDProfile else { return [] }
        if VolumeRecognition.read(udf.imagePath).hasISO9660, let bridge = try? ISOVolume(imagePath: udf.imagePath) {
            return checkISO9660(bridge)
        }
        return [CheckFinding(.error, "udfWithoutISO9660",
                             "The disc holds only a UDF file system, but a \(profile.id) disc must carry ISO 9660 Level 1 so that every CD reader can open it.",
                             clause: "PS3.12 Annex F")]
    }

    private func checkISO9660(_ iso: ISOVolume) -> [CheckFinding] {
        var out: [CheckFinding] = []
        if !iso.level1Problems.isEmpty {
            out.append(CheckFinding(.error, "notLevel1",
                                    "\(plural(iso.level1Problems.count, "name or folder depth on the disc does", "names or folder depths on the disc do")) not follow ISO 9660 Level 1, which DICOM discs require so that every computer can read them.",
                                    clause: "PS3.12 F.3.2", files: iso.level1Problems))
        }
        let volumeID = (iso.volumeID ?? "").trimmingCharacters(in: .whitespaces)
        if volumeID.isEmpty {
            out.append(CheckFinding(.warning, "noVolumeIdentifier",
                                    "The disc has no volume label (Volume Identifier), so it cannot be told apart from other discs when inserted.",
                                    clause: "PS3.12 F.3.2"))
        } else if volumeID.count > 32 || !volumeID.allSatisfy({ FileIDRule.allowed.contains($0) }) {
            out.append(CheckFinding(.error, "volumeIdentifierCharacters",
                                    "The disc's volume label \"\(volumeID)\" uses characters other than capital letters, digits and _ (or is longer than 32), which ISO 9660 Level 1 does not allow.",
                                    clause: "PS3.12 F.3.2"))
        }
        return out
    }
}
