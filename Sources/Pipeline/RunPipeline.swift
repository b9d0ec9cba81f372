import Analysis
import Foundation
import Report
import TrainingLog

/// load -> analyse, once for every command: `report`, `plot`, `summary`, `check` and the sweep's
/// runner read and analyse a run through `analyse`, then hand the summary to their writer
/// (`ReportWriter`, the figures, `TerminalSummary`), and only parse arguments and print around it.
public enum RunPipeline {
    /// The steps a caller may want to show or time.
    public enum Step: Sendable {
        case reading(path: String)
        case read(run: Run)
        case analysed(summary: Summary)
    }

    /// Reads the run at `path` (folder or file) and analyses it. `tuning` adjusts the analysis
    /// options after the settings' (`plot` narrows the analysis to what its figures draw).
    public static func analyse(_ path: String, settings: Settings, tuning: (inout AnalysisOptions) -> Void = { _ in },
                               progress: (Step) -> Void = { _ in }) throws -> (Run, Summary) {
        progress(.reading(path: path))
        let run = try RunLoader.load(path, options: settings.load)
        progress(.read(run: run))
        var options = settings.analysis
        tuning(&options)
        let summary = Analyzer.analyze(run, options: options)
        progress(.analysed(summary: summary))
        return (run, summary)
    }
}
