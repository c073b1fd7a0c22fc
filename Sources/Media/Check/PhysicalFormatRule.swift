/// PS3.12 (Annex F for CD-R and the other ISO 9660 media): names on an ISO 9660 image are Level 1
/// (ECMA-119 §7.5: 8.3 d-characters, at most 8 levels), and the Volume Identifier is present and
/// made of d-characters (ECMA-119 §8.4.6: A–Z, 0–9, _; at most 32).
///
/// A UDF image (read as `UDFVolume`) is judged by the profile: DVD (PS3.12 Annex P) allows UDF
/// 1.02–2.01, so nothing is said; a CD profile (Annex F) requires ISO 9660 Level 1, so a UDF image
/// without an ISO 9660 tree is an error, and the ISO 9660 tree of a UDF bridge image is checked as
/// above. Without a profile the UDF image is not judged.
struct PhysicalFormatRule: CheckRule {
    /// The PS3.11 profile applied (given or inferred); nil when unknown.
    var profile: ApplicationProfile? = nil

    init(profile: ApplicationProfile? = nil) { self.profile = profile }

    /// True for the CD-R profiles (PS3.11 ids ending in "-CD"), whose media PS3.12 Annex F governs.
    var isCDProfile: Bool { profile?.id.uppercased().hasSuffix("-CD") ?? false }

    func check(_ context: CheckContext) -> [CheckFinding] {
        if let udf = context.source.volume as? UDFVolume { return checkUDF(udf) }
        guard let iso = context.source.volume as? ISOVolume else { return [] }
        return checkISO9660(iso)
    }

    private func checkUDF(_ udf: UDFVolume) -> [CheckFinding] {
        guard isCDProfile, let profile else { return [] }
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
