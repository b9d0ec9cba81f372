import Foundation
import Testing
@testable import Analysis
import TrainingLog

/// Validation at VAR's epochs 9, 19, ..., 199; val/loss_mean = 5.6 + 1e-4 (e - 99)^2 is lowest at
/// epoch 99 (check 9) and higher at every later check, so the onset is epoch 109 (check 10).
func overfittingRun(sigma: Double = 0, seed: UInt64 = 9) -> Run {
    var rng = TestRNG(seed: seed)
    let epochs = Array(stride(from: 9, through: 199, by: 10))
    let val = epochs.map { 5.6 + 1e-4 * Double(($0 - 99) * ($0 - 99)) + (sigma > 0 ? sigma * rng.gaussian() : 0) }
    let valTail = epochs.map { 5.3 - 0.001 * Double($0) / 10 }   // keeps improving
    let train = Fixture.powerLaw(n: 200, lInf: 5.2, a: 3.0, alpha: 0.5)
    return Fixture.run([Fixture.epochSeries(.trainLossMean, train),
                        Fixture.epochSeries(.valLossMean, val, epochs: epochs),
                        Fixture.epochSeries(.valLossTail, valTail, epochs: epochs)],
                       planned: 200, config: ["ep": "200", "tlr": "1e-4"])
}

/// The case from the field: 60 epochs validated every 10 (epochs 9 ... 59). val/loss_tail is
/// lowest at epoch 39 and higher at 49 and 59, val/acc_tail falls at the same checks, val/loss_mean
/// improves until 49; the training losses keep falling.
func sixtyEpochRun() -> Run {
    let epochs = [9, 19, 29, 39, 49, 59]
    return Fixture.run([Fixture.epochSeries(.trainLossTail, Fixture.powerLaw(n: 60, lInf: 5.0, a: 3.3, alpha: 0.6)),
                        Fixture.epochSeries(.trainLossMean, Fixture.powerLaw(n: 60, lInf: 5.6, a: 2.7, alpha: 0.6)),
                        Fixture.epochSeries(.valLossTail, [6.10, 5.71, 5.52, 5.47, 5.49, 5.53], epochs: epochs),
                        Fixture.epochSeries(.valLossMean, [6.55, 6.25, 6.11, 6.05, 6.04, 6.05], epochs: epochs),
                        Fixture.epochSeries(.valAccTail, [3.9, 4.8, 5.3, 5.5, 5.4, 5.3], epochs: epochs),
                        Fixture.epochSeries(.valAccMean, [2.6, 3.1, 3.4, 3.5, 3.55, 3.56], epochs: epochs)],
                       planned: 60, config: ["ep": "60"])
}

@Suite struct OverfittingTests {
    @Test func ruleNeedsTheRequiredWorseChecksWhileTrainingFalls() {
        let v = [6.0, 5.8, 5.7, 5.75, 5.8, 5.9]
        let r = OverfittingDetector.detect(validation: v, training: [], required: 3, minDelta: 0)
        #expect(r?.best == 2 && r?.worseAfter == 3 && r?.evidence == 5)
        #expect(OverfittingDetector.detect(validation: v, training: [], required: 2, minDelta: 0)?.evidence == 4)
        // Two worse checks are not enough when three are needed.
        #expect(OverfittingDetector.detect(validation: Array(v.prefix(5)), training: [], required: 3, minDelta: 0)?.evidence == nil)
        // Training loss not falling: not overfitting.
        let flatTrain: [Double?] = [5, 5, 5, 5, 5, 5]
        #expect(OverfittingDetector.detect(validation: v, training: flatTrain, required: 3, minDelta: 0)?.evidence == nil)
        // min_delta: rises smaller than it do not count.
        #expect(OverfittingDetector.detect(validation: v, training: [], required: 3, minDelta: 0.06)?.evidence == nil)
        // Accuracies: higher is better; a stall below the best counts as worse.
        let acc = [3.0, 4.0, 5.0, 4.9, 4.8]
        #expect(OverfittingDetector.detect(validation: acc, higherIsBetter: true, training: [], required: 2, minDelta: 0)?.evidence == 4)
    }

    /// The evidence fits the cadence: about 10 epochs of it, at least 2 checks.
    @Test func requiredChecksFollowTheCadence() {
        func checks(every k: Int, count: Int) -> OverfittingDetector.Checks {
            var c = OverfittingDetector.Checks()
            for i in 0..<count { c.values.append(Double(i)); c.epochs.append(k - 1 + i * k); c.steps.append(nil) }
            return c
        }
        let o = AnalysisOptions()
        #expect(OverfittingDetector.requiredChecks(checks(every: 10, count: 20), options: o) == 2)
        #expect(OverfittingDetector.requiredChecks(checks(every: 5, count: 20), options: o) == 2)
        #expect(OverfittingDetector.requiredChecks(checks(every: 2, count: 50), options: o) == 5)
        #expect(OverfittingDetector.requiredChecks(checks(every: 1, count: 100), options: o) == 10)
        var fixed = o; fixed.overfittingPatience = 3
        #expect(OverfittingDetector.requiredChecks(checks(every: 10, count: 20), options: fixed) == 3)
        // Step-only checks: a tenth of them, at least 2.
        var steps = OverfittingDetector.Checks()
        for i in 0..<80 { steps.values.append(1); steps.epochs.append(nil); steps.steps.append(i * 5000) }
        #expect(OverfittingDetector.requiredChecks(steps, options: o) == 8)
    }

