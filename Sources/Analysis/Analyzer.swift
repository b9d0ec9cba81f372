import TrainingLog

/// The analysis core: one `Run` in, one `Summary` out. Pure and deterministic (no I/O, no
/// clocks, no randomness beyond the fixed-seed bootstrap), so every rule is unit-tested on
/// curves whose answers are known.
public enum Analyzer {
    /// Analyses a run: per-metric numbers, threshold crossings and projections, plateaus,
    /// overfitting, early stopping, instability, run facts, the verdict, a headline and findings.
    public static func analyze(_ run: Run, options: AnalysisOptions = .init()) -> Summary {
        let (o, familyNote) = FamilyDefaults.apply(options, to: run)
        let lnV = VARNames.uniformLoss(vocabSize: max(o.vocabSize, 2))
        let clock = RunClock.make(run)
        let schedule = LearningRateSchedule.make(run)
        let done = RunFactsBuilder.epochsCompleted(run)
        let lastEpoch = done > 0 ? done - 1 : nil

        // Curves: the preferred series of every metric; validation values that exist only in
        // VAR's `final args` block become one point at the last epoch.
        var curves: [MetricName: Curve] = [:]
        for name in run.metricNames { if let c = run.curve(name) { curves[name] = c } }
        for (name, v) in run.finalValidation.sorted(by: { $0.key < $1.key }) where curves[name] == nil {
            guard let e = lastEpoch else { continue }
            curves[name] = Curve(name: name, granularity: .epoch, xs: [e], values: [v],
                                 iterationsPerEpoch: run.iterationsPerEpoch)
        }

        // Instability first: divergence decides the status.
        let (instability, instabilityFindings) = InstabilityDetector.analyze(run: run, curves: curves, options: o)
        var facts = RunFactsBuilder.build(run, clock: clock, instability: instability, options: o)
        if facts.epochsCompleted == 0, let e = lastEpoch { facts.epochsCompleted = e + 1 }

        // Per-metric numbers, in name order.
        let ctx = ThresholdAnalysis.Context(run: run, options: o, clock: clock, gpus: facts.gpus,
                                            epochsPlanned: facts.epochsPlanned)
        var metrics: [String: MetricSummary] = [:]
        for name in curves.keys.sorted() where o.scope == .full || name.isLoss {
            let c = curves[name]!
            guard var m = MetricStatistics.summarize(c, options: o) else { continue }
            ThresholdAnalysis.apply(to: &m, curve: c, context: ctx)
            metrics[name.rawValue] = m
        }

        // The losses the verdict is judged on.
        let names = Array(curves.keys).filter { metrics[$0.rawValue] != nil }
        let training = MetricRoles.trainingLosses(names)
        let validation = MetricRoles.validationLosses(names)
        let judged = training.isEmpty ? validation : training

        // Plateaus on the judged losses; the one that matters is the ongoing one of the first.
        var plateaus: [Plateau] = []
        for n in judged { if let c = curves[n] { plateaus += PlateauDetector.analyze(c, run: run, schedule: schedule, options: o) } }
        let primaryName = judged.first?.rawValue
        let plateau = plateaus.last { $0.metric == primaryName && $0.endEpoch == nil }
            ?? plateaus.last { $0.metric == primaryName }
            ?? plateaus.last { $0.endEpoch == nil }

        // Overfitting and early stopping, at epochs, or at steps when the run has no epochs.
        // The first and last global step of the run's data (curves' x are increasing).
        let knownSteps = curves.values.filter { !$0.isEmpty }.map { ($0.steps[0], $0.steps[$0.count - 1]) }
        let firstStep = knownSteps.compactMap(\.0).min(), lastStep = knownSteps.compactMap(\.1).max()
        let over = OverfittingDetector.analyze(run: run, curves: curves, lastEpoch: lastEpoch, lastStep: lastStep,
                                               options: o)
        let (earlyStop, earlyFindings) = EarlyStopping.analyze(
            validation: over.primary, judged: over.judged,
            trainingCurve: training.first.flatMap { curves[$0] }, run: run, lastEpoch: lastEpoch, lastStep: lastStep,
            firstStep: firstStep, clock: clock, gpus: facts.gpus, family: facts.family, schedule: schedule, options: o)

        // Trend and point counts of the first judged loss.
        let trend = judged.first.flatMap { curves[$0] }.flatMap { Trend.make($0, run: run, options: o) }
        let epochPoints = judged.first.flatMap { run.series($0, .epoch) }?.values.count(where: \.isFinite)
            ?? (judged.first.flatMap { curves[$0] }.map { $0.granularity == .epoch ? $0.finiteIndices.count : 0 } ?? 0)
        let iterationPoints = judged.first.flatMap { run.series($0, .iteration) }?.values.count(where: \.isFinite) ?? 0

        var inputs = VerdictRules.Inputs(judged: judged, metrics: metrics, overfitting: over.overfitting,
                                         instability: instability, plateaus: plateaus, trend: trend,
                                         epochPoints: epochPoints, iterationPoints: iterationPoints, options: o)
        inputs.validation = validation.filter { (metrics[$0.rawValue]?.points ?? 0) >= 2 }
        inputs.facts = facts
        let verdict = VerdictRules.verdict(inputs)
        let headline = VerdictRules.headline(verdict, inputs)

        // Findings: everything noticed, most severe first (stable within a severity).
        var findings: [Finding] = []
        findings += instabilityFindings
        findings += ThresholdAnalysis.findings(judged + validation.filter { !judged.contains($0) }, metrics: metrics,
                                               uniformLoss: lnV, anyConverged: VerdictRules.converged(inputs) != nil,
                                               epochsPlanned: facts.epochsPlanned)
        findings += LossScaleFindings.findings(judged + validation.filter { !judged.contains($0) }, metrics: metrics,
                                               uniformLoss: lnV, options: o)
        if let t = trend { findings.append(t.finding) }
        findings += PlateauDetector.findings(plateaus, options: o)
        findings += over.findings
        findings += earlyFindings
        findings += RunFactsBuilder.findings(facts)
        if let note = familyNote { findings.append(note) }
        if verdict == .insufficientData {
            findings.insert(Finding(kind: "insufficient-data", severity: .warning, message: headline,
                                    metric: judged.first?.rawValue,
                                    recommendation: "Point varreport at the whole run folder (stdout.txt, log.txt and the TensorBoard files) or let the run train longer."),
                            at: 0)
        }
        findings = findings.enumerated().sorted {
            $0.element.severity != $1.element.severity ? $0.element.severity > $1.element.severity : $0.offset < $1.offset
        }.map(\.element)

        var s = Summary(run: facts, threshold: o.threshold, vocabSize: o.vocabSize, uniformLoss: lnV, metrics: metrics,
                        overfitting: over.overfitting, earlyStop: earlyStop, plateau: plateau, instability: instability,
                        verdict: verdict, headline: headline, findings: findings)
        s.plateaus = plateaus
        s.smoothing = SmoothingUsed(emaWeight: o.emaWeight, emaAutoSpan: o.emaAutoSpan)
        return s.sanitized()
    }
}
