import Report
import Foundation
import TextFormat

/// The values the `sweep.md` and `sweep.html` templates see (keys snake_case, only ever added).
public enum SweepContext {
    /// A column of the runs table.
    struct Column {
        var title: String
        var numeric: Bool
        var cell: (SweepComparison.Entry) -> (text: String, sort: String)
    }

    static func columns(_ c: SweepComparison) -> [Column] {
        var cols: [Column] = []
        for k in c.varyingKeys {
            cols.append(Column(title: k, numeric: c.entries.allSatisfy { Double($0.record.hyperparameters[k] ?? "0") != nil }) { e in
                let v = e.record.hyperparameters[k] ?? "–"
                return (v, Double(v).map { cFormat("%.9g", $0) } ?? v)
            })
        }
        cols.append(Column(title: "params", numeric: true) { e in
            guard let p = e.parameters else { return ("–", "") }
            let text = p >= 1e9 ? cFormat("%.2f B", p / 1e9) : cFormat("%.0f M", p / 1e6)
            return (e.parametersSource == "depth" ? text + "*" : text, cFormat("%.0f", p))
        })
        cols.append(Column(title: "status", numeric: false) { e in (e.record.status, e.record.status) })
        cols.append(Column(title: "epochs", numeric: true) { e in
            let done = e.record.epochsCompleted.map(String.init) ?? "–"
            let text = e.record.epochsPlanned.map { "\(done)/\($0)" } ?? done
            return (text, e.record.epochsCompleted.map(String.init) ?? "")
        })
        let anyVal = c.entries.contains { $0.record.final["val/loss_tail"] != nil || $0.record.final["val/loss_mean"] != nil }
        var metrics = ["train/loss_tail", "train/loss_mean"]
        if anyVal { metrics += ["val/loss_tail", "val/loss_mean"] }
        for m in metrics {
            cols.append(Column(title: "final \(m)", numeric: true) { e in number(e.record.final[m]) })
        }
        let bestMetric = anyVal ? "val/loss_tail" : "train/loss_tail"
        cols.append(Column(title: "best \(bestMetric)", numeric: true) { e in number(e.record.best[bestMetric]) })
        for m in ["train/loss_tail", "train/loss_mean"] {
            cols.append(Column(title: "\(m) < thr. at epoch", numeric: true) { e in
                guard !e.record.failed else { return ("–", "") }
                guard let ep = e.record.firstBelowEpoch[m] else { return ("not reached", "999999") }
                var t = "\(ep)"
                if let s = e.record.staysBelowEpoch[m], s != ep { t += " (stays from \(s))" }
                return (t, String(ep))
            })
        }
        cols.append(Column(title: "verdict", numeric: false) { e in
            let v = e.record.verdict ?? (e.record.failed ? "failed" : "–")
            return (v, v)
        })
        return cols
    }

    static func number(_ v: Double?) -> (String, String) {
        guard let v, v.isFinite else { return ("–", "") }
        return (NumberFormat.fixed(v, 4), cFormat("%.9g", v))
    }

    public static func make(_ c: SweepComparison, figures: [FigureOutput]) -> [String: Any] {
        let cols = columns(c)
        let rows = c.entries.enumerated().map { (i, e) -> [String: Any] in
            [
                "name": e.record.name,
                "report_dir": e.reportDir,
                "has_report": !e.record.failed,
                "status": e.record.status,
                "failed": e.record.failed,
                "best": i == c.best,
                "cells": cols.map { col -> [String: Any] in
                    let v = col.cell(e)
                    return ["text": v.text, "sort": v.sort, "numeric": col.numeric]
                },
            ]
        }
        var context: [String: Any] = [
            "tool": ["name": "varreport", "version": ReportContext.toolVersion],
            "run_count": c.entries.count,
            "failed_count": c.failedCount,
            "has_failures": c.failedCount > 0,
            "failures": c.entries.filter(\.record.failed).map { ["name": $0.record.name, "path": $0.record.path, "error": $0.record.error ?? ""] },
            "threshold": NumberFormat.compact(c.threshold),
            "primary_metric": c.primaryMetric,
            "varying": c.varyingKeys.joined(separator: ", "),
            "has_varying": !c.varyingKeys.isEmpty,
            "color_by": c.colorKey ?? "",
            "columns": cols.map { ["title": $0.title, "numeric": $0.numeric, "md_align": $0.numeric ? "---:" : "---"] },
            "rows": rows,
            "figures": figures.map { f -> [String: Any] in
                ["id": f.id, "title": f.title, "caption": f.caption, "png": f.pngPath, "svg": f.svg ?? "", "has_svg": f.svg != nil]
            },
            "seed_groups": c.seedGroups.map { g -> [String: Any] in
                let vals = g.members.compactMap { c.entries[$0].record.final[c.primaryMetric] }
                let m = vals.isEmpty ? Double.nan : vals.reduce(0, +) / Double(vals.count)
                let sd = vals.count > 1 ? (vals.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(vals.count - 1)).squareRoot() : Double.nan
                return ["label": g.label, "runs": g.members.map { c.entries[$0].record.name }.joined(separator: ", "),
                        "count": g.members.count, "mean": NumberFormat.fixed(m, 4), "std": NumberFormat.fixed(sd, 4),
                        "min": NumberFormat.fixed(vals.min(), 4), "max": NumberFormat.fixed(vals.max(), 4)]
            },
            "has_seed_groups": !c.seedGroups.isEmpty,
            "scaling_fits": c.fits.map { f -> [String: Any] in
                ["metric": f.metric, "kind": f.kind,
                 "irreducible": f.irreducible.map { NumberFormat.compact($0) } ?? "–",
                 "alpha": cFormat("%.4f", f.alpha), "beta": cFormat("%.4g", f.beta),
                 "r": cFormat("%.4f", f.r), "r2": cFormat("%.4f", f.r2), "n_points": f.nPoints]
            },
            "has_scaling": c.scaling != nil,
            "scaling_note": c.scalingNote ?? "",
            "excluded": c.allExclusions.map { ["name": $0.name, "reason": $0.reason] },
            "has_excluded": !c.allExclusions.isEmpty,
            "params_from_depth": c.entries.contains { $0.parametersSource == "depth" },
        ]
        if let b = c.best {
            let e = c.entries[b]
            context["best"] = ["name": e.record.name, "report_dir": e.reportDir, "metric": c.primaryMetric,
                               "value": NumberFormat.fixed(e.record.final[c.primaryMetric], 4)]
            context["has_best"] = true
        } else {
            context["has_best"] = false
        }
        if let s = c.scaling {
            context["scaling"] = ["metric": s.metric, "alpha": cFormat("%.4f", s.alpha), "beta": cFormat("%.4g", s.beta),
                                  "r": cFormat("%.4f", s.r), "r2": cFormat("%.4f", s.r2), "n_points": s.nPoints]
        }
        return context
    }
}
