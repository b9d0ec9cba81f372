import TrainingLog

/// Stretches where a loss stopped improving, found with the rule of PyTorch's
/// `ReduceLROnPlateau(mode="min", threshold_mode="rel")` applied to the smoothed epoch-level
/// curve: an epoch is better when L < best * (1 - threshold); after more than `patience` epochs
/// that are not better the rule fires; for `cooldown` epochs after that bad epochs are not
/// counted. Firings with no improvement in between are one plateau, which ends at the epoch
/// before the next improvement (or is still going on at the end).
public enum PlateauDetector {
    /// One plateau in index terms: first bad index, index at which the rule fired, last index
    /// of the plateau (nil: still going on), and the best value it failed to beat.
    public struct Stretch: Sendable, Equatable {
        public var start: Int
        public var detected: Int
        public var end: Int?
        public var best: Double
    }

    /// The rule on plain values (non-finite values are skipped: neither better nor bad).
    public static func detect(_ values: [Double], patience: Int, threshold: Double, cooldown: Int) -> [Stretch] {
        var out: [Stretch] = []
        var best = Double.infinity
        var bestIndex = -1
        var bad = 0, cool = 0
        var open: Stretch? = nil
        for (i, v) in values.enumerated() where v.isFinite {
            if best == .infinity || v < best * (1 - threshold) {
                if var o = open { o.end = i - 1; out.append(o); open = nil }
                best = v; bestIndex = i; bad = 0
            } else {
                bad += 1
            }
            if cool > 0 { cool -= 1; bad = 0 }
            if bad > max(patience, 0) {
                if open == nil { open = Stretch(start: bestIndex + 1, detected: i, end: nil, best: best) }
                cool = max(cooldown, 0)
                bad = 0
            }
        }
        if let o = open { out.append(o) }
        return out
    }

    /// The plateaus of a loss curve at epoch level, with the learning rate and VAR's schedule
    /// phase at their start.
    static func analyze(_ curve: Curve, run: Run, schedule: LearningRateSchedule,
                        options o: AnalysisOptions) -> [Plateau] {
        guard let ec = curve.epochLevel(run: run) else { return [] }
        let smoothed = Smoothing.debiasedEMA(ec.values, weight: o.emaWeight)
        return detect(smoothed, patience: o.plateauPatience, threshold: o.plateauThreshold, cooldown: o.plateauCooldown)
            .compactMap { s in
                guard s.start < ec.count, let start = ec.epochs[s.start] else { return nil }
                let phase = schedule.phase(atEpoch: start)
                let detected = ec.epochs[s.detected]
                // Expected when the rule fired while VAR was still warming up or holding the peak.
                let phaseAtDetection = detected.flatMap { schedule.phase(atEpoch: $0) }
                var p = Plateau(metric: curve.name.rawValue, startEpoch: start, endEpoch: s.end.flatMap { ec.epochs[$0] },
                                learningRateFraction: schedule.fraction(atEpoch: start),
                                expected: phaseAtDetection == "warmup" || phaseAtDetection == "constant")
                p.detectedEpoch = detected
                p.learningRate = schedule.learningRate(atEpoch: start)
                p.phase = phase
                p.bestValue = s.best
                return p
            }
    }
}
