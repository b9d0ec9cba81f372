import Analysis
import Foundation
import TrainingLog
import TextFormat

/// Builds the values a report template sees. Every key is listed in docs/TEMPLATES.md; keys are
/// snake_case and only ever added to, so user templates keep working.
public enum ReportContext {
    public static let toolVersion = "0.1.0"

    public static func make(summary: Summary, figures: [FigureOutput], labels: Labels) -> [String: Any] {
        let metricRows = keyMetricRows(summary)
        let findings = summary.findings.map { f -> [String: Any] in
            [
                "kind": f.kind,
                "severity": f.severity.rawValue,
                "message": f.message,
                "recommendation": f.recommendation ?? "",
                "has_recommendation": f.recommendation != nil,
                "epoch": f.epoch.map(String.init) ?? "",
                "metric": f.metric ?? "",
            ]
        }
        let sources = summary.run.sources.map { s -> [String: Any] in
            [
                "path": s.path,
                "format": s.format,
                "covered": coverage(first: s.firstEpoch, last: s.lastEpoch),
                "warnings": s.warnings.map { ["text": $0] },
                "warning_count": s.warnings.count,
                "has_warnings": !s.warnings.isEmpty,
            ]
        }
        let config = displayedConfig(summary).map { ["key": $0.key, "value": $0.value] }
        let warningsTotal = summary.run.sources.reduce(0) { $0 + $1.warnings.count }
        return [
            "tool": ["name": "varreport", "version": toolVersion],
            "labels": labels.words,
            "run": runContext(summary.run),
            "verdict": summary.verdict.rawValue,
            "verdict_label": labels["verdict_" + summary.verdict.rawValue],
            "verdict_class": verdictClass(summary.verdict),
            "headline": summary.headline,
            "headline_detail": headlineDetail(summary),
            "other_metrics": otherMetricRows(summary),
            "threshold": NumberFormat.compact(summary.threshold),
            "vocab_size": summary.vocabSize,
            "uniform_loss": NumberFormat.loss(summary.uniformLoss),
            "key_metrics": metricRows,
            "crossings": crossingSentences(summary),
            "findings": findings,
            "has_findings": !findings.isEmpty,
            "overfitting": overfittingContext(summary.overfitting),
            "early_stop": summary.earlyStop.map(earlyStopContext) as Any,
            "has_early_stop": summary.earlyStop != nil,
            "figures": figures.map { f -> [String: Any] in
                ["id": f.id, "title": f.title, "caption": f.caption, "png": f.pngPath, "svg": f.svg ?? "",
                 "has_svg": f.svg != nil]
            },
            "config": config,
            "has_config": !config.isEmpty,
            "sources": sources,
            "warnings_total": warningsTotal,
            "has_warnings": warningsTotal > 0,
        ]
    }

    static func runContext(_ r: RunFacts) -> [String: Any] {
        [
            "name": r.name,
            "path": r.path,
            "status": r.status.rawValue,
            "epochs_completed": r.epochsCompleted,
            "epochs_planned": r.epochsPlanned.map(String.init) ?? "?",
            "epochs_text": r.epochsPlanned.map { "\(r.epochsCompleted) / \($0)" } ?? "\(r.epochsCompleted)",
            "status_reason": r.statusReason,
            "restarts": r.restarts,
            "restart_epochs": r.restartEpochs.map(String.init).joined(separator: ", "),
            "restarts_text": restartsText(r),
            "launches": r.launches,
            "idle_launches": r.idleLaunches,
            "parameters": r.parametersMillions.map { cFormat("%.1f M", $0) } ?? "–",
            "iterations_per_epoch": r.iterationsPerEpoch.map(String.init) ?? "–",
            "seconds_per_iteration": r.secondsPerIteration.map { cFormat("%.3f s", $0) } ?? "–",
            "total_hours": NumberFormat.hours(r.totalHours),
            "eta_hours": NumberFormat.hours(r.etaHours),
            "has_eta": r.etaHours != nil,
        ]
    }

