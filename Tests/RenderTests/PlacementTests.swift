import Testing
@testable import Render

@Suite struct PlacementTests {
    private func legendCorner(_ chart: Chart) throws -> String {
        let d = try #require(Figure(chart, width: 600, height: 400).drawings().first)
        let legend = try #require(d.legend)
        let top = legend.midY < d.plot.rect.midY, left = legend.midX < d.plot.rect.midX
        return (top ? "top" : "bottom") + (left ? "Left" : "Right")
    }

    @Test func autoLegendAvoidsARisingLine() throws {
        let xs = (0...100).map(Double.init)
        let chart = Chart(marks: [LineMark(xs: xs, ys: xs, label: "rising"), LineMark(xs: xs, ys: xs.map { $0 * 0.9 }, label: "also")])
        // The line runs through the bottom-left and top-right corners: the top-left is free.
        #expect(try legendCorner(chart) == "topLeft")
    }

    /// Data in all four corners (a U and a floor) and none in the middle of the top edge: the
    /// legend goes there, centred, rather than over data in a corner.
    @Test func autoLegendTakesTheTopMiddleWhenEveryCornerIsCovered() throws {
        let xs = (0...100).map(Double.init)
        let chart = Chart(marks: [
            LineMark(xs: xs, ys: xs.map { 1 + 9 * pow(($0 - 50) / 50, 2) }, label: "U"),
            LineMark(xs: xs, ys: xs.map { _ in 0.2 }, label: "floor"),
        ])
        let d = try #require(Figure(chart, width: 600, height: 400).drawings().first)
        let legend = try #require(d.legend)
        #expect(abs(legend.midX - d.plot.rect.midX) < 1 && legend.midY < d.plot.rect.midY)
    }

    /// A subtitle longer than a narrow panel is set smaller and ends inside the figure: the
    /// image's last columns, on the subtitle's rows, stay background.
    @Test func longSubtitleEndsInsideTheFigure() throws {
        let xs = (0...10).map(Double.init)
        let words = "faint: raw iterations; bold: TensorBoard-smoothed (weight 0.999); points: validation"
        let chart = Chart(title: "Loss", subtitle: words, marks: [LineMark(xs: xs, ys: xs)])
        let fig = Figure(chart, width: 380, height: 260, theme: .dark)
        let img = try Support.decodePNG(try fig.pngData())
        let plot = try #require(fig.plotArea())
        let background = img.rgba(img.width - 1, 2)
        for y in 20..<Int(plot.rect.minY) - 4 {
            for x in (img.width - 4)..<img.width {
                let p = img.rgba(x, y)
                #expect(abs(Int(p.r) - Int(background.r)) < 16 && abs(Int(p.g) - Int(background.g)) < 16, "text at (\(x), \(y))")
            }
        }
    }

    @Test func autoLegendPrefersTopRightForADecayingLoss() throws {
        let xs = (0...100).map(Double.init)
        let chart = Chart(marks: [LineMark(xs: xs, ys: xs.map { 5.3 + 3 * exp(-$0 / 15) }, label: "loss")])
        #expect(try legendCorner(chart) == "topRight")
    }

    @Test func fixedLegendPlacementIsHonoured() throws {
        let xs = (0...100).map(Double.init)
        let chart = Chart(legend: .bottomLeft, marks: [LineMark(xs: xs, ys: xs, label: "rising")])
        #expect(try legendCorner(chart) == "bottomLeft")
        let none = Chart(legend: .none, marks: [LineMark(xs: xs, ys: xs, label: "rising")])
        #expect(Figure(none).drawings().first?.legend == nil)
    }

