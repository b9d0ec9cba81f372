import Foundation
import Testing
@testable import Analysis
import TrainingLog

/// Whatever the input, the analysis returns a Summary that encodes (CONTRACT.md: never a crash).
@Suite struct RobustnessTests {
    @Test func oddRunsStillEncode() throws {
        let huge = Int.max - 10
        let runs: [Run] = [
            Fixture.run([Fixture.epochSeries(.trainLossTail, [.nan, .nan, .nan])]),
            Fixture.run([Fixture.epochSeries(.trainLossTail, [6, 5, 4], epochs: [0, 1, huge])], ipe: 1_000_000),
            Fixture.run([Fixture.iterationSeries(.vocabUsage, steps: [-10000, -1000, 0, 500], [1, 2, 3, 4])], ipe: 0),
            Fixture.run([Fixture.iterationSeries(.trainLossMean, steps: [-5, -1], [7, 6])]),
            Fixture.run([Fixture.epochSeries(.trainLossTail, [1e308, -1e308, 0, 1e-300, 5])], planned: -3,
                        config: ["ep": "1e400", "wp": "nan", "tlr": "inf", "tclip": "-1", "glb_batch_size": "0",
                                 "batch_size": "0"]),
            Fixture.run([Fixture.epochSeries(.valLossTail, [5, 5, 5, 5, 5, 6, 7, 8])], ipe: nil),
            Fixture.run([Fixture.epochSeries(.trainLossTail, Array(repeating: 5.0, count: 50)),
                         Fixture.epochSeries(.learningRate, Array(repeating: 0, count: 50))]),
        ]
        var o = AnalysisOptions()
        o.fitMinPoints = 0
        o.lastFraction = 1e300
        o.fitFraction = -1
        o.spikeWindow = 0
        o.accuracyWindow = -5
        o.plateauPatience = -1
        o.earlyStopPatience = 0
        o.vocabSize = 0
        for run in runs {
            for opts in [AnalysisOptions(), o] {
                let s = Analyzer.analyze(run, options: opts)
                let json = try Fixture.json(s)
                #expect(!json.isEmpty)
                #expect(!s.headline.isEmpty)
            }
        }
    }

    @Test func allNonFiniteMetricIsLeftOutButStillDiverges() {
        let s = Analyzer.analyze(Fixture.run([Fixture.epochSeries(.trainLossTail, [.nan, .nan, .nan])]))
        #expect(s.metrics.isEmpty)
        #expect(s.verdict == .diverged)
        #expect(s.instability.nonFinite?.epoch == 0)
    }

    @Test func negativeStepMarkersAreIgnored() throws {
        let s = Analyzer.analyze(Fixture.run([Fixture.iterationSeries(.vocabUsage, steps: [-10000, -1000, 0, 500],
                                                                       [1, 2, 3, 4])], ipe: 100))
        let m = try #require(s.metrics["vocab/usage"])
        #expect(m.points == 2)
        #expect(m.first.step == 0)
        #expect(m.best.value == 4)   // codebook usage: higher is better
        #expect(m.kind == "other")
    }
}
