import Foundation

/// The `{field}` values a layout's templates can use, formatted for print.
public enum DiscLabelFields {
    /// Fields of `text` elements.
    public static let labelFields: Set<String> = [
        "patientName", "patientID", "birthDate", "institution", "application", "applicationName",
        "applicationVersion", "creationDate", "content", "volume", "volumeNumber", "volumeCount",
        "studyCount", "studyDates", "viewingHint",
    ]
    /// Fields of `studies` elements (one line per study).
    public static let studyFields: Set<String> = ["studyDate", "studyDescription", "modalities"]

    /// Values of the label fields.
    public static func values(for label: DiscLabel, timeZone: TimeZone) -> [String: String] {
        let dates = label.studies.map(\.date).filter { !$0.isEmpty }.sorted()
        let range: String
        switch (dates.first, dates.last) {
        case let (a?, b?) where a != b: range = "\(formatDA(a)) – \(formatDA(b))"
        case let (a?, _): range = formatDA(a)
        default: range = ""
        }
        return [
            "patientName": label.patientName,
            "patientID": label.patientID,
            "birthDate": formatDA(label.birthDate),
            "institution": label.institution,
            "application": "\(label.applicationName) \(label.applicationVersion)".trimmingCharacters(in: .whitespaces),
            "applicationName": label.applicationName,
            "applicationVersion": label.applicationVersion,
            "creationDate": format(label.creationDate, timeZone: timeZone),
            "content": label.content.rawValue,
            "volume": "Volume \(label.volume) of \(label.volumeCount)",
            "volumeNumber": "\(label.volume)",
            "volumeCount": "\(label.volumeCount)",
            "studyCount": label.studies.count == 1 ? "1 study" : "\(label.studies.count) studies",
            "studyDates": range,
            "viewingHint": label.content == .dicomPlusWeb
                ? "To view: open INDEX.HTM on this disc in a web browser, or use a DICOM viewer."
                : "To view: open this disc with a DICOM viewer (DICOMDIR).",
        ]
    }

    /// Values of the study fields for one study.
    public static func values(for study: DiscLabel.Study) -> [String: String] {
        ["studyDate": formatDA(study.date), "studyDescription": study.description,
         "modalities": study.modalities.joined(separator: "/")]
    }

    /// The `{name}` placeholders of a template, in order.
    public static func placeholders(in template: String) -> [String] {
        var out: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out.append(String(rest[rest.index(after: open) ..< close]))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    /// The template filled in; nil when it has placeholders and all of them are empty
    /// (so "ID {patientID}" disappears when there is no ID).
    public static func fill(_ template: String, _ values: [String: String]) -> String? {
        let names = placeholders(in: template)
        if !names.isEmpty && names.allSatisfy({ (values[$0] ?? "").isEmpty }) { return nil }
        var s = template
        for n in names { s = s.replacingOccurrences(of: "{\(n)}", with: values[n] ?? "") }
        // Collapse the gaps an empty field leaves (runs of 3+ spaces become 2).
        if names.contains(where: { (values[$0] ?? "").isEmpty }) {
            while s.contains("   ") { s = s.replacingOccurrences(of: "   ", with: "  ") }
        }
        return s.trimmingCharacters(in: .whitespaces)
    }

    /// DICOM DA "YYYYMMDD" as "YYYY-MM-DD"; anything else (including the old "YYYY.MM.DD") as is,
    /// with dots made dashes.
    public static func formatDA(_ da: String) -> String {
        let t = da.trimmingCharacters(in: .whitespaces)
        let digits = t.unicodeScalars.allSatisfy { ("0" ... "9").contains($0) }
        if t.count == 8 && digits {
            let a = Array(t)
            return "\(String(a[0 ..< 4]))-\(String(a[4 ..< 6]))-\(String(a[6 ..< 8]))"
        }
        return t.replacingOccurrences(of: ".", with: "-")
    }

    static func format(_ date: Date, timeZone: TimeZone) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