    @Test func sixtyEpochRunValidatedEveryTenEpochsOverfits() throws {
        let s = Analyzer.analyze(sixtyEpochRun())
        let o = s.overfitting
        #expect(o.detected)
        #expect(o.metric == "val/loss_tail")
        #expect(o.bestEpoch == 39 && o.onsetEpoch == 49)
        #expect(o.requiredChecks == 2)
        #expect(o.regionStartEpoch == 49 && o.regionEndEpoch == 59)
        // Every validation metric on its own.
        let pm = o.perMetric
        #expect(Set(pm.keys) == ["val/loss_tail", "val/loss_mean", "val/acc_tail", "val/acc_mean"])
        #expect(pm["val/loss_tail"]?.detected == true && pm["val/loss_tail"]?.bestEpoch == 39)
        #expect(pm["val/acc_tail"]?.detected == true && pm["val/acc_tail"]?.bestEpoch == 39 && pm["val/acc_tail"]?.kind == "accuracy")
        #expect(pm["val/loss_mean"]?.detected == false && pm["val/loss_mean"]?.bestEpoch == 49)
        #expect(pm["val/loss_mean"]?.worseChecksAfterBest == 1)
        #expect(pm["val/acc_mean"]?.detected == false && pm["val/acc_mean"]?.bestEpoch == 59)
        #expect(s.verdict == .overfitting)
        #expect(s.headline.hasPrefix("Overfitting: val/loss_tail was lowest at epoch 39 (5.470) and has been worse at every check since epoch 49 while train/loss_tail kept falling"))
        #expect(s.headline.contains("val/loss_mean improved until epoch 49"))
        // Nothing claims the metrics agree.
        #expect(!s.findings.contains { $0.message.contains("agrees") || $0.message.contains("same overfitting") })
        let f = try #require(Fixture.finding(s, "overfitting"))
        #expect(f.epoch == 49 && f.metric == "val/loss_tail")
        #expect(f.message.contains("5.490 at epoch 49, 5.530 at epoch 59"))
        #expect(f.message.contains("val/loss_mean was lowest at epoch 49 (6.040); 1 worse check since"))
        // Early stopping follows: the best checkpoint's epoch.
        let es = try #require(s.earlyStop)
        #expect(es.bestEpoch == 39 && es.metric == "val/loss_tail" && es.epoch == 59 && es.epochsSaved == 0)
        // JSON carries per_metric.
        let json = try Fixture.json(s)
        #expect(json.contains("\"per_metric\""))
    }

    /// A dense validation curve (every epoch) needs more than two worse checks.
    @Test func denseValidationNeedsMoreEvidence() {
        func run(worse: Int) -> Run {
            let n = 50 + worse + 1
            let val: [Double] = (0..<n).map { (e: Int) -> Double in
                let x = Double(e)
                return e <= 50 ? 6.0 - 0.01 * x : 5.5 + 0.002 * (x - 50)
            }
            return Fixture.run([Fixture.epochSeries(.trainLossMean, Fixture.powerLaw(n: n, lInf: 5, a: 3, alpha: 0.5)),
                                Fixture.epochSeries(.valLossMean, val)], planned: 200)
        }
        #expect(!Analyzer.analyze(run(worse: 3)).overfitting.detected)
        #expect(!Analyzer.analyze(run(worse: 9)).overfitting.detected)
        let ten = Analyzer.analyze(run(worse: 10)).overfitting
        #expect(ten.detected && ten.bestEpoch == 50 && ten.onsetEpoch == 51 && ten.requiredChecks == 10)
    }

    /// An accuracy that stops rising while the validation loss still improves is a warning, not
    /// overfitting; with no validation loss at all, the accuracy decides.
    @Test func accuracyAloneDecidesOnlyWhenNoLossSaysOtherwise() throws {
        let epochs = [9, 19, 29, 39, 49, 59]
        let train = Fixture.epochSeries(.trainLossTail, Fixture.powerLaw(n: 60, lInf: 5.0, a: 3.3, alpha: 0.6))
        let acc = Fixture.epochSeries(.valAccTail, [3.9, 4.8, 5.3, 5.5, 5.4, 5.3], epochs: epochs)
        let improving = Fixture.epochSeries(.valLossTail, [6.1, 5.7, 5.5, 5.45, 5.43, 5.42], epochs: epochs)
        let s = Analyzer.analyze(Fixture.run([train, acc, improving], planned: 60))
        #expect(!s.overfitting.detected)
        #expect(s.overfitting.perMetric["val/acc_tail"]?.detected == true)
        #expect(Fixture.finding(s, "validation-accuracy-stalled")?.severity == .warning)
        #expect(s.verdict != .overfitting)
        let alone = Analyzer.analyze(Fixture.run([train, acc], planned: 60))
        #expect(alone.overfitting.detected && alone.overfitting.metric == "val/acc_tail")
        #expect(alone.headline.hasPrefix("Overfitting: val/acc_tail was highest at epoch 39 (5.50)"))
    }

