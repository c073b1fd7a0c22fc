/// Why `MediaChecker` could not check a medium at all.
public enum MediaCheckError: Error, Sendable, CustomStringConvertible {
    /// The source cannot be opened or listed.
    case unreadable(MediaSourceError)
    /// The requested application profile is not one of the known PS3.11 profiles.
    case unknownProfile(String, known: [String])
    /// The profile tables could not be loaded.
    case profilesUnavailable(String)

    public var description: String {
        switch self {
        case .unreadable(let e): return "\(e)"
        case .unknownProfile(let p, let known): return "unknown application profile \"\(p)\"; known profiles: \(known.joined(separator: ", "))"
        case .profilesUnavailable(let why): return "the application profiles cannot be loaded (\(why)); check the Media data folder is installed"
        }
    }
}
