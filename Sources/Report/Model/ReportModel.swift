import Analysis
import Foundation
import TrainingLog

/// What a report says, typed: made once from a `Summary`, and read by every output (the
/// Mustache context, the post-training PDF, the terminal table, the figure captions), so that no
/// output reads a value back out of a dictionary made for another, and all say the same thing.
public struct ReportModel: Sendable {
    public let summary: Summary
    public let language: ReportLanguage
    public let labels: Labels
    /// The key-numbers table: losses first (train before val, tail before mean), then accuracies,
    /// the learning rate and the gradient norm, then any other loss or accuracy by name.
    public let keyRows: [KeyNumberRow]
    /// Every other metric, with its last value.
    public let otherRows: [OtherMetricRow]
    /// One entry per loss that was judged against a threshold, in key-table order.
    public let crossings: [Crossing]
    /// The distinct thresholds the losses were judged against, each with its metrics.
    public let thresholds: [ThresholdUse]
    /// The findings in the report's language.
    public let findings: [FindingText]

    /// How this report words its sentences (`ReportWording`).
    let wording: any ReportWording

    public init(summary: Summary, language: ReportLanguage = .en) {
        self.summary = summary
        self.language = language
        wording = language.wording
        labels = Labels(words: wording.labels)
        let names = ReportModel.orderedMetricNames(summary)
        let (w, l) = (wording, labels)
        keyRows = names.compactMap { n in summary.metrics[n].map { KeyNumberRow(name: n, $0, wording: w, labels: l) } }
        let shown = Set(names)
        otherRows = summary.metrics.keys.filter { !shown.contains($0) }.sorted().map {
            OtherMetricRow(name: $0, last: NumberFormat.compact(summary.metrics[$0]?.last.value))
        }
        crossings = names.compactMap { n in
            guard let m = summary.metrics[n], m.kind == "loss", let t = m.threshold else { return nil }
            return Crossing(metric: n, threshold: t, m, wording: w)
        }
        thresholds = ThresholdUse.grouping(crossings)
        findings = summary.findings.map { f in
            let (message, recommendation) = w.finding(f, in: summary)
            return FindingText(kind: f.kind, severity: f.severity, severityLabel: l["severity_" + f.severity.rawValue],
                               message: message, recommendation: recommendation, epoch: f.epoch, metric: f.metric)
        }
    }

    public var run: RunFacts { summary.run }

    /// The verdict's word in the report's language ("Converged", "已收敛").
    public var verdictLabel: String { labels["verdict_" + summary.verdict.rawValue] }

    /// ok / warn / bad: the colour the verdict is shown in.
    public var verdictClass: String {
        switch summary.verdict {
        case .converged: return "ok"
        case .converging, .plateaued, .insufficientData: return "warn"
        case .overfitting, .diverged: return "bad"
        }
    }

    /// The headline without its leading "Verdict: " (outputs print the label themselves).
    public var headlineDetail: String { wording.headline(summary) }

    /// The run's status in the report's language ("finished", "已完成").
    public var statusLabel: String { labels["status_" + summary.run.status.rawValue] }

    /// Why the status is what it is, in the report's language.
    public var statusReason: String { wording.statusReason(summary) }

    /// "epoch 42" / "第 42 轮".
    public func at(epoch: Int?, step: Int?) -> String? { wording.at(epoch: epoch, step: step) }

    /// "epoch 3", "epochs 0–84", in the report's language.
    public func coverage(first: Int?, last: Int?) -> String { wording.coverage(first: first, last: last) }

    /// A figure's title and caption in the report's language.
    public func figureTitle(_ id: String, english: String) -> String { wording.figureTitle(id, english: english) }
    public func figureCaption(_ id: String, english: String) -> String { wording.figureCaption(id, english: english, model: self) }

    /// "5.5", or "5.5 (train/loss_mean: 6)" when some losses were judged against their own bar.
    public var thresholdText: String {
        // No loss is judged against a bar (a loss off VAR's scale, a family without VAR's bar):
        // say so rather than print a bar nothing was judged by.
        guard !thresholds.isEmpty else { return labels["no_threshold"] }
        let global = thresholds.first { $0.value == summary.threshold } ?? thresholds[0]
        let others = thresholds.filter { $0.value != global.value }
        var t = NumberFormat.compact(global.value)
        if !others.isEmpty {
            t += " (" + others.map { "\($0.metrics.joined(separator: ", ")): \(NumberFormat.compact($0.value))" }
                .joined(separator: "; ") + ")"
        }
        return t
    }

    /// The threshold shown in a table header when every judged loss shares it, else nil (the
    /// table then shows each row's own threshold).
    public var commonThreshold: Double? {
        thresholds.count <= 1 ? (thresholds.first?.value ?? summary.threshold) : nil
    }

    /// "1 (epoch 85); 3 launches, 1 trained nothing", or "0".
    public var restartsText: String { wording.restarts(summary.run) }

    /// "200 / 200", or "84" when the planned count is unknown.
    public var epochsText: String {
        summary.run.epochsPlanned.map { "\(summary.run.epochsCompleted) / \($0)" } ?? "\(summary.run.epochsCompleted)"
    }

    /// The configuration worth showing: VAR's args block also carries the training state
    /// (`L_mean`, `cur_ep`, `remain_time`, ...), which is not configuration.
    public var displayedConfig: [(key: String, value: String)] {
        let state: Set<String> = ["L_mean", "L_tail", "acc_mean", "acc_tail", "vL_mean", "vL_tail", "vacc_mean",
                                  "vacc_tail", "grad_norm", "cur_lr", "cur_wd", "cur_it", "cur_ep", "remain_time",
                                  "finish_time"]
        return summary.run.config.keys.sorted().filter { !state.contains($0) }.map { ($0, summary.run.config[$0] ?? "") }
    }

