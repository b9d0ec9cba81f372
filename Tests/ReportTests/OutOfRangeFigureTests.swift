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
}
