import CCairo
import Foundation

/// The grid and the axes, on lines snapped to device pixels.
extension ChartRenderer {
    /// Aligns a thin line to the pixel grid (crisp 1-px lines in PNG; harmless in vectors).
    func snap(_ v: Double, _ width: Double) -> Double {
        guard v.isFinite, pixelsPerPoint > 0 else { return v }
        let px = width * pixelsPerPoint
        let odd = Int(px.rounded()) % 2 == 1
        let d = v * pixelsPerPoint
        return (odd ? d.rounded(.down) + 0.5 : d.rounded()) / pixelsPerPoint
    }

    /// Light lines at the major ticks: vertical ones at x, and horizontal ones at y unless the y
    /// axis is categorical (heatmap rows).
    func drawGrid(_ plot: PlotArea, _ xt: AxisTicks, _ yt: AxisTicks, categorical: Bool) {
        let r = plot.rect
        let gw = theme.gridLineWidth * s
        for v in xt.major {
            let x = snap(plot.x(v), gw)
            if x.isFinite { canvas.line(Point(x: x, y: r.minY), Point(x: x, y: r.maxY), color: theme.grid, width: gw) }
        }
        if !categorical {
            for v in yt.major {
                let y = snap(plot.y(v), gw)
                if y.isFinite { canvas.line(Point(x: r.minX, y: y), Point(x: r.maxX, y: y), color: theme.grid, width: gw) }
            }
        }
    }

    /// The axis lines, ticks, tick labels and axis labels (drawn over the marks).
    func drawAxes(_ plot: PlotArea, _ xt: AxisTicks, _ yt: AxisTicks, categorical: Bool) {
        let r = plot.rect
        let aw = theme.axisLineWidth * s
        let fg = theme.foreground
        let bottomY = snap(r.maxY, aw), leftX = snap(r.minX, aw)
        canvas.setStroke(color: fg, width: aw, cap: CAIRO_LINE_CAP_SQUARE)
        canvas.move(leftX, r.minY)
        canvas.lineTo(leftX, bottomY)
        canvas.lineTo(r.maxX, bottomY)
        canvas.stroke()

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
