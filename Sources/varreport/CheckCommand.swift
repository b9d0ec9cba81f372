import Analysis
import ArgumentParser
import Foundation
import Pipeline
import TrainingLog
import TextFormat

/// `varreport check RUN --metric NAME --below X`: a gate for CI scripts.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Exit 0 when the run meets the bar, 1 when it does not (for CI).",
        discussion: """
            The value compared is the metric's last value by default (the last validation point for \
            val/* metrics); --use best or --use smoothed compare the best or the TensorBoard-smoothed \
            last value instead.

            Examples:
              varreport check local_output --metric val/loss_tail --below 5.5
              varreport check local_output --metric train/acc_tail --above 5 \\
                  --use smoothed
            """
    )

    enum Statistic: String, ExpressibleByArgument, CaseIterable {
        case last, best, smoothed
    }

    @Argument(help: ArgumentHelp("A run folder or log file.", valueName: "run"))
    var runPath: String

    @Option(help: "The canonical metric name, e.g. train/loss_tail.")
    var metric: String

    @Option(help: "Pass when the value is below this.")
    var below: Double?

    @Option(help: "Pass when the value is above this.")
    var above: Double?

    @Option(help: "Which value to compare: last, best or smoothed.")
    var use: Statistic = .last

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if (below == nil) == (above == nil) { throw ValidationError("give exactly one of --below and --above") }
    }

    func run() throws {
        let (_, summary) = try common.loadAndAnalyse(runPath, try common.settings())
        guard let m = summary.metrics[metric] else {
            let known = summary.metrics.keys.sorted().joined(separator: ", ")
            ExitStatus.printError("\(runPath): no data for metric '\(metric)'; the run has: \(known)")
            throw ExitCode(ExitStatus.usage)
        }
        let value: Double?
        var at = ""
        switch use {
        case .last:
            value = m.last.value
            at = m.last.epoch.map { " at epoch \($0)" } ?? m.last.step.map { " at step \($0)" } ?? ""
        case .best:
            value = m.best.value
            at = m.best.epoch.map { " at epoch \($0)" } ?? m.best.step.map { " at step \($0)" } ?? ""
        case .smoothed:
            value = m.smoothedLast
        }
        guard let v = value else {
            ExitStatus.printError("\(runPath): metric '\(metric)' has no \(use.rawValue) value")
            throw ExitCode(ExitStatus.usage)
        }
        let pass: Bool
        let bar: String
        if let b = below {
            pass = v < b
            bar = "< \(b)"
        } else {
            let a = above ?? .infinity
            pass = v > a
            bar = "> \(a)"
        }
        if !common.quiet {
            Console.say("\(pass ? "PASS" : "FAIL") \(metric) \(use.rawValue) \(cFormat("%.4f", v))\(at) \(pass ? "" : "not ")\(bar)")
        }
        if !pass { throw ExitCode(ExitStatus.checkFailed) }
    }
}
