import Foundation

/// A text template from `Media/pdi/` (README.TXT, INDEX.HTM, STUDY.HTM, STYLE.CSS) with `{{KEY}}`
/// placeholders, so a site can change the wording and look of its discs without a rebuild.
public struct PDITemplate: Sendable {
    public var name: String
    public var text: String

    public init(name: String, text: String) { self.name = name; self.text = text }

    /// Loads `Media/pdi/NAME` from the data folder `MediaData.folder()` finds.
    public static func load(_ name: String, from folder: URL? = nil) throws -> PDITemplate {
        let base = try folder ?? MediaData.folder().appendingPathComponent("pdi")
        let url = base.appendingPathComponent(name)
        do {
            return PDITemplate(name: name, text: try String(contentsOf: url, encoding: .utf8))
        } catch {
            throw PDIError.templateUnreadable(path: url.path, reason: error.localizedDescription)
        }
    }

    /// The text with every `{{KEY}}` replaced; an unknown placeholder is an error naming it, so a
    /// typo in a site's template is found when a disc is made, not by a patient.
    public func fill(_ values: [String: String]) throws -> String {
        var out = ""
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw PDIError.badTemplate(name: name, reason: "\"{{\" without \"}}\"")
            }
            let key = String(rest[open.upperBound ..< close.lowerBound])
            guard let value = values[key] else {
                throw PDIError.badTemplate(name: name, reason: "unknown placeholder {{\(key)}}; known: \(values.keys.sorted().joined(separator: ", "))")
            }
            out += value
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}

/// Why IHE PDI content could not be made.
public enum PDIError: Error, CustomStringConvertible, Equatable {
    case templateUnreadable(path: String, reason: String)
    case badTemplate(name: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .templateUnreadable(let p, let r):
            return "cannot read the PDI template \(p): \(r); set LIGHTBOX_DATA_DIR to the folder holding Media/"
        case .badTemplate(let n, let r): return "PDI template \(n): \(r)"
        case .cannotWrite(let p, let r): return "cannot write \(p): \(r)"
        }
    }
}
