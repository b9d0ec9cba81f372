import Foundation
import Testing
@testable import Analysis
import TrainingLog

/// The run's family sets the defaults the user did not: LlamaGen's codebook, no VAR bar.
@Suite struct FamilyTests {
    static var run: Run {
        get throws {
            try RunLoader.load(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/families/llamagen-c2i").path)
        }
    }

    @Test func llamaGenGetsItsCodebookAndNoVARBar() throws {
        let s = Analyzer.analyze(try Self.run)
        #expect(s.run.family == "llamagen")
        #expect(s.vocabSize == 16384 && abs(s.uniformLoss - log(16384)) < 1e-9)
        let m = try #require(s.metrics["train/loss"])
        #expect(m.threshold == nil && m.firstBelow == nil)
        #expect(s.verdict != .converged)
        let note = try #require(s.findings.first { $0.kind == "family" })
        #expect(note.message.contains("LlamaGen") && note.message.contains("16384") && note.message.contains("log.txt"))
        #expect(s.run.restarts == 1 && s.run.restartEpochs == [2])
        #expect(s.run.status == .finished && s.run.statusReason.contains("LlamaGen's end marker"))
        #expect(!s.findings.contains { ($0.recommendation ?? "").contains("ar-ckpt") })
    }

    @Test func whatTheUserSetWins() throws {
        var o = AnalysisOptions()
        o.threshold = 7.8
        o.thresholdExplicit = true
        o.vocabSize = 8192
        o.vocabExplicit = true
        let s = Analyzer.analyze(try Self.run, options: o)
        #expect(s.vocabSize == 8192)
        let m = try #require(s.metrics["train/loss"])
        #expect(m.threshold == 7.8 && m.firstBelow != nil)
    }

    @Test func varAndUnknownFamiliesKeepVARsDefaults() {
        let csv = Run(name: "x", path: "x.csv", series: [], sources: [SourceInfo(path: "x.csv", format: .csv)])
        let (o, note) = FamilyDefaults.apply(AnalysisOptions(), to: csv)
        #expect(note == nil && o.vocabSize == 4096 && o.defaultBarApplies)
    }

    /// An Infinity fine-tune (its console as train.py and misc.py print it): read whole, told
    /// apart from VAR by its own lines, judged as a per-bit loss, its VAL lines not taken for
    /// validation.
    @Test func infinityIsReadAndJudgedAsBits() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/families/infinity-ft").path
        let run = try RunLoader.load(path)
        #expect(run.familyHint == "infinity")
        #expect(run.iterationsPerEpoch == 152 && run.epochsPlanned == 20 && run.finishedMarker)
        let mean = try #require(run.series(.trainLossMean, .epoch))
        #expect(mean.xs == Array(0..<20))
        // The epoch summaries' current values (`Lmean: best (CUR)`), not the best-so-far.
        #expect(mean.values.first.map { abs($0 - 0.653) < 1e-9 } == true)
        #expect(run.series(.trainLossTail, .iteration)?.count == 100)
        #expect(run.series(.secondsPerIteration, .epoch)?.values.allSatisfy { $0 == 5.0 } == true)
        #expect(!run.metricNames.contains { $0.rawValue.hasPrefix("val/") }, "VAL lines print training means")
        #expect(run.warnings.contains { $0.message.contains("VAL' lines print the training means") })

        let s = Analyzer.analyze(run)
        #expect(s.run.family == "infinity")
        #expect(s.vocabSize == 2 && abs(s.uniformLoss - log(2)) < 1e-9)
        #expect(s.metrics["train/loss_tail"]?.threshold == nil)
        #expect(!s.findings.contains { $0.kind == "loss-scale" }, "a per-bit loss is on its own scale")
        #expect(s.run.status == .finished && s.run.statusReason.contains("Infinity's end marker"))
        #expect(s.run.epochsCompleted == 20)
        let note = try #require(s.findings.first { $0.kind == "family" })
        #expect(note.message.contains("Infinity") && note.message.contains("ln 2"))
        #expect(s.findings.first { $0.kind == "no-validation-data" }?.recommendation?.contains("TensorBoard / W&B") == true)

        // Its log.txt alone: one object rewritten after each epoch, read for the epoch reached.
        let log = try RunLoader.load(path + "/log.txt")
        #expect(log.familyHint == "infinity" && log.epochsPlanned == 20 && log.sources[0].lastEpoch == 19)
        #expect(log.series.isEmpty, "Lnll / Ld are the best so far, not curves")
        #expect(log.warnings.contains { $0.message.contains("one object rewritten after each epoch") })
        let ls = Analyzer.analyze(log)
        #expect(ls.run.epochsCompleted == 20 && ls.run.status == .finished)
    }
}
