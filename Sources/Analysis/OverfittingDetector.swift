import TrainingLog

/// Validation loss rising while training loss still falls, judged only on validation data
/// (nothing is ever inferred from training curves alone).
///
/// Rule: take the validation minimum (first occurrence). Overfitting is detected when the next
/// `patience` validation checks all lie above it by more than `min_delta` (patience counts checks,
/// as in Lightning; VAR validates every 10 epochs) and the smoothed training loss at the last of
/// those checks is below its value at the minimum. The onset is the first check after the
/// minimum; the region [onset, last epoch] is what charts shade. Prechelt's generalization loss
/// GL = 100 * (last / min - 1) is reported at the end.
public enum OverfittingDetector {
    /// The rule on plain values at the validation checks: `training[j]` is the smoothed
    /// training loss at check j (nil when unknown). Returns the index of the minimum and the
    /// onset index (nil: not detected), or nil without a finite validation value.
    public static func detect(validation v: [Double], training: [Double?], patience: Int,
                              minDelta: Double) -> (best: Int, onset: Int?)? {
        guard let b = bestIndex(v) else { return nil }
        let p = max(patience, 1)
        guard b + p < v.count else { return (b, nil) }
        for j in (b + 1)...(b + p) where !(v[j].isFinite && v[j] > v[b] + minDelta) { return (b, nil) }
        if b < training.count, b + p < training.count, let t0 = training[b], let t1 = training[b + p], !(t1 < t0) {
            return (b, nil)
        }
        return (b, b + 1)
    }

    static func bestIndex(_ v: [Double]) -> Int? {
        var b: Int? = nil
        for i in v.indices where v[i].isFinite { if b == nil || v[i] < v[b!] { b = i } }
        return b
    }

    /// The validation checks of one curve, in order. A check is placed at its epoch when the
    /// curve has epochs, else at its global step (step-only runs: CSV / JSON Lines logs with a
    /// `step` column and no iterations per epoch).
    struct Checks: Sendable {
        var values: [Double] = []
        /// The epoch of each check (nil when unknown) and its global step (nil when unknown).
        var epochs: [Int?] = []
        var steps: [Int?] = []
        var count: Int { values.count }
        var indices: Range<Int> { values.indices }
        /// "epoch 99", or "step 6999" when the epoch is unknown.
        func at(_ i: Int) -> String { Format.at(epoch: epochs[i], step: steps[i]) ?? "an unknown point" }
    }

    /// The validation checks of a curve: one point per check, with runs of identical consecutive
    /// values collapsed to their first point (guards against readers that repeat the last
    /// validation result on every epoch, as log.txt does). Points with neither an epoch nor a
    /// step are left out.
    static func checks(_ c: Curve) -> Checks {
        var ck = Checks()
        let ep = c.epochs, st = c.steps
        for i in 0..<c.count {
            let e = ep[i], s = st[i]
            guard e != nil || s != nil, c.values[i].isFinite else { continue }
            if let l = ck.values.last, l == c.values[i] { continue }
            ck.values.append(c.values[i]); ck.epochs.append(e); ck.steps.append(s)
        }
        return ck
    }

    /// The training loss at checks placed at `steps` (increasing): the mean of the finite values
    /// logged after the previous check up to this one (the last finite value at or before the
    /// check when there are none in between), smoothed across the checks with the debiased EMA.
    /// Averaging a window keeps per-step noise out of the comparison, as epoch averages do.
    static func trainingSinceLastCheck(_ tc: Curve, steps: [Int], weight: Double) -> [Double?] {
        var raw: [Double] = [], prev = -1
        for s in steps {
            let end = tc.lastIndex(atOrBeforeStep: s) ?? -1
            var sum = 0.0, n = 0
            if end > prev { for i in (prev + 1)...end where tc.values[i].isFinite { sum += tc.values[i]; n += 1 } }
            if n > 0 {
                raw.append(sum / Double(n))
            } else {
                var i = end
                while i >= 0, !tc.values[i].isFinite { i -= 1 }
                raw.append(i >= 0 ? tc.values[i] : .nan)
            }
            prev = max(prev, end)
        }
        return Smoothing.debiasedEMA(raw, weight: weight).map { $0.isFinite ? $0 : nil }
    }

    struct Outcome {
        var overfitting: Overfitting
        var findings: [Finding]
        /// The validation checks of the judged metric (for early stopping).
        var checks: Checks?
    }

