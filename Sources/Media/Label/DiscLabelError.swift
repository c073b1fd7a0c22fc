import Graphics

/// Why a disc label or case insert could not be made.
public enum DiscLabelError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The layout file does not exist (`searched` says where it was looked for).
    case layoutMissing(path: String, searched: [String])
    /// The layout file is not valid JSON or breaks a rule of Layouts/README.md.
    case layoutMalformed(path: String, reason: String)
    /// The label data cannot be drawn (e.g. `volume` outside 1…`volumeCount`).
    case invalidLabel(reason: String)
    /// Drawing or writing the PDF failed (fonts, Cairo, file system).
    case graphics(GraphicsError)

    public var description: String {
        switch self {
        case .layoutMissing(let p, let s):
            return "disc label layout \(p) does not exist; restore Layouts/disc-label.json or set LIGHTBOX_LAYOUTS to a folder holding one"
                + (s.isEmpty ? "" : " (looked in: \(s.joined(separator: ", ")))")
        case .layoutMalformed(let p, let r):
            return "disc label layout \(p) is malformed: \(r); see Layouts/README.md for the format"
        case .invalidLabel(let r):
            return "cannot make the disc label: \(r)"
        case .graphics(let g):
            return "cannot make the disc label: \(g)"
        }
    }
}
