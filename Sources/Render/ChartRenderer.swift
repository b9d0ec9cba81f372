import CCairo
import Foundation

/// Lays out and draws one `Chart` into a frame of a `Canvas`: margins measured with Pango, ticks,
/// grid, marks clipped to the plot area, axes, then the text layers (band and rule labels, legend,
/// annotations), each placed to avoid the ones before it.
struct ChartRenderer {
    let chart: Chart
    let canvas: Canvas
    let theme: Theme
    /// Text and line scale (see `Figure.resolvedTextScale`).
    let s: Double
    /// Device pixels per point, used to pick the decimation width.
    let pixelsPerPoint: Double
    /// Drawing for a vector file (PDF, SVG; also layout queries) rather than pixels. Said by the
    /// caller: a PNG is drawn through a recording surface too (`Figure.pngData`).
    let vector: Bool

    var tickStyle: TextStyle { TextStyle(size: theme.tickSize * s, color: theme.secondaryForeground) }
    var labelStyle: TextStyle { TextStyle(size: theme.labelSize * s, color: theme.foreground) }
    var titleStyle: TextStyle { TextStyle(size: theme.panelTitleSize * s, bold: true, color: theme.foreground) }
    var subtitleStyle: TextStyle { TextStyle(size: theme.labelSize * s, color: theme.secondaryForeground) }
    var tickLength: Double { 4 * s }

    /// Resolved axis ticks with their labels.
    struct AxisTicks {
        var major: [Double]
        var minor: [Double]
        var labels: [String]
    }

    // MARK: layout

    /// Computes the plot area for `frame` (exposed for tests and for callers that overlay marks).
    func layout(in frame: Rect) -> (plot: PlotArea, xTicks: AxisTicks, yTicks: AxisTicks, titleTop: Double) {
        let domains = ChartDomains(chart: chart)
        let pad = 8 * s
        var top = frame.minY + pad
        let titleTop = top
        if let t = chart.title { top += canvas.measure(t, titleStyle).height + 2 * s }
        if let t = chart.subtitle { top += canvas.measure(t, subtitleStyle).height }
        if chart.title != nil || chart.subtitle != nil { top += 8 * s }
        else { top += 4 * s }  // room for the top tick label's upper half

        let tickLabelH = canvas.measure("0", tickStyle).height
        var bottom = pad + tickLength + 2 * s + tickLabelH
        if let l = chart.x.label, !l.isEmpty { bottom += 5 * s + canvas.measure(l, labelStyle).height }
        let plotTop = top, plotBottom = frame.maxY - bottom
        let plotH = max(10, plotBottom - plotTop)

        // y ticks decide the left margin
        let yTicks: AxisTicks
        if let cats = domains.categories {
            // Every k-th row name when rows are shorter than a line of text.
            let rowH = plotH / Double(max(1, cats.count))
            let k = max(1, Int((tickLabelH * 1.1 / rowH).rounded(.up)))
            let shown = cats.indices.filter { $0 % k == 0 }
            yTicks = AxisTicks(major: shown.map { Double(cats.count - $0) - 0.5 }, minor: [], labels: shown.map { cats[$0] })
        } else {
            let spacing = chart.y.scale == .log10 ? 22 * s : 52 * s
            let m = chart.y.tickCount ?? min(10, max(4, Int(plotH / spacing)))
            yTicks = ticks(for: chart.y, domain: domains.y, count: m)
        }
        let yLabelW = yTicks.labels.map { canvas.measure($0, tickStyle).width }.max() ?? 0
        var left = pad + yLabelW + 3 * s + tickLength
        if let l = chart.y.label, !l.isEmpty { left += canvas.measure(l, labelStyle).height + 6 * s }

        var right = pad
        if let heat = chart.heatmap {
            right += colorBarWidth(heat, height: plotH)
        }
        // x ticks: two passes, the last label may stick out on the right
        var plotW = max(10, frame.width - left - right)
        var xTicks = xAxisTicks(domain: domains.x, width: plotW)
        if let last = xTicks.labels.last, let lv = xTicks.major.last {
            let mapper = ScaleMapper(scale: chart.x.scale, domain: domains.x, start: 0, end: plotW)
            let overhang = mapper(lv) + canvas.measure(last, tickStyle).width / 2 - plotW
            if overhang > right - 2 * s {
                right = max(right, overhang + 2 * s)
                plotW = max(10, frame.width - left - right)
                xTicks = xAxisTicks(domain: domains.x, width: plotW)
            }
        }
        let rect = Rect(x: frame.minX + left, y: plotTop, width: plotW, height: plotH)
        let plot = PlotArea(rect: rect, xScale: chart.x.scale, xDomain: domains.x,
                            yScale: domains.categories != nil ? .linear : chart.y.scale, yDomain: domains.y)
        return (plot, xTicks, yTicks, titleTop)
    }

