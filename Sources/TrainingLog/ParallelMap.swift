import Foundation

/// `map` over independent items on every core (Dispatch's `concurrentPerform`), results in input
/// order. Used where one command has a few heavy, independent jobs: the event files of a folder,
/// the logs of a run, the formats of one figure.
public enum ParallelMap {
    public static func map<Item: Sendable, Output: Sendable>(
        _ items: [Item], _ transform: @Sendable (Item) -> Output
    ) -> [Output] {
        if items.count <= 1 { return items.map(transform) }
        let slots = Slots<Output>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: items.count) { i in slots.set(i, transform(items[i])) }
        return slots.values.map { $0! }  // concurrentPerform returns after every iteration ran
    }

    private final class Slots<Output>: @unchecked Sendable {
        var values: [Output?]
        let lock = NSLockLite()
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: Output) { lock.withLock { values[i] = value } }
    }
}

/// A pthread mutex (Foundation's NSLock is heavier than these few uses need).
final class NSLockLite: @unchecked Sendable {
    private var m = pthread_mutex_t()
    init() { pthread_mutex_init(&m, nil) }
    deinit { pthread_mutex_destroy(&m) }
    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&m)
        defer { pthread_mutex_unlock(&m) }
        return body()
    }
}
