import Foundation
import Testing
@testable import Analysis
import TrainingLog

/// A step-only run, as CSV / JSON Lines logs of VAR forks give it: a `step` column, no epoch and
/// no iterations per epoch. Training points every 10 steps over steps 0...10990; validation every
/// 500 steps at 499, 999, ..., 9999 with val/loss_mean = 5.6 + 1e-8 (s - 6999)^2, lowest at step
/// 6999 (check 13) and higher at every later check. Training keeps falling, and continues for
/// 1000 steps after the last check.
func stepOnlyRun(trainingTo lastTrainingStep: Int = 10990) -> Run {
    let steps = Array(stride(from: 0, through: lastTrainingStep, by: 10))
    let train = steps.map { 5.2 + 3.0 / Double($0 + 1).squareRoot() }
    let valSteps = Array(stride(from: 499, through: 9999, by: 500))
    let val = valSteps.map { 5.6 + 1e-8 * Double(($0 - 6999) * ($0 - 6999)) }
    return Fixture.run([Fixture.iterationSeries(.trainLossMean, steps: steps, train),
                        Fixture.iterationSeries(.valLossMean, steps: valSteps, val)],
                       ipe: nil)
}

@Suite struct StepOnlyTests {
    @Test func checksArePlacedAtTheirSteps() {
        let c = Curve(name: .valLossMean, granularity: .iteration, xs: [499, 999, 1499], values: [6, 5.9, 5.8],
                      iterationsPerEpoch: nil)
        let ck = OverfittingDetector.checks(c)
        #expect(ck.values == [6, 5.9, 5.8])
        #expect(ck.epochs == [nil, nil, nil])
        #expect(ck.steps == [499, 999, 1499])
        #expect(ck.at(1) == "step 999")
        // With iterations per epoch the same check is placed at its epoch.
        let e = OverfittingDetector.checks(Curve(name: .valLossMean, granularity: .iteration, xs: [499, 999],
                                                 values: [6, 5.9], iterationsPerEpoch: 500))
        #expect(e.epochs == [0, 1] && e.steps == [499, 999])
        #expect(e.at(1) == "epoch 1")
    }

    @Test func trainingLossAtAStepCheckIsTheMeanSinceThePreviousCheck() {
        let tc = Curve(name: .trainLossMean, granularity: .iteration, xs: [0, 10, 20, 30, 40],
                       values: [1, 2, .nan, 4, 5], iterationsPerEpoch: nil)
        #expect(OverfittingDetector.trainingSinceLastCheck(tc, steps: [15, 40], weight: 0) == [1.5, 4.5])
        // No point since the previous check: the last finite value before it.
        #expect(OverfittingDetector.trainingSinceLastCheck(tc, steps: [5, 7, 25], weight: 0) == [1, 1, 2])
        // Smoothed across checks with the debiased EMA: (0.5 * 1.5 + 4.5) / 1.5 = 3.5.
        #expect(OverfittingDetector.trainingSinceLastCheck(tc, steps: [15, 40], weight: 0.5) == [1.5, 3.5])
    }

    @Test func overfittingIsFoundAtSteps() throws {
        let s = Analyzer.analyze(stepOnlyRun())
        let o = s.overfitting
        #expect(o.detected)
        #expect(o.metric == "val/loss_mean")
        #expect(o.trainingMetric == "train/loss_mean")
        #expect(o.checks == 20)
        #expect(o.bestEpoch == nil && o.onsetEpoch == nil && o.regionStartEpoch == nil && o.regionEndEpoch == nil)
        #expect(o.bestStep == 6999)
        #expect(o.onsetStep == 7499)
        #expect(o.regionStartStep == 7499)
        #expect(o.regionEndStep == 10990, "the region runs to the end of the training data, after the last check")
        #expect(o.lastStep == 9999)
        // GL at the last check: 5.6 + 1e-8 * 3000^2 = 5.69.
        let gl = try #require(o.generalizationLoss)
        #expect(abs(gl - 100 * (5.69 / 5.6 - 1)) < 1e-9)
        #expect(s.verdict == .overfitting)
        #expect(s.headline.hasPrefix("Overfitting: val/loss_mean was lowest at step 6999 (5.600) and has been worse at every check since step 7499 while train/loss_mean kept falling"))
        let f = try #require(Fixture.finding(s, "overfitting"))
        #expect(f.severity == .warning)   // GL 1.6 % <= 5 %
        #expect(f.epoch == nil)
        #expect(f.message.hasPrefix("val/loss_mean has risen since its best check: lowest 5.600 at step 6999, then 5.603 at step 7499, 5.610 at step 7999 (20 checks; 2 worse checks in a row are the evidence the rule needs), while train/loss_mean kept falling"))
        #expect(f.message.contains("at the last check (step 9999)"))
        #expect(!f.message.contains("epoch"))
        #expect(f.recommendation?.hasPrefix("Stop early: keep the checkpoint of step 6999") == true)
    }

    @Test func regionEndsAtTheLastCheckWhenTrainingStopsThere() {
        let o = Analyzer.analyze(stepOnlyRun(trainingTo: 9990)).overfitting
        #expect(o.detected)
        #expect(o.regionEndStep == 9999)
    }

