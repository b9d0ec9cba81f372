import Foundation
import TextFormat

/// A one-line progress display on stderr: only on a terminal, and only once the work has taken
/// over a second, so quick commands and pipes stay quiet. A timer redraws it while a long phase
/// (reading a 1 GB log) gives no news of its own.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let start = Date()
    private var text = ""
    private var shown = false
    private let lock = NSLock()
    private var timer: DispatchSourceTimer?

    init(quiet: Bool) {
        enabled = !quiet && isatty(2) == 1
        guard enabled else { return }
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        t.schedule(deadline: .now() + 1, repeating: 0.25)
        t.setEventHandler { [weak self] in self?.redraw() }
        t.resume()
        timer = t
    }

    deinit { timer?.cancel() }

    /// What is being done now; shown (with the time so far) once a second has passed.
    func update(_ text: String) {
        guard enabled else { return }
        lock.lock()
        self.text = text
        lock.unlock()
        redraw()
    }

    private func redraw() {
        lock.lock(); defer { lock.unlock() }
        let elapsed = Date().timeIntervalSince(start)
        guard enabled, elapsed >= 1, !text.isEmpty else { return }
        let line = TerminalText.safe(String(text.prefix(90))) + cFormat("  %.0f s", elapsed)
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        shown = true
    }

    /// Clears the line (before normal output); the line stays quiet until the next update.
    func finish() {
        lock.lock(); defer { lock.unlock() }
        text = ""
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        shown = false
    }
}
