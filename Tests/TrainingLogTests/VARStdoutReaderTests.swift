import Testing
@testable import TrainingLog

@Suite struct VARStdoutReaderTests {
    let run: Run
    init() throws {
        run = try VARStdoutReader.read(path: TestSupport.fixture("var-run/local_output/stdout.txt"))
    }

    /// Two ranks writing at once: the second line is printed onto the first, without a newline.
    @Test func twoLinesPrintedOntoOneAreBothRead() {
        let a = "[12-31 13:51:45] (er/run/VAR/utils/misc.py, line 314)=> [Ep]: [   0/200]  [ 62/250]  eta: 0:05:59  tlr: 2e-05  tnm: 1.07  Lm: 8.182 (8.182)  Lt: 8.163 (8.163)  Accm: 0.30 (0.30)  Acct: 0.18 (0.18)  time: 1.2304  data: 0.0010"
        let b = "[12-31 13:53:02] (er/run/VAR/utils/misc.py, line 314)=> [Ep]: [   0/200]  [124/250]  eta: 0:03:18  tlr: 3.9e-05  tnm: 1.19  Lm: 8.047 (8.071)  Lt: 8.008 (8.024)  Accm: 0.58 (0.49)  Acct: 0.33 (0.36)  time: 1.2323  data: 0.0011"
        let glued = VARStdoutReader.parse(Array((a + b + "\n").utf8), path: "stdout.txt")
        let apart = VARStdoutReader.parse(Array((a + "\n" + b + "\n").utf8), path: "stdout.txt")
        #expect(glued.xs(.trainLossTail, .iteration) == apart.xs(.trainLossTail, .iteration))
        #expect(glued.values(.trainLossTail, .iteration) == apart.values(.trainLossTail, .iteration))
        #expect(glued.xs(.trainLossTail, .iteration).count == 2)
        #expect(glued.warnings.contains { $0.message.contains("two log lines printed onto one") })
    }

    @Test func readsFactsAndConfig() {
        #expect(run.iterationsPerEpoch == 10)
        #expect(run.epochsPlanned == 4)
        #expect(run.parametersMillions == 310.28)
        #expect(run.configValue("depth") == "16")
        #expect(run.configValue("data_path") == "/data/imagenet")
        #expect(run.configValue("same_seed_for_all_ranks") == "0")
        #expect(run.config.count == 9) // the initial args block only, not the restart's or the final one
        #expect(run.name == "var-run")
    }

    @Test func iterationSeriesUseTheMedianAndGlobalSteps() {
        // Epoch 2 was repeated after the restart: the later values win.
        #expect(run.xs(.trainLossMean, .iteration) == [0, 2, 4, 6, 9, 10, 19, 20, 29, 30, 39])
        #expect(run.values(.trainLossMean, .iteration) == [8.3, 8.1, 7.9, 7.7, 7.5, 7.4, 7.0, 6.85, 6.65, 6.5, 6.3])
        #expect(run.values(.learningRate, .iteration).first == 9.5e-05)
        #expect(run.xs(MetricName("time/iter_time"), .iteration).count == 11)
        // `tnm: nan` is kept as a NaN point (a real value of the run), not dropped.
        let gn = run.series(.gradNorm, .iteration)
        #expect(gn?.value(atX: 19)?.isNaN == true)
        #expect(run.series(MetricName("eta"), .iteration) == nil)
    }

