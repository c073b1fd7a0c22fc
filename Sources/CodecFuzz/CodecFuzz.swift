// libFuzzer harness for the Swift codecs: JPEG Lossless (Process 14) and RLE Lossless decoders.
//
// Two builds from this one file:
//   * fuzzer (scripts/fuzz.sh, `make fuzz`):
//       swift build -c release --product CodecFuzz -Xswiftc -sanitize=fuzzer,address \
//           -Xswiftc -parse-as-library -Xswiftc -DLIGHTBOX_FUZZ
//     libFuzzer supplies `main` and calls `LLVMFuzzerTestOneInput` for every input.
//   * plain `swift build`: a replay tool. `CodecFuzz FILE...` runs the same function over each
//     file (e.g. a crash artifact from fuzz-artifacts/) so a crash can be reproduced and debugged
//     without the sanitizer build.
//
// The file must not be called main.swift: with `-parse-as-library` top-level code is not allowed,
// and without it a `@main` type is not allowed in main.swift.
import Imaging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The first byte picks the decoder (even: JPEG Lossless, odd: RLE); the rest is the stream.
/// Any thrown error is fine; a trap is a bug.
func fuzzCodec(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let stream = Array(bytes.dropFirst())
    if first & 1 == 0 { CodecFuzzing.jpegLossless(stream) } else { CodecFuzzing.rle(stream) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzCodec(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if LIGHTBOX_FUZZ
// SwiftPM links executables with `--defsym main=<module>_main` (so tests can link them), which keeps
// libFuzzer's own `main` out: supply that entry point and hand over to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("CodecFuzz_main")
public func codecFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        fuzzCodec(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
}
#else
/// Replay: `CodecFuzz FILE...` runs the fuzz function over each file.
@main
struct CodecFuzzReplay {
    static func main() {
        let paths = Array(CommandLine.arguments.dropFirst())
        if paths.isEmpty {
            print("usage: CodecFuzz FILE...   (replays inputs through the Part 10 fuzz function;")
            print("       scripts/fuzz.sh builds the libFuzzer version)")
            exit(2)
        }
        for path in paths {
            guard let bytes = readWholeFile(path) else {
                print("\(path): cannot read"); exit(1)
            }
            fuzzCodec(bytes)
            print("\(path): ok (\(bytes.count) bytes)")
        }
    }

    static func readWholeFile(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0 ..< n])
        }
        return out
    }
}
#endif
