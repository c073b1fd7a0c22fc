import ArgumentParser
import Foundation
import Media

/// `lightbox ls`: what a received disc, USB stick or ISO image holds, read tolerantly.
struct Ls: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List the patients, studies and series on a received medium (folder, disc image or drive).",
        discussion: """
        SOURCE is a mounted disc or USB stick (a folder), a copy of one, an ISO 9660 or UDF \
        (1.02-2.01) image, or an optical drive such as /dev/sr0, read directly without mounting. \
        Rock Ridge or Joliet names are used when the disc has them; symbolic links are never \
        followed out of the medium. A disc whose later sessions cannot be read from the image \
        (a block copy of a multisession CD) is reported; read it mounted instead. The DICOMDIR is found whatever its spelling (DICOMDIR, \
        DICOMDIR., DICOMDIR;1, dicomdir) and followed tolerantly: inactive records are skipped, \
        broken or looping offsets are stopped and the records are put in order by their position, \
        and file names are matched with or without ";1", a trailing dot, letter case or ".dcm". \
        Files the DICOMDIR misses, or every file when there is no DICOMDIR, are recognised by \
        their content, never by their extension. Nothing is written to the medium.

        The tree shows each patient (name and ID), each study (date, description, modalities) and \
        each series (number, modality, description, number of images). Problems met on the way \
        are counted on standard error; `lightbox check` explains them.

        Exit status: 0 when the medium could be read (even with problems), 2 when it cannot be \
        read at all.

        Examples:
          lightbox ls /media/cdrom
          lightbox ls received.iso
          lightbox ls received.iso --json > contents.json
        """)

    @Argument(help: "A folder (mounted disc, USB stick), an ISO or UDF image, or an optical drive (/dev/sr0).", completion: .file())
    var source: String

    @Flag(name: .long, help: "Print the catalogue as JSON: patients → studies → series → instances, and the findings.")
    var json = false

    func run() throws {
        let catalog: MediaCatalog
        do { catalog = try MediaCatalogReader().read(source) } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(catalog)) ?? Data()
            writeOut(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            writeOut(Self.tree(catalog))
        }
        let e = catalog.count(.error), w = catalog.count(.warning), n = catalog.count(.note)
        let images = catalog.instances.count
        printError("\(images) instance\(images == 1 ? "" : "s"); \(catalog.findings.count) finding\(catalog.findings.count == 1 ? "" : "s") (\(e) error\(e == 1 ? "" : "s"), \(w) warning\(w == 1 ? "" : "s"), \(n) note\(n == 1 ? "" : "s"))\(catalog.findings.isEmpty ? "" : "; run `lightbox check` for details")")
    }

    /// The text tree.
    static func tree(_ c: MediaCatalog) -> String {
        var out = ""
        if c.patients.isEmpty { out += "(no DICOM instances found)\n" }
        for p in c.patients {
            out += "\(p.name.isEmpty ? "(no name)" : p.name) (\(p.id.isEmpty ? "no ID" : p.id))\n"
            for s in p.studies {
                let date = Self.date(s.date)
                out += "  \(date)  \(s.description.isEmpty ? "(no description)" : s.description)  [\(s.modalities.joined(separator: ", "))]\n"
                for e in s.series {
                    let number = e.number.isEmpty ? "-" : e.number
                    out += "    series \(number)  \(e.modality.isEmpty ? "??" : e.modality)  \(e.instanceCount) instance\(e.instanceCount == 1 ? "" : "s")\(e.description.isEmpty ? "" : "  \(e.description)")\n"
                }
            }
        }
        return out
    }

    /// "20240131" → "2024-01-31"; anything else as recorded.
    static func date(_ d: String) -> String {
        guard d.count == 8, d.allSatisfy(\.isNumber) else { return d.isEmpty ? "(no date)" : d }
        let a = Array(d)
        return "\(String(a[0..<4]))-\(String(a[4..<6]))-\(String(a[6..<8]))"
    }
}
