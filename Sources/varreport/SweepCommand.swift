import ArgumentParser
import Foundation
import Pipeline
import Report
import Sweep
import TrainingLog
import TextFormat

/// `varreport sweep RUNS... -o DIR [--jobs N] [--shard I/N] [--force]` and `varreport sweep --merge DIR`.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Report many runs in parallel and compare them on one page.",
        discussion: """
            RUNS are run folders, parent folders (every run folder under them is found) or text files \
            that list run folders, one a line. Every run's report goes to DIR/runs/<name>/; the \
            comparison (sweep.pdf, sweep.html, sweep.md, sweep.json) to DIR. A run that fails is \
            reported and does not stop the others; the exit code is then 1.

            A re-run skips runs whose inputs and settings did not change (content hashes in \
            DIR/runs/<name>/sweep-run.json) and rebuilds the comparison; --force renders all.

            On a cluster, --shard I/N (I from 0 to N-1) renders every N-th run and no comparison; \
            `varreport sweep --merge DIR` then builds the comparison from the shards' outputs. \
            See docs/CLUSTER.md for a Slurm job array.

            Examples:
              varreport sweep runs/ -o sweep/
              varreport sweep runs/d16 runs/d20 runs/d24 -o sweep/ --jobs 4
              varreport sweep runs.txt -o sweep/ --shard 0/8
              varreport sweep --merge sweep/
            """
    )

    @Argument(help: ArgumentHelp("Run folders, parent folders or run lists (with --merge: sweep folders).", valueName: "runs"))
    var runs: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("The sweep folder.", valueName: "DIR"))
    var output: String?

    @Option(help: ArgumentHelp("Runs rendered in parallel (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    @Option(help: ArgumentHelp("Render only share I of N (I from 0) and write no comparison.", valueName: "I/N"))
    var shard: String?

    @Flag(help: "Build the comparison from the outputs of earlier (sharded) sweeps.")
    var merge = false

    @Flag(help: "Render every run, even those whose inputs have not changed.")
    var force = false

    @Option(help: ArgumentHelp("Irreducible part of the last-scale loss for the scaling fit.", valueName: "LOSS"))
    var irreducibleTail: Double = 4.5

    @Option(help: ArgumentHelp("Irreducible part of the scale-averaged loss for the scaling fit.", valueName: "LOSS"))
    var irreducibleMean: Double = 5.0

    @Option(help: ArgumentHelp("PNG pixel density of the figure files (HTML and PDF are vector; 2 for HiDPI Markdown).", valueName: "SCALE"))
    var pngScale: Double = 1

    @Option(help: ArgumentHelp("A folder of Mustache templates (report.*, sweep.*).", valueName: "DIR"))
    var template: String?

    @Option(help: "Language of the run reports' own words: en or zh.")
    var lang: ReportLanguage?

    @OptionGroup var figureOptions: FigureOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if runs.isEmpty { throw ValidationError(merge ? "give the sweep folder(s) to merge" : "give at least one RUN") }
        if !merge && output == nil { throw ValidationError("give the sweep folder with -o DIR") }
        if merge && shard != nil { throw ValidationError("--merge and --shard exclude each other") }
        if merge && runs.count > 1 && output == nil { throw ValidationError("with several folders to merge, give -o DIR") }
        if let j = jobs, j < 1 { throw ValidationError("--jobs must be at least 1") }
        if !(pngScale > 0 && pngScale <= 4) { throw ValidationError("--png-scale must be above 0 and at most 4") }
        if let s = shard, SweepShard(parsing: s) == nil { throw ValidationError("--shard must be I/N with 0 <= I < N, e.g. 0/4") }
        for v in [irreducibleTail, irreducibleMean] where !(v.isFinite && v >= 0) {
            throw ValidationError("--irreducible-* must be a non-negative number")
        }
    }

    func run() throws {
        let resolved = try common.settings { cli in
            figureOptions.apply(to: &cli)
            cli.template = template
            cli.language = lang
        }
        var report = resolved.report
        report.pngScale = pngScale
        let out = output ?? runs[0]
        var settings = SweepSettings(output: out)
        settings.report = report
        settings.analysis = resolved.analysis
        settings.load = resolved.load
        settings.jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        settings.force = force
        settings.shard = shard.flatMap(SweepShard.init(parsing:))
        settings.irreducible = ["train/loss_tail": irreducibleTail, "val/loss_tail": irreducibleTail,
                                "train/loss_mean": irreducibleMean, "val/loss_mean": irreducibleMean]
        do {
            if merge {
                try AtomicFile.createFolder(out)
                let failed = try compare(directories: runs, settings: settings)
                if failed > 0 { throw ExitCode(ExitStatus.checkFailed) }
                return
            }
            try sweep(settings: settings)
        } catch let e as SweepError {
            ExitStatus.printError("error: \(e)")
            throw ExitCode(ExitStatus.usage)
        }
    }

    func sweep(settings: SweepSettings) throws {
        var unopenable: [String] = []
        let paths = try SweepInputs.discover(runs, excluding: settings.output) { unopenable.append($0) }
        for message in unopenable { ExitStatus.printError(message) }
        let plan = SweepPlan(paths: paths)
        let runner = SweepRunner(settings: settings)
        let progress = SweepProgress(terminal: Console.stderrIsTerminal, quiet: common.quiet)
        let outcomes = try runner.render(plan: plan) { progress.handle($0) }
        progress.finish()

        let failed = outcomes.filter(\.record.failed)
        let skipped = outcomes.filter(\.skipped).count
        for f in failed { ExitStatus.printError("run \(f.ref.name) failed: \(f.record.error ?? "unknown error")") }
        if !common.quiet {
            let share = settings.shard.map { " (shard \($0) of \(plan.runs.count) runs)" } ?? ""
            Console.say("\(outcomes.count) runs\(share): \(outcomes.count - skipped - failed.count) rendered, \(skipped) unchanged, \(failed.count) failed")
        }
        var anyFailed = !failed.isEmpty || !unopenable.isEmpty
        if settings.shard == nil {
            anyFailed = try compare(directories: [settings.output], settings: settings) > 0 || anyFailed
        }
        if anyFailed { throw ExitCode(ExitStatus.checkFailed) }
    }

    /// Builds and writes the comparison; returns the number of failed runs.
    func compare(directories: [String], settings: SweepSettings) throws -> Int {
        let comparison = try SweepComparison.load(directories: directories, output: settings.output,
                                                  irreducible: settings.irreducible,
                                                  defaultThreshold: settings.analysis.threshold)
        let files = try SweepReportWriter(settings: settings.report).write(comparison, to: settings.output)
        if merge {
            for e in comparison.entries where e.record.failed {
                ExitStatus.printError("run \(e.record.name) failed: \(e.record.error ?? "unknown error")")
            }
        }
        if !common.quiet {
            if let b = comparison.best {
                let r = comparison.entries[b].record
                Console.say("best: \(r.name) (final \(comparison.primaryMetric) \(cFormat("%.4f", r.final[comparison.primaryMetric] ?? .nan)))")
            }
            if let s = comparison.scaling {
                Console.say(cFormat("scaling law: L = (%.4g * N)^%.4f, r2 = %.3f over %d runs", s.beta, s.alpha, s.r2, s.nPoints))
            }
            Console.say("comparison: \([files.pdf, files.html, files.markdown].compactMap { $0 }.joined(separator: ", ")), \(files.json)")
        }
        return comparison.failedCount
    }
}

