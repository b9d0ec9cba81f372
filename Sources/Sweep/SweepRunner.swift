import Report
import Analysis
import Foundation
import Parallel
import Pipeline
import TrainingLog

/// Settings of one sweep invocation.
public struct SweepSettings: Sendable {
    /// The sweep folder (`-o DIR`).
    public var output: String
    public var report = ReportSettings()
    public var analysis = AnalysisOptions()
    /// How runs are read (the config file's name mappings).
    public var load = LoadOptions()

    /// What the pipeline reads and analyses each run with.
    var pipeline: Settings {
        var p = Settings()
        p.load = load
        p.analysis = analysis
        p.report = report
        return p
    }
    /// Parallel renders; at least 1.
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// Render every run even when its inputs have not changed.
    public var force = false
    /// Render only this share of the runs (and do not build the comparison).
    public var shard: SweepShard? = nil
    /// The loss treated as irreducible in the reducible-loss scaling fit, per metric.
    public var irreducible: [String: Double] = SweepSettings.defaultIrreducible

    /// VAR's tokenizer: about 4.5 for the last scale and 5.0 averaged over scales.
    public static let defaultIrreducible: [String: Double] = [
        "train/loss_tail": 4.5, "val/loss_tail": 4.5, "train/loss_mean": 5.0, "val/loss_mean": 5.0,
    ]

    public init(output: String) { self.output = output }

    /// A hash of everything besides the inputs that changes a run's report: the analysis
    /// options, the report settings, the template folder's files and the tool version.
    public func settingsHash() -> String {
        var parts: [String] = ["varreport \(ReportContext.toolVersion)"]
        if let data = try? SweepJSONCoding.encode(analysis) { parts.append(String(decoding: data, as: UTF8.self)) }
        parts.append(load.nameMap.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))
        let f = report.figures
        parts.append("\(f.xAxis.rawValue)|\(f.theme)|\(f.transparent)|\(f.width)x\(f.height)")
        parts.append("\(report.language.rawValue)|\(report.pngScale)|\(report.writePDF)\(report.writeHTML)\(report.writeMarkdown)")
        if let dir = report.templateDirectory {
            parts.append(dir)
            parts.append((try? SweepHash.inputs(of: dir)) ?? "unreadable")
        }
        return SweepHash.text(parts.joined(separator: "\n"))
    }
}

/// What happened to one run in this invocation.
public struct SweepRunOutcome: Sendable {
    public var ref: SweepRunRef
    public var record: SweepRunRecord
    /// True when the run's inputs and settings were unchanged and its report was kept.
    public var skipped: Bool
    public var seconds: Double
}

/// Progress events, delivered on the worker threads one at a time (the runner serialises them).
public enum SweepEvent: Sendable {
    case started(ref: SweepRunRef, done: Int, total: Int)
    case finished(SweepRunOutcome, done: Int, total: Int)
}

/// Renders the runs of a plan in parallel: a fixed pool of `jobs` threads takes runs from a
/// shared queue; each run gets its own pipeline call (read, analyse), analysis, figures, Cairo surfaces and PDF
/// (nothing is shared between threads but immutable settings). A failing run is recorded with
/// its error and never stops the others.
public struct SweepRunner: Sendable {
    public var settings: SweepSettings

    public init(settings: SweepSettings) {
        self.settings = settings
    }

    /// Renders the runs of `plan` that belong to this shard (all without `--shard`) and writes
    /// the plan; returns one outcome per rendered run, in plan order.
    public func render(plan: SweepPlan, progress: (@Sendable (SweepEvent) -> Void)? = nil) throws -> [SweepRunOutcome] {
        let out = settings.output
        try AtomicFile.createFolder(out)
        try AtomicFile.createFolder(out + "/runs")
        try plan.write(to: out)
        let mine = plan.runs.enumerated().filter { settings.shard?.contains($0.offset) ?? true }.map(\.element)
        let writer = try ReportWriter(settings: settings.report)
        let settingsHash = settings.settingsHash()
        let state = RunnerState(total: mine.count)
        let jobs = max(1, min(settings.jobs, max(mine.count, 1)))

        // Parallel's pool: `jobs` workers, each taking the next run of the plan.
        _ = ParallelMap.map(Array(mine.indices), workers: jobs) { i in
            let ref = mine[i]
            state.report(progress) { .started(ref: ref, done: $0, total: $1) }
            let outcome = self.process(ref, writer: writer, settingsHash: settingsHash)
            state.finish(i, outcome, progress)
            return i
        }
        return state.outcomes()
    }

    /// One run: skip when unchanged, else read, analyse, write the report, the curves and the record.
    func process(_ ref: SweepRunRef, writer: ReportWriter, settingsHash: String) -> SweepRunOutcome {
        let start = Date()
        let dir = settings.output + "/runs/" + ref.name
        let recordPath = dir + "/" + SweepRunRecord.fileName
        var inputHash: String? = nil
        do {
            let hash = try SweepHash.run(ref.path, excluding: settings.output)
            inputHash = hash
            if !settings.force, let old = try? SweepJSONCoding.decode(SweepRunRecord.self, from: recordPath),
               old.inputHash == hash, old.settingsHash == settingsHash, !old.failed, old.path == ref.path,
               ReportCommit.isIntact(dir),
               FileManager.default.fileExists(atPath: dir + "/" + SweepCurves.fileName) {
                return SweepRunOutcome(ref: ref, record: old, skipped: true, seconds: Date().timeIntervalSince(start))
            }
            let (run, summary) = try RunPipeline.analyse(ref.path, settings: settings.pipeline)
            _ = try writer.write(run: run, summary: summary, to: dir)
            try AtomicFile.write(try SweepJSONCoding.encode(SweepCurves.make(run)), to: dir + "/" + SweepCurves.fileName)
            let record = SweepRunRecord.make(ref: ref, summary: summary, inputHash: hash, settingsHash: settingsHash)
            try AtomicFile.write(try SweepJSONCoding.encode(record), to: recordPath)
            return SweepRunOutcome(ref: ref, record: record, skipped: false, seconds: Date().timeIntervalSince(start))
        } catch {
            let record = SweepRunRecord.failed(ref: ref, error: "\(error)", inputHash: inputHash, settingsHash: settingsHash)
            try? AtomicFile.write(try SweepJSONCoding.encode(record), to: recordPath)
            return SweepRunOutcome(ref: ref, record: record, skipped: false, seconds: Date().timeIntervalSince(start))
        }
    }
}

/// The queue and results shared by the worker threads, behind one lock.
final class RunnerState: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private var results: [SweepRunOutcome?]

    init(total: Int) {
        self.total = total
        results = Array(repeating: nil, count: total)
    }

    func report(_ progress: (@Sendable (SweepEvent) -> Void)?, _ make: (Int, Int) -> SweepEvent) {
        guard let progress else { return }
        lock.lock(); defer { lock.unlock() }
        progress(make(done, total))
    }

    func finish(_ i: Int, _ outcome: SweepRunOutcome, _ progress: (@Sendable (SweepEvent) -> Void)?) {
        lock.lock(); defer { lock.unlock() }
        results[i] = outcome
        done += 1
        progress?(.finished(outcome, done: done, total: total))
    }

    func outcomes() -> [SweepRunOutcome] {
        lock.lock(); defer { lock.unlock() }
        return results.compactMap { $0 }
    }
}
