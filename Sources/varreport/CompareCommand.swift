import ArgumentParser
import Foundation
import Pipeline
import Render
import Report
import Analysis
import TrainingLog

/// `varreport compare RUN RUN... [-o DIR | -o FILE.png|.pdf|.svg]`
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Overlay two or more runs, labelled by run name, with the numbers and config values side by side.",
        discussion: """
            Writes compare.pdf, compare.html, compare.md and figures/ into -o DIR (default \
            compare/), or the loss figure alone into -o FILE.png, .pdf or .svg (-o repeats). \
            Unlike sweep, no scaling law: this is run against run.

            Examples:
              varreport compare runs/lr1e-4 runs/lr3e-4 -o compare/
              varreport compare runs/a runs/b --x hours -o a-vs-b.svg
            """
    )

    @Argument(help: ArgumentHelp("Two or more run folders or log files.", valueName: "run"))
    var runs: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp("A report folder, or a figure file (.png, .pdf, .svg); repeatable.", valueName: "PATH"))
    var output: [String] = []

    @OptionGroup var figureOptions: FigureOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if runs.count < 2 { throw ValidationError("give at least two runs to compare") }
        if figureOptions.x == .wall { throw ValidationError("compare aligns runs on epoch, step or hours, not on the wall clock (each run has its own)") }
    }

    func run() throws {
        let settings = try common.settings { figureOptions.apply(to: &$0) }
        let progress = ProgressLine(quiet: common.quiet)
        defer { progress.finish() }
        var analysed: [(run: Run, summary: Summary)] = []
        for path in runs { analysed.append(try common.loadAndAnalyse(path, settings, progress: progress)) }
        progress.finish()
        let comparison = RunComparison(analysed.map { (run: $0.run, summary: $0.summary) })
        let targets = output.isEmpty ? ["compare"] : output
        for target in targets {
            if let format = OutputFormat(pathExtension: target) {
                guard let figure = CompareFigures.all(comparison, settings: settings.report.figures).first else {
                    throw ValidationError("the runs have no loss to draw")
                }
                try AtomicFile.write(try figure.figure.data(format), to: target)
                if !common.quiet { Console.say("wrote \(target)") }
            } else {
                let files = try CompareWriter(settings: settings.report).write(comparison, to: target)
                if !common.quiet {
                    Console.say("compared \(comparison.entries.map(\.label).joined(separator: ", ")): \(target)/")
                    for f in files where !f.contains("/figures/") { Console.say("  \(f)") }
                }
            }
        }
    }
}
