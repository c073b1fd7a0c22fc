import ArgumentParser
import DICOM
import Foundation
import Synthesis

/// `lightbox synth`: write a synthetic test study of the Shepp–Logan head phantom.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic test study (Shepp–Logan phantom CT or MR).",
        discussion: """
        Makes patients × studies × series × images DICOM files of a 3-D Shepp–Logan head phantom, \
        with realistic CT (Hounsfield units) or MR (T2, T1, FLAIR) values, complete patient, study, \
        series, equipment and image-plane attributes, and Chinese (or European) patient names in \
        the character set you choose. Each study's head is a little different; --seed makes a run \
        repeatable byte for byte (same UIDs too — do not send two runs with one seed to one PACS).

        Files are laid out as
          DIR/PAT00001/STU00001/SER00001/IMG00001.dcm
        one folder per patient, study and series, one file per image, numbered from 1 (the image \
        number is its Instance Number). --no-extension drops ".dcm" so the names can be used as \
        File IDs on DICOM media.

        Character sets (--charset):
          gb18030       GB18030 (default), e.g. Wang^Zhicheng=王^志誠
          gbk           GBK; 誠 is D5 5C: a second byte that looks like '\\'
          iso2022-ir58  \\ISO 2022 IR 58: GB 2312 with escape sequences
          utf8          ISO_IR 192 (UTF-8)
          latin1        ISO_IR 100, European names, e.g. Müller^Jürgen
          ascii         no Specific Character Set; names in pinyin
        The first patient's name always has a character whose second GBK byte is \
        0x5C when the character set can hold one.

        Examples:
          lightbox synth demo
          lightbox synth demo --patients 3 --studies 2 --series 2 --images 40
          lightbox synth mr --modality MR --series 3 --size 256 --charset gbk
          lightbox synth names --charset gb18030 --names ideographic --images 1
          lightbox synth be --syntax explicit-be --charset iso2022-ir58
          lightbox synth big --images 2000 --seed 1      # about 1 GB
        """)

    @Argument(help: "Folder to write the study into (created if needed).", completion: .directory)
    var directory: String

    @Option(help: "Number of patients.")
    var patients: Int = 1

    @Option(help: "Studies per patient.")
    var studies: Int = 1

    @Option(help: "Series per study (CT: soft tissue, bone, standard kernels; MR: T2, T1, FLAIR).")
    var series: Int = 1

    @Option(help: "Images (slices) per series.")
    var images: Int = 24

    @Option(help: "Rows and columns of each image.")
    var size: Int = 512

    @Option(help: "CT or MR.")
    var modality: String = "CT"

    @Option(help: "Transfer syntax: explicit-le, implicit-le, explicit-be or deflated.")
    var syntax: String = "explicit-le"

    @Option(help: "Specific Character Set: gb18030, gbk, iso2022-ir58, utf8, latin1 or ascii.")
    var charset: String = "gb18030"

    @Option(help: "How Chinese names are written: both (Wang^Wei=王^伟), ideographic (王^伟) or pinyin (Wang^Wei).")
    var names: String = "both"

    @Option(help: "Seed for a repeatable study (default: random; the summary shows the one used).")
    var seed: UInt64?

    @Flag(help: "Leave noise out of the phantom (smaller when compressed, exact values for tests).")
    var noNoise = false

    @Flag(help: "Name files IMG00001 instead of IMG00001.dcm (valid PS3.10 File IDs).")
    var noExtension = false

    func validate() throws {
        guard SynthesisOptions.Modality(rawValue: modality.uppercased()) != nil else {
            throw ValidationError("--modality must be CT or MR, not '\(modality)'")
        }
        guard SynthesisOptions.transferSyntax(named: syntax) != nil else {
            throw ValidationError("--syntax must be one of \(SynthesisOptions.transferSyntaxNames.map(\.name).joined(separator: ", ")), not '\(syntax)'")
        }
        guard SynthesisOptions.CharacterSet(rawValue: charset.lowercased()) != nil else {
            throw ValidationError("--charset must be one of \(SynthesisOptions.CharacterSet.allCases.map(\.rawValue).joined(separator: ", ")), not '\(charset)'")
        }
        guard SynthesisOptions.NameStyle(rawValue: names.lowercased()) != nil else {
            throw ValidationError("--names must be both, ideographic or pinyin, not '\(names)'")
        }
        do { try makeOptions().validate() } catch let e as SynthesisError {
            if case .invalidOptions(let why) = e { throw ValidationError(why) }
            throw e
        }
    }

    func makeOptions() -> SynthesisOptions {
        var o = SynthesisOptions()
        o.patients = patients
        o.studiesPerPatient = studies
        o.seriesPerStudy = series
        o.imagesPerSeries = images
        o.rows = size
        o.columns = size
        o.modality = SynthesisOptions.Modality(rawValue: modality.uppercased()) ?? .ct
        o.transferSyntax = SynthesisOptions.transferSyntax(named: syntax) ?? .explicitVRLittleEndian
        o.characterSet = SynthesisOptions.CharacterSet(rawValue: charset.lowercased()) ?? .gb18030
        o.nameStyle = SynthesisOptions.NameStyle(rawValue: names.lowercased()) ?? .both
        o.seed = seed
        o.noise = !noNoise
        o.fileExtension = noExtension ? "" : ".dcm"
        return o
    }

    func run() throws {
        let options = makeOptions()
        let generator = try StudyGenerator(options: options)
        // A progress line only for runs long enough to want one (the bar draws only on a terminal).
        let bar = options.totalFiles >= 50 ? ProgressBar(total: options.totalFiles, label: "synth") : nil
        let summary = try generator.write(to: directory) { p in bar?.advance(bytes: p.fileBytes) }
        bar?.finish()
        let mb = Double(summary.bytes) / 1_048_576
        print(String(format: "%d files, %.1f MiB in %.2f s (%.0f MiB/s), seed %llu, %@",
                     summary.files, mb, summary.seconds, summary.seconds > 0 ? mb / summary.seconds : 0,
                     summary.seed, directory))
    }
}
