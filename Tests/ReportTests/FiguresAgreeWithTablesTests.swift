import Analysis
import Foundation
import Render
@testable import Report
import Testing
import TrainingLog

/// Every value the key-numbers table reports is drawn: each row's last value lies on a curve or
/// point of a figure, and each validation metric's best value has a mark at its epoch.
@Suite struct FiguresAgreeWithTablesTests {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// A run in a fork's generic names, as a CSV in a temporary folder.
    static func genericRun(train: String, validation: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varreport-generic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var csv = "epoch,\(train),\(validation)\n"
        for e in 0..<60 {
            let t = 5.0 + 3.3 * exp(-Double(e) / 10) + 0.01 * sin(Double(e))
            let v = 5.3 + 3.0 * exp(-Double(e) / 10) + (e > 35 ? 0.004 * Double((e - 35) * (e - 35)) / 10 : 0)
            csv += e % 5 == 4 ? "\(e),\(t),\(v)\n" : "\(e),\(t),\n"
        }
        try csv.write(toFile: dir + "/metrics.csv", atomically: true, encoding: .utf8)
        return dir
    }

    static func runs() throws -> [String] {
        [
            root.appendingPathComponent("Examples/var-d16").path,
            root.appendingPathComponent("Tests/Fixtures/diagnosis/overfit-60").path,
            root.appendingPathComponent("Tests/Fixtures/readers/var-run").path,
            try genericRun(train: "train/loss", validation: "val/loss"),
            try genericRun(train: "loss", validation: "val_loss"),
            try genericRun(train: "train/loss", validation: "eval/loss"),
        ]
    }

    static func marks(_ figures: [NamedFigure]) -> [any Mark] { figures.flatMap { $0.figure.charts.flatMap(\.marks) } }

    static func draws(_ marks: [any Mark], x: Double?, y: Double) -> Bool {
        marks.contains { mark in
            let pairs: [(Double, Double)]
            if let l = mark as? LineMark { pairs = Array(zip(l.xs, l.ys)) }
            else if let p = mark as? PointMark { pairs = Array(zip(p.xs, p.ys)) }
            else { return false }
            return pairs.contains { px, py in abs(py - y) <= 1e-9 * max(1, abs(y)) && (x.map { abs(px - $0) < 1e-9 } ?? true) }
        }
    }

    @Test(arguments: try runs())
    func everyKeyRowHasAMark(path: String) throws {
        let run = try RunLoader.load(path)
        let summary = Analyzer.analyze(run)
        let model = ReportModel(summary: summary)
        let figures = VARFigures.all(run: run, model: model, settings: FigureSettings())
        let ids = Set(figures.map(\.id))
        let marks = Self.marks(figures)
        let x = XMapping(run: run, requested: .epoch)
        #expect(!model.keyRows.isEmpty)
        for row in model.keyRows {
            let m = try #require(summary.metrics[row.name])
            if m.kind == "loss" { #expect(ids.contains("loss"), "\(path): \(row.name) but no loss figure") }
            if m.kind == "accuracy" { #expect(ids.contains("accuracy"), "\(path): \(row.name) but no accuracy figure") }
            let drawn = Self.draws(marks, x: nil, y: m.last.value)
            #expect(drawn, "\(path): last \(row.name) \(m.last.value) (\(m.granularity)) is not drawn")
            if MetricName(row.name).isValidation {
                let bx = x.x(epoch: m.best.epoch, step: m.best.step)
                let diamond = marks.compactMap { $0 as? PointMark }.contains { p in
                    p.symbol == .diamond && zip(p.xs, p.ys).contains { $0 == bx && abs($1 - m.best.value) < 1e-9 }
                }
                #expect(diamond, "\(path): best \(row.name) has no mark")
            }
        }
        // The overfitting region the findings speak of is drawn.
        if summary.overfitting.detected {
            let region = marks.contains { $0 is RectangleMark }
            #expect(region, "\(path): overfitting but no region")
        }
    }
}
