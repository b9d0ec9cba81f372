import Analysis
import Foundation
@testable import Render
@testable import Report
import Testing
import TrainingLog

/// The overview of runs the rules were not tuned on hides no data: no legend, rule label,
/// annotation or band label covers a plotted marker, and none lies over more than a small share
/// of any curve's length. Measured on the drawn layout (the boxes the renderer placed) against
/// the marks' own positions, computed here from the data.
@Suite struct NothingHiddenTests {
    static let runs = ["Examples/var-d16", "Tests/Fixtures/diagnosis/overfit-60", "Tests/Fixtures/diagnosis/spike-once",
                       "Tests/Fixtures/diagnosis/crashed-finetune", "Tests/Fixtures/diagnosis/nan-recovered",
                       "Tests/Fixtures/diagnosis/relaunches", "Tests/Fixtures/diagnosis/long-200", "Tests/Fixtures/families/wandb",
                       "Tests/Fixtures/families/llamagen-c2i", "Tests/Fixtures/families/infinity-ft"]

    /// The most of a curve's drawn length that text may lie over.
    static let curveShare = 0.03

    struct Coverage {
        var coveredMarkers: [String] = []
        var worstCurve: (label: String, share: Double) = ("", 0)
    }

    /// What the text boxes of one drawn panel cover of its marks.
    static func coverage(_ chart: Chart, _ drawing: ChartRenderer.Drawing) -> Coverage {
        var c = Coverage()
        let plot = drawing.plot
        let boxes = drawing.texts.map { $0.inset(by: 1) }
        func covered(_ p: Point) -> Bool { boxes.contains { $0.contains(p) } }
        for mark in chart.marks {
            switch mark.kind {
            case .point(let m):
                for (x, y) in zip(m.xs, m.ys) {
                    let p = plot.point(x, y)
                    guard p.x.isFinite, p.y.isFinite, plot.rect.contains(p), covered(p) else { continue }
                    c.coveredMarkers.append("\(m.label ?? "marker") at (\(x), \(y)) under \(boxes.filter { $0.contains(p) })")
                }
            case .line(let m):
                var total = 0.0, hidden = 0.0
                var previous: Point? = nil
                for (x, y) in zip(m.xs, m.ys) {
                    let p = plot.point(x, y)
                    guard p.x.isFinite, p.y.isFinite else { previous = nil; continue }
                    if let a = previous {
                        let mid = Point(x: (a.x + p.x) / 2, y: (a.y + p.y) / 2)
                        if plot.rect.contains(mid) {
                            let length = hypot(p.x - a.x, p.y - a.y)
                            total += length
                            if covered(mid) { hidden += length }
                        }
                    }
                    previous = p
                }
                let share = total > 0 ? hidden / total : 0
                if share > c.worstCurve.share { c.worstCurve = (m.label ?? "line", share) }
            case .area, .rule, .rectangle, .text, .heatmap:
                continue
            }
        }
        return c
    }

    @Test(arguments: runs)
    func overviewLabelsHideNoData(run path: String) throws {
        let run = try RunLoader.load(ChineseReportTests.root.appendingPathComponent(path).path)
        let model = ReportModel(summary: Analyzer.analyze(run), language: .en)
        let overview = try #require(VARFigures.overview(run: run, model: model, settings: FigureSettings()))
        let figure = overview.figure
        for (chart, drawing) in zip(figure.charts, figure.drawings()) where chart.heatmap == nil {
            let c = Self.coverage(chart, drawing)
            #expect(c.coveredMarkers.isEmpty, "\(path), \(chart.title ?? ""): text covers \(c.coveredMarkers.prefix(3))")
            #expect(c.worstCurve.share <= Self.curveShare,
                    "\(path), \(chart.title ?? ""): text lies over \(Int(c.worstCurve.share * 100)) % of \(c.worstCurve.label)")
        }
    }
}