    private func ticks(for axis: Axis, domain: ClosedRange<Double>, count: Int) -> AxisTicks {
        let t = axis.scale == .log10 ? Ticks.log10(domain, count: count) : Ticks.linear(domain, count: count)
        let labels = axis.tickFormatter.map { f in t.major.map(f) } ?? TickFormat.labels(t.major, step: t.step)
        return AxisTicks(major: t.major, minor: t.minor, labels: labels)
    }

    /// x ticks whose labels do not collide: fewer ticks until they fit.
    private func xAxisTicks(domain: ClosedRange<Double>, width: Double) -> AxisTicks {
        let spacing = chart.x.scale == .log10 ? 40 * s : 70 * s
        var m = chart.x.tickCount ?? min(10, max(3, Int(width / spacing)))
        let mapper = ScaleMapper(scale: chart.x.scale, domain: domain, start: 0, end: width)
        while true {
            let t = ticks(for: chart.x, domain: domain, count: m)
            var fits = true
            var prevRight = -Double.infinity
            for (v, l) in zip(t.major, t.labels) {
                let w = canvas.measure(l, tickStyle).width
                let c = mapper(v)
                if c - w / 2 < prevRight + 8 * s { fits = false; break }
                prevRight = c + w / 2
            }
            if fits || m <= 2 || chart.x.tickCount != nil { return t }
            m -= 1
        }
    }

    private func colorBarWidth(_ heat: HeatmapMark, height: Double) -> Double {
        let t = colorBarTicks(heat, height: height)
        let w = t.labels.map { canvas.measure($0, tickStyle).width }.max() ?? 0
        var total = 12 * s + 12 * s + 3 * s + w + 4 * s
        if let l = heat.colorBarLabel, !l.isEmpty { total += canvas.measure(l, labelStyle).height + 6 * s }
        return total
    }

    func colorBarTicks(_ heat: HeatmapMark, height: Double) -> AxisTicks {
        let r = heat.resolvedRange
        let t = Ticks.linear(r, count: min(8, max(3, Int(height / (45 * s)))))
        let labels = heat.tickFormatter.map { f in t.major.map(f) } ?? TickFormat.labels(t.major, step: t.step)
        return AxisTicks(major: t.major, minor: [], labels: labels)
    }

    // MARK: drawing

    /// Where things ended up: for tests and for callers that want to overlay marks.
    struct Drawing {
        var plot: PlotArea
        /// The legend box, if one was drawn.
        var legend: Rect?
        /// Boxes of the text placed on the plot (band and rule labels, legend, annotations).
        var texts: [Rect]
    }

    /// Draws the whole chart into `frame`.
    @discardableResult
    func draw(in frame: Rect) -> Drawing {
        let (plot, xTicks, yTicks, titleTop) = layout(in: frame)
        let r = plot.rect
        let cats = chart.heatmap?.categories  // as ChartDomains finds them

        // Titles, left-aligned with the plot area.
        var ty = titleTop
        if let t = chart.title {
            canvas.text(t, at: Point(x: r.minX, y: ty), h: .left, v: .top, titleStyle)
            ty += canvas.measure(t, titleStyle).height + 2 * s
        }
        if let t = chart.subtitle {
            // A long subtitle in a narrow panel is set smaller (down to 60 %) rather than run
            // past the frame's edge.
            var style = subtitleStyle
            let room = frame.maxX - r.minX - 4 * s, width = canvas.measure(t, style).width
            if width > room, room > 0 { style.size *= max(0.6, room / width) }
            canvas.text(t, at: Point(x: r.minX, y: ty), h: .left, v: .top, style)
        }

        // Grid
        if chart.showsGrid {
            let gw = theme.gridLineWidth * s
            for v in xTicks.major {
                let x = snap(plot.x(v), gw)
                if x.isFinite { canvas.line(Point(x: x, y: r.minY), Point(x: x, y: r.maxY), color: theme.grid, width: gw) }
            }
            if cats == nil {
                for v in yTicks.major {
                    let y = snap(plot.y(v), gw)
                    if y.isFinite { canvas.line(Point(x: r.minX, y: y), Point(x: r.maxX, y: y), color: theme.grid, width: gw) }
                }
            }
        }

        // Marks, clipped to the plot area, in the caller's order.
        var obstacles = Obstacles()
        drawMarks(plot, &obstacles)

        drawAxes(plot, xTicks, yTicks, categorical: cats != nil)
        if let heat = chart.heatmap {
            drawColorBar(heat, plot)
        }

        // Text layers, each avoiding those placed before it: band labels, legend (where it hides
        // the least), rule labels, annotations.
        let texts = TextLayers(chart.marks)
        let legendSwatches = placeBandLabels(texts.bands, plot, &obstacles)
        var legendRect: Rect? = nil
        if chart.legend != .none {
            let entries = legendEntries() + legendSwatches
            if !entries.isEmpty { legendRect = drawLegend(entries, plot, &obstacles) }
        }
        for (m, label) in texts.rules { drawRuleLabel(m, label, plot, &obstacles) }
        for m in texts.annotations { drawAnnotation(m, plot, &obstacles) }
        return Drawing(plot: plot, legend: legendRect, texts: obstacles.texts)
    }

