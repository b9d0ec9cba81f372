import TrainingLog

/// Is the loss still improving? The change of the smoothed epoch-level curve over the last
/// `plateauPatience` epochs (at least 2 points), compared with the plateau threshold.
struct Trend: Sendable {
    let metric: MetricName
    let fromEpoch: Int
    let toEpoch: Int
    let from: Double
    let to: Double
    /// True when the smoothed value fell by more than `plateauThreshold` relative.
    let improving: Bool

    var change: Double { to - from }
    var relativeChange: Double { from != 0 ? (to - from) / abs(from) : 0 }

    static func make(_ curve: Curve, run: Run, options o: AnalysisOptions) -> Trend? {
        guard let ec = curve.epochLevel(run: run) else { return nil }
        let sm = Smoothing.debiasedEMA(ec.values, weight: o.emaWeight)
        let idx = sm.indices.filter { sm[$0].isFinite && ec.epochs[$0] != nil }
        guard idx.count >= 2, let li = idx.last, let le = ec.epochs[li] else { return nil }
        let w = max(o.plateauPatience, 1)
        let fi = idx.last { (ec.epochs[$0] ?? Int.max) <= le - w } ?? idx[0]
        guard fi != li, let fe = ec.epochs[fi] else { return nil }
        let improving = sm[li] < sm[fi] * (1 - o.plateauThreshold)
        return Trend(metric: curve.name, fromEpoch: fe, toEpoch: le, from: sm[fi], to: sm[li], improving: improving)
    }

    var finding: Finding {
        let span = toEpoch - fromEpoch
        let what = "its smoothed value went from \(Format.num(from)) at epoch \(fromEpoch) to \(Format.num(to)) at epoch \(toEpoch) (\(change <= 0 ? "" : "+")\(Format.num(change)), \(Format.percent(relativeChange, 2)) over \(span) epoch\(span == 1 ? "" : "s"))"
        let facts: [String: Fact] = ["from": .number(from), "to": .number(to), "from_epoch": .count(fromEpoch),
                                     "to_epoch": .count(toEpoch), "improving": .flag(improving)]
        if improving {
            return Finding(kind: "trend", severity: .info, message: "\(metric.rawValue) is still improving: \(what).",
                           epoch: toEpoch, metric: metric.rawValue, facts: facts)
        }
        return Finding(kind: "trend", severity: .info, message: "\(metric.rawValue) is no longer improving: \(what).",
                       epoch: toEpoch, metric: metric.rawValue, facts: facts)
    }
}
