/// A line in a log that says the training process died, with where it is.
///
/// Readers collect these; `Analysis` weighs them (a run that stops after one, unfinished, has
/// crashed). A line counts as evidence only in the forms the tools print:
/// - Python: `Traceback (most recent call last):` (with the exception line that ends it);
/// - torchrun / torch.distributed.elastic: `ChildFailedError`, `exitcode  : -9 (pid: ...)`,
///   `Signal 9 (SIGKILL) received by PID ...`, the NCCL watchdog's collective-operation timeout;
/// - CUDA and the kernel: `CUDA out of memory`, `OutOfMemoryError`, `oom-kill`, a line `Killed`;
/// - Slurm: `*** JOB 123 ON node CANCELLED AT ... ***`, `... DUE TO TIME LIMIT ***`,
///   `srun: error: ...: Exited with exit code 1`.
public struct CrashEvidence: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case traceback
        case childFailed = "child-failed"
        case exitCode = "exit-code"
        case outOfMemory = "out-of-memory"
        case cancelled
        case timeLimit = "time-limit"
        case killed
        case ncclTimeout = "nccl-timeout"
    }

    public var kind: Kind
    public var file: String
    public var line: Int
    /// The line as printed (trimmed, at most 200 bytes); for a traceback, the exception line
    /// that ends it when the file has one.
    public var text: String
    /// The launch of its file it was printed in (0-based, counted by RESTART banners).
    public var launch: Int
    /// True when nothing trained after it in its file: it is in the file's last launch and no
    /// training line follows it.
    public var terminal: Bool

    public init(kind: Kind, file: String, line: Int, text: String, launch: Int = 0, terminal: Bool = true) {
        self.kind = kind
        self.file = file
        self.line = line
        self.text = text
        self.launch = launch
        self.terminal = terminal
    }

    /// A short name for reports: `ChildFailedError`, `a traceback`, `CUDA out of memory`, ...
    public var label: String {
        switch kind {
        case .traceback: return "a Python traceback"
        case .childFailed: return "torchrun's ChildFailedError"
        case .exitCode: return "a non-zero exit code"
        case .outOfMemory: return "out of memory"
        case .cancelled: return "the job was cancelled"
        case .timeLimit: return "the job hit its time limit"
        case .killed: return "the process was killed"
        case .ncclTimeout: return "an NCCL collective timed out"
        }
    }

    /// How strongly the kind says the process died: a scheduler's or torchrun's word is final;
    /// a traceback is final only when nothing trained after it.
    public var isFatalByItself: Bool { kind != .traceback }
}

/// Classifies one console line; cheap for the lines that are not evidence.
enum CrashLineClassifier {
    /// The kind of evidence `p[s..<e]` is, if any.
    static func classify(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> CrashEvidence.Kind? {
        guard e - s >= 6 else { return e - s == 6 && ByteScan.matches(p, s, e, "Killed") ? .killed : nil }
        if ByteScan.find(p, s, e, "Traceback (most recent call last)") != nil { return .traceback }
        if ByteScan.find(p, s, e, "ChildFailedError") != nil { return .childFailed }
        if ByteScan.find(p, s, e, "DUE TO TIME LIMIT") != nil { return .timeLimit }
        if ByteScan.find(p, s, e, "CANCELLED AT") != nil || ByteScan.find(p, s, e, "DUE TO PREEMPTION") != nil {
            return .cancelled
        }
        if ByteScan.find(p, s, e, "CUDA out of memory") != nil || ByteScan.find(p, s, e, "OutOfMemoryError") != nil
            || ByteScan.find(p, s, e, "oom-kill") != nil || ByteScan.find(p, s, e, "oom_kill") != nil {
            return .outOfMemory
        }
        if ByteScan.find(p, s, e, "collective operation timeout") != nil { return .ncclTimeout }
        if ByteScan.find(p, s, e, "(SIGKILL)") != nil || ByteScan.find(p, s, e, "Signals.SIGKILL") != nil { return .killed }
        if let k = ByteScan.find(p, s, e, "exitcode"), nonZeroCode(p, k + 8, e, colon: true) { return .exitCode }
        if let k = ByteScan.find(p, s, e, "Exited with exit code"), nonZeroCode(p, k + 21, e, colon: false) { return .exitCode }
        let (a, b) = ByteScan.trim(p, s, e)
        if b - a == 6, ByteScan.matches(p, a, b, "Killed") { return .killed }
        return nil
    }

    /// ` : -9` (with `colon`) or ` 1` at p[i...]: a signed integer that is not 0.
    private static func nonZeroCode(_ p: UnsafePointer<UInt8>, _ i: Int, _ e: Int, colon: Bool) -> Bool {
        var k = ByteScan.skipSpaces(p, i, e)
        if colon {
            guard k < e, p[k] == 0x3A else { return false }
            k = ByteScan.skipSpaces(p, k + 1, e)
        }
        if k < e, p[k] == 0x2D { k += 1 }
        guard let (v, _) = ByteScan.parseInt(p, k, e) else { return false }
        return v != 0
    }

    /// A traceback ends with the exception line: the first line after it that is not indented
    /// and is not a traceback's own framing.
    static func isExceptionLine(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        guard s < e, p[s] != 0x20, p[s] != 0x09 else { return false }
        if ByteScan.matches(p, s, e, "Traceback") || ByteScan.matches(p, s, e, "During handling")
            || ByteScan.matches(p, s, e, "The above exception") { return false }
        return ByteScan.find(p, s, e, ":") != nil || ByteScan.find(p, s, e, "Error") != nil
    }
}

/// Follows the launches of one console file (RESTART banners) and the crash evidence in it.
///
/// VAR's `SyncPrint` appends `RESTART [MM-DD HH:MM:SS]` to `stdout.txt` and `stderr.txt` at every
/// start of the script but the first. Every rank that writes the file prints its own copy at the
/// same moment: banners within `sameLaunchSeconds` of the previous one, with no training logged
/// in between, are one launch.
struct LaunchTracker {
    static let sameLaunchSeconds = 2.0

