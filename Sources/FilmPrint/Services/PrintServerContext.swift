import DICOM
import Network
import Synchronization

/// What every print service of one server shares: the printer's identity and defaults, the spool
/// and the worker that renders it.
public final class PrintServerContext: Sendable {
    public struct Printer: Sendable {
        /// Printer Name (2110,0030).
        public var name: String = "LIGHTBOX"
        /// Film box attributes answered when the SCU leaves them out (PS3.3 C.13.3: the SCP's defaults).
        public var filmBoxDefaults: DataSet = PrintServerContext.standardFilmBoxDefaults
        /// Annotation boxes per Annotation Display Format ID (PS3.3 C.13.3).
        public var annotationPositions: [String: Int] = ["LABEL": 1, "BOTTOM": 1, "COMBINED": 2]
        /// Min/Max Density this printer can reach, in hundredths of OD (requests outside answer B605).
        public var densityRange: ClosedRange<Int> = 10 ... 360
        public init() {}
    }

    public let printer: Printer
    public let printerRef: FilmPrinter

    public init(printer: Printer, filmPrinter: FilmPrinter) {
        self.printer = printer; self.printerRef = filmPrinter
    }

    public var spool: PrintSpool { printerRef.spool }
    public var board: PrintJobBoard { printerRef.board }

    public static var standardFilmBoxDefaults: DataSet {
        var ds = DataSet()
        try? ds.set(.filmOrientation, .CS, "PORTRAIT")
        try? ds.set(.filmSizeID, .CS, "14INX17IN")
        try? ds.set(.magnificationType, .CS, "CUBIC")
        try? ds.set(.borderDensity, .CS, "BLACK")
        try? ds.set(.emptyImageDensity, .CS, "BLACK")
        ds.set(.minDensity, uint16: 20)
        ds.set(.maxDensity, uint16: 300)
        try? ds.set(.trim, .CS, "NO")
        ds.set(.illumination, uint16: 2000)
        ds.set(.reflectedAmbientLight, uint16: 10)
        try? ds.set(.requestedResolutionID, .CS, "STANDARD")
        return ds
    }

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
