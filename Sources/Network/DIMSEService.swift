import DICOM
import Foundation
import Synchronization

/// A DIMSE request as a service sees it: the command, its presentation context and the data set.
public struct DIMSERequest: Sendable {
    public var command: DIMSECommand
    public var contextID: UInt8
    /// The transfer syntax of the presentation context, in which `dataSet` is encoded.
    public var transferSyntax: TransferSyntax
    public var dataSet: ReceivedDataSet?

    public init(command: DIMSECommand, contextID: UInt8, transferSyntax: TransferSyntax, dataSet: ReceivedDataSet?) {
        self.command = command; self.contextID = contextID; self.transferSyntax = transferSyntax; self.dataSet = dataSet
    }

    /// The data set parsed (in memory or from its file).
    public func decodedDataSet() throws -> DataSet? { try dataSet?.decode(syntax: transferSyntax) }
}

/// A service's answer: the status (PS3.7 Annex C) and optional data set; the framework builds the
/// response command from the request (message ID, affected SOP class and instance).
public struct DIMSEResponse: Sendable {
    public var status: DIMSEStatus
    public var dataSet: DataSet?
    public var errorComment: String?
    /// Overrides the Affected SOP Instance UID (N-CREATE when the SCP assigns it).
    public var affectedSOPInstanceUID: String?
    public var offendingElements: [Tag] = []
    /// C-GET / C-MOVE: the sub-operation counts (PS3.7 §9.1.3, §9.1.4).
    public var subOperations: SubOperationCounts?
    /// Runs on the association's event loop right after this response was written: for requests
    /// that must follow it, e.g. the N-EVENT-REPORTs of a print job (PS3.4 §H.4.6) that the SCU
    /// expects after the N-ACTION response. Not run when the association ended first.
    public var afterResponse: (@Sendable () -> Void)?

    public init(status: DIMSEStatus, dataSet: DataSet? = nil, errorComment: String? = nil, affectedSOPInstanceUID: String? = nil,
                subOperations: SubOperationCounts? = nil) {
        self.status = status; self.dataSet = dataSet; self.errorComment = errorComment
        self.affectedSOPInstanceUID = affectedSOPInstanceUID; self.subOperations = subOperations
    }

    public static let success = DIMSEResponse(status: .success)
}

/// A service failure carrying the status to answer with (a thrown error of another type answers
/// Processing Failure, 0110H, or the service's `failureStatus`).
public struct DIMSEServiceError: Error, Sendable, CustomStringConvertible {
    public var status: DIMSEStatus
    public var comment: String
    public init(_ status: DIMSEStatus, _ comment: String) { self.status = status; self.comment = comment }
    public var description: String { "\(status): \(comment)" }
}

/// Where a service's `handle` runs.
public enum DIMSEServiceExecution: Sendable {
    /// On the association's event loop: no thread hop, the cheapest answer. Only for handlers that
    /// never block (no waiting on locks held elsewhere, on slow disks, or on other associations).
    case eventLoop
    /// On Swift's global concurrent executor (the default): the handler may block briefly or work long.
    case concurrent
}

