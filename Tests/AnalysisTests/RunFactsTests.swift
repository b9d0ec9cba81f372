import Foundation
import Testing
@testable import Analysis
import TrainingLog

@Suite struct RunFactsTests {
    /// 50 of 100 epochs, 100 iterations per epoch, 2 s per iteration, last written at `written`.
    static func halfRun(written: Double?) -> Run {
        var run = Fixture.run([Fixture.epochSeries(.trainLossTail, Fixture.powerLaw(n: 50, lInf: 5, a: 4, alpha: 0.5)),
                               Fixture.epochSeries(.secondsPerIteration, Array(repeating: 2.0, count: 50))],
                              ipe: 100, planned: 100, restarts: [21, 37])
        var src = SourceInfo(path: "/r/stdout.txt", format: .varStdout)
        src.modified = written
        run.sources = [src]
        return run
    }

    static func at(_ now: Double) -> AnalysisOptions {
        var o = AnalysisOptions()
        o.now = now
        return o
    }

    @Test func runningRunWithETA() throws {
        // Written 10 minutes ago: still training; only then is there time to go.
        let s = Analyzer.analyze(Self.halfRun(written: 1_000_000), options: Self.at(1_000_600))
        let f = s.run
        #expect(f.status == .running)
        #expect(f.statusReason == "50 of 100 epochs so far, and the logs were written 10 min ago")
        #expect(f.epochsCompleted == 50 && f.epochsPlanned == 100)
        #expect(f.secondsPerIteration == 2.0)
        let hours: Double = 50 * 100 * 2.0 / 3600
        let total = try #require(f.totalHours), eta = try #require(f.etaHours)
        #expect(abs(total - hours) < 1e-9)
        #expect(abs(eta - hours) < 1e-9)
        #expect(f.clockBasis == "sec-per-iter")
        #expect(f.restarts == 2 && f.restartEpochs == [21, 37] && f.launches == 3)
        let inc = try #require(Fixture.finding(s, "running"))
        #expect(inc.message.hasPrefix("The run is still training: 50 of 100 epochs so far"))
        #expect(inc.message.contains("2.78 h remain"))
        #expect(Fixture.finding(s, "restarts")?.message.contains("at epochs 21, 37") == true)
        #expect(s.headline.contains("Still training (50 of 100 epochs so far)."))
    }

    @Test func stoppedRunHasNoETA() throws {
        // An epoch takes 200 s here: stale after max(60 min, 2 epochs) = 1 h; written 3 days ago.
        let s = Analyzer.analyze(Self.halfRun(written: 1_000_000), options: Self.at(1_000_000 + 3 * 86400))
        #expect(s.run.status == .stopped)
        #expect(s.run.etaHours == nil)
        #expect(s.run.statusReason.contains("nothing was written for 3.0 days"))
        #expect(Fixture.finding(s, "stopped")?.severity == .warning)
        #expect(!s.findings.contains { $0.message.contains("remain at this pace") })
        #expect(s.headline.contains("The run stopped after 50 of 100 epochs"))
        // Without the time of the last write it cannot tell: unknown, and no ETA either.
        let u = Analyzer.analyze(Self.halfRun(written: nil), options: Self.at(1_000_000))
        #expect(u.run.status == .unknown && u.run.etaHours == nil)
    }

    /// A run folder copied without its file times: the files look just written, but the last
    /// logged (TensorBoard) time is days old: stopped, not running.
    @Test func copiedFilesDoNotMakeAStoppedRunLookAlive() throws {
        let t0 = 1_700_000_000.0   // a real Unix time, as TensorBoard logs
        var run = Self.halfRun(written: t0 + 5 * 86400)
        run.series.append(Fixture.epochSeries(.trainLossMean, Fixture.powerLaw(n: 50, lInf: 5.6, a: 3, alpha: 0.5),
                                              wallTimes: (0..<50).map { t0 - 200 * Double(49 - $0) }))
        let s = Analyzer.analyze(run, options: Self.at(t0 + 5 * 86400 + 60))
        #expect(s.run.status == .stopped)
        #expect(s.run.statusReason.contains("nothing was written for 5.0 days (by the last time logged in them"))
        // Files written at the time of their last log line: no correction.
        var fresh = Self.halfRun(written: t0)
        fresh.series = run.series
        #expect(Analyzer.analyze(fresh, options: Self.at(t0 + 60)).run.status == .running)
    }

