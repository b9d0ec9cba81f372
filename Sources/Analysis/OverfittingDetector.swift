import TrainingLog

/// Overfitting, judged only on validation data and on every validation metric the run has:
/// the training loss still falls while a validation loss rises, or a validation accuracy stops
/// rising (nothing is ever inferred from training curves alone).
///
/// Rule, per validation metric: take its best check (lowest loss, highest accuracy; the first
/// occurrence). The metric shows overfitting when the `k` checks after the best one are all worse
/// than it by more than `min_delta` and the smoothed training loss at the k-th of them is below
/// its value at the best check. `k` fits the cadence: the evidence must span about
/// `overfitting_evidence_epochs` (10) epochs and at least 2 checks, so VAR's validation every 10
/// epochs needs 2 worse checks (the strip count of Prechelt's UP_2) and a validation every epoch
/// needs 10; without epochs, a tenth of the checks (at least 2). `overfitting_patience` sets k
/// by hand. The onset is the first check after the best one.
///
/// The run overfits when a validation loss shows it, or when only accuracies show it and no
/// validation loss is still improving (a loss at its best at the last check speaks against it).
/// The summary names the metric whose evidence came first (ties: `val/loss_mean`, `val/loss_tail`,
/// other losses, then accuracies) and keeps every metric's own result in `per_metric`.
public enum OverfittingDetector {
    /// The rule on plain values: `training[j]` is the smoothed training loss at check j (nil when
    /// unknown). Returns the index of the best check, how many checks after it are worse (in a
    /// row, from the one after it), and the index of the check that completed the evidence (nil:
    /// not detected); nil without a finite value.
    public static func detect(validation v: [Double], higherIsBetter: Bool = false, training: [Double?],
                              required k: Int, minDelta: Double) -> (best: Int, worseAfter: Int, evidence: Int?)? {
        guard let b = bestIndex(v, higherIsBetter: higherIsBetter) else { return nil }
        var worse = 0
        var j = b + 1
        while j < v.count, v[j].isFinite, isWorse(v[j], than: v[b], higherIsBetter: higherIsBetter, minDelta: minDelta) {
            worse += 1; j += 1
        }
        let need = max(k, 1)
        guard worse >= need else { return (b, worse, nil) }
        let e = b + need
        if b < training.count, e < training.count, let t0 = training[b], let t1 = training[e], !(t1 < t0) {
            return (b, worse, nil)
        }
        return (b, worse, e)
    }

    static func isWorse(_ x: Double, than best: Double, higherIsBetter: Bool, minDelta: Double) -> Bool {
        higherIsBetter ? x < best - minDelta : x > best + minDelta
    }

    static func bestIndex(_ v: [Double], higherIsBetter: Bool = false) -> Int? {
        var b: Int? = nil
        for i in v.indices where v[i].isFinite {
            if b == nil || (higherIsBetter ? v[i] > v[b!] : v[i] < v[b!]) { b = i }
        }
        return b
    }

    /// Worse checks after the best one the rule needs for these checks (see the type's comment).
    static func requiredChecks(_ ck: Checks, options o: AnalysisOptions) -> Int {
        if let p = o.overfittingPatience { return max(p, 1) }
        var gaps: [Double] = []
        for i in 1..<max(ck.count, 1) {
            if let a = ck.epochs[i - 1], let b = ck.epochs[i], b > a { gaps.append(Double(b - a)) }
        }
        if let spacing = Stats.median(gaps), spacing > 0 {
            let k = (Double(max(o.overfittingEvidenceEpochs, 1)) / spacing).rounded(.up)
            return max(2, min(10, Int(k)))
        }
        return max(2, min(10, Int((0.1 * Double(ck.count)).rounded(.up))))
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
        /// Epoch (or step) of check i, for ordering onsets.
        func position(_ i: Int) -> Int { epochs[i] ?? steps[i] ?? Int.max }
    }