    /// The metrics a reader judges a VAR run by, in the order the key-numbers table shows them.
    static let keyMetricNames = ["train/loss_tail", "train/loss_mean", "val/loss_tail", "val/loss_mean",
                                 "train/acc_tail", "train/acc_mean", "val/acc_tail", "val/acc_mean",
                                 "opt/lr", "opt/grad_norm"]

    /// The key metrics the run has, then any other loss or accuracy (a fork's `loss`, `val_loss`).
    static func orderedMetricNames(_ s: Summary) -> [String] {
        let present = keyMetricNames.filter { s.metrics[$0] != nil }
        // Losses before accuracies, training before validation, then by name.
        let extra = s.metrics.filter { name, m in
            !keyMetricNames.contains(name) && !name.hasPrefix("scale/") && (m.kind == "loss" || m.kind == "accuracy")
        }.keys.sorted { a, b in
            func key(_ n: String) -> (Int, Int, String) {
                (s.metrics[n]?.kind == "loss" ? 0 : 1, MetricName(n).isValidation ? 1 : 0, n)
            }
            return key(a) < key(b)
        }
        return present + extra
    }

    /// A verdict's word in `language` ("Converged" is the one the analysis writes into its
    /// English headline).
    public static func verdictLabel(_ v: Verdict, language: ReportLanguage = .en) -> String {
        Labels.forLanguage(language)["verdict_" + v.rawValue]
    }

}

/// One row of the key-numbers table, formatted for reading.
public struct KeyNumberRow: Sendable, Equatable {
    public let name: String
    /// `loss`, `accuracy` or `other`.
    public let kind: String
    public let last: String
    public let lastEpoch: String
    /// Lowest loss or highest accuracy; "–" for a metric with no best (a learning rate).
    public let best: String
    /// The epoch of the best value ("step N" for a run known only by steps).
    public let bestAt: String
    public let smoothed: String
    /// The threshold this loss was judged against (nil for other metrics, or a loss off the
    /// V-way scale with no threshold of the user's).
    public let threshold: Double?
    public let firstBelow: String
    public let staysBelow: String
    public let crossed: Bool

    public var isLoss: Bool { kind == "loss" }

    init(name: String, _ m: MetricSummary, wording: any ReportWording, labels: Labels) {
        self.name = name
        kind = m.kind
        let isLoss = m.kind == "loss", isAccuracy = m.kind == "accuracy"
        func format(_ v: Double?) -> String { isAccuracy ? NumberFormat.percent(v) : NumberFormat.compact(v) }
        last = format(m.last.value)
        lastEpoch = m.last.epoch.map { String($0) } ?? ""
        let hasBest = isLoss || isAccuracy
        best = hasBest ? format(m.best.value) : "–"
        bestAt = hasBest ? (m.best.epoch.map { String($0) } ?? wording.at(epoch: nil, step: m.best.step) ?? "–") : "–"
        smoothed = format(m.smoothedLast)
        threshold = isLoss ? m.threshold : nil
        if isLoss {
            firstBelow = m.threshold == nil ? "–" : (m.firstBelow.flatMap { wording.at(epoch: $0.epoch, step: $0.step) } ?? labels["not_reached"])
            staysBelow = wording.at(epoch: m.staysBelowFrom?.epoch, step: m.staysBelowFromStep) ?? "–"
        } else {
            firstBelow = ""
            staysBelow = ""
        }
        crossed = m.firstBelow != nil
    }
}

/// A metric outside the key table, with its last value.
public struct OtherMetricRow: Sendable, Equatable {
    public let name: String
    public let last: String
}

/// Whether and when one loss went below its own threshold.
public struct Crossing: Sendable, Equatable {
    public let metric: String
    public let threshold: Double
    public let firstBelow: ValueAt?
    /// Where every later value stays below: an epoch, or a step for a run known only by steps.
    public let staysBelowEpoch: Int?
    public let staysBelowStep: Int?
    /// One sentence saying it ("train/loss_tail went below 5.5 at epoch 44 (5.473) and stayed
    /// below from epoch 48.").
    public let sentence: String

    public var crossed: Bool { firstBelow != nil }

    init(metric: String, threshold: Double, _ m: MetricSummary, wording: any ReportWording) {
        self.metric = metric
        self.threshold = threshold
        firstBelow = m.firstBelow
        staysBelowEpoch = m.staysBelowFrom?.epoch
        staysBelowStep = m.staysBelowFrom == nil ? m.staysBelowFromStep : nil
        sentence = wording.crossing(metric: metric, threshold: threshold, m)
    }
}

/// One threshold and the losses judged against it.
public struct ThresholdUse: Sendable, Equatable {
    public let value: Double
    public let metrics: [String]

    /// The distinct thresholds of `crossings`, in the order they first appear.
    static func grouping(_ crossings: [Crossing]) -> [ThresholdUse] {
        var order: [Double] = []
        var byValue: [Double: [String]] = [:]
        for c in crossings {
            if byValue[c.threshold] == nil { order.append(c.threshold) }
            byValue[c.threshold, default: []].append(c.metric)
        }
        return order.map { ThresholdUse(value: $0, metrics: byValue[$0] ?? []) }
    }
}
