import Foundation

/// A one-line progress display on stderr: only on a terminal, and only once the work has taken
/// over a second, so quick commands and pipes stay quiet.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let start = Date()
    private var shown = false
    private let lock = NSLock()

    init(quiet: Bool) {
        enabled = !quiet && isatty(2) == 1
    }

    func update(_ text: String) {
        guard enabled, Date().timeIntervalSince(start) >= 1 else { return }
        lock.lock(); defer { lock.unlock() }
        let line = String(text.prefix(100))
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        shown = true
    }

    /// Clears the line (before normal output).
    func finish() {
        lock.lock(); defer { lock.unlock() }
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        shown = false
    }
}
