import Analysis

/// A finding as a report prints it: its sentence and recommendation in the report's language.
public struct FindingText: Sendable, Equatable {
    public let kind: String
    public let severity: Severity
    /// The severity in the report's language ("warning", "警告").
    public let severityLabel: String
    public let message: String
    public let recommendation: String?
    public let epoch: Int?
    public let metric: String?
}
