import DICOM
import Foundation
import Synthesis
import XCTest

/// What the burn tests share: a synthetic study, and a burn stopped by SIGTERM in a given phase.
enum BurnFixtures {
    /// A study written by `StudyGenerator` without noise (small, fast): `images` per series of
    /// `size`×`size`, the patient named in `charset`.
    static func synth(_ folder: URL, charset: SynthesisOptions.CharacterSet, seed: UInt64, images: Int = 3, size: Int = 32) throws {
        var o = SynthesisOptions()
        o.imagesPerSeries = images; o.rows = size; o.columns = size; o.characterSet = charset; o.seed = seed; o.noise = false
        o.concurrency = 2
        try StudyGenerator(options: o).write(to: folder.path)
    }

    /// Runs `lightbox` with `arguments` (which must include `--plain-progress`) and sends SIGTERM
    /// once it reports "volume 1 PHASE:" — synchronised on what the burn says it is doing, not on
    /// a delay that a fast or busy machine makes wrong. Returns whether the phase was reached,
    /// the exit status and everything it wrote to stderr.
    static func terminate(_ lightbox: String, _ arguments: [String], inPhase phase: String) throws -> (reached: Bool, status: Int32, message: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: lightbox)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        p.standardError = err
        try p.run()
        var seen = ""
        while !seen.contains("volume 1 \(phase):") {
            let chunk = err.fileHandleForReading.availableData  // blocks until output or EOF
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        let reached = seen.contains("volume 1 \(phase):")
        p.terminate()  // SIGTERM
        p.waitUntilExit()
        let message = seen + String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (reached, p.terminationStatus, message)
    }

    /// The ideographic name of a source file's patient, as written in Chinese ("王志誠"), its
    /// DICOM form and the file's Specific Character Set.
    static func ideographicName(in folder: URL) throws -> (display: String, dicom: String, charset: String) {
        let file = try Part10Reader.read(path: Oracles.files(under: folder)[0], options: .headerOnly)
        let pn = try XCTUnwrap(file.dataSet.personName(.patientName))
        let g = pn.ideographic.isEmpty ? pn.alphabetic : pn.ideographic
        return (g.familyName + g.givenName, g.familyName + "^" + g.givenName, try XCTUnwrap(file.dataSet.string(.specificCharacterSet)))
    }
}
