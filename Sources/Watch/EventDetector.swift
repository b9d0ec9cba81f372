import Analysis
import Foundation
import TrainingLog

/// Turns each new analysis of a growing run into the events it shows for the first time. An
/// event is known by what it is about (kind, metric, and the epoch where a new one at another
/// epoch is news: a spike, a new validation best, a plateau), so it is told once however often
/// the run is analysed again, and a finding that moves (the best epoch of a validation loss)
/// is told again only when it is a new fact.
public struct EventDetector: Sendable {
    private var seen: Set<String> = []

    public init() {}

    /// Findings of these kinds become these events.
    /// (Spikes and NaN/Inf come from the summary's lists, one event each, not from the
    /// findings, which sum them up.)
    static let findingKinds: [String: WatchEventKind] = [
        "threshold-crossed": .threshold, "overfitting": .overfitting, "plateau": .plateau,
        "non-finite-recovered": .recovered, "diverged": .diverged, "crashed": .crashed, "finished": .finished,
    ]
    /// Kinds where the same metric at another place (epoch, step) is a new event.
    static let byPlace: Set<WatchEventKind> = [.spike, .gradNormSpike, .plateau, .valBest, .nan]

    /// What an event is about: the same key is the same news.
    public static func key(_ e: WatchEvent) -> String {
        let place = byPlace.contains(e.kind) ? "\(e.epoch ?? -1)/\(e.step ?? -1)" : ""
        return [e.kind.rawValue, e.metric ?? "", place].joined(separator: "|")
    }

    /// Kinds that end a run's story: told after everything else seen in the same analysis.
    static let endings: Set<WatchEventKind> = [.finished, .crashed, .diverged]

    /// The new events, in the run's order (by epoch, then step; what ends the run last).
    public mutating func events(in summary: Summary, at time: String) -> [WatchEvent] {
        let found = unorderedEvents(in: summary, at: time)
        return found.enumerated().sorted { a, b in
            let ka = (Self.endings.contains(a.element.kind) ? 1 : 0, a.element.epoch ?? -1, a.element.step ?? -1, a.offset)
            let kb = (Self.endings.contains(b.element.kind) ? 1 : 0, b.element.epoch ?? -1, b.element.step ?? -1, b.offset)
            return ka < kb
        }.map(\.element)
    }

    private mutating func unorderedEvents(in summary: Summary, at time: String) -> [WatchEvent] {
        var out: [WatchEvent] = []
        let run = summary.run.path
        func step(_ epoch: Int?) -> Int? {
            guard let epoch, let ipe = summary.run.iterationsPerEpoch else { return nil }
            return ipe * (epoch + 1)
        }
        func emit(_ e: WatchEvent) {
            if seen.insert(Self.key(e)).inserted { out.append(e) }
        }
        for f in summary.findings {
            guard let kind = Self.findingKinds[f.kind] else { continue }
            var value: Double? = nil
            var epoch = f.epoch
            if kind == .threshold, let m = f.metric, let below = summary.metrics[m]?.firstBelow {
                value = below.value
                epoch = below.epoch ?? epoch
            }
            emit(WatchEvent(kind: kind, severity: f.severity, time: time, epoch: epoch, step: step(epoch), metric: f.metric, value: value,
                            message: f.message, recommendation: f.recommendation, run: run))
        }
        for spike in summary.instability.spikes {
            let kind: WatchEventKind = spike.metric == MetricName.gradNorm.rawValue ? .gradNormSpike : .spike
            emit(WatchEvent(kind: kind, time: time, epoch: spike.epoch, step: spike.step, metric: spike.metric, value: spike.value,
                            message: "\(Self.number(spike.value))\(spike.step.map { " at step \($0)" } ?? ""), "
                                + (spike.baseline > 0 ? String(format: "%.1fx", spike.value / spike.baseline) : "far above") + " its local baseline \(Self.number(spike.baseline))",
                            run: run))
        }
        for bad in summary.instability.nonFiniteValues {
            emit(WatchEvent(kind: .nan, time: time, epoch: bad.epoch, step: bad.step, metric: bad.metric,
                            message: "\(bad.value) at \(bad.step.map { "step \($0)" } ?? bad.epoch.map { "epoch \($0)" } ?? "an unknown place")",
                            run: run))
        }
        for (name, m) in summary.metrics.sorted(by: { $0.key < $1.key }) {
            // Settled: below since an epoch at least a few epochs back (3, or 5 % of the plan).
            let settleEpochs = max(3, (summary.run.epochsPlanned ?? 0) / 20)
            if let settled = m.staysBelowFrom, summary.run.epochsCompleted - settled.epoch >= settleEpochs,
               seen.contains([WatchEventKind.threshold.rawValue, name, ""].joined(separator: "|")) {
                let threshold = m.threshold ?? summary.threshold
                emit(WatchEvent(kind: .thresholdSettled, time: time, epoch: settled.epoch, step: m.staysBelowFromStep ?? step(settled.epoch),
                                metric: name, value: threshold,
                                message: "has stayed below \(Self.number(threshold)) since epoch \(settled.epoch)", run: run))
            }
            // A new best of a validation loss (accuracies move with it; four lines per check
            // would bury the news).
            if name.hasPrefix("val/"), m.points >= 2, m.kind == "loss", let epoch = m.best.epoch {
                emit(WatchEvent(kind: .valBest, time: time, epoch: epoch, step: m.best.step ?? step(epoch), metric: name,
                                value: m.best.value, message: "new best \(Self.number(m.best.value)) at epoch \(epoch)", run: run))
            }
        }
        return out
    }

    /// An event about the files themselves (watch's own, not the analysis's): always news.
    public func fileEvent(_ kind: WatchEventKind, path: String, run: String, at time: String) -> WatchEvent {
        let what = kind == .logRemoved ? "was removed; its data so far stays in the report" : "was truncated or replaced; read again from its start"
        return WatchEvent(kind: kind, time: time, message: "\(path) \(what)", run: run)
    }

    static func number(_ v: Double) -> String { String(format: "%.4g", v) }
}
