import DICOM
import Foundation

/// A print job (PS3.4 §H.4.6): the frozen copy of the film boxes an N-ACTION printed, with who
/// asked and when. It lives in the spool from the moment N-ACTION answers Success until its films
/// are rendered.
public struct PrintJob: Sendable, Codable, Equatable {
    /// Print Job SOP Instance UID.
    public var uid: String
    public var callingAETitle: String
    /// Film Session Label (2000,0050), or the film session UID when there is none.
    public var sessionName: String
    /// When the N-ACTION was answered (UTC, ISO 8601).
    public var created: String
    /// Number of film boxes; each is `film-N.dcm` in the job's folder.
    public var filmCount: Int
    /// Number of Copies (2000,0010) of the session.
    public var copies: Int
    /// Print Priority (2000,0020): HIGH, MED, LOW.
    public var priority: String
    /// The Basic Film Session SOP Instance UID: jobs of one session share its output folder.
    public var sessionUID: String?
    /// The number, within its film session, of this job's first film (film-N): a session's
    /// film-box N-ACTIONs make one job each, and their films must not overwrite each other.
    public var firstFilmNumber: Int?
}

/// Execution Status (2100,0020) of a print job, PS3.3 C.13.10.
public enum PrintJobStatus: String, Sendable, Codable {
    case pending = "PENDING", printing = "PRINTING", done = "DONE", failure = "FAILURE"
}
