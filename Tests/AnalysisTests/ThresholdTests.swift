import Foundation
import Testing
@testable import Analysis
import TrainingLog

/// A VAR-d16-like run: Lt = 5.0 + 4 (e+1)^-0.5 crosses 5.5 exactly after epoch 63
/// (4 / sqrt(64) = 0.5, and the crossing is strict), Lm = 5.8 + 2.5 (e+1)^-0.5 never does.
func varLikeRun(epochs n: Int = 200, sigma: Double = 0, seed: UInt64 = 3, extra: [Series] = []) -> Run {
    let lt = Fixture.powerLaw(n: n, lInf: 5.0, a: 4.0, alpha: 0.5, sigma: sigma, seed: seed)
    let lm = Fixture.powerLaw(n: n, lInf: 5.8, a: 2.5, alpha: 0.5, sigma: sigma, seed: seed + 1)
    return Fixture.run([Fixture.epochSeries(.trainLossTail, lt), Fixture.epochSeries(.trainLossMean, lm)] + extra,
                       ipe: 100, planned: 200, config: ["ep": "200", "wp": "4", "sche": "lin0", "tlr": "0.0001"])
}

@Suite struct ThresholdTests {
    @Test func crossingHelperFindsFirstAndStaysFrom() {
        let (f, s) = ThresholdAnalysis.crossing([6, 5.4, 5.6, 5.4, 5.3], threshold: 5.5)
        #expect(f == 1)
        #expect(s == 3)
        let (f2, s2) = ThresholdAnalysis.crossing([6, 5.4, .nan], threshold: 5.5)
        #expect(f2 == 1)
        #expect(s2 == nil) // a NaN at the end is never below
        #expect(ThresholdAnalysis.crossing([5.5, 5.5], threshold: 5.5).first == nil) // strict
    }

    @Test func exactCrossingEpochOnTheTailLossAndNotOnTheMean() throws {
        let s = Analyzer.analyze(varLikeRun())
        let lt = try #require(s.metrics["train/loss_tail"])
        #expect(lt.firstBelow?.epoch == 64)
        #expect(lt.firstBelow?.step == 6500)      // end of epoch 64 with 100 iterations per epoch
        #expect(lt.staysBelowFrom?.epoch == 64)
        #expect(lt.epochsToThreshold == 65)
        #expect(lt.thresholdBasis == "epoch")
        let lm = try #require(s.metrics["train/loss_mean"])
        #expect(lm.firstBelow == nil)
        #expect(lm.staysBelowFrom == nil)
        let p = try #require(lm.projection)
        #expect(abs(p.lossInfinity - 5.8) < 1e-6)
        #expect(p.expectedToReach == false)
        #expect(p.projectedEpoch == nil)
        #expect(p.floorDetermined == true && p.reach == "not-expected")
        #expect(s.verdict == .converged)
        #expect(s.headline.hasPrefix("Converged: train/loss_tail went below 5.5 at epoch 64 and stayed below from epoch 64; train/loss_mean did not reach it (last "))
        #expect(s.headline.contains("fitted floor 5.800"))
        #expect(Fixture.finding(s, "threshold-crossed", metric: "train/loss_tail") != nil)
        let notReached = try #require(Fixture.finding(s, "threshold-not-reached", metric: "train/loss_mean"))
        #expect(notReached.message.contains("not expected to reach it"))
        #expect(notReached.recommendation != nil)
    }

    @Test func noisyCrossingStaysNearTheTruthAndLmStillFallsShort() throws {
        for seed: UInt64 in [1, 2, 3] {
            let s = Analyzer.analyze(varLikeRun(sigma: 0.01, seed: seed))
            let lt = try #require(s.metrics["train/loss_tail"])
            let first = try #require(lt.firstBelow?.epoch)
            let stays = try #require(lt.staysBelowFrom?.epoch)
            // The exact curve crosses at 64; noise of 0.01 moves it by a few epochs at most.
            #expect(abs(first - 64) <= 8, "seed \(seed): first below at \(first)")
            #expect(stays >= first && stays <= 90)
            let lm = try #require(s.metrics["train/loss_mean"])
            #expect(lm.firstBelow == nil)
            #expect(lm.projection?.expectedToReach == false)
            #expect(s.verdict == .converged)
            #expect(s.headline.contains("train/loss_mean did not reach it"))
        }
    }

