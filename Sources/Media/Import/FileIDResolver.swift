import Foundation

/// Finds the file a DICOMDIR record's Referenced File ID (0004,1500) names on a medium, tolerating
/// what writers in the field get wrong, and refuses IDs that could lead off the medium.
///
/// PS3.10 §8.2 and §8.5: a File ID is 1–8 components of 1–8 characters from A–Z, 0–9 and `_`,
/// relative to the root of the file set. Tolerated, in this order: the exact path, without an ISO
/// 9660 `;1` version, without a trailing full stop, case-insensitively, with `.dcm` appended.
public struct FileIDResolver: Sendable {
    /// How a File ID was matched.
    public enum Match: String, Sendable, Equatable {
        case exact, withoutVersion, withoutTrailingDot, caseInsensitive, withDCMExtension
    }

    /// Why a File ID is refused (never followed).
    public enum Refusal: Sendable, Equatable, CustomStringConvertible {
        case empty
        case emptyComponent
        case parentReference
        case absolute
        case separatorInComponent(String)

        public var description: String {
            switch self {
            case .empty: return "it is empty"
            case .emptyComponent: return "it has an empty component"
            case .parentReference: return "it has a \"..\" component that would lead outside the medium"
            case .absolute: return "it is an absolute path"
            case .separatorInComponent(let c): return "its component \"\(c)\" holds a path separator"
            }
        }
    }

    private let exact: [String: String]
    private let folded: [String: String]

    /// - Parameter paths: every file's translated path on the medium.
    public init(paths: [String]) {
        var exact: [String: String] = [:]
        var folded: [String: String] = [:]
        for p in paths {
            exact[p] = p
            let key = Self.fold(p)
            if folded[key] == nil { folded[key] = p }
        }
        self.exact = exact
        self.folded = folded
    }

    /// Nil when the components are safe to look up, else why not.
    public static func refusal(_ components: [String]) -> Refusal? {
        if components.isEmpty { return .empty }
        for (i, c) in components.enumerated() {
            if c.isEmpty || c.allSatisfy({ $0 == " " }) { return .emptyComponent }
            if i == 0, c.hasPrefix("/") || c.hasPrefix("\\") { return .absolute }
            if c.utf8.contains(where: { $0 == 0x2F || $0 == 0x5C || $0 == 0 }) { return .separatorInComponent(c) }  // / \ NUL
            if c == ".." || c == "." { return .parentReference }
        }
        return nil
    }

    /// The path on the medium and how it matched, nil when no file fits. Check `refusal` first.
    public func resolve(_ components: [String]) -> (path: String, match: Match)? {
        let trimmed = components.map { $0.trimmingPadding }
        let joined = trimmed.joined(separator: "/")
        if let p = exact[joined] { return (p, .exact) }
        let noVersion = trimmed.map(Self.stripVersion).joined(separator: "/")
        if let p = exact[noVersion] { return (p, .withoutVersion) }
        let noDot = trimmed.map(Self.stripVersionAndDot).joined(separator: "/")
        if let p = exact[noDot] { return (p, .withoutTrailingDot) }
        if let p = folded[Self.fold(noDot)] { return (p, .caseInsensitive) }
        if let p = folded[Self.fold(noDot + ".dcm")] { return (p, .withDCMExtension) }
        return nil
    }

    /// "IMG1;1" → "IMG1".
    public static func stripVersion(_ name: String) -> String {
        guard let semi = name.lastIndex(of: ";"), name[name.index(after: semi)...].allSatisfy(\.isNumber) else { return name }
        return String(name[..<semi])
    }

    /// "IMG1.;1" → "IMG1".
    public static func stripVersionAndDot(_ name: String) -> String {
        var s = stripVersion(name)
        while s.hasSuffix("."), s.count > 1 { s.removeLast() }
        return s
    }

    /// Lowercased, each component without version and trailing dot.
    static func fold(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { stripVersionAndDot(String($0)).lowercased() }.joined(separator: "/")
    }
}
