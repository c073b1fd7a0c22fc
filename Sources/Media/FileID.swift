import DICOM

/// A File ID, PS3.10 §8.2 and §8.5: 1–8 components of 1–8 characters from `A–Z 0–9 _`, no
/// extension, written in Referenced File ID (0004,1500) as a CS value per component and on the
/// medium as the path `COMP/COMP/NAME`.
public struct FileID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let components: [String]

    public static let maxComponents = 8
    public static let maxComponentLength = 8

    /// Checks the components; throws `FileIDError`.
    public init(components: [String]) throws {
        guard !components.isEmpty, components.count <= Self.maxComponents else {
            throw FileIDError(path: components.joined(separator: "/"),
                              reason: "has \(components.count) components; PS3.10 §8.2 allows 1 to 8")
        }
        for c in components {
            if let problem = Self.problem(component: c) {
                throw FileIDError(path: components.joined(separator: "/"), reason: "component \"\(c)\" \(problem)")
            }
        }
        self.components = components
    }

    /// Parses a relative path with `/` separators, e.g. "DICOM/PAT00001/IMG00001".
    public init(path: String) throws {
        try self.init(components: path.split(separator: "/", omittingEmptySubsequences: false).map(String.init))
    }

    /// Why a component is not allowed, or nil when it is.
    public static func problem(component c: String) -> String? {
        if c.isEmpty { return "is empty" }
        if c.utf8.count > maxComponentLength { return "is longer than 8 characters" }
        if let bad = c.unicodeScalars.first(where: { !isAllowed($0) }) {
            let what = bad == "." ? "'.' (File IDs have no extension)"
                : bad.properties.isLowercase ? "lower case '\(bad)'" : "'\(bad)'"
            return "contains \(what); only A–Z, 0–9 and _ are allowed (PS3.10 §8.5)"
        }
        return nil
    }

    static func isAllowed(_ s: Unicode.Scalar) -> Bool {
        ("A" ... "Z").contains(s) || ("0" ... "9").contains(s) || s == "_"
    }

    public var path: String { components.joined(separator: "/") }
    public var description: String { path }

    public static func < (a: FileID, b: FileID) -> Bool { a.components.lexicographicallyPrecedes(b.components) }
}

/// A name that cannot be a PS3.10 File ID.
public struct FileIDError: Error, CustomStringConvertible, Equatable, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): not a PS3.10 File ID: \(reason)" }
}

/// Gives every instance of a file set a File ID `DICOM/PAT00001/STU00001/SER00001/IMG00001`
/// (PS3.10 §8.2, §8.5), made here rather than left to an ISO 9660 library to mangle.
///
/// Stable: patients sorted by Patient ID, studies by Study Date then Study Instance UID, series by
/// Series Number then UID, instances by Instance Number then SOP Instance UID, so the same input
/// always gets the same names. Each level holds at most 99999 entries (5 digits after the prefix).
public struct FileIDGenerator: Sendable {
    public var root: [String]

    /// `root` components come first ("DICOM" by default; [] puts PAT… at the top).
    public init(root: [String] = ["DICOM"]) { self.root = root }

    /// File IDs for every instance, keyed by SOP Instance UID.
    public func assign(_ fileSet: FileSet) throws -> [String: FileID] {
        var out: [String: FileID] = [:]
        func name(_ prefix: String, _ n: Int) throws -> String {
            guard n <= 99_999 else {
                throw FileIDError(path: root.joined(separator: "/"), reason: "more than 99999 entries at the \(prefix) level")
            }
            return prefix + String(repeating: "0", count: 5 - String(n).count) + String(n)
        }
        for (p, patient) in fileSet.sortedPatients.enumerated() {
            for (s, study) in patient.sortedStudies.enumerated() {
                for (r, series) in study.sortedSeries.enumerated() {
                    for (i, instance) in series.sortedInstances.enumerated() {
                        out[instance.sopInstanceUID] = try FileID(components: root + [
                            try name("PAT", p + 1), try name("STU", s + 1), try name("SER", r + 1), try name("IMG", i + 1)])
                    }
                }
            }
        }
        return out
    }
}