    /// Aligns a thin line to the pixel grid (crisp 1-px lines in PNG; harmless in vectors).
    func snap(_ v: Double, _ width: Double) -> Double {
        guard v.isFinite, pixelsPerPoint > 0 else { return v }
        let px = width * pixelsPerPoint
        let odd = Int(px.rounded()) % 2 == 1
        let d = v * pixelsPerPoint
        return (odd ? d.rounded(.down) + 0.5 : d.rounded()) / pixelsPerPoint
    }

    private func drawAxes(_ plot: PlotArea, _ xt: AxisTicks, _ yt: AxisTicks, categorical: Bool) {
        let r = plot.rect
        let aw = theme.axisLineWidth * s
        let fg = theme.foreground
        let bottomY = snap(r.maxY, aw), leftX = snap(r.minX, aw)
        canvas.setStroke(color: fg, width: aw, cap: CAIRO_LINE_CAP_SQUARE)
        cairo_move_to(canvas.cr, leftX, r.minY)
        cairo_line_to(canvas.cr, leftX, bottomY)
        cairo_line_to(canvas.cr, r.maxX, bottomY)
        cairo_stroke(canvas.cr)

        // x ticks and labels
        for (v, label) in zip(xt.major, xt.labels) {
            let x = snap(plot.x(v), aw)
            guard x.isFinite else { continue }
            canvas.line(Point(x: x, y: bottomY), Point(x: x, y: bottomY + tickLength), color: fg, width: aw)
            canvas.text(label, at: Point(x: x, y: bottomY + tickLength + 2 * s), h: .center, v: .top, tickStyle)
        }
        for v in xt.minor {
            let x = snap(plot.x(v), aw)
            guard x.isFinite else { continue }
            canvas.line(Point(x: x, y: bottomY), Point(x: x, y: bottomY + tickLength * 0.55), color: fg, width: aw * 0.8)
        }
        // y ticks and labels
        for (v, label) in zip(yt.major, yt.labels) {
            let y = snap(plot.y(v), aw)
            guard y.isFinite else { continue }
            if !categorical {
                canvas.line(Point(x: leftX - tickLength, y: y), Point(x: leftX, y: y), color: fg, width: aw)
            }
            canvas.text(label, at: Point(x: leftX - tickLength - 3 * s, y: y), h: .right, v: .middle, tickStyle)
        }
        for v in yt.minor {
            let y = snap(plot.y(v), aw)
            guard y.isFinite else { continue }
            canvas.line(Point(x: leftX - tickLength * 0.55, y: y), Point(x: leftX, y: y), color: fg, width: aw * 0.8)
        }
        // axis labels
        if let l = chart.x.label, !l.isEmpty {
            let y = bottomY + tickLength + 2 * s + canvas.measure("0", tickStyle).height + 5 * s
            canvas.text(l, at: Point(x: r.midX, y: y), h: .center, v: .top, labelStyle)
        }
        if let l = chart.y.label, !l.isEmpty {
            let w = yt.labels.map { canvas.measure($0, tickStyle).width }.max() ?? 0
            let x = leftX - tickLength - 3 * s - w - 6 * s
            // Rotated 90° counter-clockwise: its "bottom" faces the tick labels.
            canvas.text(l, at: Point(x: x, y: r.midY), h: .center, v: .bottom, labelStyle, angle: Double.pi / 2)
        }
    }
}
