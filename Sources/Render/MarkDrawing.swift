import CCairo
import Foundation

/// The marks' graphics: lines, bands, markers, rules, rectangles, heatmap cells and the colour
/// bar. Each drawn mark adds what it covers to the obstacles the text layers avoid.
extension ChartRenderer {
    /// Draws every mark but the annotations, clipped to the plot area, in the caller's order
    /// (later marks on top).
    func drawMarks(_ plot: PlotArea, _ obstacles: inout Obstacles) {
        canvas.save()
        canvas.clip(plot.rect)
        for mark in chart.marks {
            let series = Self.seriesLabel(of: mark).map(SeriesKey.of)
            if let series { canvas.beginGroup([("class", "vr-series"), ("data-series", series)]) }
            defer { if series != nil { canvas.endGroup() } }
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
    }

    /// The label that makes a mark part of a series (lines, bands, points and the markers that
    /// annotate them, regions with a legend entry; not rules or text): the HTML report's legend
    /// hides and shows the marks of one series together.
    static func seriesLabel(of mark: any Mark) -> String? {
        switch mark.kind {
        case .line(let m): return m.label
        case .area(let m): return m.label
        case .point(let m): return m.belongsTo ?? m.label
        case .rectangle(let m): return m.label
        case .rule, .text, .heatmap: return nil
        }
    }

    private func drawLine(_ m: LineMark, _ plot: PlotArea, _ obstacles: inout Obstacles) {
        let poly = linePoints(m, plot)
        guard !poly.isEmpty else { return }
        let width = (m.width ?? theme.lineWidth) * s
        canvas.setStroke(color: lineInk(m.color).opacity(m.color.alpha * m.opacity), width: width,
                         dash: m.dash.pattern(scale: s * max(1, width / s)), cap: CAIRO_LINE_CAP_ROUND)
        var pen = false
        for p in poly {
            if p.x.isNaN || p.y.isNaN { pen = false; continue }
            if pen { canvas.lineTo(p.x, p.y) } else { canvas.move(p.x, p.y); pen = true }
        }
        if poly.count == 1, let p = poly.first, p.x.isFinite {
            canvas.lineTo(p.x, p.y)  // a single point shows as a dot (round cap)
        }
        // A line with more points than pixel columns is drawn with cairo's fast antialiasing (a
        // coarser coverage grid): 3 to 4 times quicker for a long noisy polyline, and the same to
        // the eye at that density. Sparse lines keep the fine grid. Vector output ignores this.
        // Its joins are bevelled: a round join is a polygon of its own at every vertex, and at
        // several vertices per pixel the difference is below a pixel.
        let dense = poly.count > max(1, Int((plot.rect.width * pixelsPerPoint).rounded()))
        if dense { canvas.setDenseLine(true) }
        canvas.stroke()
        if dense { canvas.setDenseLine(false) }
        obstacles.lines.append(poly)
    }

    /// The device points a line is drawn through, reduced to the plot's pixel columns (NaN
    /// points where it breaks). Pixels: M4, exact at one bucket per pixel column. Vectors: each
    /// bucket's minimum and maximum only, half the path (and the time cairo spends writing and
    /// deflating it), on a quarter-point grid.
    func linePoints(_ m: LineMark, _ plot: PlotArea) -> [Point] {
        let n = min(m.xs.count, m.ys.count)
        guard n > 0 else { return [] }
        let buckets = max(1, Int((plot.rect.width * pixelsPerPoint).rounded()))
        let (xs, ys) = vector
            ? Decimation.minMax(xs: m.xs, ys: m.ys, buckets: buckets, xRange: plot.x.domain)
            : Decimation.m4(xs: m.xs, ys: m.ys, buckets: buckets, xRange: plot.x.domain)
        var poly: [Point] = []
        poly.reserveCapacity(xs.count)
        for i in xs.indices {
            var p = plot.point(xs[i], ys[i])
            if p.x.isNaN || p.y.isNaN { poly.append(Point(x: .nan, y: .nan)); continue }
            if vector { p = Self.quantized(p) }
            poly.append(p)
        }
        return poly
    }

    /// What the marks will cover, found without drawing them: for deciding, before the plot is
    /// laid out for good, whether the legend has a free place inside it.
    func markObstacles(_ plot: PlotArea) -> Obstacles {
        var o = Obstacles()
        for mark in chart.marks {
            switch mark.kind {
            case .line(let m): o.lines.append(linePoints(m, plot))
            case .point(let m):
                let size = m.size * s
                for (x, y) in zip(m.xs, m.ys) {
                    let p = plot.point(x, y)
                    if p.x.isFinite, p.y.isFinite { o.boxes.append(Rect(x: p.x - size / 2, y: p.y - size / 2, width: size, height: size)) }
                }
            case .area(let m):
                let n = min(m.xs.count, m.lower.count, m.upper.count)
                for i in stride(from: 0, to: n, by: max(1, n / 400)) {
                    let p = plot.point(m.xs[i], (m.lower[i] + m.upper[i]) / 2)
                    if p.x.isFinite, p.y.isFinite { o.points.append(p) }
                }
            case .rule, .rectangle, .text, .heatmap:
                continue
            }
        }
        return o
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
                if i == 0 { canvas.move(q.0, q.2) } else { canvas.lineTo(q.0, q.2) }
            }
            for q in run.reversed() { canvas.lineTo(q.0, q.1) }
            canvas.closePath()
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
        canvas.fill()
    }

    private func drawPoints(_ m: PointMark, _ plot: PlotArea, _ obstacles: inout Obstacles) {
        let size = m.size * s
        for (x, y) in zip(m.xs, m.ys) {
            let p = plot.point(x, y)
            guard p.x.isFinite, p.y.isFinite else { continue }
            canvas.symbolPath(m.symbol, at: p, size: size)
            canvas.setColor(lineInk(m.color))
            if m.outlined {
                canvas.fill(preserve: true)
                canvas.setStroke(color: theme.background, width: 0.9 * s)
                canvas.stroke()
            } else {
                canvas.fill()
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
            canvas.line(Point(x: r.minX, y: y), Point(x: r.maxX, y: y), color: m.color.map(lineInk) ?? theme.secondaryForeground, width: w,
                        dash: m.dash.pattern(scale: s))
        case .vertical(let xv):
            let x = snap(plot.x(xv), w)
            guard x.isFinite else { return }
            canvas.line(Point(x: x, y: r.minY), Point(x: x, y: r.maxY), color: m.color.map(lineInk) ?? theme.secondaryForeground, width: w,
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

    func drawColorBar(_ m: HeatmapMark, _ plot: PlotArea) {
        let r = plot.rect
        let bar = Rect(x: r.maxX + 12 * s, y: r.minY, width: 12 * s, height: r.height)
        canvas.fillVerticalGradient(bar, stops: m.colormap.anchors)
        let aw = theme.axisLineWidth * s
        canvas.setStroke(color: theme.foreground, width: aw * 0.8)
        canvas.rectanglePath(bar)
        canvas.stroke()

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
