import NIOCore

/// The requests this side of one association has invoked (PS3.7 §9.1, §10.1): it assigns their
/// Message IDs, keeps at most the Asynchronous Operations Window outstanding and holds the rest
/// (PS3.7 §D.3.3.3), passes Pending responses on (PS3.7 §9.1.2-§9.1.4: C-FIND, C-GET and C-MOVE
/// answer many times) and completes each request with its final response or its timeout.
///
/// One tracker per association, used by both roles: a requestor's `DICOMAssociation` and an
/// acceptor's `AssociationRequester` (SCU by role selection, N-EVENT-REPORT) send through it.
/// A value type without I/O: its methods return what to send and what to complete, so the handler
/// does the sending and completes promises after the tracker's state is consistent.
struct RequestTracker {
    /// A request ready to be sent: its Message ID is set.
    struct Request {
        var command: DIMSECommand
        var dataSet: ByteBuffer?
        var contextID: UInt8
    }

    /// Called with each Pending response of a request, on the association's event loop.
    typealias PendingHandler = @Sendable (DIMSEMessage) -> Void

    private struct Outstanding {
        var promise: EventLoopPromise<DIMSEMessage>
        var onPending: PendingHandler?
        var timeout: Scheduled<Void>?
        var field: CommandField
        var sent: Bool
    }

    /// The Message ID given to the latest request (PS3.7 §9.1.1.1.1: unique among outstanding ones).
    private(set) var lastMessageID: UInt16 = 0
    private var outstanding: [UInt16: Outstanding] = [:]
    private var held: [Request] = []
    private var sentCount = 0
    /// How many requests may be outstanding at once: the Maximum Number Operations Invoked a
    /// requestor negotiated, or the Maximum Number Operations Performed for an acceptor (PS3.7
    /// §D.3.3.3.1); `Int.max` for a negotiated 0 (unlimited).
    var window = 1

    /// The window for `limit` as negotiated (nil: the default window of one).
    static func window(for limit: UInt16?) -> Int {
        guard let limit else { return 1 }
        return limit == 0 ? Int.max : Int(limit)
    }

    var outstandingCount: Int { outstanding.count }
    var heldCount: Int { held.count }

    /// Registers a request and gives it the next Message ID. Returns it when it may be sent now,
    /// nil when the window is full (it goes out from `nextToSend` when a response makes room).
    mutating func add(_ command: DIMSECommand, dataSet: ByteBuffer?, contextID: UInt8,
                      promise: EventLoopPromise<DIMSEMessage>, onPending: PendingHandler? = nil) -> Request {
        var command = command
        repeat { // 0 is skipped, and so is an ID still outstanding after a wrap
            lastMessageID &+= 1
        } while lastMessageID == 0 || outstanding[lastMessageID] != nil && outstanding.count < Int(UInt16.max)
        command.messageID = lastMessageID
        outstanding[lastMessageID] = Outstanding(promise: promise, onPending: onPending, timeout: nil, field: command.field, sent: false)
        return Request(command: command, dataSet: dataSet, contextID: contextID)
    }

    /// Whether `request` (just added) goes out now; if not, it is held until the window has room.
    mutating func admit(_ request: Request) -> Bool {
        guard let id = request.command.messageID else { return false }
        if sentCount >= window {
            held.append(request)
            return false
        }
        sentCount += 1
        outstanding[id]?.sent = true
        return true
    }

    /// The timeout scheduled for request `id`; cancelled when it completes.
    mutating func setTimeout(_ task: Scheduled<Void>, for id: UInt16) {
        if outstanding[id] != nil { outstanding[id]!.timeout = task } else { task.cancel() }
    }

    /// What a response means to the tracker.
    enum Completion {
        /// A Pending response: pass it to the request's handler, if any.
        case pending(PendingHandler?, DIMSEMessage)
        /// The final response: complete the promise, then send `nextToSend`.
        case final(EventLoopPromise<DIMSEMessage>, DIMSEMessage)
        /// No outstanding request has this Message ID Being Responded To.
        case unexpected
    }

    /// A response arrived (PS3.7 §9.3, §10.3).
    mutating func received(_ message: DIMSEMessage) -> Completion {
        guard let id = message.command.messageIDBeingRespondedTo, let entry = outstanding[id] else { return .unexpected }
        if message.command.status?.category == .pending { return .pending(entry.onPending, message) }
        outstanding[id] = nil
        if entry.sent { sentCount -= 1 }
        entry.timeout?.cancel()
        return .final(entry.promise, message)
    }

    /// The next held request, now that the window has room; nil when none can go.
    mutating func nextToSend() -> Request? {
        while sentCount < window, !held.isEmpty {
            let request = held.removeFirst()
            guard let id = request.command.messageID, outstanding[id] != nil else { continue } // timed out while held
            sentCount += 1
            outstanding[id]!.sent = true
            return request
        }
        return nil
    }

    /// Removes request `id` (it timed out, or could not be sent): its promise to fail and the
    /// response it waited for (for the error); nil when it completed already.
    mutating func remove(_ id: UInt16) -> (promise: EventLoopPromise<DIMSEMessage>, awaited: String)? {
        guard let entry = outstanding.removeValue(forKey: id) else { return nil }
        if entry.sent { sentCount -= 1 }
        entry.timeout?.cancel()
        return (entry.promise, entry.field.response?.description ?? "response")
    }

    /// Removes every request (the association ended): the promises to fail.
    mutating func removeAll() -> [EventLoopPromise<DIMSEMessage>] {
        let promises = outstanding.values.map { entry in
            entry.timeout?.cancel()
            return entry.promise
        }
        outstanding.removeAll()
        held.removeAll()
        sentCount = 0
        return promises
    }
}