    @Test func contextNumbers() throws {
        let s = Analyzer.analyze(varLikeRun())
        #expect(abs(s.uniformLoss - 8.317766166719343) < 1e-12)
        let lt = try #require(s.metrics["train/loss_tail"])
        let last = try #require(lt.smoothedLast)
        #expect(abs(try #require(lt.perplexity) - exp(last)) < 1e-9)
        #expect(abs(try #require(lt.reducibleCovered) - (s.uniformLoss - last) / (s.uniformLoss - 5.5)) < 1e-12)
        #expect(lt.first.epoch == 0 && lt.last.epoch == 199 && lt.best.epoch == 199)
        // Mean of the last 10 % = the last 20 epochs.
        let lastVals = Fixture.powerLaw(n: 200, lInf: 5.0, a: 4.0, alpha: 0.5)[180...]
        #expect(abs(try #require(lt.meanLast10Percent) - lastVals.reduce(0, +) / 20) < 1e-12)
    }

    @Test func perMetricThresholdOverrides() throws {
        var o = AnalysisOptions()
        o.thresholds["train/loss_mean"] = 6.0
        let s = Analyzer.analyze(varLikeRun(), options: o)
        let lm = try #require(s.metrics["train/loss_mean"])
        // 5.8 + 2.5 / sqrt(e + 1) < 6  <=>  e + 1 > 156.25  <=>  e >= 156
        #expect(lm.firstBelow?.epoch == 156)
        #expect(lm.threshold == 6.0)
        #expect(s.metrics["train/loss_tail"]?.threshold == 5.5)
    }

    /// A projection is a number only within about twice the epochs run so far.
    @Test func projectionBeyondTwiceTheRunIsNotANumber() throws {
        // 100 of 400 epochs done; L = 5.0 + 8 (e+1)^-0.5 reaches 5.5 at epoch 255: beyond 200.
        let lt = Fixture.powerLaw(n: 100, lInf: 5.0, a: 8.0, alpha: 0.5)
        let s = Analyzer.analyze(Fixture.run([Fixture.epochSeries(.trainLossTail, lt)], ipe: 10, planned: 400))
        let p = try #require(s.metrics["train/loss_tail"]?.projection)
        #expect(abs(try #require(p.projectedEpoch) - 255) < 1e-3)   // kept in the JSON ...
        #expect(p.reach == "beyond-schedule")                         // ... but not said
        #expect(!s.headline.contains("projected"))
        let f = try #require(Fixture.finding(s, "threshold-not-reached"))
        #expect(f.message.contains("not within reach of this schedule"))
        #expect(!f.message.contains("255") && !(f.recommendation ?? "").contains("epochs)"))
    }

    /// The field's case: a slow curve whose fit would put the bar thousands of epochs out and a
    /// floor far below the data: no epoch count, no floor, no "train 17559 epochs".
    @Test func farProjectionsAndUndeterminedFloorsAreNotStated() throws {
        // L = 3.2 + 3.71 t^-0.06: 5.90 at epoch 199, 5.5 only near epoch 2900.
        let lm = Fixture.powerLaw(n: 200, lInf: 3.2, a: 3.71, alpha: 0.06, sigma: 0.01, seed: 4)
        let s = Analyzer.analyze(Fixture.run([Fixture.epochSeries(.trainLossMean, lm)], ipe: 10, planned: 200, finished: true))
        let f = try #require(Fixture.finding(s, "threshold-not-reached", metric: "train/loss_mean"))
        #expect(f.message.contains("not within reach of this schedule"))
        #expect(!f.message.contains("floor L_inf") && !f.message.contains("projects"))
        #expect(!(f.recommendation ?? "").contains("Train longer"))
        #expect(!s.headline.contains("floor"))
    }

    @Test func projectionOfACurveThatWillReachTheBar() throws {
        // 150 of 400 epochs done; L = 5.0 + 8 (e+1)^-0.5 reaches 5.5 at t = 256, i.e. epoch 255.
        let lt = Fixture.powerLaw(n: 150, lInf: 5.0, a: 8.0, alpha: 0.5)
        let run = Fixture.run([Fixture.epochSeries(.trainLossTail, lt)], ipe: 10, planned: 400)
        let s = Analyzer.analyze(run)
        let p = try #require(s.metrics["train/loss_tail"]?.projection)
        #expect(p.expectedToReach)
        #expect(abs(try #require(p.projectedEpoch) - 255) < 1e-3)
        #expect(abs(try #require(p.projectedStep) - 2560) < 1e-2)
        #expect(p.withinPlannedEpochs == true)
        #expect(s.verdict == .converging)
        #expect(s.headline.contains("projected to reach 5.5 around epoch 255"))
    }

