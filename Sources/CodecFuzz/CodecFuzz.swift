// libFuzzer harness for the Swift codecs: JPEG Lossless (Process 14), JPEG-LS lossless grey and
// RLE Lossless decoders.
//
// Built as a libFuzzer fuzzer or as a replay tool; see Sources/FuzzHarness/FuzzHarness.swift.

import FuzzHarness
import Imaging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The first byte picks the decoder (modulo 3: JPEG Lossless, RLE, JPEG-LS); the rest is the
/// stream. Any thrown error is fine; a trap is a bug.
func fuzzCodec(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let stream = Array(bytes.dropFirst())
    switch first % 3 {
    case 0: CodecFuzzing.jpegLossless(stream)
    case 1: CodecFuzzing.rle(stream)
    default: CodecFuzzing.jpegLS(stream)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzCodec(FuzzHarness.bytes(data, size))
    return 0
}

#if LIGHTBOX_FUZZ
@_cdecl("CodecFuzz_main")
public func codecFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzHarness.runLibFuzzer(argc, argv) { data, size in
        fuzzCodec(FuzzHarness.bytes(data, size))
        return 0
    }
}
#else
@main
struct CodecFuzzReplay {
    static func main() { FuzzHarness.replay(tool: "CodecFuzz", what: "codec", fuzzCodec) }
}
#endif