    /// Judges the preferred validation loss (`val/loss_mean`, else `val/loss_tail`, else any
    /// validation loss) and mentions the other one in the findings.
    /// `lastEpoch` and `lastStep` are the last epoch and the last global step of the run's data
    /// (the end of the overfitting region).
    static func analyze(run: Run, curves: [MetricName: Curve], lastEpoch: Int?, lastStep: Int?,
                        options o: AnalysisOptions) -> Outcome {
        let valNames = MetricRoles.validationLosses(Array(curves.keys))
        guard let primary = valNames.first, let pc = curves[primary] else {
            let f = Finding(kind: "no-validation-data", severity: .info,
                            message: "The logs hold no validation data, so overfitting cannot be judged; nothing is inferred from the training curves.",
                            recommendation: "Keep log.txt and the TensorBoard event files with the run: VAR writes its validation results only there (stdout shows training averages on its validation line).")
            return Outcome(overfitting: Overfitting(detected: false, metric: nil, bestEpoch: nil, bestValue: nil,
                                                    onsetEpoch: nil, generalizationLoss: nil, regionStartEpoch: nil,
                                                    regionEndEpoch: nil, hasValidationData: false),
                           findings: [f], checks: nil)
        }
        var findings: [Finding] = []
        let (ov, ck, f) = judge(pc, run: run, curves: curves, lastEpoch: lastEpoch, lastStep: lastStep, options: o)
        findings += f
        for other in valNames.dropFirst() {
            guard let oc = curves[other] else { continue }
            let (oo, _, _) = judge(oc, run: run, curves: curves, lastEpoch: lastEpoch, lastStep: lastStep, options: o)
            guard let be = Format.at(epoch: oo.bestEpoch, step: oo.bestStep), let bv = oo.bestValue,
                  let lv = oo.lastValue, let le = Format.at(epoch: oo.lastEpoch, step: oo.lastStep) else { continue }
            var msg = "\(other.rawValue) was lowest at \(be) (\(Format.num(bv))) and is \(Format.num(lv)) at \(le)"
            if let gl = oo.generalizationLoss { msg += " (GL \(Format.num(gl, 1)) %)" }
            if oo.detected != ov.detected {
                msg += oo.detected
                    ? "; it meets the overfitting rule while \(primary.rawValue) does not."
                    : "; it does not meet the overfitting rule while \(primary.rawValue) does."
                findings.append(Finding(kind: "validation-metrics-disagree", severity: .warning, message: msg,
                                        epoch: oo.onsetEpoch ?? oo.bestEpoch, metric: other.rawValue,
                                        recommendation: "Monitor both curves: \(primary.rawValue) is the overall measure, \(other.rawValue) the last (finest) scale, which dominates image quality."))
            } else {
                msg += oo.detected ? "; it shows the same overfitting." : "; it agrees with \(primary.rawValue)."
                findings.append(Finding(kind: "validation-other-metric", severity: .info, message: msg,
                                        epoch: oo.bestEpoch, metric: other.rawValue))
            }
        }
        return Outcome(overfitting: ov, findings: findings, checks: ck)
    }