    /// "1 (epoch 85); 3 launches, 1 trained nothing", or "0".
    static func restartsText(_ r: RunFacts) -> String {
        var t = "\(r.restarts)"
        if !r.restartEpochs.isEmpty { t += " (epoch\(r.restartEpochs.count == 1 ? "" : "s") \(r.restartEpochs.map(String.init).joined(separator: ", ")))" }
        if r.idleLaunches > 0 { t += "; \(r.launches) launches, \(r.idleLaunches) trained nothing" }
        return t
    }

    /// The metrics the key-numbers table shows, losses first, in a fixed order.
    static func keyMetricRows(_ s: Summary) -> [[String: Any]] {
        var rows: [[String: Any]] = []
        for name in orderedMetricNames(s) {
            guard let m = s.metrics[name] else { continue }
            rows.append(keyMetricRow(name: name, m))
        }
        return rows
    }

    static func keyMetricRow(name: String, _ m: MetricSummary) -> [String: Any] {
        let isLoss = m.kind == "loss"
        let isAccuracy = m.kind == "accuracy"
        func format(_ v: Double?) -> String { isAccuracy ? NumberFormat.percent(v) : NumberFormat.compact(v) }
        var firstBelow = ""
        var staysBelow = ""
        if isLoss {
            // By epoch, or by step for a run logged only by steps.
            firstBelow = m.firstBelow.flatMap { Format.at(epoch: $0.epoch, step: $0.step) } ?? "not reached"
            staysBelow = Format.at(epoch: m.staysBelowFrom?.epoch, step: m.staysBelowFromStep) ?? "–"
        }
        var row: [String: Any] = [:]
        row["name"] = name
        row["kind"] = m.kind
        row["is_loss"] = isLoss
        row["last"] = format(m.last.value)
        row["last_epoch"] = m.last.epoch.map { String($0) } ?? ""
        // "Best" means lowest loss or highest accuracy; a learning rate has no best.
        let hasBest = isLoss || isAccuracy
        row["best"] = hasBest ? format(m.best.value) : "–"
        // The epoch of the best value; for a run known only by steps, "step N".
        row["best_epoch"] = hasBest ? (m.best.epoch.map { String($0) } ?? m.best.step.map { "step \($0)" } ?? "–") : "–"
        row["smoothed"] = format(m.smoothedLast)
        row["first_below"] = firstBelow
        row["stays_below"] = staysBelow
        row["crossed"] = m.firstBelow != nil
        return row
    }

    /// The metrics a reader judges a VAR run by, in the order the key-numbers table shows them.
    static let keyMetricNames = ["train/loss_tail", "train/loss_mean", "val/loss_tail", "val/loss_mean",
                                 "train/acc_tail", "train/acc_mean", "val/acc_tail", "val/acc_mean",
                                 "opt/lr", "opt/grad_norm"]

    /// The key metrics the run has, then any other loss or accuracy (a fork's `loss`, `val_loss`):
    /// losses first, train before val, tail before mean.
    static func orderedMetricNames(_ s: Summary) -> [String] {
        let present = keyMetricNames.filter { s.metrics[$0] != nil }
        let extra = s.metrics.filter { name, m in
            !keyMetricNames.contains(name) && !name.hasPrefix("scale/") && (m.kind == "loss" || m.kind == "accuracy")
        }.keys.sorted()
        return present + extra
    }

    /// Every other metric (per-scale, schedule, timing, ...): name and last value, for completeness.
    static func otherMetricRows(_ s: Summary) -> [[String: Any]] {
        let shown = Set(orderedMetricNames(s))
        return s.metrics.keys.filter { !shown.contains($0) }.sorted().map { name in
            ["name": name, "last": NumberFormat.compact(s.metrics[name]?.last.value)]
        }
    }

    /// The headline without a leading "Verdict-label: ", for templates that print the label themselves.
    static func headlineDetail(_ s: Summary) -> String {
        let prefix = verdictLabel(s.verdict) + ": "
        return s.headline.hasPrefix(prefix) ? String(s.headline.dropFirst(prefix.count)) : s.headline
    }

