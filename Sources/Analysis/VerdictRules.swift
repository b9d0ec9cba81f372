import TrainingLog

/// The verdict, decided by explicit rules checked in this order (the first that holds wins;
/// see docs/ANALYSIS.md):
///
/// 1. `diverged`: a loss metric became NaN or Inf.
/// 2. `overfitting`: the overfitting rule holds on the preferred validation loss.
/// 3. `insufficient-data`: no loss metric, or the first judged loss has fewer than
///    `minEpochPoints` epoch-level and fewer than `minIterationPoints` iteration points (too little
///    to say any of the following).
/// 4. `converged`: some judged loss is below its threshold at the end and has stayed below since
///    `stays_below_from`.
/// 5. `plateaued`: the first judged loss is on a plateau that is still going on at the end and
///    is not the expected one of VAR's warm-up / constant-LR phase.
/// 6. `converging`: otherwise (enough data, below no bar yet, still moving).
///
/// The judged losses are the training losses (`train/loss_tail`, `train/loss_mean`, then others),
/// or the validation losses when the run has no training loss.
enum VerdictRules {
    struct Inputs {
        var judged: [MetricName]
        var metrics: [String: MetricSummary]
        var overfitting: Overfitting
        var instability: Instability
        var plateaus: [Plateau]
        var trend: Trend?
        var epochPoints: Int
        var iterationPoints: Int
        var options: AnalysisOptions
    }

    static func verdict(_ i: Inputs) -> Verdict {
        if i.instability.nonFinite != nil { return .diverged }
        if i.overfitting.detected { return .overfitting }
        guard let primary = i.judged.first, i.metrics[primary.rawValue] != nil else { return .insufficientData }
        if i.epochPoints < i.options.minEpochPoints && i.iterationPoints < i.options.minIterationPoints {
            return .insufficientData
        }
        if converged(i) != nil { return .converged }
        if ongoingPlateau(i) != nil { return .plateaued }
        return .converging
    }

    /// The first judged loss that is below its threshold at the end and has stayed there.
    static func converged(_ i: Inputs) -> MetricName? {
        i.judged.first { n in
            guard let m = i.metrics[n.rawValue] else { return false }
            return m.staysBelowFrom != nil || m.staysBelowFromStep != nil
        }
    }

    /// The unexpected plateau of the first judged loss that is still going on at the end.
    static func ongoingPlateau(_ i: Inputs) -> Plateau? {
        guard let primary = i.judged.first else { return nil }
        return i.plateaus.last { $0.metric == primary.rawValue && $0.endEpoch == nil && !$0.expected }
    }

    /// One sentence: the verdict and its key evidence, naming every judged loss's status.
    static func headline(_ v: Verdict, _ i: Inputs) -> String {
        // The other judged losses, each with its own status ("... did not reach it (...)").
        let others: (MetricName?) -> String = { skip in
            let ref = skip.flatMap { i.metrics[$0.rawValue]?.threshold }
            let parts = i.judged.filter { $0 != skip }.compactMap { n -> String? in
                guard let m = i.metrics[n.rawValue], m.threshold != nil else { return nil }
                return ThresholdAnalysis.clause(n.rawValue, m, sameThreshold: ref != nil && m.threshold == ref)
            }
            return parts.isEmpty ? "" : "; " + parts.joined(separator: "; ")
        }
        switch v {
        case .diverged:
            let nf = i.instability.nonFinite
            let what = nf.map { $0.value == "nan" ? "NaN" : ($0.value == "inf" ? "+Inf" : "-Inf") } ?? "non-finite"
            var place = ""
            if let s = nf?.step { place = " at step \(s)" + (nf?.epoch.map { " (epoch \($0))" } ?? "") }
            else if let e = nf?.epoch { place = " at epoch \(e)" }
            let last = nf?.lastFiniteValue.map { "; the last finite value was \(Format.num($0))" } ?? ""
            return "Diverged: \(nf?.metric ?? "the loss") became \(what)\(place)\(last)."
        case .overfitting:
            let o = i.overfitting
            // At epochs, or at steps for a run without epochs.
            var s = "Overfitting: \(o.metric ?? "the validation loss") was lowest at \(Format.at(epoch: o.bestEpoch, step: o.bestStep) ?? "epoch ?")"
            if let b = o.bestValue { s += " (\(Format.num(b)))" }
            s += " and rose from \(Format.at(epoch: o.onsetEpoch, step: o.onsetStep) ?? "epoch ?")"
            if let t = o.trainingMetric { s += " while \(t) kept falling" }
            if let gl = o.generalizationLoss { s += " (GL \(Format.num(gl, 1)) % at the end)" }
            return s + others(nil) + "."
        case .insufficientData:
            guard let p = i.judged.first else { return "Insufficient data: the logs hold no loss metric." }
            return "Insufficient data: \(p.rawValue) has \(i.epochPoints) epoch-level and \(i.iterationPoints) iteration points; at least \(i.options.minEpochPoints) epoch-level or \(i.options.minIterationPoints) iteration points are needed."
        case .converged:
            let c = converged(i)!
            return "Converged: " + ThresholdAnalysis.clause(c.rawValue, i.metrics[c.rawValue]!) + others(c) + "."
        case .plateaued:
            let p = ongoingPlateau(i)!
            var s = "Plateaued: \(p.metric) has not improved since epoch \(p.startEpoch)"
            var details: [String] = []
            if let b = p.bestValue { details.append("best smoothed \(Format.num(b))") }
            if let m = i.metrics[p.metric], let t = m.threshold {
                if m.firstBelow == nil { details.append("\(Format.bar(t)) not reached") }
                else if m.staysBelowFrom == nil { details.append("above \(Format.bar(t)) at the end") }
            }
            if !details.isEmpty { s += " (" + details.joined(separator: ", ") + ")" }
            if let f = p.learningRateFraction {
                s += f >= i.options.highLearningRateFraction
                    ? " with the learning rate still at \(Format.percent(f)) of its peak"
                    : " with the learning rate already down to \(Format.percent(f)) of its peak"
            }
            return s + others(MetricName(p.metric)) + "."
        case .converging:
            let p = i.judged[0]
            let m = i.metrics[p.rawValue]!
            var s = "Converging: \(p.rawValue) is at \(Format.num(m.smoothedLast ?? m.last.value)) (smoothed) at \(Format.at(m.last))"
            if let t = i.trend, t.metric == p { s += t.improving ? " and still falling" : " and barely moving" }
            if let pr = m.projection {
                if pr.amplitude > 0 && pr.expectedToReach, let pe = pr.projectedEpoch {
                    s += ", projected to reach \(Format.bar(pr.threshold ?? i.options.threshold)) around epoch \(Format.num(pe, 0))"
                } else if !pr.expectedToReach {
                    s += ", but not expected to reach \(Format.bar(pr.threshold ?? i.options.threshold)) (projected floor \(Format.num(pr.lossInfinity)))"
                }
            }
            return s + others(p) + "."
        }
    }
}
