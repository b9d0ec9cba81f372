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

    private var tickStyle: TextStyle { TextStyle(size: theme.tickSize * s, color: theme.secondaryForeground) }
    private var labelStyle: TextStyle { TextStyle(size: theme.labelSize * s, color: theme.foreground) }
    private var titleStyle: TextStyle { TextStyle(size: theme.panelTitleSize * s, bold: true, color: theme.foreground) }
    private var subtitleStyle: TextStyle { TextStyle(size: theme.labelSize * s, color: theme.secondaryForeground) }
    private var tickLength: Double { 4 * s }

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

    private func colorBarTicks(_ heat: HeatmapMark, height: Double) -> AxisTicks {
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
        canvas.save()
        canvas.clip(r)
        for mark in chart.marks {
            switch mark.kind {
            case .heatmap(let m): drawHeatmap(m, plot)
            case .rectangle(let m): drawRectangle(m, plot)
            case .area(let m): drawArea(m, plot, &obstacles)
            case .line(let m): drawLine(m, plot, &obstacles)
            case .rule(let m): drawRule(m, plot)
            case .point(let m): drawPoints(m, plot, &obstacles)
            case .text: break  // an annotation is text: placed last, over everything
            }
        }
        canvas.restore()

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
    private func snap(_ v: Double, _ width: Double) -> Double {
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

    // MARK: marks

    private func drawLine(_ m: LineMark, _ plot: PlotArea, _ obstacles: inout Obstacles) {
        let n = min(m.xs.count, m.ys.count)
        guard n > 0 else { return }
        let buckets = max(1, Int((plot.rect.width * pixelsPerPoint).rounded()))
        // Pixels: M4, exact at one bucket per pixel column. Vectors: each bucket's minimum and
        // maximum only, half the path (and the time cairo spends writing and deflating it).
        let (xs, ys) = vector
            ? Decimation.minMax(xs: m.xs, ys: m.ys, buckets: buckets, xRange: plot.x.domain)
            : Decimation.m4(xs: m.xs, ys: m.ys, buckets: buckets, xRange: plot.x.domain)
        let width = (m.width ?? theme.lineWidth) * s
        canvas.setStroke(color: m.color.opacity(m.color.alpha * m.opacity), width: width,
                         dash: m.dash.pattern(scale: s * max(1, width / s)), cap: CAIRO_LINE_CAP_ROUND)
        var pen = false
        var poly: [Point] = []
        poly.reserveCapacity(xs.count)
        for i in xs.indices {
            var p = plot.point(xs[i], ys[i])
            if p.x.isNaN || p.y.isNaN { pen = false; poly.append(Point(x: .nan, y: .nan)); continue }
            if vector { p = Self.quantized(p) }
            if pen { cairo_line_to(canvas.cr, p.x, p.y) } else { cairo_move_to(canvas.cr, p.x, p.y); pen = true }
            poly.append(p)
        }
        if xs.count == 1, let p = poly.first, p.x.isFinite {
            cairo_line_to(canvas.cr, p.x, p.y)  // a single point shows as a dot (round cap)
        }
        // A line with more points than pixel columns is drawn with cairo's fast antialiasing (a
        // coarser coverage grid): 3 to 4 times quicker for a long noisy polyline, and the same to
        // the eye at that density. Sparse lines keep the fine grid. Vector output ignores this.
        // Its joins are bevelled: a round join is a polygon of its own at every vertex, and at
        // several vertices per pixel the difference is below a pixel.
        let dense = xs.count > buckets
        if dense {
            cairo_set_antialias(canvas.cr, CAIRO_ANTIALIAS_FAST)
            cairo_set_line_join(canvas.cr, CAIRO_LINE_JOIN_BEVEL)
        }
        cairo_stroke(canvas.cr)
        if dense {
            cairo_set_antialias(canvas.cr, CAIRO_ANTIALIAS_DEFAULT)
            cairo_set_line_join(canvas.cr, CAIRO_LINE_JOIN_ROUND)
        }
        obstacles.lines.append(poly)
    }

    /// A line's or band's vertex in a vector file, on a grid of a quarter point (0.09 mm,
    /// invisible even at 400 %): cairo would write it on its own 1/256 grid, and the shorter
    /// numbers halve a million-point figure's PDF and a third of its writing time.
    static func quantized(_ v: Double) -> Double { (v * 4).rounded() / 4 }
    static func quantized(_ p: Point) -> Point { Point(x: quantized(p.x), y: quantized(p.y)) }

    private func drawArea(_ m: AreaMark, _ plot: PlotArea, _ obstacles: inout Obstacles) {
        let n = min(m.xs.count, m.lower.count, m.upper.count)
        guard n > 0 else { return }
        let buckets = max(1, Int((plot.rect.width * pixelsPerPoint).rounded()))
        let (xs, lo, hi) = Decimation.envelope(xs: m.xs, lower: m.lower, upper: m.upper, count: n,
                                               buckets: buckets, xRange: plot.x.domain)
        canvas.setColor(m.color.opacity(m.color.alpha * m.opacity))
        // One polygon per run of drawable points.
        var run: [(Double, Double, Double)] = []
        func flush() {
            guard run.count >= 2 else { run.removeAll(); return }
            for (i, q) in run.enumerated() {
                if i == 0 { cairo_move_to(canvas.cr, q.0, q.2) } else { cairo_line_to(canvas.cr, q.0, q.2) }
            }
            for q in run.reversed() { cairo_line_to(canvas.cr, q.0, q.1) }
            cairo_close_path(canvas.cr)
            run.removeAll()
        }
        for i in xs.indices {
            var x = plot.x(xs[i]), yl = plot.y(lo[i]), yh = plot.y(hi[i])
            if x.isNaN || yl.isNaN || yh.isNaN { flush(); continue }
            if vector { x = Self.quantized(x); yl = Self.quantized(yl); yh = Self.quantized(yh) }
            run.append((x, yl, yh))
            if i % 8 == 0 { obstacles.points.append(Point(x: x, y: (yl + yh) / 2)) }
        }
        flush()
        cairo_fill(canvas.cr)
    }

    private func drawPoints(_ m: PointMark, _ plot: PlotArea, _ obstacles: inout Obstacles) {
        let size = m.size * s
        for (x, y) in zip(m.xs, m.ys) {
            let p = plot.point(x, y)
            guard p.x.isFinite, p.y.isFinite else { continue }
            canvas.symbolPath(m.symbol, at: p, size: size)
            canvas.setColor(m.color)
            if m.outlined {
                cairo_fill_preserve(canvas.cr)
                canvas.setStroke(color: theme.background, width: 0.9 * s)
                cairo_stroke(canvas.cr)
            } else {
                cairo_fill(canvas.cr)
            }
            obstacles.boxes.append(Rect(x: p.x - size / 2, y: p.y - size / 2, width: size, height: size))
        }
    }

    private func drawRule(_ m: RuleMark, _ plot: PlotArea) {
        let r = plot.rect
        let w = m.width * s
        switch m.orientation {
        case .horizontal(let yv):
            let y = snap(plot.y(yv), w)
            guard y.isFinite else { return }
            canvas.line(Point(x: r.minX, y: y), Point(x: r.maxX, y: y), color: m.color ?? theme.secondaryForeground, width: w,
                        dash: m.dash.pattern(scale: s))
        case .vertical(let xv):
            let x = snap(plot.x(xv), w)
            guard x.isFinite else { return }
            canvas.line(Point(x: x, y: r.minY), Point(x: x, y: r.maxY), color: m.color ?? theme.secondaryForeground, width: w,
                        dash: m.dash.pattern(scale: s))
        }
    }

    private func drawRectangle(_ m: RectangleMark, _ plot: PlotArea) {
        let r = plot.rect
        var x0 = plot.x(m.xRange.lowerBound), x1 = plot.x(m.xRange.upperBound)
        if x0.isNaN { x0 = r.minX }
        if x1.isNaN { return }
        var y0 = r.minY, y1 = r.maxY
        if let yr = m.yRange {
            y0 = plot.y(yr.upperBound); y1 = plot.y(yr.lowerBound)
            if y1.isNaN { y1 = r.maxY }
            if y0.isNaN { return }
        }
        canvas.fill(Rect(x: min(x0, x1), y: min(y0, y1), width: abs(x1 - x0), height: abs(y1 - y0)), m.fill)
    }

    private func drawHeatmap(_ m: HeatmapMark, _ plot: PlotArea) {
        let range = m.resolvedRange
        let span = range.upperBound - range.lowerBound
        let rows = m.categories.count
        let cols = m.xEdges.count - 1
        guard rows > 0, cols > 0 else { return }
        // Cell edges snap to device pixels so neighbours share edges exactly (no antialiasing seams);
        // in vector output cells overlap their neighbour by a hair for viewers that antialias.
        let ppp = max(pixelsPerPoint, 1)
        let bleed = vector ? 0.5 : 0
        func px(_ v: Double) -> Double { (v * ppp).rounded() / ppp }
        for (ri, row) in m.values.prefix(rows).enumerated() {
            let yTop = px(plot.y(Double(rows - ri))), yBottom = px(plot.y(Double(rows - ri - 1)))
            for c in 0..<min(cols, row.count) {
                let v = row[c]
                guard v.isFinite else { continue }
                let x0 = px(plot.x(m.xEdges[c])), x1 = px(plot.x(m.xEdges[c + 1]))
                guard x0.isFinite, x1.isFinite else { continue }
                let color = m.colormap.color(at: span == 0 ? 0.5 : (v - range.lowerBound) / span)
                let lastCol = c == cols - 1, lastRow = ri == rows - 1
                canvas.fill(Rect(x: min(x0, x1), y: yTop, width: abs(x1 - x0) + (lastCol ? 0 : bleed),
                                 height: yBottom - yTop + (lastRow ? 0 : bleed)), color)
            }
        }
    }

    private func drawColorBar(_ m: HeatmapMark, _ plot: PlotArea) {
        let r = plot.rect
        let bar = Rect(x: r.maxX + 12 * s, y: r.minY, width: 12 * s, height: r.height)
        let pattern = cairo_pattern_create_linear(0, bar.maxY, 0, bar.minY)
        let stops = m.colormap.anchors
        for (i, c) in stops.enumerated() {
            cairo_pattern_add_color_stop_rgba(pattern, Double(i) / Double(stops.count - 1), c.red, c.green, c.blue, c.alpha)
        }
        cairo_rectangle(canvas.cr, bar.x, bar.y, bar.width, bar.height)
        cairo_set_source(canvas.cr, pattern)
        cairo_fill(canvas.cr)
        cairo_pattern_destroy(pattern)
        let aw = theme.axisLineWidth * s
        canvas.setStroke(color: theme.foreground, width: aw * 0.8)
        cairo_rectangle(canvas.cr, bar.x, bar.y, bar.width, bar.height)
        cairo_stroke(canvas.cr)

        let t = colorBarTicks(m, height: r.height)
        let mapper = ScaleMapper(scale: .linear, domain: m.resolvedRange, start: bar.maxY, end: bar.minY)
        var maxW = 0.0
        for (v, label) in zip(t.major, t.labels) {
            let y = mapper(v)
            canvas.line(Point(x: bar.maxX, y: y), Point(x: bar.maxX + 3 * s, y: y), color: theme.foreground, width: aw)
            canvas.text(label, at: Point(x: bar.maxX + 5 * s, y: y), h: .left, v: .middle, tickStyle)
            maxW = max(maxW, canvas.measure(label, tickStyle).width)
        }
        if let l = m.colorBarLabel, !l.isEmpty {
            let x = bar.maxX + 5 * s + maxW + 6 * s
            canvas.text(l, at: Point(x: x, y: bar.midY), h: .center, v: .top, labelStyle, angle: Double.pi / 2)
        }
    }
}
