/// Per-verb routing of `DIMSEService` (PS3.7 §9.1, §10.1): the default `handle(_:context:responder:)`
/// calls the method of the request's verb; each verb's default calls `handle(_:context:)`, so a
/// service implements either the verbs it supports or one `handle` for all of them. A verb a
/// service does not implement is answered Unrecognized Operation (0211H) by the default `handle`.
extension DIMSEService {
    public func handle(_ request: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse {
        switch request.command.field {
        case .cEchoRQ: return try await cEcho(request, context: context)
        case .cStoreRQ: return try await cStore(request, context: context)
        case .cFindRQ: return try await cFind(request, context: context, responder: responder)
        case .cGetRQ: return try await cGet(request, context: context, responder: responder)
        case .cMoveRQ: return try await cMove(request, context: context, responder: responder)
        case .nCreateRQ: return try await nCreate(request, context: context)
        case .nSetRQ: return try await nSet(request, context: context)
        case .nGetRQ: return try await nGet(request, context: context)
        case .nActionRQ: return try await nAction(request, context: context)
        case .nDeleteRQ: return try await nDelete(request, context: context)
        case .nEventReportRQ: return try await nEventReport(request, context: context)
        default: return try await handle(request, context: context)
        }
    }

    public func cEcho(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        try await handle(request, context: context)
    }
    public func cStore(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        try await handle(request, context: context)
    }
    public func cFind(_ request: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse {
        try await handle(request, context: context)
    }
    public func cGet(_ request: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse {
        try await handle(request, context: context)
    }
    public func cMove(_ request: DIMSERequest, context: AssociationContext, responder: DIMSEResponder) async throws -> DIMSEResponse {
        try await handle(request, context: context)
    }
    public func nCreate(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        try await handle(request, context: context)
    }
    public func nSet(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        try await handle(request, context: context)
    }
    public func nGet(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        try await handle(request, context: context)
    }
    public func nAction(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        try await handle(request, context: context)
    }
    public func nDelete(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        try await handle(request, context: context)
    }
    public func nEventReport(_ request: DIMSERequest, context: AssociationContext) async throws -> DIMSEResponse {
        try await handle(request, context: context)
    }
}
