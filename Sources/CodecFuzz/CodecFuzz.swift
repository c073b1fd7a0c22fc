// libFuzzer harness for the codecs Lightbox owns: the Swift JPEG Lossless (Process 14), JPEG-LS
// lossless grey and RLE Lossless decoders, and the HTJ2K path through COpenJPHShim and OpenJPH.
//
// Built as a libFuzzer fuzzer or as a replay tool; see Sources/FuzzHarness/FuzzHarness.swift.

import FuzzHarness
import Imaging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The first byte picks the decoder (modulo 4: JPEG Lossless, RLE, JPEG-LS, HTJ2K); the rest is
/// the stream. Any thrown error is fine; a trap is a bug.
func fuzzCodec(_ bytes: [UInt8]) {
    guard let first = bytes.first else { return }
    let stream = Array(bytes.dropFirst())
    switch first % 4 {
    case 0: CodecFuzzing.jpegLossless(stream)
    case 1: CodecFuzzing.rle(stream)
    case 2: CodecFuzzing.jpegLS(stream)
    default: CodecFuzzing.htj2k(stream)
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
