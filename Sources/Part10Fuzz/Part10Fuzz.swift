// libFuzzer harness for the Part 10 parser (PS3.10 files and bare data sets).
//
// Two builds from this one file:
//   * fuzzer (scripts/fuzz.sh, `make fuzz`):
//       swift build -c release --product Part10Fuzz -Xswiftc -sanitize=fuzzer,address \
//           -Xswiftc -parse-as-library -Xswiftc -DLIGHTBOX_FUZZ
//     libFuzzer supplies `main` and calls `LLVMFuzzerTestOneInput` for every input.
//   * plain `swift build`: a replay tool. `Part10Fuzz FILE...` runs the same function over each
//     file (e.g. a crash artifact from fuzz-artifacts/) so a crash can be reproduced and debugged
//     without the sanitizer build.
//
// The file must not be called main.swift: with `-parse-as-library` top-level code is not allowed,
// and without it a `@main` type is not allowed in main.swift.
import DICOM
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads `bytes` in both truncation policies and header-only; whatever reads is written back and
/// read again.
/// Any thrown error is fine (hostile input must give a typed error); a trap is a bug.
func fuzzPart10(_ bytes: [UInt8]) {
    // Header-only reading (`stopBefore`, which rewinds) as well as whole reads.
    for (truncation, stopBefore) in [(TruncationPolicy.reject, nil), (.keepAvailable, nil),
                                     (.reject, Tag(0x7FE0, 0x0010))] {
        // Small limits keep the fuzzer inside its RSS budget; the limits themselves are tested
        // in HostileInputTests.
        let options = ReadOptions(stopBefore: stopBefore, lazyThreshold: nil, maxNestingDepth: 64,
                                  maxValueLength: 16 << 20, truncation: truncation)
        let file: DICOMFile
        do {
            file = try Part10Reader.read(bytes: bytes, options: options, name: "<fuzz>")
        } catch is DataSetReadError {
            continue
        } catch {
            fatalError("Part10Reader threw an untyped error: \(error)")
        }
        // Exercise what a reader of the result touches.
        _ = file.dataSet.specificCharacterSet
        for element in file.dataSet.elements { _ = element.valueLength }
        let encoded: [UInt8]
        do {
            encoded = try Part10Writer.encode(file)
        } catch {
            continue  // e.g. a transfer syntax the writer cannot produce: refused, not trapped
        }
        do {
            _ = try Part10Reader.read(bytes: encoded, options: options, name: "<fuzz re-read>")
        } catch is DataSetReadError {
            // Writing what was read may legitimately fail to re-read (e.g. a value that was
            // lenient on input); it must still be a typed error.
        } catch {
            fatalError("Part10Reader threw an untyped error on re-read: \(error)")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzPart10(Array(UnsafeBufferPointer(start: data, count: size)))
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

@_cdecl("Part10Fuzz_main")
public func part10FuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        fuzzPart10(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
}
#else
/// Replay: `Part10Fuzz FILE...` runs the fuzz function over each file.
@main
struct Part10FuzzReplay {
    static func main() {
        let paths = Array(CommandLine.arguments.dropFirst())
        if paths.isEmpty {
            print("usage: Part10Fuzz FILE...   (replays inputs through the Part 10 fuzz function;")
            print("       scripts/fuzz.sh builds the libFuzzer version)")
            exit(2)
        }
        for path in paths {
            guard let bytes = readWholeFile(path) else {
                print("\(path): cannot read"); exit(1)
            }
            fuzzPart10(bytes)
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
