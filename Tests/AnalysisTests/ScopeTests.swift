import Foundation
import Testing
@testable import Analysis
import TrainingLog

/// `plot` analyses with scope `.figures`: what the figures draw must be exactly the full
/// analysis's, and the rest is left out.
@Suite struct ScopeTests {
    @Test func figuresScopeKeepsWhatFiguresDraw() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let run = try RunLoader.load(root.appendingPathComponent("Examples/var-d16").path)
        let full = Analyzer.analyze(run)
        var o = AnalysisOptions()
        o.scope = .figures
        let figures = Analyzer.analyze(run, options: o)
        for name in ["train/loss_tail", "train/loss_mean", "val/loss_tail", "val/loss_mean"] {
            let a = try #require(full.metrics[name]), b = try #require(figures.metrics[name])
            #expect(a.firstBelow == b.firstBelow && a.staysBelowFrom == b.staysBelowFrom && a.best == b.best, "\(name)")
            #expect(b.projection == nil)
        }
        #expect(full.metrics["train/acc_tail"] != nil && figures.metrics["train/acc_tail"] == nil)
        #expect(figures.overfitting == full.overfitting)
        #expect(figures.earlyStop == full.earlyStop)
        #expect(figures.instability.gradNormSpikes == full.instability.gradNormSpikes)
        #expect(figures.threshold == full.threshold && figures.uniformLoss == full.uniformLoss)
    }
}
