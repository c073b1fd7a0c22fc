import ArgumentParser
import DICOM
import Foundation
import Imaging

/// `lightbox render`: one frame of a DICOM image to PNG (or PGM/PPM), through the display pipeline
/// of PS3.3 §C.11 (Modality LUT, VOI window or LUT, Presentation LUT) or colour conversion.
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a frame of a DICOM image to PNG.",
        discussion: """
        Monochrome images go through the Modality LUT (rescale or LUT), a VOI window or VOI LUT and \
        the Presentation LUT; MONOCHROME1 is shown inverted. Without --window or --voi the file's \
        first window is used, else its first VOI LUT, else the full range of values. Windows are \
        floored exactly like DCMTK's `dcmj2pnm +Wi 1`. Colour images (RGB, YBR_*, PALETTE COLOR) \
        are converted to RGB.

        The output format follows the file name: .png (default), .pgm/.ppm/.pnm (binary Netpbm).

        Examples:
          lightbox render CT0001.dcm -o ct.png
          lightbox render CT0001.dcm -o lung.png --window -600,1500
          lightbox render MR0001.dcm -o mr.png --voi 2 --size 256x256
          lightbox render cine.dcm -o f10.png --frame 10
          lightbox render CR0001.dcm -o cr16.png --bits 16
        """)

    @Argument(help: "DICOM file to render.", completion: .file())
    var file: String

    @Option(name: .shortAndLong, help: "Output file (.png, .pgm, .ppm).", completion: .file())
    var output: String

    @Option(name: .long, help: "Frame to render, numbered from 1 like dcmj2pnm +F.")
    var frame: Int = 1

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Window center and width, e.g. 40,400 or -600,1500 (LINEAR).", valueName: "C,W"))
    var window: String?

    @Option(name: .long, help: ArgumentHelp("Use the file's VOI number N (from 1): its Nth window, or with --voi-lut its Nth VOI LUT.", valueName: "N"))
    var voi: Int?

    @Flag(name: .long, help: "--voi N selects from the VOI LUT Sequence instead of the windows.")
    var voiLut = false

    @Flag(name: .long, help: "No VOI transformation: stretch the range of values linearly (like dcmj2pnm without +W).")
    var noVoi = false

    @Option(name: .long, help: ArgumentHelp("Resize to W x H pixels (box filter when shrinking, bilinear when enlarging); WxH, Wx or xH keeps the aspect.", valueName: "WxH"))
    var size: String?

    @Option(name: .long, help: "Grey bits per pixel: 8 or 16 (16-bit PNG, or a PGM with maxval 65535).")
    var bits: Int = 8

    @OptionGroup(title: "Workarounds for incorrect JPEG encodings")
    var workarounds: DecoderWorkarounds

    /// `make bench`: time window/level of the frames of FILE (a DICOM file or a folder of them).
    @Flag(name: .long, help: .hidden)
    var benchWindowLevel = false

    @Option(name: .long, help: .hidden)
    var benchIterations = 10

    func validate() throws {
        if benchWindowLevel {
            if benchIterations < 1 { throw ValidationError("--bench-iterations must be at least 1") }
            if let window, Render.parseWindow(window) == nil { throw ValidationError("--window wants CENTER,WIDTH") }
            return
        }
        if window != nil && (voi != nil || noVoi) { throw ValidationError("--window, --voi and --no-voi are exclusive") }
        if voi != nil && noVoi { throw ValidationError("--voi and --no-voi are exclusive") }
        if voiLut && voi == nil { throw ValidationError("--voi-lut needs --voi N") }
        if let voi, voi < 1 { throw ValidationError("--voi counts from 1") }
        if frame < 1 { throw ValidationError("--frame counts from 1") }
        if bits != 8 && bits != 16 { throw ValidationError("--bits must be 8 or 16") }
        if let window, Render.parseWindow(window) == nil {
            throw ValidationError("--window wants CENTER,WIDTH with width ≥ 1, e.g. 40,400; got \"\(window)\"")
        }
        if let size, Render.parseSize(size) == nil {
            throw ValidationError("--size wants WxH (or Wx / xH), e.g. 512x512; got \"\(size)\"")
        }
    }

    static func parseWindow(_ s: String) -> Window? {
        let parts = s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let c = Double(parts[0]), let w = Double(parts[1]), w >= 1 else { return nil }
        return Window(center: c, width: w)
    }

    static func parseSize(_ s: String) -> (Int?, Int?)? {
        let parts = s.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let w = parts[0].isEmpty ? nil : Int(parts[0]), h = parts[1].isEmpty ? nil : Int(parts[1])
        if (!parts[0].isEmpty && w == nil) || (!parts[1].isEmpty && h == nil) { return nil }
        if w == nil && h == nil { return nil }
        if let w, w < 1 { return nil }
        if let h, h < 1 { return nil }
        return (w, h)
    }

    func run() throws {
        if benchWindowLevel {
            try Render.benchWindowLevel(path: file, window: window.flatMap(Render.parseWindow), iterations: benchIterations)
            return
        }
        do {
            let dicom = try Part10Reader.read(path: file, options: .default)
            let selection: VOISelection
            if let window, let w = Render.parseWindow(window) { selection = .window(w) }
            else if let voi { selection = voiLut ? .fileLUT(voi - 1) : .fileWindow(voi - 1) }
            else if noVoi { selection = .none }
            else { selection = .automatic }
            var warnings: [String] = []
            var image = try Renderer.render(file: dicom, frame: frame - 1, voi: selection,
                                            format: bits == 16 ? .gray16 : .automatic,
                                            decoding: workarounds.options, warnings: &warnings)
            for w in warnings { printError("warning: \(file): \(w)") }
            if let size, let (w, h) = Render.parseSize(size) {
                let nw = w ?? max(1, Int((Double(h!) * Double(image.width) / Double(image.height)).rounded()))
                let nh = h ?? max(1, Int((Double(w!) * Double(image.height) / Double(image.width)).rounded()))
                image = Resampler.resize(image, width: nw, height: nh)
            }
            let ext = (output as NSString).pathExtension.lowercased()
            if ["pgm", "ppm", "pnm"].contains(ext) {
                try PNMWriter.write(image, to: output)
            } else {
                try PNGWriter.write(image, to: output)
            }
        } catch let e as RenderingError {
            throw RenderFailure(message: "\(e)".hasPrefix(file) ? "\(e)" : "\(file): \(e)")
        } catch ImagingError.frameOutOfRange(_, let count, _) {
            throw RenderFailure(message: "\(file): frame \(frame) requested but the image has \(count) frame\(count == 1 ? "" : "s") (numbered from 1)")
        } catch let e as ImagingError {
            throw RenderFailure(message: "\(e)".hasPrefix(file) ? "\(e)" : "\(file): \(e)")
        } catch let e as BitmapFile.WriteError {
            throw RenderFailure(message: "\(e)")
        } catch {
            throw RenderFailure(message: "\(error)".contains(file) ? "\(error)" : "\(file): \(error)")
        }
    }
}

