import Analysis
import Foundation
import Render
import Testing
import TrainingLog
@testable import Report

/// A fork's CSV with steps and no epochs: the figures use a step axis and place the crossing,
/// best validation, early stop and overfitting region at their steps.
@Suite struct StepOnlyFigureTests {
    /// train/loss_tail = 5.2 + 3.1 exp(-s / 300) crosses 5.5 near step 700; val/loss_tail is
    /// lowest at step 1400 and rises after it while the training loss keeps falling.
    static func run() -> Run {
        var lt = Series(name: .trainLossTail, granularity: .iteration, source: "/tmp/fork/metrics.csv")
        var vlt = Series(name: .valLossTail, granularity: .iteration, source: "/tmp/fork/metrics.csv")
        for s in 0..<3000 {
            lt.append(x: s, value: 5.2 + 3.1 * exp(-Double(s) / 300) + 0.002 * sin(Double(s)))
            if s % 200 == 199 {
                let t = Double(s)
                vlt.append(x: s, value: 5.45 + 2.9 * exp(-t / 300) + (s > 1399 ? 0.0004 * (t - 1399) : 0))
            }
        }
        return Run(name: "fork", path: "/tmp/fork", series: [lt, vlt],
                   sources: [SourceInfo(path: "/tmp/fork/metrics.csv", format: .csv)])
    }

    @Test func marksSitAtTheirSteps() throws {
        let run = Self.run()
        let summary = Analyzer.analyze(run)
        let o = summary.overfitting
        #expect(o.detected && o.bestStep == 1399 && o.bestEpoch == nil)
        let firstBelow = try #require(summary.metrics["train/loss_tail"]?.firstBelow?.step)
        let stop = try #require(summary.earlyStop?.step)

        let chart = try #require(VARFigures.lossChart(run: run, summary: summary, settings: FigureSettings()))
        #expect(chart.x.label == "step")
        let band = try #require(chart.marks.compactMap { $0 as? RectangleMark }.first)
        #expect(band.xRange.lowerBound == Double(try #require(o.onsetStep)))
        #expect(band.label == "overfitting from step \(o.onsetStep!)")
        let stars = chart.marks.compactMap { $0 as? PointMark }.filter { $0.symbol == .star }
        #expect(stars.map { $0.xs } == [[Double(firstBelow)]])
        let diamonds = chart.marks.compactMap { $0 as? PointMark }.filter { $0.symbol == .diamond }
        #expect(diamonds.map { $0.xs } == [[1399]])
        let rules = chart.marks.compactMap { $0 as? RuleMark }
        #expect(rules.contains { $0.orientation == .vertical(x: Double(stop)) && $0.label == "early stop: step \(stop)" })
        let texts = chart.marks.compactMap { $0 as? TextMark }.map(\.text)
        #expect(texts.contains { $0.hasPrefix("Lt < 5.5: step \(firstBelow)") })
    }

    /// The key-numbers table and the run's facts speak in steps too.
    @Test func tableAndFactsSpeakInSteps() throws {
        let summary = Analyzer.analyze(Self.run())
        let m = try #require(summary.metrics["train/loss_tail"])
        let model = ReportModel(summary: summary)
        let row = try #require(model.keyRows.first { $0.name == "train/loss_tail" })
        #expect(row.firstBelow == "step \(m.firstBelow!.step!)")
        #expect(row.staysBelow == "step \(try #require(m.staysBelowFromStep))")
        #expect(row.bestAt == "step \(try #require(m.best.step))")
        let terminal = TerminalSummary.render(model, color: false)
        #expect(terminal.contains("logged to step 2999 (no epochs in the logs)"))
        #expect(summary.run.lastStep == 2999)
        let incomplete = try #require(summary.findings.first { $0.kind == "incomplete" })
        #expect(incomplete.message.hasPrefix("The logs do not say whether the run finished: training was logged up to step 2999"))
    }

    /// An epoch run keeps its epoch axis and epoch labels.
    @Test func epochRunsKeepEpochs() throws {
        let run = SyntheticRun.make()
        let chart = try #require(VARFigures.lossChart(run: run, summary: Analyzer.analyze(run), settings: FigureSettings()))
        #expect(chart.x.label == "epoch")
        let texts = chart.marks.compactMap { $0 as? TextMark }.map(\.text)
        #expect(texts.contains { $0.contains(": epoch 29") })
    }
}
