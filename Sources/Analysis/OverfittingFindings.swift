import TrainingLog

/// Sentences about validation: what each validation metric shows, in its own words and numbers.
/// Two metrics are said to agree only when their best checks are the same and the rule gives
/// both the same answer.
enum OverfittingFindings {
    typealias Judged = OverfittingDetector.Judged

    static func value(_ j: Judged, _ v: Double) -> String { Format.num(v, j.isLoss ? 3 : 2) }

    /// "lowest" or "highest".
    static func bestWord(_ j: Judged) -> String { j.isLoss ? "lowest" : "highest" }

    /// What one metric shows, as a clause: "val/loss_mean was lowest at epoch 49 (6.018); 1 worse
    /// check since (6.031 at epoch 59), 2 needed to call it overfitting".
    static func clause(_ j: Judged) -> String {
        let r = j.result, ck = j.checks, last = ck.count - 1
        let name = j.name.rawValue
        let best = "\(name) was \(bestWord(j)) at \(ck.at(j.best)) (\(value(j, r.bestValue)))"
        if j.best == last { return "\(name) is still improving: its \(bestWord(j)) value \(value(j, r.bestValue)) is at its last check (\(ck.at(last)))" }
        let lastText = "\(value(j, r.lastValue)) at \(ck.at(last))"
        if r.detected {
            return "\(best) and has been worse at every check since (\(r.worseChecksAfterBest) of them; last \(lastText))"
        }
        if r.worseChecksAfterBest >= r.requiredChecks, let fell = r.trainingFell, !fell, let tm = r.trainingMetric {
            return "\(best) and worse at the \(r.requiredChecks) checks after it, but \(tm) did not fall meanwhile (\(Format.num(r.trainingAtBest ?? .nan)) to \(Format.num(r.trainingAtEvidence ?? .nan))), so it is not overfitting by the rule"
        }
        let w = r.worseChecksAfterBest
        return "\(best); \(w) worse check\(w == 1 ? "" : "s") since (last \(lastText)), \(r.requiredChecks) needed to call it overfitting"
    }

    /// The next `k` checks after the best one: "5.438 at epoch 49, 5.471 at epoch 59".
    static func evidenceList(_ j: Judged, count k: Int) -> String {
        let ck = j.checks
        let idx = (j.best + 1)...min(j.best + k, ck.count - 1)
        return idx.map { "\(value(j, ck.values[$0])) at \(ck.at($0))" }.joined(separator: ", ")
    }

    /// The cadence in words: "validated every 10 epochs".
    static func cadence(_ j: Judged) -> String {
        var gaps: [Double] = []
        for i in 1..<j.checks.count {
            if let a = j.checks.epochs[i - 1], let b = j.checks.epochs[i], b > a { gaps.append(Double(b - a)) }
        }
        guard let g = Stats.median(gaps) else { return "\(j.checks.count) checks" }
        let e = Int(g.rounded())
        return e == 1 ? "validated every epoch" : "validated every \(e) epochs"
    }

    static func findings(primary p: Judged, judged: [Judged], detected: Bool, improvingLosses: [Judged],
                         overfitting ov: Overfitting, options o: AnalysisOptions) -> [Finding] {
        var out: [Finding] = []
        let others = judged.filter { $0.name != p.name }
        let r = p.result, ck = p.checks, last = ck.count - 1
        let name = p.name.rawValue
        if detected {
            let k = r.requiredChecks
            var msg = p.isLoss
                ? "\(name) has risen since its best check: lowest \(value(p, r.bestValue)) at \(ck.at(p.best)), then \(evidenceList(p, count: k))"
                : "\(name) has stopped rising: highest \(value(p, r.bestValue)) at \(ck.at(p.best)), then \(evidenceList(p, count: k))"
            msg += " (\(cadence(p)); \(k) worse checks in a row are the evidence the rule needs)"
            if let tm = r.trainingMetric, let t0 = r.trainingAtBest, let t1 = r.trainingAtEvidence {
                msg += ", while \(tm) kept falling (\(Format.num(t0)) to \(Format.num(t1)))"
            } else {
                msg += " (no training loss to compare with)"
            }
            msg += "; at the last check (\(ck.at(last))) it is \(value(p, r.lastValue))"
            if let gl = ov.generalizationLoss { msg += ", a generalization loss of \(Format.num(gl, 1)) %" }
            msg += "."
            if !others.isEmpty {
                msg += " The other validation metrics: " + others.map(clause).joined(separator: "; ") + "."
            }
            // VAR keeps its best checkpoint as ar-ckpt-best.pth; a step-only run comes from
            // another trainer, whose checkpoint names we do not know.
            let keep = ck.epochs[p.best] != nil
                ? "keep the checkpoint of \(ck.at(p.best))"
                : "keep the checkpoint of \(ck.at(p.best)) (or the last one saved before it)"
            let gl = ov.generalizationLoss ?? 0
            out.append(Finding(kind: "overfitting", severity: gl > o.generalizationLossCritical ? .critical : .warning,
                               message: msg, epoch: r.onsetEpoch, metric: name,
                               recommendation: "Stop early: \(keep), and add regularization (more weight decay `twd`, label smoothing `ls`, dropout `drop`) or more data before training longer."))
            if p.isLoss, let imp = improvingLosses.first {
                out.append(Finding(kind: "validation-metrics-disagree", severity: .warning,
                                   message: "The validation losses disagree: \(clause(imp)), while \(name) has been worse than its best (\(ck.at(p.best))) at every check since.",
                                   epoch: r.onsetEpoch, metric: imp.name.rawValue,
                                   recommendation: "Monitor both curves: \(name) and \(imp.name.rawValue) measure different scales; the last scale (`loss_tail`) dominates image quality."))
            }
            return out
        }

        // Not overfitting. Accuracies that stalled while a loss still improves are worth a word.
        for a in judged where !a.isLoss && a.result.detected {
            guard let imp = improvingLosses.first else { continue }
            out.append(Finding(kind: "validation-accuracy-stalled", severity: .warning,
                               message: "\(a.name.rawValue) has not risen since \(a.checks.at(a.best)) (highest \(value(a, a.result.bestValue)); \(a.result.worseChecksAfterBest) lower checks since), while \(imp.name.rawValue) still improves: not called overfitting, since the loss says otherwise.",
                               epoch: a.result.bestEpoch, metric: a.name.rawValue,
                               recommendation: "Monitor both curves: watch the next validation check of both."))
        }
        let rest = others.isEmpty ? "" : " The other validation metrics: " + others.map(clause).joined(separator: "; ") + "."
        if p.best == last {
            out.append(Finding(kind: "validation-improving", severity: .info,
                               message: "\(clause(p)) (\(ck.count) checks, \(cadence(p))).\(rest)",
                               epoch: r.bestEpoch, metric: name))
        } else {
            out.append(Finding(kind: "validation-no-overfitting", severity: .info,
                               message: "\(clause(p)).\(rest)",
                               epoch: r.bestEpoch, metric: name,
                               recommendation: "Monitor both curves: keep watching the validation loss at the next checks."))
        }
        return out
    }
}
