import TrainingLog

/// The plain numbers of one metric: first, last, best, smoothed last, mean of the last 10 %.
/// Non-finite values are skipped here (the instability detector reports them).
enum MetricStatistics {
    /// The summary of a curve, or nil when it has no finite value (then it has no data to show).
    static func summarize(_ c: Curve, options: AnalysisOptions) -> MetricSummary? {
        let finite = c.finiteIndices
        guard let fi = finite.first, let li = finite.last else { return nil }
        let higher = MetricRoles.higherIsBetter(c.name)
        var bi = fi
        for i in finite where higher ? c.values[i] > c.values[bi] : c.values[i] < c.values[bi] { bi = i }
        let weight = options.smoothingWeight(c)
        let smoothed = Smoothing.debiasedEMA(c.values, weight: weight)
        let smoothedLast = smoothed.last { $0.isFinite }
        let share = min(max(options.lastFraction, 0), 1)
        let k = max(1, Int(clamping: (Double(c.count) * share).rounded(.up)))
        let meanLast = Stats.mean(c.values[(c.count - min(k, c.count))...])
        var m = MetricSummary(kind: MetricRoles.kind(c.name), granularity: c.granularity.rawValue, points: c.count,
                              first: c.valueAt(fi), last: c.valueAt(li), best: c.valueAt(bi),
                              smoothedLast: smoothedLast, meanLast10Percent: meanLast)
        m.smoothingWeight = weight
        return m
    }
}
