/// Verification SOP Class as SCP, PS3.4 Annex A: answers C-ECHO with Success.
public struct VerificationService: DIMSEService {
    public init() {}
    public var sopClassUIDs: [String] { ["1.2.840.10008.1.1"] }
    /// Answering C-ECHO never blocks.
    public var execution: DIMSEServiceExecution { .eventLoop }
    public func handle(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        answer(request)
    }
    public func immediateResponse(to request: DIMSERequest, context: AssociationContext) -> DIMSEResponse? {
        answer(request)
    }
    private func answer(_ request: DIMSERequest) -> DIMSEResponse {
        guard request.command.field == .cEchoRQ else {
            return DIMSEResponse(status: .unrecognizedOperation, errorComment: "Verification only answers C-ECHO")
        }
        return .success
    }
}