/// The loss figure's annotations (crossings, best validation) cover no marker at the default
/// size nor in a tall, narrow one, where the validation points leave little room: an
/// annotation with no free place is left out.
@Suite struct AnnotationHidesNoMarkerTests {
    @Test(arguments: [(1000.0, 560.0), (360, 900), (500, 400)])
    func lossAnnotationsCoverNoMarker(width: Double, height: Double) throws {
        let run = try RunLoader.load(ChineseReportTests.root.appendingPathComponent("Examples/var-d16").path)
        let model = ReportModel(summary: Analyzer.analyze(run), language: .en)
        let figure = try #require(VARFigures.loss(run: run, model: model, settings: FigureSettings(width: width, height: height))).figure
        for (chart, drawing) in zip(figure.charts, figure.drawings()) {
            let c = NothingHiddenTests.coverage(chart, drawing)
            #expect(c.coveredMarkers.isEmpty, "\(Int(width))x\(Int(height)): text covers \(c.coveredMarkers.prefix(3))")
        }
    }
}

/// The legend of every panel of a narrow, tall overview fits: inside the plot area wholly, or in
/// rows above it, every entry within the plot's width.
@Suite struct LegendFitTests {
    @Test func everyLegendOfANarrowOverviewFits() throws {
        let run = try RunLoader.load(ChineseReportTests.root.appendingPathComponent("Examples/var-d16").path)
        let model = ReportModel(summary: Analyzer.analyze(run), language: .en)
        let figure = try #require(VARFigures.overview(run: run, model: model, settings: FigureSettings(width: 360, height: 900))).figure
        for (chart, d) in zip(figure.charts, figure.drawings()) {
            guard let legend = d.legend else { continue }
            if d.legendOutside {
                #expect(legend.minX >= d.plot.rect.minX - 0.5 && legend.maxX <= d.plot.rect.maxX + 0.5,
                        "\(chart.title ?? ""): legend rows \(legend) wider than the plot \(d.plot.rect)")
                for entry in d.legendEntries {
                    #expect(entry.minX >= legend.minX - 0.5 && entry.maxX <= legend.maxX + 0.5,
                            "\(chart.title ?? ""): legend entry \(entry) leaves its rows \(legend)")
                }
            } else {
                #expect(d.plot.rect.contains(legend), "\(chart.title ?? ""): legend \(legend) leaves the plot \(d.plot.rect)")
            }
        }
    }
}

/// Words that must not claim what the run does not have.
@Suite struct HonestCaptionTests {
    @Test func theLossSubtitleMentionsValidationPointsOnlyWhenThereAreSome() throws {
        for (withValidation, says) in [(true, true), (false, false)] {
            let run = SyntheticRun.make(withValidation: withValidation)
            let summary = Analyzer.analyze(run)
            let loss = try #require(VARFigures.lossChart(run: run, summary: summary, settings: FigureSettings()))
            let accuracy = try #require(VARFigures.accuracyChart(run: run, summary: summary, settings: FigureSettings()))
            #expect((loss.subtitle ?? "").contains("points: validation") == says, "\(loss.subtitle ?? "")")
            // The synthetic run validates its losses only: no validation accuracy, so no such points.
            let accuracyValidated = !MetricRoles.validationAccuracies(run.metricNames).isEmpty
            #expect((accuracy.subtitle ?? "").contains("points: validation") == accuracyValidated, "\(accuracy.subtitle ?? "")")
        }
    }

    @Test func accuracyValidationPointsAreSaidWhenDrawn() throws {
        let run = try RunLoader.load(ChineseReportTests.root.appendingPathComponent("Examples/var-d16").path)
        let chart = try #require(VARFigures.accuracyChart(run: run, summary: Analyzer.analyze(run), settings: FigureSettings()))
        #expect(chart.subtitle == "top-1 token accuracy, percent; points: validation")
    }

    @Test func theTerminalHeaderNamesNoBarWhenNoLossWasJudged() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varreport-acc-only-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var csv = "step,epoch,acc_mean,acc_tail\n"
        for e in 0..<20 { csv += "\(e * 100 + 99),\(e),\(1 + Double(e) * 0.1),\(2 + Double(e) * 0.1)\n" }
        try csv.write(to: dir.appendingPathComponent("metrics.csv"), atomically: true, encoding: .utf8)
        let run = try RunLoader.load(dir.path)
        let model = ReportModel(summary: Analyzer.analyze(run), language: .en)
        #expect(model.thresholds.isEmpty)
        let text = TerminalSummary.render(model, color: false)
        #expect(!text.contains("first <"), "\(text)")
        #expect(text.contains("first below"))
        // With a loss judged against the bar, the header says which.
        let judged = TerminalSummary.render(ReportModel(summary: Analyzer.analyze(SyntheticRun.make()), language: .en), color: false)
        #expect(judged.contains("first < 5.5"))
    }
}
