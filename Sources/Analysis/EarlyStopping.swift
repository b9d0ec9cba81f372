import TrainingLog

/// Where a patience / min_delta early-stopping rule (Lightning's `EarlyStopping`, mode "min")
/// would have stopped the run, and what stopping there would have saved.
///
/// With validation data the rule watches the overfitting metric, patience counting validation
/// checks (placed at their epochs, or at their steps in a step-only run). Without it (and when
/// `earlyStopOnTrainingLoss` is on) it watches the smoothed epoch-level training loss, patience
/// counting epochs, and may not stop before VAR's warm-up and constant-LR phase is over (a
/// plateau there is expected).
public enum EarlyStopping {
    /// The rule on plain values: a value improves when it is below best - minDelta; the run
    /// stops at the first index where `patience` values in a row have not improved. Indices
    /// before `startIndex` never stop the run (they still update the best). Returns the stop
    /// index and the best index then, or nil when the rule never fires.
    public static func stopIndex(_ values: [Double], patience: Int, minDelta: Double,
                                 startIndex: Int = 0, higherIsBetter: Bool = false) -> (stop: Int, best: Int)? {
        var best = Double.infinity, bestIndex = -1, wait = 0
        for (i, v0) in values.enumerated() where v0.isFinite {
            let v = higherIsBetter ? -v0 : v0
            if bestIndex < 0 || v < best - minDelta {
                best = v; bestIndex = i; wait = 0
            } else {
                wait += 1
                if wait >= max(patience, 1), i >= startIndex { return (i, bestIndex) }
            }
        }
        return nil
    }

    /// `lastEpoch` and `lastStep` are the last epoch and the last global step of the run's data,
    /// `firstStep` its first step (steps that start at 0 are iteration indices: the run then
    /// trained last + 1 of them).
    static func analyze(validation: OverfittingDetector.Judged?, judged: [OverfittingDetector.Judged],
                        trainingCurve: Curve?, run: Run, lastEpoch: Int?, lastStep: Int?, firstStep: Int?,
                        clock: RunClock?, gpus: Int?, family: String, schedule: LearningRateSchedule,
                        options o: AnalysisOptions) -> (EarlyStop?, [Finding]) {
        var stopEpoch: Int?, stopStep: Int?, bestEpoch: Int?, bestStep: Int?
        var bestValue: Double, metric: String, unit: String
        var patience: Int, minDelta: Double
        if let v = validation, v.checks.count >= 2 {
            // Each check is placed at its epoch, or at its step when the run has no epochs; the
            // patience is the evidence the overfitting rule needs at this cadence.
            let ck = v.checks
            let k = o.earlyStopPatience ?? v.result.requiredChecks
            guard let r = stopIndex(ck.values, patience: k, minDelta: o.earlyStopMinDelta,
                                    higherIsBetter: v.higherIsBetter) else {
                return (nil, [])
            }
            stopEpoch = ck.epochs[r.stop]; stopStep = ck.steps[r.stop]
            bestEpoch = ck.epochs[r.best]; bestStep = ck.steps[r.best]; bestValue = ck.values[r.best]
            metric = v.name.rawValue; unit = "validation checks"; patience = k; minDelta = o.earlyStopMinDelta
        } else if o.earlyStopOnTrainingLoss, let tc = trainingCurve?.epochLevel(run: run), tc.count >= 2 {
            // Patience in epochs: needs epochs, so a step-only run without validation gets no stop.
            let sm = Smoothing.debiasedEMA(tc.values, weight: o.emaWeight)
            let startEpoch = o.earlyStopStartEpoch ?? schedule.decayStartEpoch.map { Int(clamping: $0.rounded(.up)) } ?? 0
            let startIndex = tc.epochs.firstIndex { ($0 ?? Int.min) >= startEpoch } ?? tc.count
            guard let r = stopIndex(sm, patience: o.earlyStopTrainingPatience, minDelta: o.earlyStopTrainingMinDelta,
                                    startIndex: startIndex),
                  let se = tc.epochs[r.stop], let be = tc.epochs[r.best] else { return (nil, []) }
            stopEpoch = se; bestEpoch = be; bestValue = sm[r.best]
            stopStep = tc.steps[r.stop]; bestStep = tc.steps[r.best]
            metric = tc.name.rawValue; unit = "epochs"
            patience = o.earlyStopTrainingPatience; minDelta = o.earlyStopTrainingMinDelta
        } else {
            return (nil, [])
        }
        guard stopEpoch != nil || stopStep != nil else { return (nil, []) }
        var es = EarlyStop(epoch: stopEpoch, metric: metric, epochsSaved: nil, hoursSaved: nil)
        es.bestEpoch = bestEpoch; es.bestValue = bestValue
        es.patience = patience; es.minDelta = minDelta; es.unit = unit
        es.step = stopStep; es.bestStep = bestStep
        // What stopping would have saved: in epochs when the run has them, else in steps.
        var saved: Int, total: Int, units: String
        if let se = stopEpoch {
            let end = max(lastEpoch ?? se, se)
            es.epochsSaved = end - se
            if let c = clock, let h1 = c.hours(endOfEpoch: end), let h0 = c.hours(endOfEpoch: se) {
                es.hoursSaved = max(0, h1 - h0)
                if let g = gpus { es.gpuHoursSaved = max(0, h1 - h0) * Double(g) }
            }
            saved = end - se; total = max(end + 1, 1); units = "epochs"
            if let ss = stopStep { es.stepsSaved = max(lastStep ?? ss, ss) - ss }
        } else {
            let ss = stopStep!
            let end = max(lastStep ?? ss, ss)
            es.stepsSaved = end - ss
            saved = end - ss; total = max(firstStep == 0 ? end + 1 : end, 1); units = "steps"
        }
        let stopAt = Format.at(epoch: stopEpoch, step: stopStep)!
        let bestAt = Format.at(epoch: bestEpoch, step: bestStep) ?? "an unknown point"
        let watched = unit == "epochs" ? "the smoothed \(metric)" : metric
        var msg = "An early-stopping rule on \(watched) (patience \(patience) \(unit), min_delta \(Format.short(minDelta))) would have stopped at \(stopAt), keeping the best value \(Format.num(bestValue)) of \(bestAt)"
        if saved > 0 {
            msg += ", and saved \(saved) of \(total) \(units)"
            if let h = es.hoursSaved {
                msg += " (\(Format.hours(h))" + (es.gpuHoursSaved.map { ", \(Format.num($0, 0)) GPU-hours" } ?? "") + ")"
            }
            msg += "."
        } else {
            msg += "; that is the last \(units == "epochs" ? "epoch" : "step"), so nothing would have been saved."
        }
        if unit == "validation checks", family == "var", let be = bestEpoch {
            es.checkpointNote = checkpointNote(metric: metric, bestEpoch: be, judged: judged, run: run)
            if let note = es.checkpointNote { msg += " " + note }
        }
        let share = Double(saved) / Double(total)
        let next = stopEpoch != nil ? "or shorten the schedule (`ep`)" : "or shorten the schedule"
        let f = Finding(kind: "early-stop", severity: share >= 0.1 ? .warning : .info, message: msg, epoch: stopEpoch,
                        metric: metric,
                        recommendation: saved > 0
                            ? "Stop early: use the checkpoint of \(bestAt); next time stop at a patience of \(patience) \(unit) \(next)."
                            : nil)
        return (es, [f])
    }