    @Test func earlyStopIsAtAStep() throws {
        // Best at check 13 (step 6999); 20 checks, so 2 without improvement are the evidence:
        // checks 14 and 15 stop the run at step 7999.
        let s = Analyzer.analyze(stepOnlyRun())
        let e = try #require(s.earlyStop)
        #expect(e.epoch == nil)
        #expect(e.step == 7999)
        #expect(e.bestEpoch == nil)
        #expect(e.bestStep == 6999)
        #expect(e.bestValue == 5.6)
        #expect(e.epochsSaved == nil)
        #expect(e.stepsSaved == 10990 - 7999)
        #expect(e.hoursSaved == nil)
        #expect(e.unit == "validation checks")
        let f = try #require(Fixture.finding(s, "early-stop"))
        #expect(f.epoch == nil)
        #expect(f.severity == .warning)   // 2991 of 10991 steps
        #expect(f.message == "An early-stopping rule on val/loss_mean (patience 2 validation checks, min_delta 0) would have stopped at step 7999, keeping the best value 5.600 of step 6999, and saved 2991 of 10991 steps.")
        #expect(f.recommendation == "Stop early: use the checkpoint of step 6999; next time stop at a patience of 2 validation checks or shorten the schedule.")
    }

    @Test func jsonHasTheStepFieldsAndANullEpoch() throws {
        let s = Analyzer.analyze(stepOnlyRun())
        let json = try Fixture.json(s)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let o = try #require(root["overfitting"] as? [String: Any])
        #expect(o["detected"] as? Bool == true)
        #expect(o["best_epoch"] is NSNull && o["onset_epoch"] is NSNull)
        #expect(o["best_step"] as? Int == 6999)
        #expect(o["onset_step"] as? Int == 7499)
        #expect(o["region_start_step"] as? Int == 7499)
        #expect(o["region_end_step"] as? Int == 10990)
        #expect(o["last_step"] as? Int == 9999)
        let es = try #require(root["early_stop"] as? [String: Any])
        #expect(es.keys.contains("epoch") && es["epoch"] is NSNull, "the contract's early_stop.epoch is written as null")
        #expect(es["epochs_saved"] is NSNull)
        #expect(es["step"] as? Int == 7999)
        #expect(es["best_step"] as? Int == 6999)
        #expect(es["steps_saved"] as? Int == 2991)
        #expect(root["verdict"] as? String == "overfitting")
        // And it reads back.
        #expect(try JSONDecoder().decode(Summary.self, from: Data(json.utf8)) == s)
    }

    @Test func noRiseNoOverfittingAtSteps() throws {
        // The same run cut at step 7499: one check above the minimum is not enough.
        var run = stepOnlyRun()
        run.series = run.series.map { s in
            let keep = s.xs.indices.filter { s.xs[$0] <= 7499 }
            return Fixture.iterationSeries(s.name, steps: keep.map { s.xs[$0] }, keep.map { s.values[$0] })
        }
        let s = Analyzer.analyze(run)
        #expect(!s.overfitting.detected)
        #expect(s.overfitting.bestStep == 6999)
        #expect(s.overfitting.onsetStep == nil && s.overfitting.regionEndStep == nil)
        #expect(s.verdict != .overfitting)
        #expect(s.earlyStop == nil)
        let f = try #require(Fixture.finding(s, "validation-no-overfitting"))
        #expect(f.message.hasPrefix("val/loss_mean was lowest at step 6999 (5.600); 1 worse check since (last 5.603 at step 7499), 2 needed to call it overfitting"))
    }

    @Test func epochRunsGetStepsToo() throws {
        // The epoch run of OverfittingTests (100 iterations per epoch): the same epochs as before,
        // plus the steps at the end of those epochs.
        let s = Analyzer.analyze(overfittingRun())
        let o = s.overfitting
        #expect(o.bestEpoch == 99 && o.bestStep == 10_000)
        #expect(o.onsetEpoch == 109 && o.onsetStep == 11_000)
        #expect(o.regionStartStep == 11_000 && o.regionEndStep == 20_000)
        #expect(o.lastEpoch == 199 && o.lastStep == 20_000)
        let e = try #require(s.earlyStop)
        #expect(e.epoch == 119 && e.step == 12_000)
        #expect(e.bestStep == 10_000)
        #expect(e.epochsSaved == 80 && e.stepsSaved == 8_000)
        // Without iterations per epoch the steps are unknown: null, epochs as before.
        var noIPE = overfittingRun()
        noIPE.iterationsPerEpoch = nil
        let t = Analyzer.analyze(noIPE)
        #expect(t.overfitting.bestEpoch == 99 && t.overfitting.bestStep == nil && t.overfitting.regionEndStep == nil)
        #expect(t.earlyStop?.epoch == 119 && t.earlyStop?.step == nil && t.earlyStop?.stepsSaved == nil)
        let json = try Fixture.json(t)
        #expect(json.contains("\"best_step\" : null") && json.contains("\"step\" : null"))
    }
}
