/// The formats varreport reads. Recognised from content, not from the file name alone.
public enum SourceFormat: String, Codable, Sendable, CaseIterable {
    case varStdout = "var-stdout"
    case varLogTxt = "var-log-txt"
    case tensorBoard = "tfevents"
    case csv
    case jsonLines = "jsonl"
    /// A LlamaGen training log (its console or `results/NNN-GPT-X/log.txt`).
    case llamaGen = "llamagen-log"
    /// A run of MLflow's file store (`mlruns/<experiment>/<run>/`: metrics/, params/, meta.yaml).
    case mlflow
    /// A W&B offline run's record stream (`wandb/run-.../run-ID.wandb`).
    case wandb
    /// A console log without metrics (VAR's `stderr.txt`, a scheduler's `.err` / `.out`), read
    /// only for restart banners and crash evidence.
    case console
}

/// One file that contributed to a run: what it was, which epochs it covered, what went wrong.
public struct SourceInfo: Sendable, Codable, Equatable {
    public var path: String
    public var format: SourceFormat
    /// First and last epoch (0-based) this file held epoch-level data for, if any.
    public var firstEpoch: Int?
    public var lastEpoch: Int?
    /// First and last global step this file held iteration data for, if any.
    public var firstStep: Int?
    public var lastStep: Int?
    public var warnings: [Diagnostic]
    /// When the file was last written (Unix seconds), when the loader could tell: the analysis
    /// tells a run that is still being written from one that stopped.
    public var modified: Double? = nil

    public init(path: String, format: SourceFormat, firstEpoch: Int? = nil, lastEpoch: Int? = nil,
                firstStep: Int? = nil, lastStep: Int? = nil, warnings: [Diagnostic] = []) {
        self.path = path
        self.format = format
        self.firstEpoch = firstEpoch
        self.lastEpoch = lastEpoch
        self.firstStep = firstStep
        self.lastStep = lastStep
        self.warnings = warnings
    }
}
