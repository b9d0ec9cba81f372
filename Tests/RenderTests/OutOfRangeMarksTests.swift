import CCairo
import Foundation
import Testing
@testable import Render

/// Values beyond a fixed y range are marked at the edge: every separate excursion gets its own
/// arrowhead, and a value label is only ever drawn beside its own arrowhead.
@Suite struct OutOfRangeMarksTests {
    /// The plot area of a 600 x 400 figure of `chart` and the excursions that get an arrowhead.
    static func arrowheads(_ chart: Chart) throws -> (plot: PlotArea, excursions: [ChartRenderer.Excursion]) {
        let figure = Figure(chart, width: 600, height: 400)
        let plot = try #require(figure.plotArea())
        let surface = try #require(cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nil))
        defer { cairo_surface_destroy(surface) }
        let cr = try #require(cairo_create(surface))
        defer { cairo_destroy(cr) }
        let renderer = ChartRenderer(chart: chart, canvas: Canvas(cr: cr, fontFamily: figure.theme.fontFamily), theme: figure.theme,
                                     s: figure.resolvedTextScale, pixelsPerPoint: 1, vector: true)
        return (plot, renderer.excursions(plot))
    }

    /// A loss coming down from far above a focused range, with one spike above it shortly after.
    static func startAndSpike(spikeAt: Int) -> Chart {
        let xs = (0...100).map(Double.init)
        var ys = xs.map { 1 + 9 * exp(-$0 / 2) }
        ys[spikeAt] = 7
        return Chart(y: Axis(domain: 0...5), marks: [LineMark(xs: xs, ys: ys, label: "loss")])
    }

    /// The curve's start (its extreme at x 0) and a spike 8 epochs later (about 40 points) are
    /// separate excursions: the start must not swallow the spike.
    @Test func aSpikeAfterTheStartGetsItsOwnArrowhead() throws {
        let (plot, top) = try Self.arrowheads(Self.startAndSpike(spikeAt: 8))
        #expect(plot.x(8) - plot.x(0) < 60)
        #expect(top.contains { $0.above && $0.x == 0 && $0.value == 10 }, "\(top)")
        #expect(top.contains { $0.above && $0.x == 8 && $0.value == 7 }, "\(top)")
    }

    /// Many spikes, of two series, each separated by points back inside: one arrowhead each.
    @Test func everySeparateExcursionIsMarked() throws {
        let xs = (0...100).map(Double.init)
        var a = xs.map { _ in 2.0 }, b = xs.map { _ in 3.0 }
        for i in stride(from: 10, through: 90, by: 10) { a[i] = 6 + Double(i) / 100 }
        for i in [15, 45] { b[i] = -1 }
        let chart = Chart(y: Axis(domain: 0...5), marks: [LineMark(xs: xs, ys: a, label: "a"),
                                                          LineMark(xs: xs, ys: b, color: Palette.color(1), label: "b")])
        let (_, marks) = try Self.arrowheads(chart)
        #expect(Set(marks.filter(\.above).map(\.x)) == Set(stride(from: 10.0, through: 90, by: 10)))
        #expect(Set(marks.filter { !$0.above }.map(\.x)) == [15, 45])
    }

    /// A run of several points beyond the edge is one excursion, marked at its extreme.
    @Test func aRunIsMarkedOnceAtItsExtreme() throws {
        let xs = (0...100).map(Double.init)
        let ys: [Double] = xs.map { (40...46).contains($0) ? ($0 == 43 ? 8 : 6) : 2 }
        let (_, marks) = try Self.arrowheads(Chart(y: Axis(domain: 0...5), marks: [LineMark(xs: xs, ys: ys)]))
        #expect(marks.count == 1 && marks.first?.x == 43 && marks.first?.value == 8)
    }

    /// The value labels that are not directly beside their own arrowhead (within 3 points, and
    /// nearer to it than to any other arrowhead): each would be read as another excursion's value.
    static func misplacedLabels(_ d: ChartRenderer.Drawing) -> [String] {
        var out: [String] = []
        for m in d.edgeMarks {
            guard let label = m.label else { continue }
            let own = label.distance(to: m.arrow)
            let nearestOther = d.edgeMarks.filter { $0.arrow != m.arrow }.map { label.distance(to: $0.arrow) }.min() ?? .infinity
            if own > 3 || nearestOther <= own {
                out.append("\(m.excursion.value) at x \(m.excursion.x): \(own) pt from its arrowhead, \(nearestOther) from another")
            }
        }
        return out
    }

    /// Spikes 4 epochs apart (about 20 points), too close for a label between them: arrowheads
    /// only, no label beside a neighbour's arrowhead.
    @Test func crowdedArrowheadsGetNoAmbiguousLabel() throws {
        let xs = (0...100).map(Double.init)
        var ys = xs.map { _ in 2.0 }
        for i in stride(from: 40, through: 60, by: 4) { ys[i] = 6 + Double(i) / 100 }
        let chart = Chart(y: Axis(domain: 0...5), marks: [LineMark(xs: xs, ys: ys, label: "loss")])
        let d = try #require(Figure(chart, width: 600, height: 400).drawings().first)
        #expect(d.edgeMarks.count == 6)
        #expect(Self.misplacedLabels(d).isEmpty, "\(Self.misplacedLabels(d))")
    }

    /// A lone excursion has room: its value is written beside its arrowhead.
    @Test func aLoneExcursionIsLabelledBesideItsArrowhead() throws {
        let xs = (0...100).map(Double.init)
        let chart = Chart(y: Axis(domain: 0...5), marks: [LineMark(xs: xs, ys: xs.map { $0 == 50 ? 7.25 : 2 }, label: "loss")])
        let d = try #require(Figure(chart, width: 600, height: 400).drawings().first)
        #expect(d.edgeMarks.count == 1 && d.edgeMarks.first?.label != nil)
        #expect(Self.misplacedLabels(d).isEmpty, "\(Self.misplacedLabels(d))")
    }
}
