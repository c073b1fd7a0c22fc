import DICOM

/// What the rule families of `MediaChecker` look at: the opened medium, the tolerant catalog,
/// each instance's header and the DICOMDIR's records.
struct CheckContext {
    var source: MediaSource
    var catalog: MediaCatalog
    /// Header of each instance file (nil when it does not parse), by path on the medium.
    var headers: [String: DICOMFile?]
    /// The DICOMDIR as read tolerantly; nil without one or when unreadable.
    var directory: TolerantDICOMDIRReader.Result?
    /// Root-level names without ";version" and trailing dot, uppercased (README.TXT, INDEX.HTM, IHE_PDI…).
    var rootNames: Set<String>
    /// The element-length walk of the bytes read for each header (`ElementLengthRule`), by path.
    var lengthChecks: [String: ElementLengthRule.Outcome] = [:]

    /// Instance files, in catalog order.
    var instancePaths: [String] { catalog.instances.map(\.path) }
}

/// One family of rules of `MediaChecker`.
protocol CheckRule {
    func check(_ context: CheckContext) -> [CheckFinding]
}
