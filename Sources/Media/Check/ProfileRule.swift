import DICOM
import Foundation

/// PS3.11: the application profile a medium is judged against — given, or inferred from the
/// files' transfer syntaxes — and each file outside its transfer syntaxes or SOP classes.
struct ProfileRule: CheckRule {
    let profile: ApplicationProfile

    /// The transfer syntax of each instance: its file's (0002,0010) when it parses, else the
    /// DICOMDIR's Referenced Transfer Syntax UID in File.
    static func transferSyntaxes(_ context: CheckContext) -> [(path: String, uid: String)] {
        context.catalog.instances.map { i in
            let fromFile = context.headers[i.path].flatMap { $0 }?.transferSyntax.uid
            return (i.path, (fromFile ?? i.transferSyntaxUID).trimmingPadding)
        }
    }

    /// PS3.11 Annex D/P/V: STD-GEN-CD when every file is Explicit VR Little Endian; otherwise the
    /// general-purpose DVD (ISO image) or USB (folder) profile with JPEG or JPEG 2000 that admits
    /// the most files, preferring the first in that order on ties.
    static func infer(_ context: CheckContext, from catalog: ProfileCatalog) -> ApplicationProfile? {
        let isImage = context.source.volume.volumeID != nil
        // A UDF 2.50/2.60 volume is a Blu-ray disc (PS3.12 Annex X); an older UDF volume a DVD
        // (Annex P) before a CD, which must carry ISO 9660 (Annex F).
        let udf = context.source.volume as? UDFVolume
        let order = (udf?.revision ?? 0) >= 0x0250 ? ["STD-GEN-BD", "STD-GEN-BD-JPEG", "STD-GEN-BD-J2K"]
            : udf != nil ? ["STD-GEN-DVD-JPEG", "STD-GEN-DVD-J2K", "STD-GEN-CD"]
            : isImage ? ["STD-GEN-CD", "STD-GEN-DVD-JPEG", "STD-GEN-DVD-J2K"] : ["STD-GEN-CD", "STD-GEN-USB-JPEG", "STD-GEN-USB-J2K"]
        let candidates = order.compactMap { catalog.profile($0) }
        let syntaxes = transferSyntaxes(context).map(\.uid)
        var best: ApplicationProfile? = nil, bestCount = -1
        for p in candidates {
            let n = syntaxes.filter { p.allows(transferSyntax: $0) }.count
            if n > bestCount { best = p; bestCount = n }
        }
        return best ?? catalog.profiles.first
    }

    func check(_ context: CheckContext) -> [CheckFinding] {
        let clause = profile.reference.hasPrefix("PS3.11") ? profile.reference : "PS3.11 \(profile.reference)"
        var out: [CheckFinding] = []
        var bySyntax: [String: [String]] = [:]
        for (path, uid) in Self.transferSyntaxes(context) where !profile.allows(transferSyntax: uid) {
            bySyntax[uid, default: []].append(path)
        }
        for uid in bySyntax.keys.sorted() {
            let files = bySyntax[uid] ?? []
            let name = uid.isEmpty ? "an unknown encoding" : "\(UIDRegistry.name(for: uid) ?? "transfer syntax") (\(uid))"
            out.append(CheckFinding(.error, "transferSyntaxOutsideProfile",
                                    "\(plural(files.count, "file is", "files are")) encoded as \(name), which the \(profile.id) media profile does not allow; viewers built for this kind of disc may not display \(files.count == 1 ? "it" : "them").",
                                    clause: clause, files: files))
        }
        // The general-purpose profiles encode the DICOMDIR itself in Explicit VR Little Endian.
        if let dir = context.directory, !dir.transferSyntaxUID.isEmpty, dir.transferSyntaxUID != "1.2.840.10008.1.2.1",
           profile.id.hasPrefix("STD-GEN") {
            let name = UIDRegistry.name(for: dir.transferSyntaxUID) ?? dir.transferSyntaxUID
            out.append(CheckFinding(.error, "dicomdirTransferSyntax",
                                    "The DICOMDIR itself is encoded as \(name), but the \(profile.id) profile requires Explicit VR Little Endian; some viewers will not read it.",
                                    clause: clause, files: context.catalog.dicomdir.map { [$0] } ?? []))
        }
        let classes = context.catalog.instances.filter { !$0.sopClassUID.isEmpty && !profile.allows(sopClass: $0.sopClassUID) }
        if !classes.isEmpty {
            out.append(CheckFinding(.error, "sopClassOutsideProfile",
                                    "\(plural(classes.count, "file holds", "files hold")) a kind of object the \(profile.id) media profile does not allow.",
                                    clause: clause, files: classes.map(\.path)))
        }
        return out
    }
}
