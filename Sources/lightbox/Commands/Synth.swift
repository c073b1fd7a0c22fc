import ArgumentParser
import DICOM

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a synthetic test study (placeholder).")
    @Argument var directory: String
    func run() throws {}
}
