import ArgumentParser

/// The `lightbox` command: DICOM media interchange and print suite.
@main
struct Lightbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lightbox",
        abstract: "DICOM media interchange and print suite: burn patient discs, print films, import media.",
        discussion: """
        Start with `lightbox synth DIR` to make a sample study, then `lightbox dump FILE` to look inside it.
        Every command has its own --help.
        """,
        version: "0.1.0",
        subcommands: [Dump.self, Index.self, Transcode.self, Synth.self, Render.self, Echo.self, Send.self, StoreServer.self, Find.self, Retrieve.self, PrintServerCommand.self, PrintCommand.self, DICOMDIRCommand.self, Burn.self, Ls.self, Import.self, Check.self])
}
