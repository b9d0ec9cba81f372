import TrainingLog

/// The verdict, decided by explicit rules checked in this order (the first that holds wins;
/// see docs/ANALYSIS.md):
///
/// 1. `diverged`: the run ends diverged (a loss ends NaN / Inf, or blew up and did not come back;
///    a NaN followed by finite, recovering training is not divergence).
/// 2. `overfitting`: the overfitting rule holds (see `OverfittingDetector`).
/// 3. `insufficient-data`: no loss metric, or the first judged loss has fewer than
///    `minEpochPoints` epoch-level and fewer than `minIterationPoints` iteration points (too little
///    to say any of the following).
/// 4. `converged`: validation first: a validation loss with at least two checks that is below
///    its threshold at the end and has stayed below since `stays_below_from`; or a training loss
///    that has, when its validation counterpart (if validated at least twice) has too. A
///    training loss below the bar while its validation loss ends above it is not convergence.
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
        /// Validation losses with at least two checks, in preference order.
        var validation: [MetricName] = []
        /// The run's facts (status for the headline).
        var facts: RunFacts? = nil

        /// The losses the convergence verdict reads, validation first.
        var verdictOrder: [MetricName] { validation + judged.filter { !validation.contains($0) } }
    }

    static func verdict(_ i: Inputs) -> Verdict {
        if i.instability.diverged { return .diverged }
        if i.overfitting.detected { return .overfitting }
        guard let primary = i.judged.first, i.metrics[primary.rawValue] != nil else { return .insufficientData }
        if i.epochPoints < i.options.minEpochPoints && i.iterationPoints < i.options.minIterationPoints {
            return .insufficientData
        }
        if converged(i) != nil { return .converged }
        if ongoingPlateau(i) != nil { return .plateaued }
        return .converging
    }

    /// The first loss (validation first) that is below its threshold at the end and has stayed
    /// there, and whose validation counterpart, if validated, has too.
    static func converged(_ i: Inputs) -> MetricName? {
        i.verdictOrder.first { n in
            guard let m = i.metrics[n.rawValue], m.threshold != nil, staysBelow(m) else { return false }
            if n.isValidation { return m.points >= 2 }
            if let v = n.validationCounterpart, i.validation.contains(v), let vm = i.metrics[v.rawValue], vm.threshold != nil {
                return staysBelow(vm)
            }
            return true
        }
    }

    static func staysBelow(_ m: MetricSummary) -> Bool { m.staysBelowFrom != nil || m.staysBelowFromStep != nil }

    /// Validation losses that end above their bar while their training counterpart is below it:
    /// "val/loss_tail is above 5.5 at its last check (5.612 at epoch 59, worse than its best at
    /// epoch 39)".
    static func validationAbove(_ i: Inputs) -> [String] {
        i.validation.compactMap { v in
            guard let vm = i.metrics[v.rawValue], let t = vm.threshold, !staysBelow(vm) else { return nil }
            guard let tn = MetricRoles.trainingCounterpart(v), let tm = i.metrics[tn.rawValue], staysBelow(tm) else { return nil }
            var s = "\(tn.rawValue) is below \(Format.bar(t)), but \(v.rawValue) is above it at its last check (\(Format.num(vm.last.value)) at \(Format.at(vm.last))"
            if let r = i.overfitting.perMetric[v.rawValue], r.worseChecksAfterBest > 0, let be = Format.at(epoch: r.bestEpoch, step: r.bestStep) {
                s += ", worse than its best of \(be)"
            }
            return s + ")"
        }
    }

    /// The run's status in a sentence for the headline, when it did not simply finish.
    static func statusSentence(_ f: RunFacts?) -> String? {
        guard let f else { return nil }
        let of = f.epochsPlanned.map { " of \($0)" } ?? ""
        switch f.status {
        case .crashed:
            let at = f.statusEvidence.map { " (\(RunNaming.lastComponent($0.path))\($0.line.map { " line \($0)" } ?? ""))" } ?? ""
            return "The run crashed after \(f.epochsCompleted)\(of) epochs\(at)."
        case .stopped:
            return "The run stopped after \(f.epochsCompleted)\(of) epochs, with no end marker and no crash in the logs."
        case .running:
            return "Still training (\(f.epochsCompleted)\(of) epochs so far)."
        case .finished, .diverged, .unknown:
            return nil
        }
    }

    /// The unexpected plateau of the first judged loss that is still going on at the end.
    static func ongoingPlateau(_ i: Inputs) -> Plateau? {
        guard let primary = i.judged.first else { return nil }
        return i.plateaus.last { $0.metric == primary.rawValue && $0.endEpoch == nil && !$0.expected }
    }

    /// One sentence: the verdict and its key evidence, naming every judged loss's status.
    static func headline(_ v: Verdict, _ i: Inputs) -> String {
        let text = verdictHeadline(v, i)
        guard let status = statusSentence(i.facts), let colon = text.firstIndex(of: ":") else { return text }
        // "Converging: The run crashed after 8 of 20 epochs (stdout.txt line 1502). train/loss_tail ..."
        return String(text[...colon]) + " " + status + String(text[text.index(after: colon)...])
    }

    static func verdictHeadline(_ v: Verdict, _ i: Inputs) -> String {
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
            return "Diverged: \(i.instability.divergedReason ?? "the loss diverged")."
        case .overfitting:
            let o = i.overfitting
            // At epochs, or at steps for a run without epochs.
            let isAcc = o.metric.map { MetricName($0).isAccuracy } ?? false
            var s = "Overfitting: \(o.metric ?? "the validation loss") was \(isAcc ? "highest" : "lowest") at \(Format.at(epoch: o.bestEpoch, step: o.bestStep) ?? "epoch ?")"
            if let b = o.bestValue { s += " (\(Format.num(b, isAcc ? 2 : 3)))" }
            s += " and has been worse at every check since \(Format.at(epoch: o.onsetEpoch, step: o.onsetStep) ?? "epoch ?")"
            if let t = o.trainingMetric { s += " while \(t) kept falling" }
            if let gl = o.generalizationLoss { s += " (GL \(Format.num(gl, 1)) % at the last check)" }
            // The other validation metrics, each in its own words (never "they agree" unless they do).
            // Losses before accuracies, each group by name.
            let alsoWorse = o.perMetric.keys.sorted { (MetricName($0).isLoss ? 0 : 1, $0) < (MetricName($1).isLoss ? 0 : 1, $1) }
                .filter { $0 != o.metric && o.perMetric[$0]!.detected }
            if !alsoWorse.isEmpty { s += ", and so have \(RunFactsBuilder.list(alsoWorse))" }
            let notYet = o.perMetric.keys.sorted().filter { $0 != o.metric && !o.perMetric[$0]!.detected && MetricName($0).isLoss }
            for n in notYet {
                let r = o.perMetric[n]!
                s += r.worseChecksAfterBest == 0
                    ? "; \(n) still improves (best at its last check, \(Format.at(epoch: r.bestEpoch, step: r.bestStep) ?? "?"))"
                    : "; \(n) improved until \(Format.at(epoch: r.bestEpoch, step: r.bestStep) ?? "?")"
            }
            return s + others(nil) + "."
        case .insufficientData:
            guard let p = i.judged.first else { return "Insufficient data: the logs hold no loss metric." }
            return "Insufficient data: \(p.rawValue) has \(i.epochPoints) epoch-level and \(i.iterationPoints) iteration points; at least \(i.options.minEpochPoints) epoch-level or \(i.options.minIterationPoints) iteration points are needed."
        case .converged:
            let c = converged(i)!
            let rest = i.verdictOrder.filter { $0 != c }.compactMap { n -> String? in
                guard let m = i.metrics[n.rawValue], m.threshold != nil else { return nil }
                return ThresholdAnalysis.clause(n.rawValue, m, sameThreshold: m.threshold == i.metrics[c.rawValue]?.threshold)
            }
            return "Converged: " + ThresholdAnalysis.clause(c.rawValue, i.metrics[c.rawValue]!)
                + (rest.isEmpty ? "" : "; " + rest.joined(separator: "; ")) + "."
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
            let above = validationAbove(i)
            return s + (above.isEmpty ? others(MetricName(p.metric)) : "; " + above.joined(separator: "; ")) + "."
        case .converging:
            let p = i.judged[0]
            let m = i.metrics[p.rawValue]!
            var s = "Converging: \(p.rawValue) is at \(Format.num(m.smoothedLast ?? m.last.value)) (smoothed) at \(Format.at(m.last))"
            if let t = i.trend, t.metric == p { s += t.improving ? " and still falling" : " and barely moving" }
            if let pr = m.projection {
                if pr.amplitude > 0, pr.reach == "within-reach", let pe = pr.projectedEpoch {
                    s += ", projected to reach \(Format.bar(pr.threshold ?? i.options.threshold)) around epoch \(Format.num(pe, 0))"
                    if pr.withinPlannedEpochs == false, let planned = i.facts?.epochsPlanned { s += ", beyond the planned \(planned)" }
                } else if pr.fallingAtEnd == false || pr.amplitude <= 0 {
                    s += ", but no longer falling"
                } else if pr.reach == "not-expected" {
                    s += ", but not expected to reach \(Format.bar(pr.threshold ?? i.options.threshold)) (fitted floor \(Format.num(pr.lossInfinity)))"
                }
            } else if m.threshold == nil, m.vocabScale == false {
                s += " (no threshold applies: it is not on the scale of a \(i.options.vocabSize)-way token loss)"
            } else if m.threshold == nil, !i.options.defaultBarApplies {
                s += " (no threshold set: VAR's 5.5 bar is not for this model family)"
            }
            let above = validationAbove(i)
            return s + (above.isEmpty ? others(p) : "; " + above.joined(separator: "; ")) + "."
        }
    }
}
