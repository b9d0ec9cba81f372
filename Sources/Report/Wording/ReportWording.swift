import Analysis
import TrainingLog

/// How a report words its sentences in one language: the findings and recommendations (from
/// their facts: the finding's kind, metric and `facts`, and the summary's numbers), the
/// headline, the run's status, the crossings, and the report's own words (`labels`).
///
/// English is the analysis's own wording (summary.json's `message`, `headline`,
/// `status_reason`); another language is one file that conforms to this protocol, plus its case
/// in `ReportLanguage`.
protocol ReportWording: Sendable {
    /// The report's own words (headings, column names), merged over English.
    var labels: [String: String] { get }
    /// "epoch 42", or "step 1234" for a run known only by steps; nil when neither is known.
    func at(epoch: Int?, step: Int?) -> String?
    /// A number of epochs or steps ("20 epochs").
    func epochs(_ n: Int) -> String
    func steps(_ n: Int) -> String
    /// "epoch 3", "epochs 0–84".
    func coverage(first: Int?, last: Int?) -> String
    /// "1 (epoch 85); 3 launches, 1 trained nothing".
    func restarts(_ r: RunFacts) -> String
    /// Why the run's status is what it is.
    func statusReason(_ s: Summary) -> String
    /// The headline without its verdict label.
    func headline(_ s: Summary) -> String
    /// Whether and when a loss went below its threshold, in one sentence.
    func crossing(metric: String, threshold: Double, _ m: MetricSummary) -> String
    /// A finding's sentence and recommendation.
    func finding(_ f: Finding, in s: Summary) -> (message: String, recommendation: String?)
    /// Fixed phrases drawn in the figures, by their English text (missing ones stay English).
    var figurePhrases: [String: String] { get }
    /// A figure annotation that carries values (`args` in the order `FigurePhrase` lists).
    func figure(_ phrase: FigurePhrase, _ args: String...) -> String
    /// Figure titles and captions, by figure id.
    func figureTitle(_ id: String, english: String) -> String
    func figureCaption(_ id: String, english: String, model: ReportModel) -> String
}

extension ReportLanguage {
    var wording: any ReportWording {
        switch self {
        case .en: return EnglishWording()
        case .zh: return ChineseWording()
        }
    }
}

/// English: the analysis's sentences as it wrote them.
struct EnglishWording: ReportWording {
    var labels: [String: String] { Labels.english }

    func at(epoch: Int?, step: Int?) -> String? { Format.at(epoch: epoch, step: step) }
    func epochs(_ n: Int) -> String { "\(n) epoch\(n == 1 ? "" : "s")" }
    func steps(_ n: Int) -> String { "\(n) step\(n == 1 ? "" : "s")" }

    func coverage(first: Int?, last: Int?) -> String {
        switch (first, last) {
        case let (f?, l?) where f == l: return "epoch \(f)"
        case let (f?, l?): return "epochs \(f)–\(l)"
        default: return "–"
        }
    }

    func restarts(_ r: RunFacts) -> String {
        var t = "\(r.restarts)"
        if !r.restartEpochs.isEmpty { t += " (epoch\(r.restartEpochs.count == 1 ? "" : "s") \(r.restartEpochs.map(String.init).joined(separator: ", ")))" }
        if r.idleLaunches > 0 { t += "; \(r.launches) launches, \(r.idleLaunches) trained nothing" }
        return t
    }

    func statusReason(_ s: Summary) -> String { s.run.statusReason }

    func headline(_ s: Summary) -> String {
        let prefix = ReportModel.verdictLabel(s.verdict) + ": "
        return s.headline.hasPrefix(prefix) ? String(s.headline.dropFirst(prefix.count)) : s.headline
    }

    func crossing(metric: String, threshold: Double, _ m: MetricSummary) -> String {
        let bar = NumberFormat.compact(threshold)
        if let fb = m.firstBelow {
            var t = "\(metric) went below \(bar) at \(at(epoch: fb.epoch, step: fb.step) ?? "?") (\(NumberFormat.loss(fb.value)))"
            if let stay = m.staysBelowFrom { t += " and stayed below from epoch \(stay.epoch)" }
            return t + "."
        }
        var t = "\(metric) did not reach \(bar) (last \(NumberFormat.loss(m.last.value)), best \(NumberFormat.loss(m.best.value)))"
        // Only what the analysis found well determined (`Projection.reach`).
        if let p = m.projection {
            if p.amplitude <= 0 || p.fallingAtEnd == false {
                t += "; no longer falling"
            } else if p.reach == "within-reach", let e = p.projectedEpoch {
                t += "; projected to reach it near epoch \(Int(e.rounded()))"
            } else if p.reach == "not-expected" {
                t += "; not expected to reach it (fitted floor \(NumberFormat.loss(p.lossInfinity)))"
            } else {
                t += "; not within reach of this schedule"
            }
        }
        return t + "."
    }

    func finding(_ f: Finding, in s: Summary) -> (message: String, recommendation: String?) { (f.message, f.recommendation) }

    func figureTitle(_ id: String, english: String) -> String { english }
    func figureCaption(_ id: String, english: String, model: ReportModel) -> String { english }

    var figurePhrases: [String: String] { [:] }

    func figure(_ phrase: FigurePhrase, _ args: String...) -> String {
        let a = args + ["", "", ""]
        switch phrase {
        case .smoothedSubtitle: return "faint: raw; bold: TensorBoard-smoothed (weight \(a[0]))"
        case .focusedNote: return "; y axis focused: every run starts at ln V = \(a[0])"
        case .threshold: return "threshold \(a[0])"
        case .uniform: return "uniform ln V = \(a[0])"
        case .staysBelow: return "stays below from \(a[0])"
        case .best: return "best \(a[0]) \(a[1]) (\(a[2]))"
        case .earlyStop: return "early stop: \(a[0])"
        case .overfitting: return "overfitting from \(a[0])"
        case .clip: return "clip \(a[0])"
        case .constant: return "\(a[0]) was constant at \(a[1])."
        case .roundedConsoleLeftOut:
            return "The learning rate is \(a[1])'s exact values; \(a[0])'s tlr, printed with two significant digits, is not mixed in."
        case .roundedConsoleFilled:
            return "The learning rate is \(a[1])'s exact values; \(a[0])'s tlr, printed with two significant digits, is drawn faint only at the \(a[2]) steps \(a[1]) did not log."
        }
    }
}
