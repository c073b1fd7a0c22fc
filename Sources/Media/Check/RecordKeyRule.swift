/// PS3.3 F.5 (and the PS3.11 profiles' Basic Directory keys): the Type 1 keys of each directory
/// record reached — Patient ID for PATIENT; Study Instance UID for STUDY; Series Instance UID and
/// Modality for SERIES; Referenced File ID, Referenced SOP Class/Instance UID and Transfer Syntax
/// UID in File for records that reference a file. Record-versus-file differences are the catalog
/// reader's findings and are not repeated here.
struct RecordKeyRule: CheckRule {
    func check(_ context: CheckContext) -> [CheckFinding] {
        guard let dir = context.directory else { return [] }
        var missing: [String: [String]] = [:]  // key name → records ("IMAGE record at offset 1234" or file ID)
        for i in dir.reached {
            let r = dir.records[i]
            func need(_ value: String?, _ name: String) {
                if (value ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                    let where_ = r.fileID.map { $0.joined(separator: "/") } ?? "\(r.type) record at byte \(r.offset)"
                    missing[name, default: []].append(where_)
                }
            }
            switch r.type {
            case "PATIENT": need(r.patientID, "Patient ID")
            case "STUDY": need(r.studyInstanceUID, "Study Instance UID")
            case "SERIES": need(r.seriesInstanceUID, "Series Instance UID"); need(r.modality, "Modality")
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
