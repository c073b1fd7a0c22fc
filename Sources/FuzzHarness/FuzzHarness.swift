// What every libFuzzer executable of Lightbox shares (Part10Fuzz, PDUFuzz, CodecFuzz).
//
// Each executable is built two ways from one file:
//   * fuzzer (scripts/fuzz.sh, `make fuzz`):
//       swift build -c release --product NAME -Xswiftc -sanitize=fuzzer,address \
//           -Xswiftc -parse-as-library -Xswiftc -DLIGHTBOX_FUZZ
//     libFuzzer calls the executable's `LLVMFuzzerTestOneInput` for every input. SwiftPM links
//     executables with `--defsym main=<module>_main`, which keeps libFuzzer's own `main` out, so the
//     executable defines `<module>_main` and hands over to `FuzzHarness.runLibFuzzer`.
//   * plain `swift build`: a replay tool. `NAME FILE...` runs the same fuzz function over each file
//     (e.g. a crash artifact from fuzz-artifacts/) through `FuzzHarness.replay`, so a crash can be
//     reproduced and debugged without the sanitizer build.
//
// An executable's file must not be called main.swift: with `-parse-as-library` top-level code is
// not allowed, and without it a `@main` type is not allowed in main.swift.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if LIGHTBOX_FUZZ
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

public enum FuzzHarness {
    /// libFuzzer's input as an array (empty for a null pointer or size 0).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    #if LIGHTBOX_FUZZ
    /// Runs libFuzzer's driver with `callback` as the test function. Only in the fuzzer build,
    /// where the sanitizer runtime provides `LLVMFuzzerRunDriver`.
    public static func runLibFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, callback)
    }
    #endif

    /// Replays every file named on the command line through `fuzz`; exits 2 without arguments.
    public static func replay(tool: String, what: String, _ fuzz: ([UInt8]) -> Void) {
        let paths = Array(CommandLine.arguments.dropFirst())
        if paths.isEmpty {
            print("usage: \(tool) FILE...   (replays inputs through the \(what) fuzz function;")
            print("       scripts/fuzz.sh builds the libFuzzer version)")
            exit(2)
        }
        for path in paths {
            guard let bytes = readWholeFile(path) else {
                print("\(path): cannot read"); exit(1)
            }
            fuzz(bytes)
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
