import Analysis
import Foundation
import Render
@testable import Report
import Testing
@testable import TrainingLog

/// The learning-rate figure draws exact values only where a precise source has them (never the
/// console's two-digit `tlr` in between), and a constant series is a sentence, not a panel.
@Suite struct OptimizerFigureTests {
    /// A run of one file of `format` with the given iteration series.
    static func part(_ format: SourceFormat, _ path: String, _ series: [Series]) -> Run {
        Run(name: "lr-run", path: "/tmp/lr-run", iterationsPerEpoch: 100, series: series,
            sources: [SourceInfo(path: path, format: format, firstStep: series.first?.xs.first, lastStep: series.first?.xs.last)])
    }

    /// A cosine schedule, exactly and as VAR's console prints it (`%.2g`).
    static func schedule(_ step: Int) -> Double { 1e-4 * (0.5 + 0.5 * cos(Double(step) / 1500 * .pi)) }
    static func printed(_ v: Double) -> Double { Double(String(format: "%.2g", v))! }

    /// TensorBoard logs every 10 steps up to `tbLast`; the console every 5 steps up to 1490.
    static func mergedRun(tbLast: Int) -> Run {
        var tb = Series(name: .learningRate, granularity: .iteration, source: "/tmp/lr-run/tb/events.out.tfevents.1")
        for s in stride(from: 0, through: tbLast, by: 10) { tb.append(x: s, value: schedule(s)) }
        var console = Series(name: .learningRate, granularity: .iteration, source: "/tmp/lr-run/stdout.txt")
        for s in stride(from: 0, through: 1490, by: 5) { console.append(x: s, value: printed(schedule(s))) }
        var loss = Series(name: .trainLossTail, granularity: .iteration, source: "/tmp/lr-run/stdout.txt")
        for s in stride(from: 0, through: 1490, by: 5) { loss.append(x: s, value: 8 - Double(s) / 1000) }
        return RunMerger.merge([part(.varStdout, "/tmp/lr-run/stdout.txt", [console, loss]),
                                part(.tensorBoard, "/tmp/lr-run/tb/events.out.tfevents.1", [tb])])
    }

    @Test func consoleValuesDoNotFillGapsBetweenExactOnes() throws {
        let run = Self.mergedRun(tbLast: 1490)
        let lr = try #require(run.series(.learningRate, .iteration))
        // Only TensorBoard's points: every value is the exact schedule, none the rounded print.
        #expect(lr.count == 150)
        for (s, v) in zip(lr.xs, lr.values) { #expect(v == Self.schedule(s)) }
        let note = try #require(run.roundedConsoleValues.first)
        #expect(note.name == .learningRate && note.preciseFormat == .tensorBoard)
        #expect(note.leftOut == 299 && note.filledBeyond == 0)
        #expect(note.preciseRange == 0...1490)
        // The loss, which only the console has, is untouched.
        #expect(run.series(.trainLossTail, .iteration)?.count == 299)
    }

    @Test func consoleValuesBeyondTheExactOnesAreDrawnFaintAndSaid() throws {
        let run = Self.mergedRun(tbLast: 990)
        let lr = try #require(run.series(.learningRate, .iteration))
        #expect(lr.count == 100 + 100)  // 0...990 by 10 from TensorBoard, 995...1490 by 5 from the console
        let note = try #require(run.roundedConsoleValues.first)
        #expect(note.filledBeyond == 100 && note.leftOut == 199)

        let chart = try #require(VARFigures.learningRateChart(run: run, settings: FigureSettings(xAxis: .step)))
        let lines = chart.marks.compactMap { $0 as? LineMark }
        let exact = try #require(lines.first { $0.label == "opt/lr" })
        let faint = try #require(lines.first { $0.label != "opt/lr" })
        #expect(faint.opacity < 1)
        for (x, y) in zip(exact.xs, exact.ys) where y.isFinite {
            #expect(x <= 990)
            #expect(y == Self.schedule(Int(x)))
        }
        for (x, y) in zip(faint.xs, faint.ys) where y.isFinite { #expect(x > 990) }
        #expect(chart.subtitle?.contains("faint") == true)

        let summary = Analyzer.analyze(run)
        let figures = VARFigures.all(run: run, model: ReportModel(summary: summary), settings: FigureSettings())
        let optimizer = try #require(figures.first { $0.id == "optimizer" })
        #expect(optimizer.caption.contains("TensorBoard's exact values"))
        #expect(optimizer.caption.contains("faint only at the 100 steps"))
    }

    @Test func constantWeightDecayIsASentenceNotAPanel() throws {
        var run = SyntheticRun.make()
        var wd = Series(name: .weightDecay, granularity: .iteration, source: "/tmp/synthetic/stdout.txt")
        for s in stride(from: 0, to: 6000, by: 20) { wd.append(x: s, value: 0.05) }
        run.series.append(wd)
        let model = ReportModel(summary: Analyzer.analyze(run))
        let optimizer = try #require(VARFigures.all(run: run, model: model, settings: FigureSettings()).first { $0.id == "optimizer" })
        #expect(optimizer.figure.charts.count == 1)
        #expect(optimizer.figure.charts[0].title == "Learning rate")
        #expect(optimizer.caption.hasSuffix("Weight decay was constant at 0.05."))

        // In Chinese too, after the Chinese caption.
        let zh = ReportModel(summary: Analyzer.analyze(run), language: .zh)
        let zhOptimizer = try #require(VARFigures.all(run: run, model: zh, settings: FigureSettings()).first { $0.id == "optimizer" })
        #expect(zhOptimizer.caption.hasSuffix("权重衰减始终为 0.05。"))
    }

    @Test func constantLearningRateLeavesThePanelsAndIsInTheOverviewTitle() throws {
        var run = SyntheticRun.make()
        var lr = Series(name: .learningRate, granularity: .iteration, source: "/tmp/synthetic/stdout.txt")
        for s in stride(from: 0, to: 6000, by: 20) { lr.append(x: s, value: 3e-4) }
        run.series.removeAll { $0.name == .learningRate }
        run.series.append(lr)
        let model = ReportModel(summary: Analyzer.analyze(run))
        #expect(VARFigures.all(run: run, model: model, settings: FigureSettings()).contains { $0.id == "optimizer" } == false)
        let overview = try #require(VARFigures.overview(run: run, model: model, settings: FigureSettings()))
        #expect(!overview.figure.charts.contains { $0.title == "Learning rate" })
        #expect(overview.figure.title?.contains("Learning rate was constant at") == true, "\(overview.figure.title ?? "")")
    }

    @Test func theExampleRunDrawsTensorBoardsLearningRateOnly() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let run = try RunLoader.load(root.appendingPathComponent("Examples/var-d16").path)
        let lr = try #require(run.series(.learningRate, .iteration))
        #expect(lr.source.contains("tfevents"))
        let note = try #require(run.roundedConsoleValues.first { $0.name == .learningRate })
        #expect(note.leftOut > 0)
        // No point of the drawn curve is a two-digit print that TensorBoard's neighbours contradict:
        // the curve is piecewise monotone, without the sawtooth an interleaving makes.
        let v = lr.values
        var turns = 0
        for i in 1..<(v.count - 1) where (v[i] - v[i - 1]) * (v[i + 1] - v[i]) < 0 { turns += 1 }
        #expect(turns <= 4)
    }
}