    /// A fine-tune that crashed at epoch 8 of 20 (`ChildFailedError`, `exitcode: -9` at the end
    /// of its log): crashed, with the line, and no "hours remain".
    @Test func crashEvidenceAtTheEndMakesItCrashed() throws {
        var run = Self.halfRun(written: 1_000_000)
        run.epochsPlanned = 100
        run.crashEvidence = [
            CrashEvidence(kind: .childFailed, file: "/r/stdout.txt", line: 1502,
                          text: "torch.distributed.elastic.multiprocessing.errors.ChildFailedError:"),
            CrashEvidence(kind: .exitCode, file: "/r/stdout.txt", line: 1510, text: "exitcode  : -9 (pid: 4242)"),
        ]
        let s = Analyzer.analyze(run, options: Self.at(1_000_100))
        #expect(s.run.status == .crashed)
        #expect(s.run.statusEvidence == LogPlace(path: "/r/stdout.txt", line: 1510))
        #expect(s.run.statusReason.hasPrefix("the logs say the process died after 50 of 100 epochs"))
        #expect(s.run.etaHours == nil)
        #expect(Fixture.finding(s, "crashed")?.severity == .critical)
        #expect(s.headline.contains("The run crashed after 50 of 100 epochs (stdout.txt line 1510)."))
        // Evidence that training went on after (not terminal) does not count.
        run.crashEvidence = run.crashEvidence.map { var e = $0; e.terminal = false; return e }
        #expect(Analyzer.analyze(run, options: Self.at(1_000_100)).run.status == .running)
        // A traceback in stderr.txt written an hour before the training log's last write is not the end.
        var late = Self.halfRun(written: 1_000_000)
        var err = SourceInfo(path: "/r/stderr.txt", format: .console)
        err.modified = 1_000_000 - 3600
        late.sources.append(err)
        late.crashEvidence = [CrashEvidence(kind: .traceback, file: "/r/stderr.txt", line: 3, text: "RuntimeError: boom")]
        #expect(Analyzer.analyze(late, options: Self.at(1_000_100)).run.status == .running)
        late.sources[1].modified = 1_000_000 - 30
        #expect(Analyzer.analyze(late, options: Self.at(1_000_100)).run.status == .crashed)
    }

    /// Launches that trained are restarts; relaunches that trained nothing (before the first
    /// epoch, after the last) are counted apart.
    @Test func launchesRestartsAndIdleLaunches() throws {
        var run = Fixture.run([Fixture.epochSeries(.trainLossTail, Fixture.powerLaw(n: 200, lInf: 5, a: 4, alpha: 0.5))],
                              planned: 200, finished: true)
        run.launches = [
            Launch(file: "/r/stdout.txt"),                                                        // crashed at start-up
            Launch(file: "/r/stdout.txt", line: 90, startedAt: "12-31 13:47:09", firstEpoch: 0, lastEpoch: 88),
            Launch(file: "/r/stdout.txt", line: 900, startedAt: "12-31 22:28:45", resumeEpoch: 85, firstEpoch: 85, lastEpoch: 199),
            Launch(file: "/r/stdout.txt", line: 1900, startedAt: "01-01 11:06:07", resumeEpoch: 200),
            Launch(file: "/r/stdout.txt", line: 2000, startedAt: "01-01 12:00:00", resumeEpoch: 200),
            Launch(file: "/r/stdout.txt", line: 2100, startedAt: "01-01 13:00:00", resumeEpoch: 200),
        ]
        run.launches[3].duplicateBanners = 3
        run.restartEpochs = [85]
        let f = Analyzer.analyze(run).run
        #expect(f.launches == 6 && f.restarts == 1 && f.restartEpochs == [85] && f.idleLaunches == 4)
        #expect(f.launchHistory.map(\.role) == ["idle-before-training", "first", "restart", "idle-after-end", "idle-after-end", "idle-after-end"])
        let m = try #require(Fixture.finding(Analyzer.analyze(run), "restarts")?.message)
        #expect(m.contains("1 restart that resumed training at epoch 85"))
        #expect(m.contains("1 launch before any training that trained nothing"))
        #expect(m.contains("3 launches after the end (epoch 200) that trained nothing"))
        #expect(m.contains("3 more RESTART banners were printed by other ranks in the same second and count once"))
        #expect(!m.contains("epochs 0, 200"))
    }

    @Test func finishedByMarkerOrByEpochs() {
        let lt = Fixture.epochSeries(.trainLossTail, Fixture.powerLaw(n: 10, lInf: 5, a: 4, alpha: 0.5))
        #expect(Analyzer.analyze(Fixture.run([lt], planned: 10)).run.status == .finished)
        #expect(Analyzer.analyze(Fixture.run([lt], planned: 20)).run.status == .unknown)
        #expect(Analyzer.analyze(Fixture.run([lt], planned: nil)).run.status == .unknown)
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
