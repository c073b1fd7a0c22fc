/// PS3.12 (Annex F for CD-R and the other ISO 9660 media): names on an ISO 9660 image are Level 1
/// (ECMA-119 §7.5: 8.3 d-characters, at most 8 levels), and the Volume Identifier is present and
/// made of d-characters (ECMA-119 §8.4.6: A–Z, 0–9, _; at most 32).
struct PhysicalFormatRule: CheckRule {
    func check(_ context: CheckContext) -> [CheckFinding] {
        guard let iso = context.source.volume as? ISOVolume else { return [] }
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
