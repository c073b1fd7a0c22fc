import Foundation
import NIOCore

/// Server-wide bookkeeping shared by the associations of one SCP: the established-association count
/// that enforces `AssociationPolicy.maxAssociations`, association IDs, and the open channels.
final class ServerState: @unchecked Sendable {
    private let lock = NSLock()
    private var active = 0
    private var nextID = 0
    private var channels: [ObjectIdentifier: Channel] = [:]

    /// Runs `body` with the current count; if it returns true, one more association is counted.
    func admit(_ body: (Int) -> Bool) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard body(active) else { return nil }
        active += 1; nextID += 1
        return nextID
    }
    func release() { lock.lock(); active -= 1; lock.unlock() }
    var activeCount: Int { lock.lock(); defer { lock.unlock() }; return active }

    /// Counts an open connection; false (and not counted) when `limit` are open already.
    func add(_ channel: Channel, limit: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard channels.count < limit else { return false }
        channels[ObjectIdentifier(channel)] = channel
        return true
    }
    func remove(_ channel: Channel) { lock.lock(); channels[ObjectIdentifier(channel)] = nil; lock.unlock() }
    var openChannels: [Channel] { lock.lock(); defer { lock.unlock() }; return Array(channels.values) }
}
