import ArgumentParser
import DICOM

/// `lightbox dump`: print data sets like DCMTK's dcmdump, or as the DICOM JSON Model (PS3.18 §F).
struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the contents of DICOM files.",
        discussion: """
        Each element is shown as tag, VR, value, length, multiplicity and keyword, in the layout of \
        DCMTK's dcmdump. Text is decoded with the file's Specific Character Set (0008,0005), so \
        Chinese, Japanese, Korean and other names print correctly.

        Examples:
          lightbox dump study/IMG00001
          lightbox dump --json study/IMG00001 > img.json
          lightbox dump --header-only *.dcm
        """)

    @Argument(help: "DICOM files to print.", completion: .file())
    var files: [String]

    @Flag(name: .long, help: "Write the DICOM JSON Model (PS3.18 §F) instead of text.")
    var json = false

    @Flag(name: .long, help: "Stop before Pixel Data (7FE0,0010): fast on large files.")
    var headerOnly = false

    @Flag(name: .long, help: "Leave out the File Meta Information (group 0002).")
    var noMeta = false

    @Option(name: .long, help: "Longest value text shown before it is cut.")
    var maxLength: Int = 64

    func run() throws {
        var failures = 0
        for (i, path) in files.enumerated() {
            do {
                let file = try Part10Reader.read(path: path, options: (headerOnly ? ReadOptions.headerOnly : .default).keepingTruncatedData)
                if json {
                    var ds = file.dataSet
                    if !noMeta { for e in file.meta.elements { ds.insert(e) } }
                    print(JSONModelWriter().json(ds))
                } else {
                    if files.count > 1 { print("# \(path)") }
                    var dumper = DataSetDumper(maxValueLength: maxLength)
                    dumper.showFileMeta = !noMeta
                    print(dumper.dump(file), terminator: i == files.count - 1 ? "" : "\n")
                    for w in file.warnings { printError("warning: \(path): \(w)") }
                    if file.isTruncated { printError("warning: \(path): the file is truncated; shown is what it holds") }
                }
            } catch {
                printError("error: \(error)")
                failures += 1
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
