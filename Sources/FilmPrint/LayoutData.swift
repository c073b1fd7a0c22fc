import Foundation
import Graphics

/// Reads JSON data files from Lightbox's `Layouts/` folder (`Graphics.LayoutsFolder`), so a site
/// can add a film size or a printer without a rebuild.
enum LayoutData {
    static func load<T: Decodable>(_ type: T.Type, file: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> T {
        let url: URL
        do { url = try LayoutsFolder.locate(file, environment: environment) } catch {
            throw FilmPrintError.layoutData(file: file, reason: "\(error)")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FilmPrintError.layoutData(file: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(T.self, from: data) } catch let e as DecodingError {
            throw FilmPrintError.layoutData(file: url.path, reason: describe(e))
        }
    }

    static func describe(_ e: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch e {
        case .keyNotFound(let k, let c): return "missing key \(k.stringValue) at \(path(c))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return "\(c.debugDescription) at \(path(c))"
        @unknown default: return "\(e)"
        }
    }
}