    @Test func wallTimesAreMonotonicAcrossMidnightAndYearEnd() {
        guard let s = run.series(.trainLossMean, .iteration) else { Issue.record("no series"); return }
        #expect(s.wallTimes.count == s.count)
        #expect(zip(s.wallTimes, s.wallTimes.dropFirst()).allSatisfy { $0 <= $1 })
        // 11-28 23:59:10 -> 11-29 00:01:00 is 110 s.
        if let i = s.xs.firstIndex(of: 20) { #expect(s.wallTimes[i] - s.wallTimes[0] == 110) }
    }

    @Test func epochSummariesGiveCurrentLossAndRestartsWin() {
        #expect(run.xs(.trainLossMean, .epoch) == [0, 1, 2, 3])
        #expect(run.values(.trainLossMean, .epoch) == [7.9, 7.2, 6.75, 6.4])
        #expect(run.values(.trainLossTail, .epoch) == [7.8, 7.1, 6.65, 6.3])
        #expect(run.values(.secondsPerIteration, .epoch) == [1.25, 1.1, 1.2, 1.2])
        // Epoch accuracy = running average of the last iteration line of the epoch.
        #expect(run.values(.trainAccMean, .epoch) == [0.11, 0.4, 0.66, 0.85])
        #expect(run.values(.trainAccTail, .epoch) == [0.09, 0.35, 0.56, 0.75])
        #expect(run.restartEpochs == [2])
    }

    @Test func valLineIsNotValidationButFinalArgsAre() {
        #expect(!run.series.contains { $0.name.isValidation })
        #expect(run.finalValidation[.valLossMean] == 6.61)
        #expect(run.finalValidation[.valAccTail] == 0.66)
        #expect(run.finishedMarker)
    }

    @Test func sourceCoverageAndWarnings() {
        let info = run.sources[0]
        #expect(info.format == .varStdout)
        #expect(info.firstEpoch == 0 && info.lastEpoch == 3)
        #expect(info.firstStep == 0 && info.lastStep == 39)
        let nul = info.warnings.first { $0.message.contains("NUL") }
        #expect(nul?.line == 28)
        #expect(info.warnings.contains { $0.message.contains("carriage return") })
    }

    @Test func curBestOrderIsDetectedFromTheData() {
        // A fork printing `CUR (BEST)`: the second column never gets worse, the first does.
        let text = """
        [01-01 00:00:00] (x/train.py              , line  1)=>      [ep0]  (training )  Lm: 7.000 (7.000), Lt: 6.900 (6.900),  Acc m&t: 1 1
        [01-01 00:00:01] (x/train.py              , line  1)=>      [ep1]  (training )  Lm: 7.100 (7.000), Lt: 6.950 (6.900),  Acc m&t: 1 1
        [01-01 00:00:02] (x/train.py              , line  1)=>      [ep2]  (training )  Lm: 6.500 (6.500), Lt: 6.400 (6.400),  Acc m&t: 1 1

        """
        let r = VARStdoutReader.parse(Array(text.utf8), path: "fork.txt")
        #expect(r.values(.trainLossMean, .epoch) == [7.0, 7.1, 6.5])
        #expect(r.values(.trainLossTail, .epoch) == [6.9, 6.95, 6.4])
        #expect(r.sources[0].warnings.contains { $0.message.contains("CUR (BEST)") })

        let varOrder = text.replacingOccurrences(of: "7.100 (7.000)", with: "7.000 (7.100)")
            .replacingOccurrences(of: "6.950 (6.900)", with: "6.900 (6.950)")
        let r2 = VARStdoutReader.parse(Array(varOrder.utf8), path: "var.txt")
        #expect(r2.values(.trainLossMean, .epoch) == [7.0, 7.1, 6.5])
        let single = "     [ep0]  (training )  Lm: 7.25, Lt: 6.5\n     [ep1]  (training)  Lm: 7.0 (7.0)\n"
        let r3 = VARStdoutReader.parse(Array(single.utf8), path: "single.txt")
        #expect(r3.values(.trainLossMean, .epoch) == [7.25, 7.0])
        #expect(r3.values(.trainLossTail, .epoch) == [6.5])
    }

    @Test func sentinelsAndForkFieldsAndGarbage() {
        let text = "[Ep]: [   0/2]  [ 0/5]  eta: 1 day, 0:00:01  tlr: 1e-4  Lm: 8.000 (8.000)  Lt: -1.000 (-1.000)  zloss: 0.25  max mem: 1234  time: 1\n"
            + "[Ep]: [   0/2]  [ 4/5]  Lm: 7.0\u{FF} (7.5)  broken  Lt: abc\n"
            + "\u{00}\u{00}[Ep]: [ 99999999999999999999/2]  [ 1/5]  Lm: 1\n"
            + "  [*] [PT finished]  Total Time: 0.1h,   Lm: 999.000 (-1),   Lt: 999.000 (-1)\n"
            + "[Ep]: [   1/2]  [ 3/5]  Lm: 6."
        let r = VARStdoutReader.parse(Array(text.utf8), path: "junk.txt")
        #expect(r.values(.trainLossMean, .iteration) == [8.0, 7.0, 6.0])
        #expect(r.xs(.trainLossMean, .iteration) == [0, 4, 8])
        #expect(r.series(.trainLossTail, .iteration) == nil)       // -1 is a sentinel
        #expect(r.values(MetricName("zloss"), .iteration) == [0.25])
        #expect(r.values(MetricName("max mem"), .iteration) == [1234])
        #expect(r.values(MetricName("time/iter_time"), .iteration) == [1])
        #expect(r.finishedMarker)
        #expect(r.series.allSatisfy { !$0.values.contains(999) })
        let w = r.sources[0].warnings
        #expect(w.contains { $0.line == 2 && $0.message.contains("'Lt'") })
        #expect(w.contains { $0.line == 3 })
        #expect(w.contains { $0.line == 5 && $0.message.contains("no newline") })
    }

    @Test func emptyAndBinaryInputDoNotCrash() {
        let r = VARStdoutReader.parse([], path: "empty.txt")
        #expect(r.series.isEmpty)
        #expect(r.sources[0].warnings.contains { $0.message.contains("no VAR") })
        var bytes: [UInt8] = []
        var x: UInt32 = 12345
        for _ in 0..<100_000 { x = x &* 1103515245 &+ 12345; bytes.append(UInt8(truncatingIfNeeded: x >> 16)) }
        let r2 = VARStdoutReader.parse(bytes, path: "random.bin")
        #expect(r2.sources.count == 1)
    }

    /// A finished run started again resumes at its end and trains nothing: a launch, not a restart.
    @Test func relaunchAfterFinishIsAnIdleLaunch() {
        let text = "[Ep]: [   3/4]  [ 9/10]  Lm: 6.0 (6.0)\n"
            + "  [*] [PT finished]  Total Time: 0.1h,   Lm: 6.000 (6.0),   Lt: 5.000 (5.0)\n"
            + "\n\n\n\n\n\n\n" + String(repeating: "=", count: 55) + "   RESTART [01-01 11:07:48]   " + String(repeating: "=", count: 55) + "\n"
            + "[01-01 11:07:48] (t/tiger/run/VAR/train.py, line  64)=> [auto_resume success] resume from ep4, it0\n"
            + "  [*] [PT finished]  Total cost: 0.0h,   Lm: 999.000 (-1),   Lt: 999.000 (-1)\n"
        let r = VARStdoutReader.parse(Array(text.utf8), path: "stdout.txt")
        #expect(r.restartEpochs == [])
        #expect(r.launches.count == 2)
        #expect(r.launches[0].trained && r.launches[0].lastEpoch == 3)
        #expect(!r.launches[1].trained && r.launches[1].resumeEpoch == 4 && r.launches[1].startedAt == "01-01 11:07:48")
        // Epoch 3's last iteration line was printed: it has an epoch-level accuracy; a crashed,
        // partial epoch has none.
        let partial = "[Ep]: [   0/4]  [ 9/10]  Accm: 1.0 (0.9)\n[Ep]: [   1/4]  [ 4/10]  Accm: 2.0 (1.5)\n"
        let rp = VARStdoutReader.parse(Array(partial.utf8), path: "stdout.txt")
        #expect(rp.xs(.trainAccMean, .epoch) == [0])
        #expect(rp.values(.trainAccMean, .epoch) == [0.9])
        #expect(r.values(.trainLossMean, .iteration) == [6.0])
        #expect(r.finishedMarker)
    }

    @Test func argsValuesOverSeveralLinesAndCutBlocks() {
        let text = "[01-01 00:00:00] (x/train.py              , line  1)=> initial args:\n{\n"
            + "  depth               : 16\n  commit_msg          : first line\nsecond line\n"
            + "  ep                  : 4\n"
            + "[01-01 00:00:01] (x/train.py              , line  1)=> [Ep]: [   0/4]  [ 0/5]  Lm: 8.0 (8.0)\n"
        let r = VARStdoutReader.parse(Array(text.utf8), path: "stdout.txt")
        #expect(r.configValue("commit_msg") == "first line\nsecond line")
        #expect(r.epochsPlanned == 4)
        #expect(r.values(.trainLossMean, .iteration) == [8.0])
        #expect(r.sources[0].warnings.contains { $0.line == 7 && $0.message.contains("without '}'") })
    }
}
