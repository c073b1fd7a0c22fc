import DICOM

/// What `StudyGenerator` makes: how many patients, studies, series and images, their size,
/// modality, transfer syntax and character set. Every count is per parent: `patients` ×
/// `studiesPerPatient` × `seriesPerStudy` × `imagesPerSeries` files in all.
public struct SynthesisOptions: Sendable, Equatable {
    public enum Modality: String, Sendable, CaseIterable {
        case ct = "CT", mr = "MR"
    }

    /// The Specific Character Set (0008,0005) to write, and so which names can appear.
    public enum CharacterSet: String, Sendable, CaseIterable {
        /// "GB18030": Chinese names, including characters outside GBK.
        case gb18030
        /// "GBK": Chinese names; some have a second byte 0x5C ('\').
        case gbk
        /// "\ISO 2022 IR 58": GB 2312 in G1 with escape sequences; simplified characters only.
        case iso2022IR58 = "iso2022-ir58"
        /// "ISO_IR 192" (UTF-8): Chinese names.
        case utf8
        /// "ISO_IR 100" (Latin-1): European names with accents.
        case latin1
        /// No (0008,0005): the default repertoire; names in pinyin.
        case ascii

        /// The terms written to (0008,0005), or nil to leave it out.
        public var specificCharacterSet: String? {
            switch self {
            case .gb18030: return "GB18030"
            case .gbk: return "GBK"
            case .iso2022IR58: return "\\ISO 2022 IR 58"
            case .utf8: return "ISO_IR 192"
            case .latin1: return "ISO_IR 100"
            case .ascii: return nil
            }
        }

        /// True for the sets that can hold Chinese characters.
        public var holdsChinese: Bool {
            switch self {
            case .gb18030, .gbk, .iso2022IR58, .utf8: return true
            case .latin1, .ascii: return false
            }
        }
    }

    /// How Chinese person names are written (PS3.5 §6.2.1.2: alphabetic=ideographic=phonetic).
    public enum NameStyle: String, Sendable, CaseIterable {
        /// 王^小东
        case ideographic
        /// Wang^Xiaodong
        case pinyin
        /// Wang^Xiaodong=王^小东, the form most Chinese PACS write.
        case both
    }

    public var patients = 1
    public var studiesPerPatient = 1
    public var seriesPerStudy = 1
    public var imagesPerSeries = 24
    public var rows = 512
    public var columns = 512
    public var modality: Modality = .ct
    /// Native (uncompressed) transfer syntaxes only.
    public var transferSyntax: TransferSyntax = .explicitVRLittleEndian
    public var characterSet: CharacterSet = .gb18030
    /// Ignored for `.latin1` (European names) and `.ascii` (always pinyin).
    public var nameStyle: NameStyle = .both
    /// The same seed gives byte-identical files, UIDs included; nil picks a random one.
    public var seed: UInt64?
    /// Appended to every file name; "" gives names usable as PS3.10 File IDs on media.
    public var fileExtension = ".dcm"
    /// Adds scanner-like noise (CT σ ≈ 5 HU, MR σ ≈ 15) to the phantom.
    public var noise = true
    /// Files written at once; nil uses every core.
    public var concurrency: Int?

    public init() {}

    public var totalFiles: Int { patients * studiesPerPatient * seriesPerStudy * imagesPerSeries }
    public var totalStudies: Int { patients * studiesPerPatient }

    /// The transfer syntaxes `synth` can write, by their command-line names.
    public static let transferSyntaxNames: [(name: String, syntax: TransferSyntax)] = [
        ("explicit-le", .explicitVRLittleEndian),
        ("implicit-le", .implicitVRLittleEndian),
        ("explicit-be", .explicitVRBigEndian),
        ("deflated", .deflatedExplicitVRLittleEndian),
    ]

    public static func transferSyntax(named name: String) -> TransferSyntax? {
        transferSyntaxNames.first { $0.name == name.lowercased() }?.syntax
    }

    /// Checks the counts, sizes and transfer syntax; throws `SynthesisError.invalidOptions`.
    public func validate() throws {
        for (label, n) in [("patients", patients), ("studies per patient", studiesPerPatient),
                           ("series per study", seriesPerStudy), ("images per series", imagesPerSeries)] {
            guard (1 ... 99_999).contains(n) else {
                throw SynthesisError.invalidOptions("\(label) must be 1–99999, not \(n)")
            }
        }
        guard (16 ... 4096).contains(rows), (16 ... 4096).contains(columns) else {
            throw SynthesisError.invalidOptions("image size must be 16–4096 pixels, not \(rows)×\(columns)")
        }
        guard !transferSyntax.isEncapsulated else {
            throw SynthesisError.invalidOptions("\(transferSyntax.name) needs compressed pixel data; only native transfer syntaxes are supported (\(Self.transferSyntaxNames.map(\.name).joined(separator: ", ")))")
        }
        if let c = concurrency, c < 1 { throw SynthesisError.invalidOptions("concurrency must be at least 1") }
        if fileExtension.contains("/") { throw SynthesisError.invalidOptions("file extension must not contain '/'") }
    }
}

public enum SynthesisError: Error, CustomStringConvertible, Equatable {
    case invalidOptions(String)
    case cannotCreateDirectory(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidOptions(let s): return "invalid options: \(s)"
        case .cannotCreateDirectory(let p, let r): return "cannot create directory \(p): \(r)"
        case .writeFailed(let p, let r): return "cannot write \(p): \(r)"
        }
    }
}

/// Where a run has got to; reported after each file (from worker threads).
public struct SynthesisProgress: Sendable {
    public var filesWritten: Int
    public var totalFiles: Int
    public var bytesWritten: UInt64
    /// Size of the file just written.
    public var fileBytes: UInt64
}

/// What a run wrote.
public struct SynthesisSummary: Sendable {
    public var files: Int
    public var bytes: UInt64
    public var seconds: Double
    /// The seed used (the given one, or the random one picked), to make the same study again.
    public var seed: UInt64
    /// Study Instance UIDs in patient, study order.
    public var studyInstanceUIDs: [String]
    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1_000_000 / seconds : 0 }
}
