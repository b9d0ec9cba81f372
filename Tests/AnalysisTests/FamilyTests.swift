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
}