/// Progress on stderr: a bar redrawn in place on a terminal (runs done / total, ETA, the run
/// being rendered), one plain line per finished run otherwise; nothing but failures with --quiet.
final class SweepProgress: @unchecked Sendable {
    private let terminal: Bool
    private let quiet: Bool
    private let start = Date()
    private var active: [String] = []
    private var drewBar = false

    init(terminal: Bool, quiet: Bool) {
        self.terminal = terminal
        self.quiet = quiet
    }

    /// Called by the runner one event at a time.
    func handle(_ event: SweepEvent) {
        guard !quiet else { return }
        switch event {
        case let .started(ref, done, total):
            active.append(ref.name)
            if terminal { bar(done: done, total: total) }
        case let .finished(o, done, total):
            active.removeAll { $0 == o.ref.name }
            let what: String
            if o.record.failed { what = "FAILED: \(o.record.error ?? "")" }
            else if o.skipped { what = "unchanged" }
            else { what = "\(o.record.verdict ?? o.record.status) (\(cFormat("%.1f", o.seconds)) s)" }
            if terminal {
                if o.record.failed { write("\r\u{1B}[K[\(done)/\(total)] \(o.ref.name): \(what)\n") }
                bar(done: done, total: total)
            } else {
                write("[\(done)/\(total)] \(o.ref.name): \(what)\n")
            }
        }
    }

    func finish() {
        if terminal && drewBar && !quiet { write("\r\u{1B}[K") }
    }

    private func bar(done: Int, total: Int) {
        drewBar = true
        let width = 24
        let filled = total > 0 ? width * done / total : width
        let elapsed = Date().timeIntervalSince(start)
        var eta = "--:--"
        if done > 0 && done < total {
            let s = Int(elapsed / Double(done) * Double(total - done))
            eta = cFormat("%d:%02d", s / 60, s % 60)
        } else if done == total { eta = "0:00" }
        let current = active.first.map { " " + TerminalText.safe(String($0.prefix(40))) } ?? ""
        write("\r\u{1B}[K[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
              + "] \(done)/\(total)  ETA \(eta)\(current)")
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
