/// The formats varreport reads. Recognised from content, not from the file name alone.
public enum SourceFormat: String, Codable, Sendable, CaseIterable {
    case varStdout = "var-stdout"
    case varLogTxt = "var-log-txt"
    case tensorBoard = "tfevents"
    case csv
    case jsonLines = "jsonl"
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
