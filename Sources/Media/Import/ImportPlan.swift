/// Where each instance of a received medium goes in the destination folder (issue 18):
/// `<Patient name (ID)>/<date – study description>/<series number – description>/IMGnnnnn.dcm`,
/// or every file directly in the destination with `flat`. Each component is made safe by
/// `SafeName`; paths are relative and "/"-separated.
public struct ImportPlan: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        /// The instance on the medium.
        public var instance: MediaCatalog.Instance
        /// The folder in the destination, relative ("" for the destination itself).
        public var folder: String
        /// The preferred file name, e.g. "IMG00001.dcm".
        public var fileName: String
        public var relativePath: String { folder.isEmpty ? fileName : folder + "/" + fileName }
    }

    public var items: [Item]

    /// Plans the copy of `catalog`, keeping only studies whose Study Instance UID is in `studies`
    /// when it is not empty.
    public init(catalog: MediaCatalog, studies: Set<String> = [], flat: Bool = false, excluding: Set<String> = []) {
        var items: [Item] = []
        var flatNumber = 0
        for p in catalog.patients {
            let patient = Self.patientFolder(name: p.name, id: p.id)
            for s in p.studies where studies.isEmpty || studies.contains(s.studyInstanceUID) {
                let study = Self.studyFolder(date: s.date, description: s.description)
                for e in s.series {
                    let series = Self.seriesFolder(number: e.number, description: e.description, modality: e.modality)
                    var n = 0
                    for i in e.instances where !excluding.contains(i.path) {
                        n += 1; flatNumber += 1
                        let folder = flat ? "" : "\(patient)/\(study)/\(series)"
                        items.append(Item(instance: i, folder: folder, fileName: Self.fileName(flat ? flatNumber : n)))
                    }
                }
            }
        }
        self.items = items
    }

    /// "IMG00001.dcm".
    public static func fileName(_ n: Int, suffix: String = "") -> String {
        let digits = String(n)
        return "IMG" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + suffix + ".dcm"
    }

    /// "Li Na 李 娜 (P001)": the Person Name (PS3.5 6.2.1) with `^` as spaces and its `=` groups
    /// (alphabetic, ideographic, phonetic) joined by a space.
    public static func patientFolder(name: String, id: String) -> String {
        let groups = name.split(separator: "=").map { $0.replacingOccurrences(of: "^", with: " ").trimmingCharacters(in: .whitespaces) }
        let shown = groups.filter { !$0.isEmpty }.joined(separator: " ")
        let safeID = SafeName.component(id, fallback: "")
        let text = shown.isEmpty ? "Unknown patient" : shown
        let safeName = SafeName.component(text, fallback: "Unknown patient", maxBytes: SafeName.maxBytes - (safeID.isEmpty ? 0 : safeID.utf8.count + 3))
        return SafeName.component(safeID.isEmpty ? safeName : "\(safeName) (\(safeID))", fallback: "Unknown patient")
    }

    /// "2024-01-31 – CT Chest"; the date alone, the description alone, or "Unknown study".
    public static func studyFolder(date: String, description: String) -> String {
        let d = date.trimmingCharacters(in: .whitespaces)
        let shownDate: String
        if d.count == 8, d.allSatisfy(\.isNumber) {
            let a = Array(d)
            shownDate = "\(String(a[0..<4]))-\(String(a[4..<6]))-\(String(a[6..<8]))"
        } else { shownDate = d }
        let parts = [shownDate, description.trimmingCharacters(in: .whitespaces)].filter { !$0.isEmpty }
        return SafeName.component(parts.joined(separator: " – "), fallback: "Unknown study")
    }

    /// "2 – Axial 5mm"; the modality stands in for a missing description; "Unknown series" when
    /// nothing is recorded.
    public static func seriesFolder(number: String, description: String, modality: String) -> String {
        let desc = description.trimmingCharacters(in: .whitespaces)
        let parts = [number.trimmingCharacters(in: .whitespaces), desc.isEmpty ? modality.trimmingCharacters(in: .whitespaces) : desc].filter { !$0.isEmpty }
        return SafeName.component(parts.joined(separator: " – "), fallback: "Unknown series")
    }
}
