// libFuzzer harness for the DICOM Upper Layer PDU decoder (PS3.8 §9.3).
//
// Built as a libFuzzer fuzzer or as a replay tool; see Sources/FuzzHarness/FuzzHarness.swift.

import FuzzHarness
import Network
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Feeds arbitrary bytes to the PDU decoder: decode, re-encode, decode must agree; never trap.
func fuzzPDU(_ bytes: [UInt8]) {
    PDUFuzzing.feed(bytes)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzPDU(FuzzHarness.bytes(data, size))
    return 0
}

#if LIGHTBOX_FUZZ
@_cdecl("PDUFuzz_main")
public func pduFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzHarness.runLibFuzzer(argc, argv) { data, size in
        fuzzPDU(FuzzHarness.bytes(data, size))
        return 0
    }
}
#else
@main
struct PDUFuzzReplay {
    static func main() { FuzzHarness.replay(tool: "PDUFuzz", what: "PDU", fuzzPDU) }
}
#endif