    @Test func annotationNearTheEdgeStaysInsideAndOffOtherText() throws {
        let xs = (0...100).map(Double.init)
        let ys = xs.map { 5.3 + 3 * exp(-$0 / 15) }
        let chart = Chart(marks: [
            LineMark(xs: xs, ys: ys, label: "loss"),
            RuleMark(y: 5.5, label: "threshold 5.5"),
            // Points up-right from the top-right corner: would leave the plot as asked.
            TextMark(x: 99, y: ys[99], text: "a long annotation at the last epoch", offset: (30, 30)),
            TextMark(x: 0, y: ys[0], text: "start"),
        ])
        let d = try #require(Figure(chart, width: 600, height: 400).drawings().first)
        #expect(d.texts.count == 4)   // legend, rule label, two annotations
        for t in d.texts { #expect(d.plot.rect.contains(t), "\(t) leaves \(d.plot.rect)") }
        for (i, a) in d.texts.enumerated() {
            for b in d.texts[(i + 1)...] { #expect(!a.intersects(b), "\(a) overlaps \(b)") }
        }
    }

    @Test func bandLabelFallsBackToTheLegendWhenTooNarrow() throws {
        let xs = (0...100).map(Double.init)
        let narrow = Chart(marks: [LineMark(xs: xs, ys: xs), RectangleMark(xRange: 50...51, label: "a rather long band label")])
        #expect(Figure(narrow, width: 600, height: 400).drawings().first?.legend != nil)
        let wide = Chart(marks: [LineMark(xs: xs, ys: xs), RectangleMark(xRange: 10...90, label: "band")])
        let d = try #require(Figure(wide, width: 600, height: 400).drawings().first)
        #expect(d.legend == nil && d.texts.count == 1)
    }

    /// A legend box wider than a narrow plot does not go inside (where it would run off the
    /// figure): its rows go above the plot, whether placed automatically or in a given corner.
    @Test func aLegendWiderThanThePlotGoesAbove() throws {
        let xs = (0...100).map(Double.init)
        for placement in [LegendPlacement.auto, .topLeft, .bottomRight] {
            let chart = Chart(legend: placement, marks: [
                LineMark(xs: xs, ys: xs.map { 5 + 3 * exp(-$0 / 15) }, label: "train/loss_tail (smoothed, TensorBoard weight 0.9), raw"),
                LineMark(xs: xs, ys: xs.map { 6 + 3 * exp(-$0 / 15) }, color: Palette.color(1), label: "val"),
            ])
            let d = try #require(Figure(chart, width: 300, height: 400).drawings().first)
            let legend = try #require(d.legend)
            #expect(d.legendOutside, "\(placement): legend \(legend) inside the plot \(d.plot.rect)")
            #expect(legend.minX >= 0 && legend.maxX <= 300, "\(placement): legend \(legend) leaves the figure")
        }
    }

    /// Legend rows above a narrow plot end within it: an entry wider than the band alone is cut
    /// with an ellipsis, so the columns right of the plot, on the legend's rows, stay background.
    @Test func aLegendEntryWiderThanTheBandIsShortened() throws {
        let xs = (0...100).map(Double.init)
        let chart = Chart(marks: [
            LineMark(xs: xs, ys: xs.map { 5 + 3 * exp(-$0 / 15) }, label: "opt/grad_norm (smoothed with TensorBoard's debiased EMA, weight 0.9)"),
            LineMark(xs: xs, ys: xs.map { 6 + 3 * exp(-$0 / 15) }, color: Palette.color(1), label: "val"),
        ])
        let fig = Figure(chart, width: 300, height: 400)
        let d = try #require(fig.drawings().first)
        let legend = try #require(d.legend)
        #expect(d.legendOutside)
        for entry in d.legendEntries { #expect(entry.maxX <= d.plot.rect.maxX + 0.5, "\(entry) passes \(d.plot.rect)") }
        let img = try Support.decodePNG(try fig.pngData())
        let background = img.rgba(img.width - 1, img.height - 1)
        for y in Int(legend.minY)..<Int(legend.maxY) {
            for x in Int(d.plot.rect.maxX.rounded(.up)) + 1..<img.width {
                let p = img.rgba(x, y)
                #expect(abs(p.r - background.r) < 16 && abs(p.g - background.g) < 16 && abs(p.b - background.b) < 16, "ink at (\(x), \(y))")
            }
        }
    }

    /// An annotation whose every place would cover a marker is left out (its point stays); one
    /// with a free place is drawn there, over no marker.
    @Test func anAnnotationCoversNoMarker() throws {
        // A dense grid of markers around (50, 50) but none far to the lower right.
        var gx: [Double] = [], gy: [Double] = []
        for x in stride(from: 0.0, through: 100, by: 4) {
            for y in stride(from: 0.0, through: 100, by: 4) where !(x > 70 && y < 30) { gx.append(x); gy.append(y) }
        }
        let grid = PointMark(xs: gx, ys: gy, size: 5, label: "grid")
        let axes = (x: Axis(domain: 0...100), y: Axis(domain: 0...100))
        let crowded = Chart(x: axes.x, y: axes.y, legend: .none, marks: [grid, TextMark(x: 50, y: 50, text: "no room here")])
        let d = try #require(Figure(crowded, width: 600, height: 400).drawings().first)
        #expect(d.texts.isEmpty, "\(d.texts)")
        // Near the free corner, the text goes there (mirrored or farther) and covers no marker.
        let roomy = Chart(x: axes.x, y: axes.y, legend: .none, marks: [grid, TextMark(x: 70, y: 32, text: "room", offset: (-20, 20))])
        let r = try #require(Figure(roomy, width: 600, height: 400).drawings().first)
        let box = try #require(r.texts.first)
        for (x, y) in zip(gx, gy) { #expect(!box.inset(by: 1).contains(r.plot.point(x, y)), "covers (\(x), \(y))") }
    }

    /// A legend that fits stays in its given corner.
    @Test func aLegendThatFitsStaysInItsCorner() throws {
        let xs = (0...100).map(Double.init)
        let chart = Chart(legend: .topLeft, marks: [LineMark(xs: xs, ys: xs, label: "rising")])
        let d = try #require(Figure(chart, width: 300, height: 400).drawings().first)
        let legend = try #require(d.legend)
        #expect(!d.legendOutside && d.plot.rect.contains(legend))
    }
}

import Foundation
