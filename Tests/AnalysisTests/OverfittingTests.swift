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

@Suite struct OverfittingTests {
    @Test func ruleCountsValidationChecks() {
        let v = [6.0, 5.8, 5.7, 5.75, 5.8, 5.9]
        let r = OverfittingDetector.detect(validation: v, training: [], patience: 3, minDelta: 0)
        #expect(r?.best == 2 && r?.onset == 3)
        // Two checks above the minimum are not enough for patience 3.
        #expect(OverfittingDetector.detect(validation: Array(v.prefix(5)), training: [], patience: 3, minDelta: 0)?.onset == nil)
        // Training loss not falling: not overfitting.
        let flatTrain: [Double?] = [5, 5, 5, 5, 5, 5]
        #expect(OverfittingDetector.detect(validation: v, training: flatTrain, patience: 3, minDelta: 0)?.onset == nil)
        // min_delta: rises smaller than it do not count.
        #expect(OverfittingDetector.detect(validation: v, training: [], patience: 3, minDelta: 0.06)?.onset == nil)
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
        // GL = 100 (5.61... / 5.6 - 1) with the last check at 199: 5.6 + 1e-4 * 100^2 = 6.6.
        let gl = try #require(o.generalizationLoss)
        let expectedGL: Double = 100 * (6.6 / 5.6 - 1)
        #expect(abs(gl - expectedGL) < 1e-9)
        #expect(s.verdict == .overfitting)
        #expect(s.headline.hasPrefix("Overfitting: val/loss_mean was lowest at epoch 99 (5.600) and rose from epoch 109 while train/loss_mean kept falling"))
        let f = try #require(Fixture.finding(s, "overfitting"))
        #expect(f.severity == .critical)   // GL 17.9 % > 5 %
        #expect(f.epoch == 109)
        #expect(f.recommendation?.contains("Stop early") == true)
        #expect(f.recommendation?.contains("regularization") == true)
        // The other validation loss is mentioned, and it disagrees.
        let other = try #require(Fixture.finding(s, "validation-metrics-disagree"))
        #expect(other.metric == "val/loss_tail")
        #expect(other.recommendation?.hasPrefix("Monitor both curves") == true)
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
        // log.txt repeats the last validation result on every epoch: collapse the repeats.
        let c = Curve(name: .valLossMean, granularity: .epoch, xs: [9, 10, 11, 19, 20, 29],
                      values: [6, 6, 6, 5.9, 5.9, 5.8], iterationsPerEpoch: nil)
        let ck = OverfittingDetector.checks(c)
        #expect(ck.values == [6, 5.9, 5.8])
        #expect(ck.epochs == [9, 19, 29])
    }
}
