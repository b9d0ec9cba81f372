import Foundation

/// `map` over independent items on every core, results in input order. Used where one command
/// has a few heavy, independent jobs: the event files of a folder, the logs of a run, the pieces
/// of a large CSV, the panels and the formats of one figure. A module of its own so that the
/// readers and the renderer, which know nothing of each other, share it.
///
/// Runs on its own threads rather than Dispatch's `concurrentPerform`, which runs a call made
/// from inside another one serially: the logs of a run are read in parallel and a large CSV
/// among them must still be split across the cores.
public enum ParallelMap {
    /// `workers` threads at the most (every core when nil), each taking the next item in order.
    public static func map<Item: Sendable, Output: Sendable>(
        _ items: [Item], workers limit: Int? = nil, _ transform: @escaping @Sendable (Item) -> Output
    ) -> [Output] {
        let workers = min(items.count, max(1, limit ?? ProcessInfo.processInfo.activeProcessorCount))
        if workers <= 1 { return items.map(transform) }
        let slots = Slots<Output>(count: items.count)
        let done = DispatchSemaphore(value: 0)
        let work: @Sendable () -> Void = {
            while let i = slots.claim() { slots.set(i, transform(items[i])) }
        }
        for _ in 1..<workers {
            let thread = Thread { work(); done.signal() }
            thread.stackSize = 8 << 20
            thread.start()
        }
        work()
        for _ in 1..<workers { done.wait() }
        return slots.values.map { $0! }  // every index was claimed and set before its worker finished
    }

    private final class Slots<Output>: @unchecked Sendable {
        var values: [Output?]
        private var next = 0
        let lock = NSLockLite()
        init(count: Int) { values = Array(repeating: nil, count: count) }
        /// The next index nobody has taken, or nil when all are taken.
        func claim() -> Int? { lock.withLock { next < values.count ? { next += 1; return next - 1 }() : nil } }
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
