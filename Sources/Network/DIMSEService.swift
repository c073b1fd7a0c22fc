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

    public init(status: DIMSEStatus, dataSet: DataSet? = nil, errorComment: String? = nil, affectedSOPInstanceUID: String? = nil) {
        self.status = status; self.dataSet = dataSet; self.errorComment = errorComment
        self.affectedSOPInstanceUID = affectedSOPInstanceUID
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

/// Per-association state services may keep (e.g. a print session), shared by the services of one
/// association and released with it.
public final class AssociationState: Sendable {
    // A Mutex lives inside the object: one allocation per association, not two as with NSLock.
    private let values = Mutex<[String: any Sendable]>([:])
    public init() {}
    public subscript(key: String) -> (any Sendable)? {
        get { values.withLock { $0[key] } }
        set { values.withLock { $0[key] = newValue } }
    }
}

/// What a service knows about the association a request came on. Services never see a channel.
public struct AssociationContext: Sendable {
    public var associationID: Int
    public var callingAETitle: String
    public var calledAETitle: String
    public var peerAddress: String
    public var acceptedContexts: [UInt8: AcceptedPresentationContext]
    public var userIdentity: UserIdentityRQ?
    public var state: AssociationState
    /// On the accepting side: sends requests back on this association where the negotiated roles
    /// allow (SCU role by role selection, or N-EVENT-REPORT); nil on the requesting side.
    public var requester: AssociationRequester? = nil
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
public protocol DIMSEService: Sendable {
    /// The SOP classes this service provides as SCP.
    var sopClassUIDs: [String] { get }
    /// Transfer syntaxes accepted for these SOP classes, most preferred first; nil for the policy default.
    var transferSyntaxes: [String]? { get }
    /// Where the data set of an incoming request goes; default: memory, up to 16 MiB.
    func dataSetDestination(for command: DIMSECommand, transferSyntax: TransferSyntax, context: AssociationContext) throws -> DataSetDestination
    /// Handles one request. A thrown error is answered with a failure status, not an abort.
    func handle(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse
    /// For `.eventLoop` services: the answer, given at once on the association's event loop when
    /// it needs no waiting (a C-ECHO, a rename into an inbox), so no task is started for it; nil
    /// passes the request to `handle`. A thrown error is answered as from `handle`.
    func immediateResponse(to request: DIMSERequest, context: AssociationContext) throws -> DIMSEResponse?
    /// The status for a thrown error that is not a `DIMSEServiceError`.
    var failureStatus: DIMSEStatus { get }
    /// Where `handle` runs; default `.concurrent`.
    var execution: DIMSEServiceExecution { get }
}

extension DIMSEService {
    public var transferSyntaxes: [String]? { nil }
    public var failureStatus: DIMSEStatus { .processingFailure }
    public var execution: DIMSEServiceExecution { .concurrent }
    public func immediateResponse(to request: DIMSERequest, context: AssociationContext) throws -> DIMSEResponse? { nil }
    public func dataSetDestination(for command: DIMSECommand, transferSyntax: TransferSyntax,
                                   context: AssociationContext) throws -> DataSetDestination {
        .memory(limit: 16 << 20)
    }
}

/// The services of an SCP by SOP class; drives presentation context acceptance and dispatch.
public struct ServiceRegistry: Sendable {
    private var bySOPClass: [String: any DIMSEService] = [:]
    private var order: [String] = []

    public init(_ services: [any DIMSEService] = []) {
        for s in services { register(s) }
    }

    /// Registers a service for its SOP classes (a later registration replaces an earlier one).
    public mutating func register(_ service: any DIMSEService) {
        for uid in service.sopClassUIDs {
            if bySOPClass[uid] == nil { order.append(uid) }
            bySOPClass[uid] = service
        }
    }

    public func service(for sopClassUID: String) -> (any DIMSEService)? { bySOPClass[sopClassUID] }
    public var sopClassUIDs: [String] { order }
    public var isEmpty: Bool { order.isEmpty }
}
