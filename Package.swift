// swift-tools-version:6.0
// Lightbox — DICOM media interchange and print suite. GPL-3.0-or-later.
import PackageDescription

let package = Package(
    name: "Lightbox",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lightbox", targets: ["lightbox"]),
        .library(name: "DICOM", targets: ["DICOM"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C shims: one small system-library target per C library.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),

        // Layer 0: tags, VRs, dictionary, data sets, Part 10, character sets.
        .target(name: "DICOM", dependencies: ["CZlib"], path: "Sources/DICOM"),

        // The command-line program: thin, parses options and calls modules.
        .executableTarget(
            name: "lightbox",
            dependencies: [
                "DICOM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/lightbox"),

        // libFuzzer harness for the Part 10 parser (built by `make fuzz`).
        .executableTarget(name: "Part10Fuzz", dependencies: ["DICOM"], path: "Sources/Part10Fuzz"),

        .testTarget(name: "DICOMTests", dependencies: ["DICOM"], path: "Tests/DICOMTests"),
        .testTarget(name: "ConformanceTests", dependencies: ["DICOM"], path: "Tests/ConformanceTests"),
    ]
)