extension Render {
    /// `--bench-window-level`: window/level of real 16-bit frames to 8-bit grey through the
    /// precomputed 64K-entry table (`GrayscaleTable.apply`, as `render` does), on one core. Every
    /// frame of PATH (a file, or the `.dcm` files of a folder) is decoded and its table built
    /// (from its Modality LUT and `window`, else its own window) before the clock starts; the
    /// clock covers `iterations` passes over all frames. Prints `frames= pixels= iterations=
    /// seconds= gpixel_per_s= checksum=`, the checksum being the sum of one pass's output bytes
    /// (a reference doing the same work prints the same sum).
    static func benchWindowLevel(path: String, window: Window?, iterations: Int) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw RenderFailure(message: "\(path): no such file or folder")
        }
        let files = isFolder.boolValue ? try FileWalker.files(in: [path]).filter { $0.hasSuffix(".dcm") }.sorted() : [path]
        var jobs: [(table: GrayscaleTable<UInt8>, frame: DecodedFrame)] = []
        var pixelCount = 0
        for f in files {
            let dicom = try Part10Reader.read(path: f, options: .default)
            let pixels = try ImagePixelData(file: dicom)
            let renderer = try Renderer(dataSet: dicom.dataSet, description: pixels.description, path: f)
            for i in 0 ..< pixels.frameCount {
                let frame = try pixels.decodeFrame(i)
                let range: ClosedRange<Int>
                switch frame.samples {
                case .int16: range = -32768 ... 32767
                case .uint16: range = 0 ... 65535
                default: throw RenderFailure(message: "\(f): --bench-window-level takes 16-bit monochrome frames only")
                }
                let table: GrayscaleTable<UInt8> = try renderer.pipeline(for: frame, voi: window.map { .window($0) } ?? .automatic)
                    .table(for: range)
                jobs.append((table, frame)); pixelCount += frame.samples.count
            }
        }
        guard !jobs.isEmpty else { throw RenderFailure(message: "\(path): no frames") }
        var check = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0 ..< iterations {
            for j in jobs {
                let out = j.table.apply(to: j.frame.samples)
                check &+= Int(out[out.count / 2])
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if check == -1 { print("") }   // keeps the loop from being optimised away
        var sum = 0
        for j in jobs { for v in j.table.apply(to: j.frame.samples) { sum += Int(v) } }
        print(String(format: "frames=%d pixels=%d iterations=%d seconds=%.6f gpixel_per_s=%.3f checksum=%d",
                     jobs.count, pixelCount, iterations, seconds, Double(pixelCount * iterations) / seconds / 1e9, sum))
    }
}

/// A render failure, printed as `error: FILE: reason` with exit status 1.
struct RenderFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
