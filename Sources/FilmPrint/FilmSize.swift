import Foundation
import Graphics

/// A film or paper size: Film Size ID (2010,0050) of the Basic Film Box, PS3.3 C.13.8, with its
/// physical size (portrait: width ≤ height). The sizes are data, in `Layouts/film-sizes.json`.
public struct FilmSize: Sendable, Hashable, Codable {
    /// The defined term, e.g. "14INX17IN".
    public var id: String
    /// Width of the portrait film, mm.
    public var widthMM: Double
    /// Height of the portrait film, mm.
    public var heightMM: Double

    public init(id: String, widthMM: Double, heightMM: Double) {
        self.id = id; self.widthMM = widthMM; self.heightMM = heightMM
    }

    /// The page in millimetres as the film lies: LANDSCAPE swaps width and height (PS3.3 C.13.8,
    /// Film Orientation: "LANDSCAPE = horizontal film position").
    public func pageSize(_ orientation: FilmOrientation) -> Size {
        let short = min(widthMM, heightMM), long = max(widthMM, heightMM)
        return orientation == .portrait ? Size(width: short, height: long) : Size(width: long, height: short)
    }
}

/// Film Orientation (2010,0040), PS3.3 C.13.8: PORTRAIT (vertical, the short edge at the top)
/// or LANDSCAPE.
public enum FilmOrientation: String, Sendable, Hashable, Codable, CaseIterable {
    case portrait = "PORTRAIT"
    case landscape = "LANDSCAPE"

    /// Parses the defined term (trailing spaces of the CS value ignored); throws for anything else.
    public init(dicom value: String) throws {
        guard let o = FilmOrientation(rawValue: value.trimmingCharacters(in: .whitespaces)) else {
            throw FilmPrintError.invalidOrientation(value)
        }
        self = o
    }
}

/// Every Film Size ID Lightbox knows, read from `Layouts/film-sizes.json`.
public struct FilmSizeCatalog: Sendable, Equatable {
    public var sizes: [FilmSize]

    public init(sizes: [FilmSize]) { self.sizes = sizes }

    private struct File: Decodable { var version: Int; var sizes: [FilmSize] }

    /// Loads `film-sizes.json` from the layouts folder.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> FilmSizeCatalog {
        let f = try LayoutData.load(File.self, file: "film-sizes.json", environment: environment)
        for s in f.sizes where !(s.widthMM > 0 && s.heightMM > 0) {
            throw FilmPrintError.layoutData(file: "film-sizes.json", reason: "\(s.id) has a non-positive size")
        }
        return FilmSizeCatalog(sizes: f.sizes)
    }

    public var ids: [String] { sizes.map(\.id) }

    /// The size for a Film Size ID; throws `unknownFilmSize` naming the known ones.
    public func size(_ id: String) throws -> FilmSize {
        let key = id.trimmingCharacters(in: .whitespaces)
        guard let s = sizes.first(where: { $0.id == key }) else { throw FilmPrintError.unknownFilmSize(id, known: ids) }
        return s
    }
}