    @Test func onsetAtAKnownCheck() throws {
        let s = Analyzer.analyze(overfittingRun())
        let o = s.overfitting
        #expect(o.detected)
        #expect(o.metric == "val/loss_mean")
        #expect(o.trainingMetric == "train/loss_mean")
        #expect(o.bestEpoch == 99)
        #expect(o.onsetEpoch == 109)
        #expect(o.regionStartEpoch == 109 && o.regionEndEpoch == 199)
        #expect(o.checks == 20)
        // GL = 100 (6.6 / 5.6 - 1) with the last check at 199: 5.6 + 1e-4 * 100^2 = 6.6.
        let gl = try #require(o.generalizationLoss)
        let expectedGL: Double = 100 * (6.6 / 5.6 - 1)
        #expect(abs(gl - expectedGL) < 1e-9)
        #expect(s.verdict == .overfitting)
        #expect(s.headline.hasPrefix("Overfitting: val/loss_mean was lowest at epoch 99 (5.600) and has been worse at every check since epoch 109 while train/loss_mean kept falling"))
        let f = try #require(Fixture.finding(s, "overfitting"))
        #expect(f.severity == .critical)   // GL 17.9 % > 5 %
        #expect(f.epoch == 109)
        #expect(f.recommendation?.contains("Stop early") == true)
        #expect(f.recommendation?.contains("regularization") == true)
        // The other validation loss still improves: they disagree, and it is said.
        let other = try #require(Fixture.finding(s, "validation-metrics-disagree"))
        #expect(other.metric == "val/loss_tail")
        #expect(other.recommendation?.hasPrefix("Monitor both curves") == true)
        // Early stop at the check that completed the evidence (two after the best).
        #expect(s.earlyStop?.epoch == 119 && s.earlyStop?.bestEpoch == 99 && s.earlyStop?.epochsSaved == 80)
    }

    @Test func noisyOnsetIsStillFound() throws {
        for seed: UInt64 in [1, 2, 3, 4, 5] {
            let o = Analyzer.analyze(overfittingRun(sigma: 0.002, seed: seed)).overfitting
            #expect(o.detected)
            #expect(o.bestEpoch == 99, "seed \(seed): best \(o.bestEpoch ?? -1)")
            #expect(o.onsetEpoch == 109)
        }
    }

    @Test func noValidationDataIsSaidNotInferred() throws {
        let s = Analyzer.analyze(varLikeRun())
        #expect(s.overfitting.hasValidationData == false)
        #expect(s.overfitting.detected == false)
        #expect(s.overfitting.metric == nil)
        #expect(Fixture.finding(s, "no-validation-data") != nil)
    }

    @Test func finalValidationFromStdoutIsOnePoint() throws {
        let lt = Fixture.powerLaw(n: 50, lInf: 5.0, a: 4.0, alpha: 0.5)
        let run = Fixture.run([Fixture.epochSeries(.trainLossTail, lt)], planned: 50, finished: true,
                              finalValidation: [.valLossTail: 5.61, .valLossMean: 6.02])
        let s = Analyzer.analyze(run)
        #expect(s.metrics["val/loss_tail"]?.last == ValueAt(value: 5.61, epoch: 49, step: 5000))
        #expect(s.overfitting.hasValidationData)
        #expect(s.overfitting.metric == "val/loss_mean")
        #expect(s.overfitting.detected == false)
        #expect(Fixture.finding(s, "validation-single-point") != nil)
    }

    @Test func repeatedValidationValuesCountOnce() {
        // A reader that carries the last validation result forward at every epoch: collapse the
        // copies at consecutive epochs.
        let c = Curve(name: .valLossMean, granularity: .epoch, xs: [9, 10, 11, 19, 20, 29],
                      values: [6, 6, 6, 5.9, 5.9, 5.8], iterationsPerEpoch: nil)
        let ck = OverfittingDetector.checks(c)
        #expect(ck.values == [6, 5.9, 5.8])
        #expect(ck.epochs == [9, 19, 29])
        // Equal values at checks 10 epochs apart are two checks (a real tie, e.g. of a 2-decimal accuracy).
        let tie = Curve(name: .valAccTail, granularity: .epoch, xs: [9, 19, 29], values: [5.2, 5.2, 5.1], iterationsPerEpoch: nil)
        #expect(OverfittingDetector.checks(tie).values == [5.2, 5.2, 5.1])
    }
}
