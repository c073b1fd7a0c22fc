import DICOM
import Network
import Synchronization

/// What every print service of one server shares: the printer's identity and defaults, the spool
/// and the worker that renders it.
public final class PrintServerContext: Sendable {
    public struct Printer: Sendable {
        /// Printer Name (2110,0030).
        public var name: String
        /// What this printer can do (Layouts/printers/*.json): sizes, formats, densities, resolution.
        public var profile: PrinterProfile
        public var catalog: FilmSizeCatalog
        /// Film box attributes answered when the SCU leaves them out (PS3.3 C.13.3: the SCP's defaults).
        public var filmBoxDefaults: DataSet
        /// Annotation boxes per Annotation Display Format ID (PS3.3 C.13.3).
        public var annotationPositions: [String: Int]
        /// Min/Max Density this printer can reach, in hundredths of OD (requests outside answer B605).
        public var densityRange: ClosedRange<Int>

        public init(name: String = "LIGHTBOX", profile: PrinterProfile, catalog: FilmSizeCatalog) {
            self.name = name; self.profile = profile; self.catalog = catalog
            annotationPositions = profile.annotationFormats.mapValues(\.boxes)
            densityRange = Int((profile.minDensity * 100).rounded()) ... Int((profile.maxDensity * 100).rounded())
            var ds = DataSet()
            try? ds.set(.filmOrientation, .CS, "PORTRAIT")
            try? ds.set(.filmSizeID, .CS, profile.filmSizes.first ?? "14INX17IN")
            try? ds.set(.magnificationType, .CS, profile.defaultMagnificationType)
            try? ds.set(.borderDensity, .CS, profile.defaultBorderDensity)
            try? ds.set(.emptyImageDensity, .CS, profile.defaultEmptyImageDensity)
            ds.set(.minDensity, uint16: UInt16(densityRange.lowerBound))
            ds.set(.maxDensity, uint16: UInt16(densityRange.upperBound))
            try? ds.set(.trim, .CS, "NO")
            ds.set(.illumination, uint16: UInt16(min(65535, profile.illumination.rounded())))
            ds.set(.reflectedAmbientLight, uint16: UInt16(min(65535, profile.reflectedAmbientLight.rounded())))
            try? ds.set(.requestedResolutionID, .CS, "STANDARD")
            filmBoxDefaults = ds
        }

        /// Checks a film box's attributes against the profile (a film size, format, magnification,
        /// smoothing or annotation format this printer does not have: 0106, naming the attribute).
        public func check(filmBox ds: DataSet) -> AttributeFailure? {
            do {
                _ = try FilmSheet(filmBox: ds, profile: profile, catalog: catalog)
                return nil
            } catch let e as FilmPrintError {
                return AttributeFailure(status: .invalidAttributeValue, tag: Self.tag(of: e), reason: "\(e)")
            } catch {
                return AttributeFailure(status: .invalidAttributeValue, tag: .imageDisplayFormat, reason: "\(error)")
            }
        }

        /// The status an image box's image gets in its box (nil: it fits, or it cannot be judged
        /// here and the other checks answer): B604, B609, B60A or C603 (PS3.4 §H.4.3.1.2.1).
        public func placement(filmBox: DataSet, imageBox: DataSet, position: Int) -> DIMSEStatus? {
            guard var sheet = try? FilmSheet(filmBox: filmBox, profile: profile, catalog: catalog) else { return nil }
            let behavior = DecimateCropBehavior(rawValue: profile.defaultDecimateCropBehavior) ?? .decimate
            guard let image = try? FilmImage(imageBox: imageBox, position: position, defaultDecimateCrop: behavior) else { return nil }
            sheet.images = [image]
            guard let plan = try? FilmPlan(sheet: sheet, profile: profile),
                  let status = plan.placements.first(where: { $0.position == position })?.outcome.status else { return nil }
            return DIMSEStatus(status)
        }

        static func tag(of e: FilmPrintError) -> Tag {
            switch e {
            case .invalidDisplayFormat, .unsupportedDisplayFormat, .displayFormatTooLarge: return .imageDisplayFormat
            case .unknownFilmSize: return .filmSizeID
            case .invalidOrientation: return .filmOrientation
            case .invalidDensity(_, let attribute): return attribute.hasPrefix("Border") ? .borderDensity : attribute.hasPrefix("Empty") ? .emptyImageDensity
                : attribute.hasPrefix("Max") ? .maxDensity : .minDensity
            case .invalidMagnificationType: return .magnificationType
            case .invalidSmoothingType: return .smoothingType
            case .invalidTrim: return .trim
            case .unknownAnnotationFormat: return .annotationDisplayFormatID
            case .unknownResolution: return .requestedResolutionID
            case .invalidDensityRange: return .minDensity
            case .invalidPresentationLUT: return .referencedPresentationLUTSequence
            default: return .imageDisplayFormat
            }
        }
    }

    public let printer: Printer
    public let printerRef: FilmPrinter

    public init(printer: Printer, filmPrinter: FilmPrinter) {
        self.printer = printer; self.printerRef = filmPrinter
    }

    public var spool: PrintSpool { printerRef.spool }
    public var board: PrintJobBoard { printerRef.board }

    /// The services of a Basic Grayscale Print Management SCP (PS3.4 Annex H) sharing this context,
    /// in the order the registry needs (member SOP classes before the meta SOP class that names them).
    public func services() -> [any DIMSEService] {
        [FilmBoxService(server: self), ImageBoxService(server: self), PrinterService(server: self),
         FilmSessionService(server: self), PresentationLUTService(server: self), AnnotationBoxService(server: self),
         PrintJobService(server: self), PrinterConfigurationService(server: self)]
    }
}

/// The film session of one association (PS3.4 §H.2.2), shared by its print services.
public final class PrintAssociation: Sendable {
    public let session: Mutex<PrintSession>
    public let context: AssociationContext
    init(context: AssociationContext, server: PrintServerContext) {
        var s = PrintSession()
        s.annotationPositions = server.printer.annotationPositions
        s.annotationsNegotiated = context.acceptedContexts.values.contains { $0.abstractSyntax == UIDs.basicAnnotationBox }
        session = Mutex(s)
        self.context = context
    }
}

enum PrintAssociationKey: AssociationStateKey { typealias Value = PrintAssociation }

extension AssociationContext {
    /// This association's film session, made when first needed.
    func printAssociation(_ server: PrintServerContext) -> PrintAssociation {
        if let a = state[PrintAssociationKey.self] { return a }
        let a = PrintAssociation(context: self, server: server)
        state[PrintAssociationKey.self] = a
        return a
    }
}

extension DIMSERequest {
    /// The request's data set, or an empty one (N-CREATE without attributes).
    func attributes() throws -> DataSet {
        do { return try decodedDataSet() ?? DataSet() } catch {
            throw DIMSEServiceError(.processingFailure, "cannot decode the data set: \(error)")
        }
    }
}
