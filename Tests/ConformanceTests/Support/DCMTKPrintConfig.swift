import Foundation

/// A DCMTK print configuration (dcmpstat.cfg format, facts "Print"): the folders `dcmprscp`,
/// `dcmpsprt` and `dcmprscu` need, and one printer section named `printer`.
/// `localPrinter`: `Type = LOCALPRINTER` (dcmprscp serves it), else `Type = PRINTER` (a remote SCP
/// that dcmprscu prints to).
struct DCMTKPrintConfig {
    let folder: String
    let printer: String
    let aeTitle: String
    let port: Int
    var path: String { folder + "/dcmpstat.cfg" }
    var database: String { folder + "/database" }

    init(folder: String, printer: String = "TARGET", aeTitle: String, port: Int, localPrinter: Bool, annotation: String? = nil) throws {
        self.folder = folder; self.printer = printer; self.aeTitle = aeTitle; self.port = port
        for sub in ["spool", "database", "lut"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
        }
        let text = """
        [[GENERAL]]
        [PRINT]
        Directory = \(folder)/spool
        [DATABASE]
        Directory = \(folder)/database
        [LUT]
        Directory = \(folder)/lut
        [NETWORK]
        aetitle = DCMPSTATE
        [[COMMUNICATION]]
        [\(printer)]
        Aetitle = \(aeTitle)
        Description = conformance test printer
        Hostname = localhost
        Port = \(port)
        Type = \(localPrinter ? "LOCALPRINTER" : "PRINTER")
        DisplayFormat = 1,1\\1,2\\2,2\\2,3\\3,3\\3,4\\3,5\\4,4\\4,5
        FilmSizeID = 8INX10IN\\10INX12IN\\10INX14IN\\11INX14IN\\14INX14IN\\14INX17IN\\24CMX24CM\\24CMX30CM
        MagnificationType = REPLICATE\\BILINEAR\\CUBIC\\NONE
        MaxDensity = 300
        MinDensity = 20
        MediumType = PAPER\\CLEAR FILM\\BLUE FILM
        ResolutionID = STANDARD\\HIGH
        SmoothingType = NONE
        BorderDensity = BLACK\\WHITE
        EmptyImageDensity = BLACK\\WHITE
        Supports12Bit = true
        SupportsPresentationLUT = true
        SupportsImageSize = true
        SupportsTrim = true
        \(annotation.map { "Annotation = \($0)" } ?? "")

        """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The Hardcopy Grayscale Images (HG_*.dcm) and Stored Prints (SP_*.dcm) in the database.
    func stored(prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: database)) ?? [])
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".dcm") }.sorted().map { database + "/" + $0 }
    }
}
