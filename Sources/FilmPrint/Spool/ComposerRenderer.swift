import DICOM

/// Renders spooled films with the film composer. (Branch placeholder until the composer lands.)
public struct ComposerRenderer: FilmRenderer {
    public init() {}
    public func render(film: DataSet, index: Int, job: PrintJob, into folder: String) throws -> [String] {
        throw PrintSpoolError.cannotWrite(path: folder, reason: "the film composer is not built yet")
    }
}