/// A DIMSE service provider for some SOP classes (PS3.4): one per service class, plug-in style.
///
/// `DIMSEDispatcher` routes each request to the service registered for its SOP class, once the
/// SOP class is known to belong to the presentation context it came on (the context's abstract
/// syntax itself, or a member of the meta SOP class that is). A service implements what it needs:
/// - one method per verb (`cEcho`, `cStore`, `cFind`, `cGet`, `cMove`, `nCreate`, `nSet`, `nGet`,
///   `nAction`, `nDelete`, `nEventReport`; `DIMSEServiceVerbs.swift`), the rest answer Unrecognized
///   Operation (0211H); or one `handle` for every verb, as Verification and Storage do;
/// - Pending responses through the `DIMSEResponder` of `handle(_:context:responder:)`, whose
///   `isCancelled` turns true when the peer sends C-CANCEL (PS3.7 §9.3.2.3);
/// - `associationStarted` / `associationEnded` to set up and tear down per-association state,
///   kept in `AssociationContext.state` under typed keys.
public protocol DIMSEService: Sendable {
    /// The SOP classes this service provides as SCP.
    var sopClassUIDs: [String] { get }
    /// Meta SOP classes this service provides (PS3.4 §H.3.1: e.g. Basic Grayscale Print Management
    /// Meta): negotiated as one abstract syntax, each request naming one member SOP class.
    var metaSOPClasses: [MetaSOPClass] { get }
    /// Transfer syntaxes accepted for these SOP classes, most preferred first; nil for the policy default.
    var transferSyntaxes: [String]? { get }
    /// Where the data set of an incoming request goes; default: memory, up to 16 MiB.
    func dataSetDestination(for command: DIMSECommand, transferSyntax: TransferSyntax, context: AssociationContext) throws -> DataSetDestination
    /// Handles one request of any verb; the default answers Unrecognized Operation (0211H). A thrown
    /// error is answered with a failure status, not an abort.
    func handle(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse
    /// Handles one request with a responder for Pending responses and cancellation. The default
    /// calls the method of the request's verb (`cFind`, `nCreate`, …), which by default call `handle`.
    func handle(_ request: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse
    /// For `.eventLoop` services: the answer, given at once on the association's event loop when
    /// it needs no waiting (a C-ECHO, a rename into an inbox), so no task is started for it; nil
    /// passes the request to `handle`. A thrown error is answered as from `handle`.
    func immediateResponse(to request: DIMSERequest, context: AssociationContext) throws -> DIMSEResponse?
    /// The status for a thrown error that is not a `DIMSEServiceError`.
    var failureStatus: DIMSEStatus { get }
    /// Where `handle` runs; default `.concurrent`.
    var execution: DIMSEServiceExecution { get }
    /// An association that accepted one of this service's SOP classes started (A-ASSOCIATE-AC sent
    /// or received, PS3.8 §7.1). Called on the association's event loop: must not block.
    func associationStarted(_ context: AssociationContext)
    /// That association ended: released, aborted or timed out (PS3.8 §7.2-§7.4). Release what was
    /// kept for it (a film session, a print job). Called on the association's event loop, after
    /// running operations were cancelled: must not block.
    func associationEnded(_ context: AssociationContext, reason: AssociationEndReason)

    // Per verb (defaults in DIMSEServiceVerbs.swift: each calls `handle(_:context:)`).
    /// C-ECHO, PS3.7 §9.1.5.
    func cEcho(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse
    /// C-STORE, PS3.7 §9.1.1.
    func cStore(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse
    /// C-FIND, PS3.7 §9.1.2: each match as a Pending response through `responder`, then the final status.
    func cFind(_ request: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse
    /// C-GET, PS3.7 §9.1.3: C-STORE sub-operations on this association, Pending responses with counts.
    func cGet(_ request: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse
    /// C-MOVE, PS3.7 §9.1.4: C-STORE sub-operations on a second association, Pending responses with counts.
    func cMove(_ request: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse
    /// N-CREATE, PS3.7 §10.1.5.
    func nCreate(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse
    /// N-SET, PS3.7 §10.1.3.
    func nSet(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse
    /// N-GET, PS3.7 §10.1.2.
    func nGet(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse
    /// N-ACTION, PS3.7 §10.1.4.
    func nAction(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse
    /// N-DELETE, PS3.7 §10.1.6.
    func nDelete(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse
    /// N-EVENT-REPORT, PS3.7 §10.1.1 (received by an SCU that accepted the SCP role, or by this side as SCU).
    func nEventReport(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse
}

extension DIMSEService {
    public var metaSOPClasses: [MetaSOPClass] { [] }
    public var transferSyntaxes: [String]? { nil }
    public var failureStatus: DIMSEStatus { .processingFailure }
    public var execution: DIMSEServiceExecution { .concurrent }
    public func immediateResponse(to request: DIMSERequest, context: AssociationContext) throws -> DIMSEResponse? { nil }
    public func dataSetDestination(for command: DIMSECommand, transferSyntax: TransferSyntax,
                                   context: AssociationContext) throws -> DataSetDestination {
        .memory(limit: 16 << 20)
    }
    public func handle(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        DIMSEResponse(status: .unrecognizedOperation, errorComment: "\(request.command.field) not supported")
    }
    public func associationStarted(_ context: AssociationContext) {}
    public func associationEnded(_ context: AssociationContext, reason: AssociationEndReason) {}
}