    @Test func noisyProjectionBracketsTheTruth() throws {
        let lt = Fixture.powerLaw(n: 150, lInf: 5.0, a: 8.0, alpha: 0.5, sigma: 0.004, seed: 11)
        let run = Fixture.run([Fixture.epochSeries(.trainLossTail, lt)], ipe: 10, planned: 400)
        let p = try #require(Analyzer.analyze(run).metrics["train/loss_tail"]?.projection)
        let lo = try #require(p.projectedEpochLow), pe = try #require(p.projectedEpoch)
        #expect(lo < pe)
        #expect(abs(pe - 255) < 80)
        if let hi = p.projectedEpochHigh { #expect(hi > pe) }
        #expect((p.lossInfinityStdDev ?? 0) > 0)
    }

    @Test func crossingThatDoesNotHold() throws {
        var v = Array(repeating: 6.0, count: 60)
        v[30] = 5.4
        for e in 50..<60 { v[e] = 5.3 }
        let s = Analyzer.analyze(Fixture.run([Fixture.epochSeries(.trainLossTail, v)], planned: 60))
        let m = try #require(s.metrics["train/loss_tail"])
        #expect(m.firstBelow?.epoch == 30)
        #expect(m.staysBelowFrom?.epoch == 50)
    }

    @Test func iterationOnlyRunUsesTheSmoothedSeries() throws {
        // One point every 10 steps, 100 steps per epoch; a step down from 6.0 to 5.0 at step 2000.
        let steps = Array(stride(from: 0, to: 4000, by: 10))
        let values = steps.map { $0 < 2000 ? 6.0 : 5.0 }
        let run = Fixture.run([Fixture.iterationSeries(.trainLossTail, steps: steps, values)], ipe: 100, planned: 40)
        let s = Analyzer.analyze(run)
        let m = try #require(s.metrics["train/loss_tail"])
        #expect(m.thresholdBasis == "smoothed-iteration")
        // 400 points: the weight is raised to 1 - 1 / (1 % of 400) = 0.75, so the smoothed value
        // is 5.75 at step 2000, 5.5625 at 2010 and 5.42 at 2020, its first point below 5.5.
        #expect(m.firstBelow?.step == 2020)
        #expect(m.firstBelow?.epoch == 20)
        #expect(m.staysBelowFrom?.epoch == 20)
        #expect(m.staysBelowFromStep == 2020)
        #expect(m.granularity == "iteration")
        // With the raise turned off, TensorBoard's 0.6: 5.6 at step 2000, then 5.36 at 2010.
        var o = AnalysisOptions()
        o.emaAutoSpan = 0
        let tb = try #require(Analyzer.analyze(run, options: o).metrics["train/loss_tail"])
        #expect(tb.firstBelow?.step == 2010 && tb.staysBelowFromStep == 2010)
    }

    /// On a loss logged every step, TensorBoard's 0.6 averages about three points and the noise
    /// decides the crossing; the raised weight follows the trend.
    @Test func noisyPerStepLossCrossesWhereItsTrendDoes() throws {
        var rng = TestRNG(seed: 21)
        let steps = Array(0..<10_000)
        // Trend 5.2 + 3 exp(-s / 1500) crosses 5.5 at s = 1500 ln 10 = 3454; noise sd 0.08.
        let values = steps.map { 5.2 + 3 * exp(-Double($0) / 1500) + 0.08 * rng.gaussian() }
        let run = Fixture.run([Fixture.iterationSeries(.trainLossTail, steps: steps, values)], ipe: nil, planned: nil)
        let m = try #require(Analyzer.analyze(run).metrics["train/loss_tail"])
        let first = try #require(m.firstBelow?.step)
        #expect(abs(first - 3454) < 250, "first below at \(first)")
        var o = AnalysisOptions()
        o.emaAutoSpan = 0
        let raw = try #require(Analyzer.analyze(run, options: o).metrics["train/loss_tail"]?.firstBelow?.step)
        #expect(raw < first - 200, "TensorBoard's 0.6 crosses early on noise (\(raw) vs \(first))")
    }

    @Test func hoursToThresholdFromWallTimes() throws {
        // One epoch per hour: end of epoch e at (e + 1) hours.
        let lt = Fixture.powerLaw(n: 100, lInf: 5.0, a: 4.0, alpha: 0.5)
        let times = (0..<100).map { Double($0 + 1) * 3600 + 1_700_000_000 }
        let run = Fixture.run([Fixture.epochSeries(.trainLossTail, lt, wallTimes: times)], ipe: 100, planned: 100,
                              config: ["glb_batch_size": "768", "batch_size": "48"])
        let s = Analyzer.analyze(run)
        let m = try #require(s.metrics["train/loss_tail"])
        #expect(abs(try #require(m.hoursToThreshold) - 65) < 1e-9)
        #expect(s.run.gpus == 16)
        #expect(abs(try #require(m.gpuHoursToThreshold) - 65 * 16) < 1e-6)
        #expect(abs(try #require(s.run.totalHours) - 100) < 1e-9)
        #expect(s.run.clockBasis == "wall-time")
    }
}