    /// The rule on one validation curve.
    private static func judge(_ c: Curve, run: Run, curves: [MetricName: Curve], lastEpoch: Int?, lastStep: Int?,
                              options o: AnalysisOptions) -> (Overfitting, Checks, [Finding]) {
        let ck = checks(c)
        let trainName = MetricRoles.trainingCounterpart(c.name)
        let trainSource = trainName.flatMap { curves[$0] } ?? MetricRoles.trainingLosses(Array(curves.keys)).first.flatMap { curves[$0] }
        // Checks with an epoch compare with the smoothed epoch-level training loss; checks known
        // only by their step with the training loss averaged since the previous check (smoothed
        // across checks), the step-only counterpart of an epoch average.
        let trainCurve = trainSource.flatMap { $0.epochLevel(run: run) }
        let stepTrain = ck.epochs.contains(nil) ? trainSource : nil
        var trainAt: [Double?] = []
        if trainCurve != nil || stepTrain != nil {
            let smE = trainCurve.map { Smoothing.debiasedEMA($0.values, weight: o.emaWeight) }
            trainAt = (0..<ck.count).map { j -> Double? in
                guard let e = ck.epochs[j], let tc = trainCurve, let sm = smE else { return nil }
                return tc.lastIndex(atOrBefore: e).map { sm[$0] }.flatMap { $0.isFinite ? $0 : nil }
            }
            if let tc = stepTrain {
                let at = ck.indices.filter { ck.epochs[$0] == nil && ck.steps[$0] != nil }
                let v = trainingSinceLastCheck(tc, steps: at.map { ck.steps[$0]! }, weight: o.emaWeight)
                for (k, j) in at.enumerated() { trainAt[j] = v[k] }
            }
        }
        var ov = Overfitting(detected: false, metric: c.name.rawValue, bestEpoch: nil, bestValue: nil, onsetEpoch: nil,
                             generalizationLoss: nil, regionStartEpoch: nil, regionEndEpoch: nil, hasValidationData: true)
        ov.trainingMetric = (trainCurve ?? stepTrain)?.name.rawValue
        ov.checks = ck.values.count
        var findings: [Finding] = []
        guard let r = detect(validation: ck.values, training: trainAt, patience: o.overfittingPatience,
                             minDelta: o.overfittingMinDelta) else { return (ov, ck, []) }
        let last = ck.count - 1
        let minV = ck.values[r.best], lastV = ck.values[last]
        ov.bestEpoch = ck.epochs[r.best]
        ov.bestStep = ck.steps[r.best]
        ov.bestValue = minV
        ov.lastValue = lastV
        ov.lastEpoch = ck.epochs[last]
        ov.lastStep = ck.steps[last]
        if minV > 0 { ov.generalizationLoss = 100 * (lastV / minV - 1) }
        let name = c.name.rawValue
        if ck.values.count < 2 {
            findings.append(Finding(kind: "validation-single-point", severity: .info,
                                    message: "\(name) has a single validation point (\(Format.num(minV)) at \(ck.at(0))), so overfitting cannot be judged.",
                                    epoch: ck.epochs[0], metric: name,
                                    recommendation: "Keep log.txt or the TensorBoard event files, which hold every validation check."))
            return (ov, ck, findings)
        }
        if let on = r.onset {
            ov.detected = true
            ov.onsetEpoch = ck.epochs[on]
            ov.onsetStep = ck.steps[on]
            ov.regionStartEpoch = ck.epochs[on]
            ov.regionStartStep = ck.steps[on]
            // The region runs to the end of the run's data when that is after the last check.
            ov.regionEndEpoch = ck.epochs[last].map { max(lastEpoch ?? $0, $0) }
            ov.regionEndStep = ck.steps[last].map { max(lastStep ?? $0, $0) }
            let gl = ov.generalizationLoss ?? 0
            var msg = "\(name) was lowest at \(ck.at(r.best)) (\(Format.num(minV))) and lay above it at each of the next \(max(o.overfittingPatience, 1)) validation checks from \(ck.at(on))"
            let p = r.best + max(o.overfittingPatience, 1)
            if let tn = ov.trainingMetric, r.best < trainAt.count, p < trainAt.count, let t0 = trainAt[r.best], let t1 = trainAt[p] {
                msg += ", while \(tn) kept falling (\(Format.num(t0)) to \(Format.num(t1)))"
            } else {
                msg += " (no training loss to compare with)"
            }
            msg += "; at the last check (\(ck.at(last))) it is \(Format.num(lastV)), a generalization loss of \(Format.num(gl, 1)) %."
            // VAR keeps its best checkpoint as ar-ckpt-best.pth; a step-only run comes from
            // another trainer, whose checkpoint names we do not know.
            let keep = ck.epochs[r.best] != nil
                ? "keep the checkpoint of \(ck.at(r.best)) (VAR's ar-ckpt-best.pth)"
                : "keep the checkpoint of \(ck.at(r.best)) (or the last one saved before it)"
            findings.append(Finding(kind: "overfitting", severity: gl > o.generalizationLossCritical ? .critical : .warning,
                                    message: msg, epoch: ck.epochs[on], metric: name,
                                    recommendation: "Stop early: \(keep), and add regularization (more weight decay `twd`, label smoothing `ls`, dropout `drop`) or more data before training longer."))
        } else if r.best == last {
            findings.append(Finding(kind: "validation-improving", severity: .info,
                                    message: "\(name) is still improving: its lowest value \(Format.num(minV)) is at the last validation check (\(ck.at(r.best)), \(ck.values.count) checks).",
                                    epoch: ck.epochs[r.best], metric: name))
        } else {
            findings.append(Finding(kind: "validation-no-overfitting", severity: .info,
                                    message: "\(name) was lowest at \(ck.at(r.best)) (\(Format.num(minV))) and is \(Format.num(lastV)) at the last check (\(ck.at(last))); that does not meet the overfitting rule (\(max(o.overfittingPatience, 1)) checks above the minimum while the training loss falls).",
                                    epoch: ck.epochs[r.best], metric: name,
                                    recommendation: "Monitor both curves: keep watching the validation loss at the next checks."))
        }
        return (ov, ck, findings)
    }
}