    /// One sentence per loss metric saying whether and when it crossed the threshold.
    public static func crossingSentences(_ s: Summary) -> [[String: Any]] {
        return orderedMetricNames(s).compactMap { name -> [String: Any]? in
            guard let m = s.metrics[name], m.kind == "loss", let threshold = m.threshold else { return nil }
            let bar = NumberFormat.compact(threshold)
            let text: String
            if let fb = m.firstBelow {
                var t = "\(name) went below \(bar) at epoch \(fb.epoch.map(String.init) ?? "?") (\(NumberFormat.loss(fb.value)))"
                if let stay = m.staysBelowFrom { t += " and stayed below from epoch \(stay.epoch)" }
                text = t + "."
            } else {
                var t = "\(name) did not reach \(bar) (last \(NumberFormat.loss(m.last.value)), best \(NumberFormat.loss(m.best.value)))"
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
                text = t + "."
            }
            return ["metric": name, "crossed": m.firstBelow != nil, "text": text]
        }
    }

    static func overfittingContext(_ o: Overfitting) -> [String: Any] {
        [
            "detected": o.detected,
            "has_validation": o.hasValidationData,
            "metric": o.metric ?? "",
            "best_epoch": o.bestEpoch.map(String.init) ?? "–",
            "best_step": o.bestStep.map(String.init) ?? "–",
            "best_value": NumberFormat.loss(o.bestValue),
            "onset_epoch": o.onsetEpoch.map(String.init) ?? "–",
            "onset_step": o.onsetStep.map(String.init) ?? "–",
            "generalization_loss": NumberFormat.fixed(o.generalizationLoss, 2),
        ]
    }

    /// The early stop at its epoch, or at its step for a run without epochs (`epoch` and
    /// `epochs_saved` are then `–`; `at` and `saved` read right either way).
    static func earlyStopContext(_ e: EarlyStop) -> [String: Any] {
        let at = Format.at(epoch: e.epoch, step: e.step) ?? "–"
        let saved = e.epoch != nil
            ? e.epochsSaved.map { "\($0) epoch\($0 == 1 ? "" : "s")" }
            : e.stepsSaved.map { "\($0) step\($0 == 1 ? "" : "s")" }
        return ["epoch": e.epoch.map(String.init) ?? "–", "step": e.step.map(String.init) ?? "–",
                "at": at, "metric": e.metric,
                "epochs_saved": e.epochsSaved.map(String.init) ?? "–",
                "steps_saved": e.stepsSaved.map(String.init) ?? "–", "saved": saved ?? "–",
                "hours_saved": NumberFormat.hours(e.hoursSaved)]
    }

    /// The configuration worth showing: VAR's args block also carries the training state
    /// (`L_mean`, `cur_ep`, `remain_time`, ...), which is not configuration.
    static func displayedConfig(_ s: Summary) -> [(key: String, value: String)] {
        let state: Set<String> = ["L_mean", "L_tail", "acc_mean", "acc_tail", "vL_mean", "vL_tail", "vacc_mean",
                                  "vacc_tail", "grad_norm", "cur_lr", "cur_wd", "cur_it", "cur_ep", "remain_time",
                                  "finish_time"]
        return s.run.config.keys.sorted().filter { !state.contains($0) }.map { ($0, s.run.config[$0] ?? "") }
    }

    static func coverage(first: Int?, last: Int?) -> String {
        switch (first, last) {
        case let (f?, l?) where f == l: return "epoch \(f)"
        case let (f?, l?): return "epochs \(f)–\(l)"
        default: return "–"
        }
    }

    public static func verdictLabel(_ v: Verdict) -> String {
        switch v {
        case .converged: return "Converged"
        case .converging: return "Converging"
        case .plateaued: return "Plateaued"
        case .overfitting: return "Overfitting"
        case .diverged: return "Diverged"
        case .insufficientData: return "Insufficient data"
        }
    }

    /// ok / warn / bad: the colour a verdict is shown in.
    public static func verdictClass(_ v: Verdict) -> String {
        switch v {
        case .converged: return "ok"
        case .converging, .plateaued, .insufficientData: return "warn"
        case .overfitting, .diverged: return "bad"
        }
    }
}
