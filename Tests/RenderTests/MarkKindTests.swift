import Testing
@testable import Render

/// The set of marks is closed: every mark is one of `MarkKind`'s cases, and a mark type of a
/// caller's own is drawn as the kind it says it is, never skipped.
@Suite struct MarkKindTests {
    /// A caller's own mark: a threshold that is drawn as a labelled horizontal rule.
    struct Threshold: Mark {
        var value: Double
        var kind: MarkKind { .rule(RuleMark(y: value, label: "threshold \(value)")) }
    }

    @Test func everyMarkIsItsOwnKind() {
        let marks: [any Mark] = [
            LineMark(xs: [0, 1], ys: [0, 1]), RuleMark(y: 0.5), RectangleMark(xRange: 0...1),
            AreaMark(xs: [0, 1], lower: [0, 0], upper: [1, 1]), PointMark(x: 0, y: 0), TextMark(x: 0, y: 0, text: "t"),
            HeatmapMark(xEdges: [0, 1], categories: ["a"], values: [[1]]),
        ]
        let kinds = marks.map { mark -> String in
            switch mark.kind {
            case .line: "line"
            case .rule: "rule"
            case .rectangle: "rectangle"
            case .area: "area"
            case .point: "point"
            case .text: "text"
            case .heatmap: "heatmap"
            }
        }
        #expect(kinds == ["line", "rule", "rectangle", "area", "point", "text", "heatmap"])
    }

    @Test func aCallersOwnMarkIsDrawnAsItsKind() throws {
        let xs = (0...10).map(Double.init)
        let own = Chart(legend: .none, marks: [LineMark(xs: xs, ys: xs), Threshold(value: 12)])
        let rule = Chart(legend: .none, marks: [LineMark(xs: xs, ys: xs), RuleMark(y: 12, label: "threshold 12.0")])
        let a = try #require(Figure(own, width: 400, height: 250).drawings().first)
        let b = try #require(Figure(rule, width: 400, height: 250).drawings().first)
        // The rule widens the y domain past the line's 10 and its label is placed, as a RuleMark's.
        #expect(a.plot.y.domain.upperBound > 12)
        #expect(a.texts.count == 1 && a.texts == b.texts)
        #expect(try Figure(own, width: 400, height: 250).pngData() == Figure(rule, width: 400, height: 250).pngData())
    }
}
