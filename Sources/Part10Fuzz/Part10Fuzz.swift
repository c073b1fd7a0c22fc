// libFuzzer harness for the Part 10 parser (PS3.10 files and bare data sets).
//
// Built as a libFuzzer fuzzer or as a replay tool; see Sources/FuzzHarness/FuzzHarness.swift.

import FuzzHarness
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
    fuzzPart10(FuzzHarness.bytes(data, size))
    return 0
}

#if LIGHTBOX_FUZZ
@_cdecl("Part10Fuzz_main")
public func part10FuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzHarness.runLibFuzzer(argc, argv) { data, size in
        fuzzPart10(FuzzHarness.bytes(data, size))
        return 0
    }
}
#else
@main
struct Part10FuzzReplay {
    static func main() { FuzzHarness.replay(tool: "Part10Fuzz", what: "Part 10", fuzzPart10) }
}
#endif