    /// Which checkpoint VAR kept: `ar-ckpt-best.pth` is copied at a validation whose
    /// `val/loss_tail` beats the best of the current launch (train.py resets the best to 999 at
    /// every start), so after a restart it holds the best since the restart.
    static func checkpointNote(metric: String, bestEpoch: Int, judged: [OverfittingDetector.Judged], run: Run) -> String? {
        guard let tail = judged.first(where: { $0.name == .valLossTail }) else { return nil }
        let since = run.restartEpochs.last ?? 0
        var kept: Int? = nil
        for i in tail.checks.indices {
            guard let e = tail.checks.epochs[i], e >= since else { continue }
            if kept == nil || tail.checks.values[i] < tail.checks.values[kept!] { kept = i }
        }
        guard let k = kept, let keptEpoch = tail.checks.epochs[k] else { return nil }
        let v = Format.num(tail.checks.values[k], 4)
        if keptEpoch == bestEpoch {
            return "VAR's ar-ckpt-best.pth holds that checkpoint (the lowest val/loss_tail, \(v))."
        }
        if metric == MetricName.valLossTail.rawValue, bestEpoch < since {
            return "VAR's ar-ckpt-best.pth no longer holds it: VAR forgets its best at every launch, so since the restart at epoch \(since) it holds epoch \(keptEpoch) (val/loss_tail \(v)); the checkpoint of epoch \(bestEpoch) survives only if it was copied."
        }
        let restartNote = since > 0 ? " since the restart at epoch \(since)" : ""
        return "VAR's ar-ckpt-best.pth holds epoch \(keptEpoch) instead (VAR keeps the lowest val/loss_tail\(restartNote), \(v))."
    }
}