    let file: String
    private(set) var launches: [Launch]
    private var lastBannerTime: Double? = nil
    private var evidence: [CrashEvidence] = []
    /// The line of the last training progress, per launch.
    private var lastProgressLine: [Int] = [0]
    /// A traceback whose exception line has not been seen yet (index into `evidence`).
    private var openTraceback: Int? = nil

    init(file: String) {
        self.file = file
        launches = [Launch(file: file)]
    }

    var current: Int { launches.count - 1 }

    /// A RESTART banner at `line`, printed at `time` (seconds of the year, nil when unreadable).
    /// Returns true when it starts a new launch (false: another rank's copy of the last banner).
    mutating func banner(line: Int, stamp: String?, time: Double?) -> Bool {
        openTraceback = nil
        if let t = time, let last = lastBannerTime, abs(t - last) <= Self.sameLaunchSeconds,
           !launches[current].trained, current > 0 {
            launches[current].duplicateBanners += 1
            return false
        }
        lastBannerTime = time
        launches.append(Launch(file: file, line: line, startedAt: stamp))
        lastProgressLine.append(0)
        return true
    }

    /// The launch says which epoch it resumes from.
    mutating func resume(epoch: Int) {
        if launches[current].resumeEpoch == nil { launches[current].resumeEpoch = epoch }
    }

    /// Training was logged at `line`: an epoch (and a global step, when known).
    mutating func progress(epoch: Int?, step: Int?, line: Int) {
        // In place: this runs for every training line of a multi-GB log.
        let c = current
        if let e = epoch {
            if launches[c].firstEpoch == nil { launches[c].firstEpoch = e }
            if e > launches[c].lastEpoch ?? Int.min { launches[c].lastEpoch = e }
        }
        if let s = step {
            if launches[c].firstStep == nil { launches[c].firstStep = s }
            if s > launches[c].lastStep ?? Int.min { launches[c].lastStep = s }
        }
        lastProgressLine[c] = line
        openTraceback = nil
    }

    /// Looks at a line that is not a training line; records it when it is crash evidence.
    mutating func look(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, line: Int) {
        if let k = CrashLineClassifier.classify(p, s, e) {
            let (a, b) = ByteScan.trim(p, s, min(e, s + 200))
            evidence.append(CrashEvidence(kind: k, file: file, line: line, text: ByteScan.string(p, a, b),
                                          launch: current))
            openTraceback = k == .traceback ? evidence.count - 1 : nil
            return
        }
        if let i = openTraceback, CrashLineClassifier.isExceptionLine(p, s, e) {
            let (a, b) = ByteScan.trim(p, s, min(e, s + 200))
            evidence[i].text = ByteScan.string(p, a, b)
            openTraceback = nil
        }
    }

    /// The evidence with its `terminal` flag: in the last launch, after its last training line.
    func finishedEvidence() -> [CrashEvidence] {
        evidence.map { ev in
            var x = ev
            x.terminal = ev.launch == current && ev.line > lastProgressLine[current]
            return x
        }
    }
}
