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
