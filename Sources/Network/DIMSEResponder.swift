import DICOM
import NIOCore

/// Lets a running operation answer before it completes (PS3.7 §9.1.2-§9.1.4): each C-FIND match,
/// or C-GET / C-MOVE progress with sub-operation counts, as a Pending response (FF00H) to the
/// request; the operation's return value is the final response. `isCancelled` turns true when the
/// peer sends C-CANCEL-RQ for the request (PS3.7 §9.3.2.3); the operation then stops and returns
/// Cancel (FE00H). Callable from any thread; responses leave in the order they were given.
public struct DIMSEResponder: Sendable {
    let dispatcher: NIOLoopBound<DIMSEDispatcher>?
    let request: DIMSECommand
    let contextID: UInt8
    let transferSyntax: TransferSyntax

    init(dispatcher: NIOLoopBound<DIMSEDispatcher>?, request: DIMSECommand, contextID: UInt8, transferSyntax: TransferSyntax) {
        self.dispatcher = dispatcher; self.request = request; self.contextID = contextID; self.transferSyntax = transferSyntax
    }

    /// A responder that sends nothing: for calling a service outside an association.
    public static func detached(for request: DIMSERequest) -> DIMSEResponder {
        DIMSEResponder(dispatcher: nil, request: request.command, contextID: request.contextID, transferSyntax: request.transferSyntax)
    }

    /// Whether the peer cancelled the operation (C-CANCEL-RQ); the running task is cancelled too.
    public var isCancelled: Bool { Task.isCancelled }

    /// Sends a Pending response like `pending`, after waiting while the peer does not read (the
    /// channel is above its high-water mark): an operation that streams many matches (a C-FIND
    /// with 10,000 answers to a slow SCU) then holds at most a channel's worth of responses in
    /// memory instead of all of them. Returns at once when the association has ended.
    public func stream(_ response: DIMSEResponse) async {
        if let dispatcher {
            try? await dispatcher.eventLoop.flatSubmit { dispatcher.value.whenWritable() }.get()
        }
        pending(response)
    }

    /// Sends a Pending response (its status forced to a Pending one if it is not).
    public func pending(_ response: DIMSEResponse) {
        guard let dispatcher else { return }
        var response = response
        if response.status.category != .pending { response.status = .pending }
        let (command, dataSet) = DIMSEDispatcher.responseCommand(response, to: request, syntax: transferSyntax)
        let contextID = contextID
        // On the loop, send now: the final response, completed on the loop, must not overtake it.
        if dispatcher.eventLoop.inEventLoop {
            dispatcher.value.send(command, dataSet: dataSet, contextID: contextID)
        } else {
            dispatcher.eventLoop.execute { dispatcher.value.send(command, dataSet: dataSet, contextID: contextID) }
        }
    }
}
