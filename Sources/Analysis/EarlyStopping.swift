import TrainingLog

/// Where a patience / min_delta early-stopping rule (Lightning's `EarlyStopping`, mode "min")
/// would have stopped the run, and what stopping there would have saved.
///
/// With validation data the rule watches the overfitting metric, patience counting validation
/// checks. Without it (and when `earlyStopOnTrainingLoss` is on) it watches the smoothed
/// epoch-level training loss, patience counting epochs, and may not stop before VAR's warm-up and
/// constant-LR phase is over (a plateau there is expected).
public enum EarlyStopping {
    /// The rule on plain values: a value improves when it is below best - minDelta; the run
    /// stops at the first index where `patience` values in a row have not improved. Indices
    /// before `startIndex` never stop the run (they still update the best). Returns the stop
    /// index and the best index then, or nil when the rule never fires.
    public static func stopIndex(_ values: [Double], patience: Int, minDelta: Double,
                                 startIndex: Int = 0) -> (stop: Int, best: Int)? {
        var best = Double.infinity, bestIndex = -1, wait = 0
        for (i, v) in values.enumerated() where v.isFinite {
            if bestIndex < 0 || v < best - minDelta {
                best = v; bestIndex = i; wait = 0
            } else {
                wait += 1
                if wait >= max(patience, 1), i >= startIndex { return (i, bestIndex) }
            }
        }
        return nil
    }

    static func analyze(validationChecks: (values: [Double], epochs: [Int])?, validationMetric: String?,
                        trainingCurve: Curve?, run: Run, lastEpoch: Int?, clock: RunClock?,
                        schedule: LearningRateSchedule, options o: AnalysisOptions) -> (EarlyStop?, [Finding]) {
        var stopEpoch: Int, bestEpoch: Int, bestValue: Double, metric: String, unit: String
        var patience: Int, minDelta: Double
        if let ck = validationChecks, let vm = validationMetric, ck.values.count >= 2 {
            guard let r = stopIndex(ck.values, patience: o.earlyStopPatience, minDelta: o.earlyStopMinDelta) else {
                return (nil, [])
            }
            stopEpoch = ck.epochs[r.stop]; bestEpoch = ck.epochs[r.best]; bestValue = ck.values[r.best]
            metric = vm; unit = "validation checks"; patience = o.earlyStopPatience; minDelta = o.earlyStopMinDelta
        } else if o.earlyStopOnTrainingLoss, let tc = trainingCurve?.epochLevel(run: run), tc.count >= 2 {
            let sm = Smoothing.debiasedEMA(tc.values, weight: o.emaWeight)
            let startEpoch = o.earlyStopStartEpoch ?? schedule.decayStartEpoch.map { Int(clamping: $0.rounded(.up)) } ?? 0
            let startIndex = tc.epochs.firstIndex { ($0 ?? Int.min) >= startEpoch } ?? tc.count
            guard let r = stopIndex(sm, patience: o.earlyStopTrainingPatience, minDelta: o.earlyStopTrainingMinDelta,
                                    startIndex: startIndex),
                  let se = tc.epochs[r.stop], let be = tc.epochs[r.best] else { return (nil, []) }
            stopEpoch = se; bestEpoch = be; bestValue = sm[r.best]
            metric = tc.name.rawValue; unit = "epochs"
            patience = o.earlyStopTrainingPatience; minDelta = o.earlyStopTrainingMinDelta
        } else {
            return (nil, [])
        }
        let end = max(lastEpoch ?? stopEpoch, stopEpoch)
        var es = EarlyStop(epoch: stopEpoch, metric: metric, epochsSaved: end - stopEpoch, hoursSaved: nil)
        if let c = clock, let h1 = c.hours(endOfEpoch: end), let h0 = c.hours(endOfEpoch: stopEpoch) {
            es.hoursSaved = max(0, h1 - h0)
        }
        es.bestEpoch = bestEpoch; es.bestValue = bestValue
        es.patience = patience; es.minDelta = minDelta; es.unit = unit
        let total = max(end + 1, 1)
        let watched = unit == "epochs" ? "the smoothed \(metric)" : metric
        var msg = "An early-stopping rule on \(watched) (patience \(patience) \(unit), min_delta \(Format.short(minDelta))) would have stopped at epoch \(stopEpoch), keeping the best value \(Format.num(bestValue)) of epoch \(bestEpoch)"
        if es.epochsSaved > 0 {
            msg += ", and saved \(es.epochsSaved) of \(total) epochs"
            if let h = es.hoursSaved { msg += " (\(Format.hours(h)))" }
            msg += "."
        } else {
            msg += "; that is the last epoch, so nothing would have been saved."
        }
        let share = Double(es.epochsSaved) / Double(total)
        let f = Finding(kind: "early-stop", severity: share >= 0.1 ? .warning : .info, message: msg, epoch: stopEpoch,
                        metric: metric,
                        recommendation: es.epochsSaved > 0
                            ? "Stop early: use the checkpoint of epoch \(bestEpoch); next time stop at a patience of \(patience) \(unit) or shorten the schedule (`ep`)."
                            : nil)
        return (es, [f])
    }
}
