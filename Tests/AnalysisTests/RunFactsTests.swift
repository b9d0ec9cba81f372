import Foundation
import Testing
@testable import Analysis
import TrainingLog

@Suite struct RunFactsTests {
    @Test func incompleteRunWithETA() throws {
        // 50 of 100 epochs, 100 iterations per epoch, 2 s per iteration.
        let run = Fixture.run([Fixture.epochSeries(.trainLossTail, Fixture.powerLaw(n: 50, lInf: 5, a: 4, alpha: 0.5)),
                               Fixture.epochSeries(.secondsPerIteration, Array(repeating: 2.0, count: 50))],
                              ipe: 100, planned: 100, restarts: [21, 37])
        let s = Analyzer.analyze(run)
        let f = s.run
        #expect(f.status == .incomplete)
        #expect(f.epochsCompleted == 50 && f.epochsPlanned == 100)
        #expect(f.secondsPerIteration == 2.0)
        let hours: Double = 50 * 100 * 2.0 / 3600
        let total = try #require(f.totalHours), eta = try #require(f.etaHours)
        #expect(abs(total - hours) < 1e-9)
        #expect(abs(eta - hours) < 1e-9)
        #expect(f.clockBasis == "sec-per-iter")
        #expect(f.restarts == 2 && f.restartEpochs == [21, 37])
        let inc = try #require(Fixture.finding(s, "incomplete"))
        #expect(inc.message.hasPrefix("The run is incomplete: 50 of 100 epochs done"))
        #expect(inc.message.contains("2.78 h remain"))
        #expect(Fixture.finding(s, "restarts")?.message.contains("at epochs 21, 37") == true)
    }

    @Test func finishedByMarkerOrByEpochs() {
        let lt = Fixture.epochSeries(.trainLossTail, Fixture.powerLaw(n: 10, lInf: 5, a: 4, alpha: 0.5))
        #expect(Analyzer.analyze(Fixture.run([lt], planned: 10)).run.status == .finished)
        #expect(Analyzer.analyze(Fixture.run([lt], planned: 20)).run.status == .incomplete)
        #expect(Analyzer.analyze(Fixture.run([lt], planned: nil, finished: true)).run.status == .finished)
        // Planned epochs from the config when the run does not say.
        #expect(Analyzer.analyze(Fixture.run([lt], planned: nil, config: ["ep": "10"])).run.epochsPlanned == 10)
    }

    @Test func epochsFromIterationsAndSecondsFromWallTimes() throws {
        // Iterations 0..<999 logged every 10 steps, 0.5 s per step, 100 iterations per epoch.
        let steps = Array(stride(from: 0, to: 1000, by: 10))
        let run = Fixture.run([Fixture.iterationSeries(.trainLossTail, steps: steps, steps.map { 8 - Double($0) * 0.001 },
                                                       wallTimes: steps.map { 1000 + 0.5 * Double($0) })],
                              ipe: 100, planned: 10)
        let f = Analyzer.analyze(run).run
        #expect(f.epochsCompleted == 9)       // last step 990: (990 + 1) / 100
        #expect(abs(try #require(f.secondsPerIteration) - 0.5) < 1e-12)
        #expect(f.clockBasis == "wall-time")
    }

    @Test func configAndSourcesAreCarried() {
        var run = Fixture.run([], config: ["depth": "16", "tblr": "1e-4"])
        run.sources = [SourceInfo(path: "/r/log.txt", format: .varLogTxt, firstEpoch: 190, lastEpoch: 199,
                                  warnings: [Diagnostic(file: "/r/log.txt", line: 3, message: "bad line")])]
        let f = Analyzer.analyze(run).run
        #expect(f.config == ["depth": "16", "tblr": "1e-4"])
        #expect(f.sources.first?.format == "var-log-txt")
        #expect(f.sources.first?.warnings == ["/r/log.txt:3: bad line"])
        #expect(f.epochsCompleted == 200)     // from the source's last epoch
    }
}
