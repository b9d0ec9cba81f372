import Analysis
import Foundation
import Pipeline
import Report
import TrainingLog

/// Follows one run as it trains: each `step` reads what was written since the last one
/// (`RunFollower`), analyses the run again when something was, and returns the events that show
/// for the first time; with a report folder it keeps the report current (one unit, at most every
/// `reportEvery` seconds, and at the end). The clock is the caller's: a test steps it without
/// sleeping, the command steps it every `--interval` seconds.
public final class Watcher {
    /// Why watching ended.
    public enum End: String, Sendable {
        /// The run ended normally (end marker, or all planned epochs done).
        case finished
        /// Nothing new for the idle timeout.
        case idle
        /// Ctrl-C, or an `--exit-on` event: the caller's decision.
        case stoppedByUser = "stopped-by-user"
    }

    public struct StepResult: Sendable {
        public var events: [WatchEvent] = []
        /// True when new data was read (and the run analysed again).
        public var changed = false
        /// Set when watching should end.
        public var end: End? = nil
        /// The analysis after this step (nil before the logs hold any data).
        public var summary: Summary? = nil
        /// A problem of this step (the logs cannot be read yet): said once, watching goes on.
        public var problem: String? = nil
    }

    public let path: String
    public let settings: Settings
    public let reportDirectory: String?
    public let reportEvery: Double
    public let idleTimeout: Double?
    private let follower: RunFollower
    private var detector = EventDetector()
    private var lastChange: Double
    private var lastReport: Double? = nil
    private var reportPending = false
    private var lastProblem: String? = nil
    public private(set) var summary: Summary? = nil
    public private(set) var run: Run? = nil

    /// The share of one core the analysis may take on average (0.01: 1 %): after an analysis
    /// that cost c seconds of CPU, the next waits at least c / budget seconds, however often
    /// new data comes (its events come a little later instead). nil: after every change.
    public let analysisBudget: Double?
    private var lastAnalysis: (at: Double, cpu: Double)? = nil
    private var analysisPending = false

    public init(path: String, settings: Settings, reportDirectory: String? = nil, reportEvery: Double = 60,
                idleTimeout: Double? = nil, analysisBudget: Double? = nil, now: Double) throws {
        self.analysisBudget = analysisBudget
        self.path = path
        self.settings = settings
        self.reportDirectory = reportDirectory
        self.reportEvery = reportEvery
        self.idleTimeout = idleTimeout
        follower = try RunFollower(path: path, options: settings.load)
        lastChange = now
    }

    static func isoTime(_ t: Double) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date(timeIntervalSince1970: t))
    }

    /// Reads, analyses and reports what changed since the last step, at time `now` (Unix seconds).
    public func step(now: Double) throws -> StepResult {
        var result = StepResult()
        let time = Self.isoTime(now)
        let change = follower.poll()
        for p in change.replaced { result.events.append(detector.fileEvent(.logReplaced, path: p, run: path, at: time)) }
        for p in change.removed { result.events.append(detector.fileEvent(.logRemoved, path: p, run: path, at: time)) }
        if !change.isEmpty { lastChange = now; analysisPending = true }
        if summary == nil { analysisPending = true }
        let due = lastAnalysis.map { last in analysisBudget.map { now >= last.at + last.cpu / $0 } ?? true } ?? true
        if analysisPending, due {
            analysisPending = false
            let cpuBefore = Self.processCPUSeconds()
            defer { lastAnalysis = (now, Self.processCPUSeconds() - cpuBefore) }
            do {
                let run = try follower.run()
                var options = settings.analysis
                options.now = now
                let s = Analyzer.analyze(run, options: options)
                self.run = run
                summary = s
                result.changed = true
                result.events += detector.events(in: s, at: time)
                reportPending = true
                lastProblem = nil
            } catch {
                // Nothing usable yet (an empty file, only a header): wait for more, say it once.
                let text = "\(error)"
                if text != lastProblem { result.problem = text }
                lastProblem = text
            }
        }
        result.summary = summary
        if let s = summary, s.run.status == .finished {
            result.end = .finished
        } else if let idle = idleTimeout, now - lastChange >= idle {
            result.end = .idle
            let minutes = (now - lastChange) / 60
            result.events.append(WatchEvent(kind: .stopped, time: time, epoch: summary?.run.epochsCompleted,
                                            message: "nothing new was written for \(String(format: minutes >= 1 ? "%.0f min" : "%.0f s", minutes >= 1 ? minutes : now - lastChange)); watching ended",
                                            run: path))
        }
        if result.end == nil, reportPending, reportDirectory != nil, lastReport.map({ now - $0 >= reportEvery }) ?? true {
            try writeReport(now: now, live: true)
        }
        return result
    }

    /// The last report, once watching ends: the run as its files are now, every line read
    /// (a last line without its newline too), and a page that no longer reloads itself.
    public func finish(now: Double) throws -> Summary? {
        _ = follower.poll()
        if let run = try? follower.run(includingUnfinishedLines: true) {
            var options = settings.analysis
            options.now = now
            self.run = run
            summary = Analyzer.analyze(run, options: options)
        }
        if reportDirectory != nil, summary != nil { try writeReport(now: now, live: false) }
        return summary
    }

    /// User + system CPU time of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    private func writeReport(now: Double, live: Bool) throws {
        guard let dir = reportDirectory, let run, let summary else { return }
        var report = settings.report
        report.liveRefreshSeconds = live ? max(5, Int(reportEvery.rounded())) : nil
        _ = try ReportWriter(settings: report).write(run: run, summary: summary, to: dir)
        lastReport = now
        reportPending = false
    }
}
