import Foundation

/// Result slots that workers fill, one index each, so no two threads touch the same slot.
private final class Slots<T>: @unchecked Sendable {
    let items: UnsafeMutableBufferPointer<T?>
    init(_ n: Int) {
        items = .allocate(capacity: max(n, 1))
        items.initialize(repeating: nil)
    }
    deinit { items.deinitialize(); items.deallocate() }
}

/// Runs `body` over `count` indices on every core and collects the results in order.
func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    let slots = Slots<T>(count)
    DispatchQueue.concurrentPerform(iterations: count) { i in
        slots.items[i] = body(i)
    }
    return (0 ..< count).map { slots.items[$0]! }
}