    /// The validation checks of a curve: one point per check. A value repeated at consecutive
    /// epochs counts once (a reader that carries the last validation result forward, as VAR's
    /// log.txt does, would otherwise make one check look like many); equal values at checks that
    /// are epochs apart are real ties and both count. Points with neither an epoch nor a step are
    /// left out.
    static func checks(_ c: Curve) -> Checks {
        var ck = Checks()
        let ep = c.epochs, st = c.steps
        var lastRepeat: Int? = nil  // the epoch of the latest carried-forward copy
        for i in 0..<c.count {
            let e = ep[i], s = st[i]
            guard e != nil || s != nil, c.values[i].isFinite else { continue }
            if let l = ck.values.last, l == c.values[i], let pe = lastRepeat ?? ck.epochs.last ?? nil, let ce = e,
               ce == pe + 1 {
                lastRepeat = ce
                continue
            }
            lastRepeat = nil
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

    /// One validation metric, judged.
    struct Judged {
        var name: MetricName
        var checks: Checks
        var result: MetricOverfitting
        var higherIsBetter: Bool
        /// Index of the best check and of the check that completed the evidence.
        var best: Int
        var evidence: Int?
        var isLoss: Bool { !higherIsBetter }
    }

    struct Outcome {
        var overfitting: Overfitting
        var findings: [Finding]
        /// The judged metric's checks and rule (for early stopping).
        var primary: Judged?
        var judged: [Judged]
    }

    /// `lastEpoch` and `lastStep` are the last epoch and the last global step of the run's data
    /// (the end of the overfitting region).
    static func analyze(run: Run, curves: [MetricName: Curve], lastEpoch: Int?, lastStep: Int?,
                        options o: AnalysisOptions) -> Outcome {
        let names = MetricRoles.validationMetrics(Array(curves.keys))
        var judged: [Judged] = []
        var singles: [(MetricName, Checks)] = []
        for n in names {
            guard let c = curves[n] else { continue }
            let ck = checks(c)
            if ck.count == 1 { singles.append((n, ck)); continue }
            if let j = judge(c, checks: ck, curves: curves, run: run, options: o) { judged.append(j) }
        }
        guard !judged.isEmpty || !singles.isEmpty else {
            let f = Finding(kind: "no-validation-data", severity: .info,
                            message: "The logs hold no validation data, so overfitting cannot be judged; nothing is inferred from the training curves.",
                            recommendation: RunFactsBuilder.family(run) == "llamagen"
                                ? "LlamaGen's trainer logs no validation loss: evaluate a held-out set every few thousand steps (or the FID of samples from saved checkpoints) to judge overfitting."
                                : RunFactsBuilder.family(run) == "infinity"
                                ? "Infinity writes its validation losses only to TensorBoard / W&B (vL_mean, vL_tail): keep those files with the run (its console's VAL lines print the training means)."
                                : "Keep log.txt and the TensorBoard event files with the run: VAR writes its validation results only there (stdout shows training averages on its validation line).")
            return Outcome(overfitting: Overfitting(detected: false, metric: nil, bestEpoch: nil, bestValue: nil,
                                                    onsetEpoch: nil, generalizationLoss: nil, regionStartEpoch: nil,
                                                    regionEndEpoch: nil, hasValidationData: false),
                           findings: [f], primary: nil, judged: [])
        }

        var findings: [Finding] = []
        for (n, ck) in singles {
            findings.append(Finding(kind: "validation-single-point", severity: .info,
                                    message: "\(n.rawValue) has a single validation point (\(Format.num(ck.values[0])) at \(ck.at(0))), so overfitting cannot be judged on it.",
                                    epoch: ck.epochs[0], metric: n.rawValue,
                                    recommendation: "Keep log.txt or the TensorBoard event files, which hold every validation check."))
        }

        let lossDetected = judged.filter { $0.isLoss && $0.result.detected }
        let accDetected = judged.filter { !$0.isLoss && $0.result.detected }
        let improvingLosses = judged.filter { $0.isLoss && $0.best == $0.checks.count - 1 }
        let detected = !lossDetected.isEmpty || (!accDetected.isEmpty && improvingLosses.isEmpty)
        let pool = !lossDetected.isEmpty ? lossDetected : (detected ? accDetected : [])
        // The metric whose evidence came first; ties in preference order (the order of `judged`).
        let primary: Judged? = pool.min { a, b in
            let pa = a.checks.position(a.evidence.map { _ in a.best + 1 } ?? a.best)
            let pb = b.checks.position(b.evidence.map { _ in b.best + 1 } ?? b.best)
            return pa < pb
        } ?? judged.first { $0.isLoss } ?? judged.first

        var ov = Overfitting(detected: detected, metric: primary?.name.rawValue ?? singles.first?.0.rawValue,
                             bestEpoch: nil, bestValue: nil, onsetEpoch: nil, generalizationLoss: nil,
                             regionStartEpoch: nil, regionEndEpoch: nil, hasValidationData: true)
        for j in judged { ov.perMetric[j.name.rawValue] = j.result }
        if let p = primary {
            let r = p.result, ck = p.checks, last = ck.count - 1
            ov.trainingMetric = r.trainingMetric
            ov.checks = ck.count
            ov.bestEpoch = r.bestEpoch; ov.bestStep = r.bestStep; ov.bestValue = r.bestValue
            ov.lastValue = r.lastValue; ov.lastEpoch = r.lastEpoch; ov.lastStep = r.lastStep
            ov.requiredChecks = r.requiredChecks
            if p.isLoss, r.bestValue > 0 { ov.generalizationLoss = 100 * (r.lastValue / r.bestValue - 1) }
            if detected, r.detected {
                ov.onsetEpoch = r.onsetEpoch; ov.onsetStep = r.onsetStep
                ov.regionStartEpoch = r.onsetEpoch; ov.regionStartStep = r.onsetStep
                ov.regionEndEpoch = ck.epochs[last].map { max(lastEpoch ?? $0, $0) }
                ov.regionEndStep = ck.steps[last].map { max(lastStep ?? $0, $0) }
            }
            findings += OverfittingFindings.findings(primary: p, judged: judged, detected: detected,
                                                     improvingLosses: improvingLosses, overfitting: ov, options: o)
        } else if let (n, ck) = singles.first {
            ov.bestEpoch = ck.epochs[0]; ov.bestStep = ck.steps[0]; ov.bestValue = ck.values[0]
            ov.lastValue = ck.values[0]; ov.lastEpoch = ck.epochs[0]; ov.lastStep = ck.steps[0]
            ov.checks = 1
            ov.metric = n.rawValue
        }
        return Outcome(overfitting: ov, findings: findings, primary: primary, judged: judged)
    }

    /// The rule on one validation curve with at least two checks.
    private static func judge(_ c: Curve, checks ck: Checks, curves: [MetricName: Curve], run: Run,
                              options o: AnalysisOptions) -> Judged? {
        let higher = MetricRoles.higherIsBetter(c.name)
        let trainName = MetricRoles.trainingLossCounterpart(c.name)
        let trainSource = trainName.flatMap { curves[$0] }
            ?? MetricRoles.trainingLosses(Array(curves.keys)).first.flatMap { curves[$0] }
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
        let k = requiredChecks(ck, options: o)
        guard let r = detect(validation: ck.values, higherIsBetter: higher, training: trainAt, required: k,
                             minDelta: o.overfittingMinDelta) else { return nil }
        let last = ck.count - 1
        var m = MetricOverfitting(kind: higher ? "accuracy" : "loss", checks: ck.count, bestEpoch: ck.epochs[r.best],
                                  bestStep: ck.steps[r.best], bestValue: ck.values[r.best], worseChecksAfterBest: r.worseAfter,
                                  requiredChecks: k, detected: r.evidence != nil, lastValue: ck.values[last],
                                  lastEpoch: ck.epochs[last], lastStep: ck.steps[last])
        m.trainingMetric = (trainCurve ?? stepTrain)?.name.rawValue
        let e = min(r.best + k, last)
        if r.best < trainAt.count, e < trainAt.count, e > r.best, let t0 = trainAt[r.best], let t1 = trainAt[e] {
            m.trainingAtBest = t0; m.trainingAtEvidence = t1; m.trainingFell = t1 < t0
        }
        if r.evidence != nil {
            m.onsetEpoch = ck.epochs[r.best + 1]
            m.onsetStep = ck.steps[r.best + 1]
        }
        return Judged(name: c.name, checks: ck, result: m, higherIsBetter: higher, best: r.best, evidence: r.evidence)
    }
}
