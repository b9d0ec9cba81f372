import ArgumentParser

/// The root command: `varreport report|plot|summary|check|sweep|compare|watch|export`.
struct VarReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "varreport",
        abstract: "Reads VAR training runs and reports how they converged.",
        discussion: """
            RUN is a run folder (VAR's local_output/, or any folder of logs) or a single log file: \
            stdout.txt, log.txt, TensorBoard event files, CSV or JSON Lines, an Infinity console, a \
            LlamaGen log, a W&B offline run (wandb/run-*/run-ID.wandb) or an MLflow run folder \
            (mlruns/<experiment>/<run>), recognised by content.

            Examples:
              varreport report local_output -o report/
              varreport summary local_output
              varreport check local_output --metric train/loss_tail --below 5.5
              varreport plot local_output --figure loss -o loss.png
              varreport compare runs/lr1e-4 runs/lr3e-4 -o compare/
              varreport watch local_output -o report/
              varreport export local_output --format csv -o scalars.csv
            """,
        version: "varreport 0.1.0",
        subcommands: [ReportCommand.self, PlotCommand.self, SummaryCommand.self, CheckCommand.self, SweepCommand.self, CompareCommand.self, WatchCommand.self, ExportCommand.self],
        defaultSubcommand: nil
    )
}
