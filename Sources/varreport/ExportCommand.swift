import ArgumentParser
import Foundation
import Pipeline
import Report
import TrainingLog

extension ScalarExport.Format: ExpressibleByArgument {}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every scalar of a run in canonical names, as CSV or JSON Lines.",
        discussion: """
            Columns: metric,epoch,step,wall_time,value (TensorBoard's CSV download plus the epoch), \
            one row per logged point, sorted by metric then step; empty (CSV) or null (JSON Lines) \
            when unknown.

            Examples:
              varreport export local_output --format csv -o scalars.csv
              varreport export local_output --format jsonl | grep val/loss_tail
            """
    )

    @Argument(help: ArgumentHelp("A run folder or log file.", valueName: "run"))
    var runPath: String

    @Option(help: "csv or jsonl.")
    var format: ScalarExport.Format = .csv

    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write (default: standard output).", valueName: "FILE"))
    var output: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        let settings = try common.settings()
        let run = try RunLoader.load(runPath, options: settings.load)
        common.reportWarnings(run)
        let data = ScalarExport.data(run, format: format)
        if let output {
            try AtomicFile.write(data, to: output)
            if !common.quiet { Console.info("wrote \(output)") }
        } else {
            Console.output(data)
        }
    }
}
