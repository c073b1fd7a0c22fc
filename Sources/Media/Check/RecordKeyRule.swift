/// PS3.3 F.5 (and the PS3.11 profiles' Basic Directory keys): the Type 1 keys (present, with a
/// value) and Type 2 keys (present) of each directory record reached — PATIENT: Patient's Name (2),
/// Patient ID (1); STUDY: Study Date, Study Time, Study ID (1), Study Description, Accession Number
/// (2), Study Instance UID; SERIES: Modality, Series Instance UID, Series Number (1); IMAGE:
/// Instance Number (1); Referenced File ID, Referenced SOP Class/Instance UID and Transfer Syntax
/// UID in File for records that reference a file. Record-versus-file differences are the catalog
/// reader's findings and are not repeated here.
struct RecordKeyRule: CheckRule {
    func check(_ context: CheckContext) -> [CheckFinding] {
        guard let dir = context.directory else { return [] }
        var missing: [String: [String]] = [:]  // key name → records ("IMAGE record at offset 1234" or file ID)
        for i in dir.reached {
            let r = dir.records[i]
            func need(_ value: String?, _ name: String) {
                if (value ?? "").trimmingPadding.isEmpty {
                    let where_ = r.fileID.map { $0.joined(separator: "/") } ?? "\(r.type) record at byte \(r.offset)"
                    missing[name, default: []].append(where_)
                }
            }
            for p in r.keyProblems {
                let where_ = r.fileID.map { $0.joined(separator: "/") } ?? "\(r.type) record at byte \(r.offset)"
                missing[p.type == 1 ? p.name : p.name + " (Type 2: present, even if empty)", default: []].append(where_)
            }
            switch r.type {
            case "PATIENT", "SERIES": break
            case "STUDY": need(r.studyInstanceUID, "Study Instance UID")
            default:
                guard r.level == 3, r.type == "IMAGE" || r.fileID != nil else { continue }
                need(r.fileID?.joined(), "Referenced File ID")
                need(r.referencedSOPClassUID, "Referenced SOP Class UID in File")
                need(r.referencedSOPInstanceUID, "Referenced SOP Instance UID in File")
                need(r.referencedTransferSyntaxUID, "Referenced Transfer Syntax UID in File")
            }
        }
        return missing.keys.sorted().map { key in
            let records = missing[key] ?? []
            return CheckFinding(.error, "missingRecordKey",
                                "\(plural(records.count, "DICOMDIR entry lacks", "DICOMDIR entries lack")) the \(key), which every DICOM reader relies on to list the contents.",
                                clause: "PS3.3 F.5", files: records)
        }
    }
}
