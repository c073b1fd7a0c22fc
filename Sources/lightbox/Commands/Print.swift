import ArgumentParser
import DICOM
import FilmPrint
import Foundation
import Imaging
import Network

/// `lightbox print`: a Basic Grayscale Print Management SCU (PS3.4 Annex H) that prints DICOM
/// images on any DICOM film printer, Lightbox's `print-server` or another.
struct PrintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print",
        abstract: "Print DICOM images on a DICOM film printer (Basic Grayscale Print Management SCU).",
        discussion: """
        Each image (every frame of a multi-frame image) is rendered by the imaging core to \
        P-Values, the printer's perceptually linear input: Modality LUT, then the window (--window, \
        else the file's first window or VOI LUT, else the full range), then the Presentation LUT; \
        MONOCHROME1 images print with white for their minimum as they should. Images fill the \
        image boxes of --format in order (files sorted by series and instance number); more \
        images than boxes make more films, all in one film session on one association. \
        Colour images are refused: this is grayscale print.

        Exit status 0 when every film was printed, 1 when the printer refused a request (its status \
        is named), 2 when no association could be made.

        Examples:
          lightbox print 127.0.0.1 10400 --call LIGHTBOX_PRINT study/
          lightbox print imager.local 104 --call DRYVIEW --format 'STANDARD\\3,4' --size 14INX17IN ct/*.dcm
          lightbox print 127.0.0.1 10400 --call FILMS cr.dcm --size 8INX10IN --copies 2 --annotation "张三 CR"
        """)

    @Argument(help: "Printer host name or address.") var host: String
    @Argument(help: "Printer TCP port.") var port: Int
    @Argument(help: "Image files or folders.", completion: .file()) var paths: [String]
    @OptionGroup var network: NetworkOptions

    @Option(help: ArgumentHelp("Image Display Format: STANDARD\\C,R, ROW\\n,n,… or COL\\n,n,…", valueName: "FORMAT"))
    var format = "STANDARD\\1,1"
    @Option(help: ArgumentHelp("Film Size ID, e.g. 14INX17IN, 8INX10IN, A4 (default: the printer's).", valueName: "ID"))
    var size: String?
    @Option(help: "PORTRAIT or LANDSCAPE (default: the printer's).") var orientation: String?
    @Option(help: "Number of copies of each film.") var copies: Int?
    @Option(help: "Medium Type: PAPER, CLEAR FILM, BLUE FILM, MAMMO CLEAR FILM, MAMMO BLUE FILM.") var medium: String?
    @Option(help: "Print Priority: HIGH, MED or LOW.") var priority: String?
    @Option(help: "Film Session Label (the folder name on a Lightbox print server).") var label: String?
    @Option(help: "Magnification Type: REPLICATE, BILINEAR, CUBIC or NONE.") var magnification: String?
    @Option(name: .customLong("border-density"), help: "BLACK, WHITE or an optical density ×100.") var borderDensity: String?
    @Option(name: .customLong("empty-density"), help: "Empty Image Density: BLACK, WHITE or an optical density ×100.") var emptyDensity: String?
    @Option(name: .customLong("min-density"), help: "Min Density, optical density ×100.") var minDensity: Int?
    @Option(name: .customLong("max-density"), help: "Max Density, optical density ×100.") var maxDensity: Int?
    @Option(help: "Requested Resolution ID: STANDARD or HIGH.") var resolution: String?
    @Option(help: ArgumentHelp("Text of an annotation box; repeat for boxes 2, 3, …", valueName: "TEXT"))
    var annotation: [String] = []
    @Option(name: .customLong("annotation-format"), help: ArgumentHelp("Annotation Display Format ID of the printer (Lightbox: LABEL, BOTTOM3, TOP2).", valueName: "ID"))
    var annotationFormat: String?

    @Option(help: "P-Value depth sent to the printer: 8 or 12.") var bits = 12
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Window center and width for every image, e.g. 40,400.", valueName: "C,W"))
    var window: String?
    @Flag(help: "Print with Polarity REVERSE (white and black swapped by the printer).") var reverse = false
    @Flag(name: .shortAndLong, help: "Print only errors and the summary.") var quiet = false

    func validate() throws {
        if bits != 8 && bits != 12 { throw ValidationError("--bits must be 8 or 12") }
        if let window, Render.parseWindow(window) == nil {
            throw ValidationError("--window wants CENTER,WIDTH with width ≥ 1, e.g. 40,400; got \"\(window)\"")
        }
        if let copies, !(1 ... 99).contains(copies) { throw ValidationError("--copies must be 1…99") }
        do { _ = try ImageDisplayFormat(dicom: format) } catch {
            throw ValidationError("--format: \(error)")
        }
    }

    func run() async throws {
        let source = PrintImageSource(bits: bits, voi: window.flatMap(Render.parseWindow).map { .window($0) } ?? .automatic,
                                      polarity: reverse ? .reverse : .normal)
        var images: [FilmImage] = []
        var refused = 0
        var notImages = 0
        for file in try Self.orderedFiles(StoreSCU.expand(paths)) {
            // A DICOMDIR, a report, a presentation state…: nothing to print, not a failure.
            guard file.dataSet.contains(.pixelData) else { notImages += 1; continue }
            do { images += try source.images(from: file) } catch {
                printError("skipped \(error)"); refused += 1
            }
        }
        guard !images.isEmpty else { printError("error: no printable images"); throw ExitCode(1) }

        let boxes = try ImageDisplayFormat(dicom: format).boxCount
        let filmBox = FilmBoxRequest(imageDisplayFormat: format, filmSizeID: size, filmOrientation: orientation,
                                     magnificationType: magnification, borderDensity: borderDensity,
                                     emptyImageDensity: emptyDensity, minDensity: minDensity, maxDensity: maxDensity,
                                     annotationDisplayFormatID: annotation.isEmpty ? nil : (annotationFormat ?? "LABEL"),
                                     requestedResolutionID: resolution)
        let notes = annotation.enumerated().map { FilmAnnotation(position: $0.offset + 1, text: $0.element) }
        let films = stride(from: 0, to: images.count, by: boxes).map { start in
            FilmRequest(filmBox: filmBox, images: images[start ..< min(start + boxes, images.count)].enumerated().map { i, image in
                var image = image; image.position = i + 1; return image
            }, annotations: notes)
        }
        let session = FilmSessionRequest(numberOfCopies: copies, printPriority: priority, mediumType: medium, filmSessionLabel: label)
        let client = try network.client(host: host, port: port)
        let printer = "\(network.calledAETitle)@\(host):\(port)"
        let quiet = self.quiet
        if notImages > 0 && !quiet { writeOut("\(notImages) file(s) without Pixel Data (DICOMDIR, reports…) left out\n") }
        if !quiet { writeOut("printing \(images.count) image(s) on \(films.count) film(s) of \(format) to \(printer)\n") }
        let outcome: PrintOutcome
        do {
            outcome = try await PrintSCU.print(session: session, films: films, using: client) { n, total in
                if !quiet { writeOut("film \(n)/\(total) printed\n") }
            }
        } catch let e as AssociationError {
            printError("error: \(printer): \(e)"); throw ExitCode(2)
        } catch {
            printError("error: \(printer): \(error)"); throw ExitCode(1)
        }
        for w in outcome.warnings { printError("warning: \(w)") }
        if outcome.annotationsDropped > 0 {
            printError("warning: \(outcome.annotationsDropped) annotation(s) not printed: the printer has no Basic Annotation Box for them")
        }
        let status = outcome.printerStatus.map { ", printer status \($0)\(outcome.printerStatusInfo.map { " (\($0))" } ?? "")" } ?? ""
        writeOut("printed \(outcome.filmsPrinted) film(s), \(outcome.imagesPrinted) image(s) on \(printer)\(status)\n")
        if refused > 0 { printError("\(refused) file(s) were not printed (listed above)"); throw ExitCode(1) }
    }

    /// Files read and sorted as a viewer orders them: study, series number, instance number, path.
    static func orderedFiles(_ paths: [String]) throws -> [DICOMFile] {
        var files: [(key: (String, Int, Int, String), file: DICOMFile)] = []
        for p in paths {
            do {
                let f = try Part10Reader.read(path: p, options: .default)
                let ds = f.dataSet
                files.append(((ds.string(.studyInstanceUID) ?? "", ds.int(.seriesNumber) ?? 0, ds.int(.instanceNumber) ?? 0, p), f))
            } catch {
                printError("skipped \(p): \(error)")
            }
        }
        return files.sorted { $0.key < $1.key }.map(\.file)
    }
}
