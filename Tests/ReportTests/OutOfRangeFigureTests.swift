import Analysis
import Foundation
@testable import Render
@testable import Report
import Testing
import TrainingLog

/// The edge marks of values beyond a focused or `--ylim` range, on real runs' figures.
@Suite struct OutOfRangeFigureTests {
    static func lossFigure(_ path: String, _ settings: FigureSettings = FigureSettings()) throws -> Figure {
        let run = try RunLoader.load(ChineseReportTests.root.appendingPathComponent(path).path)
        let model = ReportModel(summary: Analyzer.analyze(run), language: .en)
        return try #require(VARFigures.loss(run: run, model: model, settings: settings)).figure
    }

    /// spike-once: Lt 7.700 at epoch 6.5 passes the top of the focused range; it gets its own
    /// arrowhead, apart from the one of the curve coming down from ln V at epoch 0.
    @Test func theSpikeBeyondTheFocusedRangeIsMarked() throws {
        let figure = try Self.lossFigure("Tests/Fixtures/diagnosis/spike-once")
        let drawing = try #require(figure.drawings().first)
        let top = drawing.edgeMarks.map(\.excursion).filter(\.above)
        #expect(top.contains { (6...7).contains($0.x) && abs($0.value - 7.7) < 0.01 }, "\(top)")
        #expect(top.contains { $0.x < 1 && $0.value > 8 }, "\(top)")
    }

    /// The value labels not directly beside their own arrowhead (as RenderTests'
    /// `OutOfRangeMarksTests.misplacedLabels`: within 3 points, nearer to it than to any other).
    static func misplacedLabels(_ d: ChartRenderer.Drawing) -> [String] {
        d.edgeMarks.compactMap { m in
            guard let label = m.label else { return nil }
            let own = label.distance(to: m.arrow)
            let other = d.edgeMarks.filter { $0.arrow != m.arrow }.map { label.distance(to: $0.arrow) }.min() ?? .infinity
            return own > 3 || other <= own ? "\(m.excursion.value) at x \(m.excursion.x): \(own) pt from its arrowhead, \(other) from another" : nil
        }
    }

    /// var-d16 with `--ylim 5.3:5.6` (raw noise through both edges) and its tall, narrow
    /// overview: every value label is directly beside its own arrowhead.
    @Test func valueLabelsSitBesideTheirOwnArrowheads() throws {
        let run = try RunLoader.load(ChineseReportTests.root.appendingPathComponent("Examples/var-d16").path)
        let model = ReportModel(summary: Analyzer.analyze(run), language: .en)
        let ylim = try #require(VARFigures.loss(run: run, model: model, settings: FigureSettings(yRange: 5.3...5.6))).figure
        let tall = try #require(VARFigures.overview(run: run, model: model, settings: FigureSettings(width: 360, height: 900))).figure
        for (name, figure) in [("ylim", ylim), ("tall overview", tall)] {
            for d in figure.drawings() {
                let wrong = Self.misplacedLabels(d)
                #expect(wrong.isEmpty, "\(name): \(wrong)")
            }
        }
        // Some values are still told.
        #expect(ylim.drawings().first?.edgeMarks.contains { $0.label != nil } == true)
    }
}
