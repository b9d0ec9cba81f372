import ArgumentParser
import Foundation
import Pipeline
import Report
import Sweep
import TrainingLog

/// `varreport report RUN... [-o DIR]`
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a run's report: PDF, HTML, Markdown, figures and summary.json.",
        discussion: """
            With one RUN the report goes into DIR itself; with several, into DIR/<run name>/ each. \
            An existing folder is updated, never wiped, and no input file is written over.

            Examples:
              varreport report local_output -o report/
              varreport report runs/d16 runs/d20 -o reports/ --theme dark
              varreport report local_output -o report/ --lang zh --template my-templates/
            """
    )

    @Argument(help: "Run folders or log files.")
    var runs: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp("Output folder (default: report-<run name>).", valueName: "DIR"))
    var output: String?

    @Option(help: ArgumentHelp("A folder of Mustache templates (report.md.mustache, report.html.mustache).", valueName: "DIR"))
    var template: String?

    @Option(help: "Language of the report's own words: en or zh.")
    var lang: ReportLanguage?

    @OptionGroup var figureOptions: FigureOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give at least one RUN") }
    }

    func run() throws {
        let settings = try common.settings { cli in
            figureOptions.apply(to: &cli)
            cli.template = template
            cli.language = lang
        }
        let writer = try ReportWriter(settings: settings.report)
        var failed = 0
        let progress = ProgressLine(quiet: common.quiet)
        defer { progress.finish() }
        // Several runs: one folder each, named from their paths as a sweep names them (unique).
        let folderNames = OutputNaming.uniqueNames(for: runs)
        for (index, path) in runs.enumerated() {
            do {
                let (run, summary) = try common.loadAndAnalyse(path, settings, progress: progress)
                let dir: String
                if runs.count == 1 { dir = output ?? "report-" + OutputNaming.sanitise(run.name) }
                else { dir = (output ?? "reports") + "/" + folderNames[index] }
                let files = try writer.write(run: run, summary: summary, to: dir) { step in
                    progress.update("\(run.name): \(step)")
                }
                progress.finish()
                if !common.quiet {
                    Console.say("\(run.name): \(ReportModel.verdictLabel(summary.verdict).lowercased()), report in \(files.directory)/")
                    for f in [files.pdf, files.html, files.markdown, files.summaryJSON].compactMap({ $0 }) {
                        Console.say("  \(f)")
                    }
                    Console.say("  \(files.figures.count) figures in \(files.directory)/figures/")
                }
            } catch {
                if runs.count == 1 { throw error }
                failed += 1
                // The error names its file already when it is about one; say the run otherwise.
                let message = "\(error)"
                ExitStatus.printError(message.contains(path) ? message : "\(path): \(message)")
            }
        }
        if failed > 0 { throw ExitCode(ExitStatus.checkFailed) }
    }
}
