import Foundation

/// The result of checking a medium (`MediaChecker`): what it holds, which application profile it
/// was judged against (PS3.11), and every finding.
public struct MediaCheckReport: Sendable, Codable, Equatable {
    /// The path checked.
    public var source: String
    /// The PS3.11 application profile applied, e.g. "STD-GEN-CD".
    public var profile: String
    /// True when the profile was inferred from the files rather than given.
    public var profileInferred: Bool
    /// DICOM instances found (through the DICOMDIR or by content).
    public var instances: Int
    /// Instances whose file opened and parsed.
    public var readable: Int
    /// Patients as "Name (ID)", decoded with the Specific Character Set.
    public var patients: [String]
    public var findings: [CheckFinding]

    public func count(_ severity: MediaFinding.Severity) -> Int { findings.filter { $0.severity == severity }.count }
    public var hasErrors: Bool { count(.error) > 0 }

    /// What still works, e.g. "all 1,204 images can be read despite these problems".
    public var summary: String {
        let fmt = NumberFormatter()
        fmt.numberStyle = .decimal
        fmt.locale = Locale(identifier: "en_US")
        func n(_ v: Int) -> String { fmt.string(from: NSNumber(value: v)) ?? "\(v)" }
        let images = instances == 1 ? "image" : "images"
        if instances == 0 { return "no images could be found on this medium" }
        let tail = findings.isEmpty ? "; no problems were found" : " despite these problems"
        if readable == instances {
            return instances == 1 ? "the 1 image can be read\(tail)" : "all \(n(instances)) images can be read\(tail)"
        }
        return "\(n(readable)) of \(n(instances)) \(images) can be read\(findings.isEmpty ? "" : " despite these problems")"
    }
}
