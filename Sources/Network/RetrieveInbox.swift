import DICOM
import Synchronization

/// The Storage SCP side of a retrieve (PS3.4 §C.4.2.2 C-MOVE, §C.4.3.2 C-GET): the inbox rules of
/// `StorageService` (hidden temporary file, renamed to `<SOP Instance UID>.dcm` when complete,
/// optionally fsynced with its folder), plus the list of what arrived, for the report.
public final class RetrieveInbox: DIMSEService {
    public let storage: StorageService
    private let arrived = Mutex<[String]>([])

    public init(folder: String, durable: Bool) throws {
        storage = try StorageService(inbox: folder, durable: durable)
    }

    /// SOP Instance UIDs stored so far, in arrival order.
    public var received: [String] { arrived.withLock { $0 } }
    public var receivedCount: Int { arrived.withLock { $0.count } }

    public var sopClassUIDs: [String] { storage.sopClassUIDs }
    public var transferSyntaxes: [String]? { storage.transferSyntaxes }
    public var failureStatus: DIMSEStatus { storage.failureStatus }
    public var execution: DIMSEServiceExecution { storage.execution }

    public func dataSetDestination(for command: DIMSECommand, transferSyntax: TransferSyntax,
                                   context: AssociationContext) throws -> DataSetDestination {
        try storage.dataSetDestination(for: command, transferSyntax: transferSyntax, context: context)
    }

    public func immediateResponse(to request: DIMSERequest, context: AssociationContext) throws -> DIMSEResponse? {
        guard let r = try storage.immediateResponse(to: request, context: context) else { return nil }
        record(r, request)
        return r
    }

    public func handle(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        let r = try await storage.handle(request, context: context)
        record(r, request)
        return r
    }

    private func record(_ response: DIMSEResponse, _ request: DIMSERequest) {
        guard response.status.category == .success || response.status.category == .warning,
              let uid = request.command.affectedSOPInstanceUID else { return }
        arrived.withLock { $0.append(uid) }
    }
}
