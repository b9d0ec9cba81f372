import Foundation
import Testing
@testable import Analysis
import TrainingLog

/// Falls by 0.02 per epoch until `stallFrom - 1`, then stays flat (a plateau that starts at
/// epoch `stallFrom`).
func stallingCurve(epochs n: Int, stallFrom: Int, sigma: Double = 0, seed: UInt64 = 5) -> [Double] {
    var rng = TestRNG(seed: seed)
    return (0..<n).map { e in 7.0 - 0.02 * Double(min(e, stallFrom - 1)) + (sigma > 0 ? sigma * rng.gaussian() : 0) }
}

@Suite struct PlateauTests {
    @Test func ruleMatchesReduceLROnPlateau() {
        // Improves until index 4, then 11 bad epochs: fires at the 11th (num_bad > patience 10).
        let v = [10.0, 9, 8, 7, 6] + Array(repeating: 6.0, count: 15)
        let s = PlateauDetector.detect(v, patience: 10, threshold: 1e-3, cooldown: 0)
        #expect(s == [PlateauDetector.Stretch(start: 5, detected: 15, end: nil, best: 6)])
        // An improvement ends the plateau the epoch before it.
        let w = v + [5.0]
        #expect(PlateauDetector.detect(w, patience: 10, threshold: 1e-3, cooldown: 0).first?.end == 19)
        // Relative threshold: 5.999 is not better than 6 * (1 - 1e-3) = 5.994.
        let x = [10.0, 6] + Array(repeating: 5.999, count: 12)
        #expect(PlateauDetector.detect(x, patience: 10, threshold: 1e-3, cooldown: 0).first?.start == 2)
        // Cooldown: bad epochs in the cooldown are not counted, so firing again takes longer,
        // but firings without improvement stay one plateau.
        let y = [10.0] + Array(repeating: 10.0, count: 40)
        let c = PlateauDetector.detect(y, patience: 5, threshold: 1e-3, cooldown: 3)
        #expect(c.count == 1 && c[0].start == 1 && c[0].detected == 6)
    }

    @Test func plateauOfKnownStartWithTheLearningRateStillHigh() throws {
        // ep 100, wp 2, lin0: at epoch 20 the LR is at 0.01 + 0.99 * (1 - 18/98) / 0.95 = 86 % of its peak.
        let run = Fixture.run([Fixture.epochSeries(.trainLossTail, stallingCurve(epochs: 100, stallFrom: 20))],
                              planned: 100, config: ["ep": "100", "wp": "2", "sche": "lin0", "tlr": "0.0003"])
        let s = Analyzer.analyze(run, options: Fixture.exact)
        let p = try #require(s.plateau)
        #expect(p.startEpoch == 20)
        #expect(p.detectedEpoch == 30)
        #expect(p.endEpoch == nil)
        #expect(p.expected == false)
        #expect(p.phase == "decay")
        let fraction = try #require(p.learningRateFraction)
        let expected: Double = 0.01 + 0.99 * (1 - 18.0 / 98) / 0.95
        #expect(abs(fraction - expected) < 1e-12)
        let lr = try #require(p.learningRate)
        #expect(abs(lr - 0.0003 * fraction) < 1e-15)
        #expect(s.verdict == .plateaued)
        #expect(s.headline.hasPrefix("Plateaued: train/loss_tail has not improved since epoch 20"))
        let f = try #require(Fixture.finding(s, "plateau"))
        #expect(f.severity == .warning)
        #expect(f.recommendation?.hasPrefix("Lower the learning rate") == true)
    }

    @Test func plateauWithTheLearningRateAlreadyLowAdvisesStopping() throws {
        let lr = (0..<100).map { 1e-4 * (1 - Double($0) / 100) + 1e-6 }
        let run = Fixture.run([Fixture.epochSeries(.trainLossTail, stallingCurve(epochs: 100, stallFrom: 80)),
                               Fixture.epochSeries(.learningRate, lr)], planned: 100)
        let s = Analyzer.analyze(run, options: Fixture.exact)
        let p = try #require(s.plateau)
        #expect(p.startEpoch == 80)
        #expect(abs(try #require(p.learningRateFraction) - lr[80] / lr[0]) < 1e-12)
        #expect(Fixture.finding(s, "plateau")?.recommendation?.hasPrefix("Stop early") == true)
    }

    @Test func plateauDuringWarmUpIsExpected() throws {
        // ep 200, wp 20: warm-up until epoch 20; the loss stalls from epoch 6; 26 epochs done.
        let run = Fixture.run([Fixture.epochSeries(.trainLossTail, stallingCurve(epochs: 26, stallFrom: 6))],
                              planned: 200, config: ["ep": "200", "wp": "20", "tlr": "1e-4"])
        let s = Analyzer.analyze(run, options: Fixture.exact)
        let p = try #require(s.plateau)
        #expect(p.startEpoch == 6 && p.detectedEpoch == 16)
        #expect(p.expected)
        #expect(p.phase == "warmup")
        #expect(s.verdict == .converging)
        let f = try #require(Fixture.finding(s, "plateau-expected"))
        #expect(f.message.contains("a plateau is expected there"))
        #expect(s.run.status == .unknown)   // incomplete, and when it was last written is not known
    }

    @Test func noisyPlateauStartsNearTheTruth() throws {
        let run = Fixture.run([Fixture.epochSeries(.trainLossTail, stallingCurve(epochs: 120, stallFrom: 60, sigma: 0.004))],
                              planned: 120, config: ["ep": "120", "wp": "2", "tlr": "1e-4"])
        let s = Analyzer.analyze(run)   // default smoothing
        let p = try #require(s.plateau)
        #expect(abs(p.startEpoch - 60) <= 5, "start \(p.startEpoch)")
        #expect(p.endEpoch == nil)
        #expect(s.verdict == .plateaued)
    }

    @Test func vARScheduleIsRebuiltFromTheConfig() throws {
        let run = Fixture.run([], config: ["ep": "100", "tblr": "1e-4", "glb_batch_size": "512"])
        let sch = LearningRateSchedule.make(run)
        #expect(sch.peak == 2e-4)              // tblr * bs / 256
        #expect(sch.warmupEpochs == 2)         // ep / 50
        #expect(sch.phase(atEpoch: 1) == "warmup")
        #expect(sch.phase(atEpoch: 5) == "constant")   // hold: 5 % of the 98 epochs after warm-up
        #expect(sch.phase(atEpoch: 7) == "decay")
        #expect(abs(try #require(sch.modelFraction(atEpoch: 100)) - 0.01) < 1e-12)
        #expect(abs(try #require(sch.modelFraction(atEpoch: 0)) - 0.005) < 1e-12)
    }
}
