import DICOM

/// Somewhere a printed film goes after the print server has rendered it: an archive that stores
/// it as an image (`PACSDestination`, C-STORE of PS3.4 Annex B), or — later — a real printer fed
/// by a print SCU (PS3.4 Annex H). `FilmDelivery` calls `deliver` from its durable outbox until it
/// returns; a destination must therefore tolerate receiving the same film again (after a crash
/// between its success and the outbox update) and should give the film the same identity each
/// time. (Not the Film Destination attribute (2000,0040) of a film session, which names an
/// output bin of the printer.)
public protocol FilmDestination: Sendable {
    /// Names the destination's outbox folder (`SPOOL/outbox/<name>`) and its log lines: letters,
    /// digits, `-`, `_` and `.`, stable across restarts (films waiting under a name are taken up
    /// again only by a destination of the same name).
    var name: String { get }
    /// Where the films go, for people: e.g. `ARCHIVE@pacs.example.org:104`.
    var target: String { get }
    /// Delivers one film: returns when the destination has it, throws otherwise (a
    /// `FilmDeliveryFailure` says whether the destination's other films should wait too).
    /// - Parameters:
    ///   - film: the film as spooled (`FilmRecord`: the Basic Film Box with its image and
    ///     annotation boxes, the structure of a Stored Print object, PS3.3 A.34).
    ///   - rendered: what the print server wrote for it.
    ///   - job: the print job (PS3.4 §H.4.6) the film belongs to.
    func deliver(film: DataSet, rendered: RenderedFilm, job: PrintJob) async throws
}

/// One rendered film of a print job.
public struct RenderedFilm: Sendable, Codable, Equatable {
    /// Position of the film in its job (`film-N.dcm` in the job's spool folder), 1-based.
    public var record: Int
    /// The film's number in its film session (`film-N.pdf`, `.png`, `-preview.png`).
    public var number: Int
    /// The files the renderer wrote (PDF, density PNG, preview PNG; docs/film-output.md).
    public var files: [String]

    public init(record: Int, number: Int, files: [String]) {
        self.record = record; self.number = number; self.files = files
    }
}

/// A delivery failure that knows whether it concerns the whole destination (unreachable, out of
/// resources: its other films would fail the same way and wait too) or only this film.
public protocol FilmDeliveryFailure: Error {
    var destinationUnavailable: Bool { get }
}
