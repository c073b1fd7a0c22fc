import ArgumentParser
import Foundation
import Media

/// `lightbox check`: the validation report of a disc, USB stick or ISO image (issue 18).
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a medium (folder, disc image or drive) against DICOM PS3.3, 3.10, 3.11, 3.12 and IHE PDI.",
        discussion: """
        Each finding is a sentence, then the clause of the standard it breaks, then the files \
        concerned; the report ends with how many images can still be read. Severities: error \
        (breaks PS3.3, PS3.10, PS3.11 or PS3.12), warning (tolerable, and IHE PDI rules on a \
        medium that does not claim PDI), note (anything else). The application profile is \
        inferred from the files' transfer syntaxes unless --profile names one.

        Exit status: 0 when there is no error, 1 when there is at least one, 2 when the source \
        cannot be read at all.

        Examples:
          lightbox check /media/cdrom
          lightbox check received.iso --json
          lightbox check received.iso --html report.html --profile STD-GEN-CD
        """)

    @Argument(help: "A folder (mounted disc, USB stick), an ISO or UDF image, or an optical drive (/dev/sr0).", completion: .file())
    var source: String

    @Flag(name: .long, help: "Print the report as JSON: source, profile, instances, readable, findings.")
    var json = false

    @Option(name: .long, help: "Also write the report as one self-contained HTML page to FILE.", completion: .file())
    var html: String?

    @Option(name: .long, help: "The PS3.11 application profile to check against, e.g. STD-GEN-CD (default: inferred).")
    var profile: String?

    func run() throws {
        let report: MediaCheckReport
        do {
            report = try MediaChecker().check(source, profile: profile)
        } catch {
            if case .unknownProfile = error { printError("error: \(error) (--profile)") } else { printError("error: \(error)") }
            throw ExitCode(2)
        }
        if let html {
            do { try Data(CheckReportHTML.render(report).utf8).write(to: URL(fileURLWithPath: html)) } catch {
                printError("error: cannot write the HTML report to \(html): \(error.localizedDescription)")
                throw ExitCode(2)
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(report)) ?? Data()
            writeOut(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            writeOut(CheckReportText.render(report))
        }
        if report.hasErrors { throw ExitCode(1) }
    }
}
