import ArgumentParser
import DICOM
import Foundation
import Imaging

/// The transfer syntaxes `transcode` writes.
enum SyntaxChoice: String, ExpressibleByArgument, CaseIterable {
    case explicitLE = "explicit-le", implicitLE = "implicit-le", explicitBE = "explicit-be", deflated
    case jpegLossless = "jpeg-lossless", jpegBaseline = "jpeg-baseline", rle

    var transferSyntax: TransferSyntax {
        switch self {
        case .explicitLE: return .explicitVRLittleEndian
        case .implicitLE: return .implicitVRLittleEndian
        case .explicitBE: return .explicitVRBigEndian
        case .deflated: return .deflatedExplicitVRLittleEndian
        case .jpegLossless: return .jpegLosslessSV1
        case .jpegBaseline: return .jpegBaseline
        case .rle: return .rleLossless
        }
    }
}

/// `lightbox transcode`: rewrite files in another transfer syntax, a folder in to a folder out.
struct Transcode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite DICOM files in another transfer syntax.",
        discussion: """
        A file in gives a file out; a folder in gives a folder out with the same layout. Files are \
        processed in parallel on every core; each output is written under a temporary name and \
        renamed only when complete, so an interrupted run never leaves a partial file. Every output \
        is a PS3.10 file with preamble and File Meta Information, also when the input was a bare \
        data set. A truncated input (cut inside its File Meta Information or a value) is refused, \
        and so is native pixel data shorter than its Image Pixel attributes say, unless \
        --keep-short-pixel-data.

        Syntaxes: explicit-le (Explicit VR Little Endian), implicit-le, explicit-be, deflated \
        (these decompress compressed pixel data), jpeg-lossless (JPEG Lossless SV1, .70), \
        jpeg-baseline (JPEG Baseline, .50, 8-bit, lossy: --quality), rle (RLE Lossless). \
        Photometric Interpretation, Planar Configuration and Lossy Image Compression are updated. \
        Already-lossy pixel data is not re-encoded lossily unless --allow-lossy-recompression; \
        video is never decoded.

        Examples:
          lightbox transcode study/ study-ele/ --syntax explicit-le
          lightbox transcode IMG00001 small.dcm --syntax deflated
          lightbox transcode ct/ ct-jpll/ --syntax jpeg-lossless
          lightbox transcode us/ us-jpeg/ --syntax jpeg-baseline --quality 85
        """)

    @Argument(help: "Input file or folder.", completion: .file())
    var input: String

    @Argument(help: "Output file or folder (created).", completion: .file())
    var output: String

    @Option(name: .long, help: "Transfer syntax to write: \(SyntaxChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var syntax: SyntaxChoice = .explicitLE

    @Option(name: .long, help: "JPEG Baseline quality, 1-100.")
    var quality: Int = 90

    @Flag(name: .long, help: "Allow re-encoding already lossy pixel data with a lossy syntax.")
    var allowLossyRecompression = false

    @Flag(name: .long, help: "fsync each file before renaming it into place.")
    var durable = false

    @Flag(name: .customLong("keep-short-pixel-data"),
          help: "Pass on native pixel data shorter than Rows × Columns × Samples × Bits Allocated × Frames (or odd in OW) with a warning, instead of refusing the file.")
    var keepShortPixelData = false

    @OptionGroup(title: "Workarounds for incorrect JPEG encodings")
    var workarounds: DecoderWorkarounds

    func validate() throws {
        guard (1 ... 100).contains(quality) else { throw ValidationError("--quality must be 1-100") }
    }

    func run() throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir) else { throw CLIError.missingInput(input) }
        let pairs: [(String, String)]
        if isDir.boolValue {
            let files = try FileWalker.files(in: [input])
            let base = (input as NSString).standardizingPath
            pairs = files.map { f in
                let rel = String((f as NSString).standardizingPath.dropFirst(base.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                return (f, (output as NSString).appendingPathComponent(rel))
            }
            let dirs = Set(pairs.map { ($0.1 as NSString).deletingLastPathComponent })
            for d in dirs { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        } else {
            pairs = [(input, output)]
        }
        let target = syntax.transferSyntax
        let progress = ProgressBar(total: pairs.count, label: "transcode")
        let durable = self.durable
        var decoding = workarounds.options
        // Files are decoded in parallel on every core: one thread per frame.
        if pairs.count > 1 { decoding.threadsPerFrame = 1 }
        let transcoder = Transcoder(options: EncodingOptions(quality: quality), decoding: decoding,
                                    allowLossyReencoding: allowLossyRecompression, keepShortPixelData: keepShortPixelData)
        let failures: [String?] = parallelMap(pairs.count) { i in
            let (src, dst) = pairs[i]
            do {
                let file = try Part10Reader.read(path: src)
                var warnings: [String] = []
                var converted = try transcoder.transcode(file, to: target, warnings: &warnings)
                // The output is always a PS3.10 file: a bare data set in gets a preamble and File Meta.
                if converted.preamble == nil { converted.preamble = [UInt8](repeating: 0, count: 128) }
                for w in warnings { printError("warning: \(src): \(w)") }
                // Video comes back in its own syntax: copied, never decoded.
                try Part10Writer.write(converted, to: dst, as: converted.transferSyntax, durable: durable)
                let size = (try? FileManager.default.attributesOfItem(atPath: dst)[.size] as? UInt64) ?? 0
                progress.advance(bytes: size ?? 0)
                return nil
            } catch {
                progress.advance()
                return "\(src): \(error)"
            }
        }
        progress.finish()
        let failed = failures.compactMap { $0 }
        for f in failed { printError("error: \(f)") }
        if !failed.isEmpty { throw CLIError.failures(failed.count, of: pairs.count) }
    }
}
