/// PS3.5 §6.2 (Table 6.2-1, PN): a person name uses the Default Character Repertoire or the one
/// (0008,0005) defines, with no control characters except ESC (PS3.5 §6.1.2.1 and §6.1.3). A
/// Patient's Name (0010,0010) holding NUL, other C0 controls or DEL breaks that rule; viewers
/// show or cut it unpredictably, and an importer has to change it before using it as a folder
/// name. Both the files and the DICOMDIR's PATIENT records are checked.
struct NameCharacterRule: CheckRule {
    /// The name holds a character PN does not allow (C0 controls other than ESC, or DEL).
    static func hasControlCharacter(_ name: String) -> Bool {
        name.unicodeScalars.contains { ($0.value < 0x20 && $0.value != 0x1B) || $0.value == 0x7F }
    }

    /// The name with each control character shown as U+2400… (so the sentence stays printable).
    static func shown(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.map { s in
            s.value < 0x20 ? Unicode.Scalar(0x2400 + s.value)! : s.value == 0x7F ? "\u{2421}" : s
        }))
    }

    func check(_ context: CheckContext) -> [CheckFinding] {
        var files: [String] = []
        var example: String? = nil
        func note(_ name: String?, _ file: String) {
            guard let name, Self.hasControlCharacter(name) else { return }
            if example == nil { example = name }
            if !files.contains(file) { files.append(file) }
        }
        if let dir = context.directory, let dicomdir = context.catalog.dicomdir {
            for i in dir.reached where dir.records[i].level == 0 { note(dir.records[i].patientName, dicomdir) }
        }
        for path in context.instancePaths {
            guard let entry = context.headers[path], let file = entry else { continue }
            note(file.dataSet.string(.patientName), path)
        }
        guard let example else { return [] }
        return [CheckFinding(.error, "nameControlCharacters",
                             "\(plural(files.count, "file gives", "files give")) the patient's name with control characters (\"\(Self.shown(example))\"), which a DICOM name may not contain; viewers may show it cut short or garbled, and an import has to change it before using it as a folder name.",
                             clause: "PS3.5 6.2", files: files)]
    }
}
