import Analysis

/// How findings are worded in one language. The analysis states each finding in English (the
/// `message` of summary.json); a wording turns the finding's facts into the report's language.
struct FindingWording: Sendable {
    let language: ReportLanguage

    static func forLanguage(_ language: ReportLanguage) -> FindingWording { FindingWording(language: language) }

    func text(_ f: Finding) -> FindingText {
        FindingText(kind: f.kind, severity: f.severity, message: f.message, recommendation: f.recommendation,
                    epoch: f.epoch, metric: f.metric)
    }
}
