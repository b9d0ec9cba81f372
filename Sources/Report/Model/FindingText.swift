import Analysis

/// A finding as a report prints it: its sentence and recommendation in the report's language.
public struct FindingText: Sendable, Equatable {
    public let kind: String
    public let severity: Severity
    public let message: String
    public let recommendation: String?
    public let epoch: Int?
    public let metric: String?
}
