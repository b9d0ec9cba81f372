import Foundation
import Testing
@testable import Analysis
import TrainingLog

@Suite struct EarlyStoppingTests {
    @Test func ruleMatchesLightning() {
        // Best at index 2; indices 3, 4, 5 do not improve: stop at 5 with patience 3.
        let v = [6.0, 5.8, 5.7, 5.75, 5.7, 5.9, 5.5]
        let r = EarlyStopping.stopIndex(v, patience: 3, minDelta: 0)
        #expect(r?.stop == 5 && r?.best == 2)
        // min_delta: 5.75 -> 5.7 is an improvement of 0.05 only when min_delta < 0.05.
        #expect(EarlyStopping.stopIndex([6, 5.8, 5.79, 5.78, 5.77], patience: 3, minDelta: 0.05)?.stop == 4)
        #expect(EarlyStopping.stopIndex([6, 5.8, 5.7, 5.6], patience: 3, minDelta: 0) == nil)
        // Not before startIndex.
        #expect(EarlyStopping.stopIndex([6, 6, 6, 6, 6, 6], patience: 2, minDelta: 0, startIndex: 4)?.stop == 4)
    }

    @Test func validationRuleOnTheOverfittingRun() throws {
        // Checks every 10 epochs with the minimum at epoch 99: at this cadence two checks
        // without improvement are the evidence, so the rule stops at epoch 119, saving 80 epochs.
        let s = Analyzer.analyze(overfittingRun())
        let e = try #require(s.earlyStop)
        #expect(e.epoch == 119)
        #expect(e.bestEpoch == 99)
        #expect(e.metric == "val/loss_mean")
        #expect(e.epochsSaved == 80)
        #expect(e.patience == 2)
        #expect(e.unit == "validation checks")
        let f = try #require(Fixture.finding(s, "early-stop"))
        #expect(f.severity == .warning)
        #expect(f.message.contains("would have stopped at epoch 119"))
        // A patience set by hand wins.
        var o = AnalysisOptions(); o.earlyStopPatience = 3
        #expect(Analyzer.analyze(overfittingRun(), options: o).earlyStop?.epoch == 129)
        #expect(f.recommendation?.hasPrefix("Stop early") == true)
    }

    @Test func hoursSavedFromSecondsPerIteration() throws {
        var run = overfittingRun()
        run.series.append(Fixture.epochSeries(.secondsPerIteration, Array(repeating: 1.8, count: 200)))
        run.config += [ConfigEntry(key: "glb_batch_size", value: "768"), ConfigEntry(key: "batch_size", value: "48")]
        let e = try #require(Analyzer.analyze(run).earlyStop)
        // 80 epochs * 100 iterations * 1.8 s = 4 h, on 16 GPUs 64 GPU-hours.
        #expect(abs(try #require(e.hoursSaved) - 4.0) < 1e-9)
        #expect(abs(try #require(e.gpuHoursSaved) - 64.0) < 1e-9)
    }

    @Test func trainingRuleWithoutValidationWaitsForTheDecay() throws {
        // The loss stalls from epoch 30 of 100; the rule (patience 10 epochs) stops at 40.
        let run = Fixture.run([Fixture.epochSeries(.trainLossTail, stallingCurve(epochs: 100, stallFrom: 30))],
                              planned: 100, config: ["ep": "100", "wp": "2", "tlr": "1e-4"])
        let e = try #require(Analyzer.analyze(run, options: Fixture.exact).earlyStop)
        #expect(e.epoch == 39)
        #expect(e.bestEpoch == 29)
        #expect(e.unit == "epochs")
        #expect(e.epochsSaved == 60)
        // A stall inside the warm-up (wp 40) does not stop the run before the decay starts.
        let warm = Fixture.run([Fixture.epochSeries(.trainLossTail, stallingCurve(epochs: 100, stallFrom: 10))],
                               planned: 100, config: ["ep": "100", "wp": "40", "tlr": "1e-4"])
        let w = try #require(Analyzer.analyze(warm, options: Fixture.exact).earlyStop)
        #expect(try #require(w.epoch) >= 40)
    }

    @Test func noStopWhileImproving() {
        #expect(Analyzer.analyze(varLikeRun()).earlyStop == nil)
    }
}
