import ArgumentParser
import Foundation
import Pipeline
import Report
import TrainingLog

extension ScalarExport.Format: ExpressibleByArgument {}

/// `--level`: which points of a metric `export` writes.
enum ExportLevel: String, ExpressibleByArgument, CaseIterable {
    case epoch, iteration
    var granularity: Granularity { self == .epoch ? .epoch : .iteration }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every scalar of a run in canonical names, as CSV or JSON Lines.",
        discussion: """
            Columns: metric,epoch,step,wall_time,value (TensorBoard's CSV download plus the epoch), \
            one row per logged point, sorted by metric then step; empty (CSV) or null (JSON Lines) \
            when unknown. wall_time is Unix seconds: a console's times count only when TensorBoard \
            or W&B logged the same points, which give the year and time zone.

            Examples:
              varreport export local_output --format csv -o scalars.csv
              varreport export local_output --format jsonl | grep val/loss_tail
              varreport export local_output --level epoch -o epochs.csv
            """
    )

    @Argument(help: ArgumentHelp("A run folder or log file.", valueName: "run"))
    var runPath: String

    @Option(help: "csv or jsonl.")
    var format: ScalarExport.Format = .csv

    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write (default: standard output).", valueName: "FILE"))
    var output: String?

    @Option(help: ArgumentHelp("Only epoch-level points (epoch averages, validation) or only per-iteration points; a metric such as train/loss_tail has both, and they can share a step. (default: both)", valueName: "epoch|iteration"))
    var level: ExportLevel?

    @OptionGroup var common: CommonOptions

    func run() throws {
        let settings = try common.settings()
        let run = try RunLoader.load(runPath, options: settings.load)
        common.reportWarnings(run)
        let data = ScalarExport.data(run, format: format, level: level?.granularity)
        let clockless = ScalarExport.pointsWithoutUnixTime(run, level: level?.granularity)
        if clockless > 0, !common.quiet {
            Console.info("note: \(clockless) rows have no wall_time: the console's clock has no year, and no TensorBoard or W&B time to set it by")
        }
        if let output {
            try AtomicFile.write(data, to: output)
            if !common.quiet { Console.info("wrote \(output)") }
        } else {
            Console.output(data)
        }
    }
}
