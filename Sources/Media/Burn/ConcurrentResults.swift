import Foundation

/// One result slot per index, filled by `DispatchQueue.concurrentPerform` workers (each writes
/// only its own index) and read once the loop is over.
final class ConcurrentResults<T>: @unchecked Sendable {
    private var items: [T?]
    private let lock = NSLock()
    init(_ count: Int) { items = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) { lock.lock(); items[index] = value; lock.unlock() }
    func get(_ index: Int) -> T? { lock.lock(); defer { lock.unlock() }; return items[index] }
}

/// Items done and bytes so far, for progress reports from concurrent workers.
final class ProgressCounter: @unchecked Sendable {
    private var items = 0, bytes: Int64 = 0
    private let lock = NSLock()
    /// Counts one more item of `size` bytes; returns the totals so far.
    func add(_ size: Int64 = 0) -> (items: Int, bytes: Int64) {
        lock.lock(); defer { lock.unlock() }
        items += 1; bytes += size
        return (items, bytes)
    }
}
