import Testing
@testable import Render

@Suite struct ScaleTests {
    @Test func linearMapsEndsAndMiddle() {
        let m = ScaleMapper(scale: .linear, domain: 0...10, start: 100, end: 300)
        #expect(m(0) == 100)
        #expect(m(10) == 300)
        #expect(m(2.5) == 150)
        #expect(abs(m.invert(150) - 2.5) < 1e-12)
    }

    @Test func yAxisGrowsUpwards() {
        let area = PlotArea(rect: Rect(x: 50, y: 20, width: 400, height: 200), xScale: .linear, xDomain: 0...4,
                            yScale: .linear, yDomain: 5...9)
        let p = area.point(0, 5)
        #expect(p.x == 50 && p.y == 220)
        let q = area.point(4, 9)
        #expect(q.x == 450 && q.y == 20)
    }

    @Test func logScaleMapsDecadesEvenly() {
        let m = ScaleMapper(scale: .log10, domain: 0.01...100, start: 0, end: 400)
        #expect(abs(m(0.01)) < 1e-9)
        #expect(abs(m(0.1) - 100) < 1e-9)
        #expect(abs(m(1) - 200) < 1e-9)
        #expect(abs(m(100) - 400) < 1e-9)
        #expect(m(0).isNaN && m(-1).isNaN)
        #expect(abs(m.invert(300) - 10) < 1e-9)
    }

    @Test func nonFiniteValuesAreNotMapped() {
        let m = ScaleMapper(scale: .linear, domain: 0...1, start: 0, end: 1)
        #expect(m(.nan).isNaN && m(.infinity).isNaN)
    }

    @Test func fittedDomainsPadTheData() {
        let chart = Chart(marks: [LineMark(xs: [0, 10], ys: [1, 2]), RuleMark(y: 3)])
        let d = ChartDomains(chart: chart)
        #expect(abs(d.x.lowerBound - -0.2) < 1e-12 && abs(d.x.upperBound - 10.2) < 1e-12)
        // The rule at 3 is part of the y domain.
        #expect(d.y.upperBound > 3 && d.y.lowerBound < 1)
    }

    @Test func logDomainIgnoresNonPositiveValues() {
        let chart = Chart(y: Axis(scale: .log10, margin: 0), marks: [LineMark(xs: [0, 1, 2], ys: [0, 0.1, 1000])])
        let d = ChartDomains(chart: chart)
        #expect(abs(d.y.lowerBound - 0.1) < 1e-12 && abs(d.y.upperBound - 1000) < 1e-9)
    }
}
