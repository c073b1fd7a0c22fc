import Foundation

/// Deterministic random numbers for test inputs (SplitMix64), shared by every test target. The
/// seed comes from `LIGHTBOX_TEST_SEED` when set, else from the test; it is printed, so a failure
/// reproduces.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    public let seed: UInt64

    public init(defaultSeed: UInt64, label: String) {
        seed = ProcessInfo.processInfo.environment["LIGHTBOX_TEST_SEED"].flatMap { UInt64($0) } ?? defaultSeed
        state = seed
        print("\(label): random inputs from seed \(seed) (LIGHTBOX_TEST_SEED=\(seed) repeats them)")
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
