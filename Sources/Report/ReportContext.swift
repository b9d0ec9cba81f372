import Analysis
import Foundation
import TrainingLog
import TextFormat

/// Builds the values a report template sees. Every key is listed in docs/TEMPLATES.md; keys are
/// snake_case and only ever added to, so user templates keep working.
public enum ReportContext {
    public static let toolVersion = "0.1.0"

    /// The template context of `model`; `figures` are the figure files written for it.
    /// `liveRefreshSeconds`: the report of a run still being watched (`varreport watch -o`),
    /// which the HTML page reloads every so many seconds (key `live`, absent once it has ended).
    /// `darkPage`: the figures were drawn on the dark theme, so the page is dark too (key
    /// `page_theme`); otherwise it follows the reader's OS preference.
    public static func make(model: ReportModel, figures: [FigureOutput], liveRefreshSeconds: Int? = nil,
                            darkPage: Bool = false) -> [String: Any] {
        let summary = model.summary
        let findings = model.findings.map { f -> [String: Any] in
            [
                "kind": f.kind,
                "severity": f.severity.rawValue,
                "severity_label": f.severityLabel,
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
                "covered": model.coverage(first: s.firstEpoch, last: s.lastEpoch),
                "warnings": s.warnings.map { ["text": $0] },
                "warning_count": s.warnings.count,
                "has_warnings": !s.warnings.isEmpty,
            ]
        }
        let config = model.displayedConfig.map { ["key": $0.key, "value": $0.value] }
        let warningsTotal = summary.run.sources.reduce(0) { $0 + $1.warnings.count }
        var context: [String: Any] = [
            "tool": ["name": "varreport", "version": toolVersion],
            "labels": model.labels.words,
            "lang": model.language.rawValue,
            "run": runContext(model),
            "verdict": summary.verdict.rawValue,
            "verdict_label": model.verdictLabel,
            "verdict_class": model.verdictClass,
            "headline": summary.headline,
            "headline_detail": model.headlineDetail,
            "other_metrics": model.otherRows.map { ["name": $0.name, "last": $0.last] },
            "threshold": model.thresholdText,
            "thresholds": model.thresholds.map { t -> [String: Any] in
                ["value": NumberFormat.compact(t.value), "metrics": t.metrics.joined(separator: ", ")]
            },
            "vocab_size": summary.vocabSize,
            "uniform_loss": NumberFormat.loss(summary.uniformLoss),
            "key_metrics": model.keyRows.map(keyMetricRow),
            "crossings": model.crossings.map { c -> [String: Any] in
                ["metric": c.metric, "crossed": c.crossed, "threshold": NumberFormat.compact(c.threshold), "text": c.sentence]
            },
            "findings": findings,
            "has_findings": !findings.isEmpty,
            "overfitting": overfittingContext(summary.overfitting),
            "early_stop": summary.earlyStop.map(earlyStopContext) as Any,
            "has_early_stop": summary.earlyStop != nil,
            "figures": figures.map { figureEntry($0) },
            "config": config,
            "has_config": !config.isEmpty,
            "sources": sources,
            "warnings_total": warningsTotal,
            "has_warnings": warningsTotal > 0,
        ]
        if let seconds = liveRefreshSeconds { context["live"] = ["seconds": seconds] }
        context.merge(pageKeys(darkPage: darkPage)) { _, new in new }
        return context
    }

    /// A figure as every HTML and Markdown template sees it.
    static func figureEntry(_ f: FigureOutput) -> [String: Any] {
        ["id": f.id, "title": f.title, "caption": f.caption, "png": f.pngPath, "svg": f.svg ?? "",
         "has_svg": f.svg != nil,
         // The points its tooltips answer from (HoverData), and its narrowest legible width.
         "hover_json": f.hover ?? "", "has_hover": f.hover != nil, "min_width": f.minimumWidth,
         // The data behind it (FigureOutput.writeData), beside the PNG.
         "data_csv": "figures/\(f.id).csv", "data_json": "figures/\(f.id).json"]
    }

    /// The keys of the HTML page itself: its one script, the content-security-policy source that
    /// allows it, and its colour scheme (`dark` when the figures are, else the reader's choice).
    static func pageKeys(darkPage: Bool) -> [String: Any] {
        ["interactive_script": InteractiveScript.source, "script_hash": InteractiveScript.contentSecurityPolicyHash,
         "page_theme": darkPage ? "dark" : "auto"]
    }

    static func runContext(_ model: ReportModel) -> [String: Any] {
        let r = model.run
        return [
            "name": r.name,
            "path": r.path,
            "status": r.status.rawValue,
            "status_label": model.statusLabel,
            "epochs_completed": r.epochsCompleted,
            "epochs_planned": r.epochsPlanned.map(String.init) ?? "?",
            "epochs_text": model.epochsText,
            "status_reason": model.statusReason,
            "restarts": r.restarts,
            "restart_epochs": r.restartEpochs.map(String.init).joined(separator: ", "),
            "restarts_text": model.restartsText,
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

    static func keyMetricRow(_ r: KeyNumberRow) -> [String: Any] {
        [
            "name": r.name, "kind": r.kind, "is_loss": r.isLoss, "last": r.last, "last_epoch": r.lastEpoch,
            "best": r.best, "best_epoch": r.bestAt, "smoothed": r.smoothed,
            "threshold": r.threshold.map { NumberFormat.compact($0) } ?? "",
            "first_below": r.firstBelow, "stays_below": r.staysBelow, "crossed": r.crossed,
        ]
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
}
