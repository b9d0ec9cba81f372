import ArgumentParser
import Foundation
import Pipeline
import Report

/// `varreport summary RUN [--json]`
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print the analysis of a run as a table, or as JSON for scripts.",
        discussion: """
            Examples:
              varreport summary local_output
              varreport summary local_output --json \\
                  | jq '.metrics["train/loss_tail"].first_below'
            """
    )

    @Argument(help: ArgumentHelp("A run folder or log file.", valueName: "run"))
    var runPath: String

    @Flag(help: "Print the summary as JSON (schema varreport.summary/1) on stdout.")
    var json = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        let (_, summary) = try common.loadAndAnalyse(runPath, try common.settings())
        if json {
            Console.output(try SummaryJSON.encode(summary))
        } else {
            Console.output(Data(TerminalSummary.render(ReportModel(summary: summary), color: isatty(1) == 1).utf8))
        }
    }
}
