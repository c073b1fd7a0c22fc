// swift-tools-version:6.0
// Lightbox — DICOM media interchange and print suite. GPL-3.0-or-later.
//
// Modules, dependencies pointing one way, downward (docs/architecture.md):
//   DICOM            tags, VRs, dictionary, data sets, Part 10, character sets, UIDs
//   Imaging          codecs, pixel pipeline, LUTs, GSDF, rendering          -> DICOM
//   Network          Upper Layer, DIMSE, SCP/SCU on SwiftNIO               -> DICOM
//   Synthesis        synthetic studies for tests, benchmarks and the demo  -> DICOM
//   Media            profiles, file sets, DICOMDIR (PS3.10/11/12)          -> DICOM, Imaging
//   FilmPrint        film composition and calibration (PS3.3 C.13, PS3.14) -> DICOM, Imaging, Graphics
//   lightbox         the command-line program                              -> all
import PackageDescription

let package = Package(
    name: "Lightbox",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lightbox", targets: ["lightbox"]),
        .library(name: "DICOM", targets: ["DICOM"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "Network", targets: ["Network"]),
        .library(name: "FilmPrint", targets: ["FilmPrint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
    ],
    targets: [
        // C shims: one small system-library target per C library.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),

        // Layer 0: tags, VRs, dictionary, data sets, Part 10, character sets.
        .target(name: "DICOM", dependencies: ["CZlib"], path: "Sources/DICOM"),

        // Codecs, pixel pipeline, LUTs, GSDF, rendering. C codec libraries sit behind shim targets.
        .target(name: "Imaging", dependencies: ["DICOM", "CZlib", "CJPEGShim", "CCharLS", "COpenJPEG", "COpenJPHShim", "CTurboJPEG"], path: "Sources/Imaging"),
        // libjpeg (8-bit, libjpeg-turbo) and GDCM's 12-bit IJG build behind C wrappers that own setjmp.
        .target(name: "CJPEGShim", path: "Sources/CJPEGShim",
                linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("gdcmjpeg12")]),
        .systemLibrary(name: "CCharLS", path: "Sources/CCharLS", pkgConfig: "charls",
                       providers: [.apt(["libcharls-dev"])]),
        .systemLibrary(name: "COpenJPEG", path: "Sources/COpenJPEG", pkgConfig: "libopenjp2",
                       providers: [.apt(["libopenjp2-7-dev"])]),
        // OpenJPH (HTJ2K) behind a C API that catches every C++ exception. Its headers are in
        // /usr/include/openjph (included as <openjph/…>); Debian 12's openjph.pc is empty, so no
        // pkg-config and no systemLibrary target, only the library to link (libopenjph-dev).
        .target(name: "COpenJPHShim", path: "Sources/COpenJPHShim",
                linkerSettings: [.linkedLibrary("openjph")]),

        // DICOM Upper Layer and DIMSE on SwiftNIO.
        .target(
            name: "Network",
            dependencies: [
                "DICOM",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Network"),

        // Synthetic but realistic studies (Shepp–Logan phantoms) for tests, benchmarks and the demo.
        .target(name: "Synthesis", dependencies: ["DICOM"], path: "Sources/Synthesis"),

        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG", pkgConfig: "libturbojpeg",
                       providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo-ft",
                       providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CIsoburn", path: "Sources/CIsoburn", pkgConfig: "libisoburn-1",
                       providers: [.apt(["libisoburn-dev"])]),
        .systemLibrary(name: "CCdio", path: "Sources/CCdio", pkgConfig: "libiso9660",
                       providers: [.apt(["libiso9660-dev", "libcdio-dev"])]),

        // Page and film composition: Cairo surfaces (PDF, PNG) and text in Latin and CJK fonts
        // found through fontconfig. Used by disc labels now and film printing next.
        .target(name: "Graphics", dependencies: ["CCairo", "Resources"], path: "Sources/Graphics"),
        // Finding the data folders (Media/, Layouts/, Fonts/) next to the program or the sources.
        .target(name: "Resources", path: "Sources/Resources"),

        // Media interchange (PS3.10, PS3.11, PS3.12): application profiles, file sets, DICOMDIR,
        // disc building (staging, IHE PDI, ISO 9660 through libisoburn, read-back through libcdio).
        .target(name: "Media", dependencies: ["DICOM", "Imaging", "Graphics", "Resources", "CIsoburn", "CCdio"], path: "Sources/Media"),

        // Print Management (PS3.4 Annex H, PS3.3 C.13, PS3.14): the print SCP's services over
        // Network's service framework, the durable spool, film sizes, display formats and printer
        // profiles (Layouts/), P-value → optical density, films to PDF, density PNG and preview.
        .target(name: "FilmPrint", dependencies: ["DICOM", "Imaging", "Network", "Graphics", "Resources"], path: "Sources/FilmPrint"),

        // The command-line program: thin, parses options and calls modules.
        .executableTarget(
            name: "lightbox",
            dependencies: [
                "DICOM", "Imaging", "Network", "Synthesis", "Media", "Graphics", "FilmPrint",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/lightbox"),

        // libFuzzer harnesses (built by `make fuzz`), sharing the driver glue in FuzzHarness.
        .target(name: "FuzzHarness", path: "Sources/FuzzHarness"),
        .executableTarget(name: "Part10Fuzz", dependencies: ["DICOM", "FuzzHarness"], path: "Sources/Part10Fuzz"),
        .executableTarget(name: "PDUFuzz", dependencies: ["Network", "FuzzHarness"], path: "Sources/PDUFuzz"),
        .executableTarget(name: "CodecFuzz", dependencies: ["Imaging", "FuzzHarness"], path: "Sources/CodecFuzz"),

        // Helpers shared by the test targets (seeded random inputs).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "DICOMTests", dependencies: ["DICOM", "TestSupport"], path: "Tests/DICOMTests"),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "DICOM"], path: "Tests/ImagingTests"),
        .testTarget(
            name: "NetworkTests",
            dependencies: [
                "Network", "DICOM", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/NetworkTests"),
        .testTarget(name: "SynthesisTests", dependencies: ["Synthesis", "DICOM"], path: "Tests/SynthesisTests"),
        .testTarget(name: "MediaTests", dependencies: ["Media", "DICOM", "Imaging", "TestSupport"], path: "Tests/MediaTests"),
        .testTarget(name: "FilmPrintTests", dependencies: ["FilmPrint", "DICOM", "Imaging", "Graphics", "TestSupport"], path: "Tests/FilmPrintTests"),
        .testTarget(name: "GraphicsTests", dependencies: ["Graphics", "TestSupport"], path: "Tests/GraphicsTests"),
        .testTarget(name: "PrintSCPTests", dependencies: ["FilmPrint", "Network", "DICOM", "TestSupport"], path: "Tests/PrintSCPTests"),
        .testTarget(name: "ConformanceTests", dependencies: ["DICOM", "Imaging", "Synthesis", "Network", "Media", "Graphics", "TestSupport"], path: "Tests/ConformanceTests"),
    ]
)
