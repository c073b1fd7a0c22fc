import ArgumentParser
import DICOM
import Foundation

/// `lightbox index`: list the hierarchy keys of many files, reading headers only.
struct Index: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List patient, study, series and instance keys of DICOM files (headers only).",
        discussion: """
        Reads each file only as far as Series Instance UID (0020,000E), so indexing thousands of \
        files is cheap. Prints one tab-separated line per file: path, Patient ID, Patient's Name, \
        Study Instance UID, Series Instance UID, SOP Instance UID, SOP Class UID, Transfer Syntax UID. \
        Files that are not DICOM are reported on standard error.

        Example:
          lightbox index /media/cdrom > index.tsv
        """)

    @Argument(help: "Files or folders (searched recursively).", completion: .file())
    var paths: [String]

    @Flag(name: .long, help: "Print only the number of DICOM files found.")
    var count = false

    func run() throws {
        let files = try FileWalker.files(in: paths)
        let results: [Result<InstanceKeys, Error>] = parallelMap(files.count) { i in
            Result { try InstanceKeys.read(path: files[i]) }
        }
        var out = ""
        var n = 0
        for result in results {
            switch result {
            case .success(let k):
                n += 1
                if !count {
                    out += [k.path, k.patientID, k.patientName, k.studyInstanceUID, k.seriesInstanceUID,
                            k.sopInstanceUID, k.sopClassUID, k.transferSyntaxUID].joined(separator: "\t") + "\n"
                }
            case .failure(let e):
                printError("skipped: \(e)")
            }
            if out.utf8.count > 1 << 16 { print(out, terminator: ""); out = "" }
        }
        print(out, terminator: "")
        if count { print(n) }
    }
}
