import Analysis
import Foundation
import Report
import TrainingLog

/// load -> analyse -> write, once for every command: `report`, `plot`, `summary`, `check` and
/// the sweep's runner call these, and only parse arguments and print around them.
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

    /// Reads, analyses and writes the report of one run into `directory`.
    public static func report(_ path: String, settings: Settings, to directory: (Run) -> String,
                              progress: (Step) -> Void = { _ in }, writing: ((String) -> Void)? = nil) throws
        -> (run: Run, summary: Summary, files: ReportFiles)
    {
        let (run, summary) = try analyse(path, settings: settings, progress: progress)
        let files = try ReportWriter(settings: settings.report).write(run: run, summary: summary, to: directory(run),
                                                                      progress: writing)
        return (run, summary, files)
    }
}
