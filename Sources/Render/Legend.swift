import CCairo
import Foundation

/// Which series a mark or legend entry belongs to, by its label: the label up to a trailing
/// parenthesis, so "train/loss_tail (raw)" and "train/loss_tail" are one series (hidden together
/// from the HTML legend) while "val/loss_tail" is another.
public enum SeriesKey {
    public static func of(_ label: String) -> String {
        for opener in [" (", " \u{FF08}", "\u{FF08}"] {
            if let r = label.range(of: opener, options: .backwards), label.hasSuffix(opener.hasSuffix("(") ? ")" : "\u{FF09}") {
                let key = String(label[..<r.lowerBound])
                if !key.isEmpty { return key }
            }
        }
        return label
    }
}

/// The legend: one entry per labelled line, area and point mark (and per band whose label does
/// not fit in it), in a box put where it hides the least.
extension ChartRenderer {
    struct LegendEntry {
        enum Key { case line(Color, Double, [Double]), point(Symbol, Color, Double), swatch(Color) }
        var label: String
        var key: Key
    }

    /// The entries of the marks that go in the legend, in the caller's order.
    func legendEntries() -> [LegendEntry] {
        var out: [LegendEntry] = []
        for mark in chart.marks {
            switch mark.kind {
            case .line(let m):
                guard m.showsInLegend, let label = m.label, !label.isEmpty else { continue }
                let w = (m.width ?? theme.lineWidth) * s
                out.append(LegendEntry(label: label, key: .line(lineInk(m.color).opacity(m.color.alpha * max(m.opacity, 0.6)), w,
                                                                 m.dash.pattern(scale: s * max(1, w / s)))))
            case .area(let m):
                guard let label = m.label, !label.isEmpty else { continue }
                out.append(LegendEntry(label: label, key: .swatch(m.color.opacity(m.color.alpha * m.opacity))))
            case .point(let m):
                guard m.showsInLegend, let label = m.label, !label.isEmpty else { continue }
                out.append(LegendEntry(label: label, key: .point(m.symbol, lineInk(m.color), m.size * s)))
            // Rules and annotations label themselves on the plot; a band gets a swatch only when
            // its label does not fit in it (`draw`); a heatmap has its colour bar.
            case .rule, .rectangle, .text, .heatmap:
                continue
            }
        }
        return out
    }

    /// Draws the legend box at the chart's placement (`.auto`: the candidate that covers the
    /// least), adds it to the obstacles and returns it.
    func drawLegend(_ entries: [LegendEntry], _ plot: PlotArea, _ obstacles: inout Obstacles) -> Rect {
        let r = plot.rect
        let style = TextStyle(size: theme.labelSize * s, color: theme.foreground)
        let rowH = canvas.measure("Ag", style).height * 1.2
        let keyW = 20 * s, gap = 6 * s, padX = 7 * s, padY = 5 * s
        let textW = entries.map { canvas.measure($0.label, style).width }.max() ?? 0
        let box = (w: padX * 2 + keyW + gap + textW, h: padY * 2 + rowH * Double(entries.count))
        let inset = 6 * s
        func rect(_ p: LegendPlacement) -> Rect {
            switch p {
            case .topLeft: return Rect(x: r.minX + inset, y: r.minY + inset, width: box.w, height: box.h)
            case .bottomLeft: return Rect(x: r.minX + inset, y: r.maxY - inset - box.h, width: box.w, height: box.h)
            case .bottomRight: return Rect(x: r.maxX - inset - box.w, y: r.maxY - inset - box.h, width: box.w, height: box.h)
            default: return Rect(x: r.maxX - inset - box.w, y: r.minY + inset, width: box.w, height: box.h)
            }
        }
        // Each corner, and the same corner moved clear of text already there (e.g. below a band
        // label), when that still fits in the plot.
        func candidates(_ p: LegendPlacement) -> [Rect] {
            let base = rect(p)
            var out = [base]
            let top = p == .topLeft || p == .topRight
            let blocking = obstacles.texts.filter { $0.intersects(base) }
            if !blocking.isEmpty {
                var moved = base
                if top { moved.y = (blocking.map(\.maxY).max() ?? base.minY) + 3 * s }
                else { moved.y = (blocking.map(\.minY).min() ?? base.maxY) - 3 * s - base.height }
                if r.contains(moved) { out.append(moved) }
            }
            return out
        }
        var lr: Rect
        if chart.legend == .auto {
            var best: (Rect, Double)? = nil
            // The corners first (they win a tie), then the middles of the top and bottom edges,
            // which a crowded panel often leaves clearer (above a falling loss, below a rising
            // accuracy).
            var all = [LegendPlacement.topRight, .topLeft, .bottomLeft, .bottomRight].flatMap(candidates)
            for corner in [rect(.topRight), rect(.bottomRight)] {
                var middle = corner
                middle.x = r.midX - box.w / 2
                if r.contains(middle) { all.append(middle) }
            }
            for c in all {
                let cost = obstacles.cost(c)
                if best == nil || cost < best!.1 - 1e-9 { best = (c, cost) }
            }
            lr = best!.0
        } else {
            lr = candidates(chart.legend).last!
        }
        canvas.roundedRect(lr, radius: 3 * s)
        canvas.setColor(theme.legendBackground)
        canvas.fill(preserve: true)
        canvas.setStroke(color: theme.grid, width: 0.6 * s)
        canvas.stroke()
        for (i, e) in entries.enumerated() {
            canvas.beginGroup([("class", "vr-legend-entry"), ("data-series", SeriesKey.of(e.label))])
            defer { canvas.endGroup() }
            let cy = lr.minY + padY + rowH * (Double(i) + 0.5)
            let kx = lr.minX + padX
            switch e.key {
            case .line(let c, let w, let dash):
                canvas.setStroke(color: c, width: w, dash: dash, cap: CAIRO_LINE_CAP_ROUND)
                canvas.move(kx, cy); canvas.lineTo(kx + keyW, cy)
                canvas.stroke()
            case .point(let sym, let c, let size):
                canvas.symbolPath(sym, at: Point(x: kx + keyW / 2, y: cy), size: min(size, rowH * 0.8))
                canvas.setColor(c); canvas.fill()
            case .swatch(let c):
                let h = rowH * 0.6
                canvas.fill(Rect(x: kx, y: cy - h / 2, width: keyW, height: h), c.opacity(max(c.alpha, 0.25)))
            }
            canvas.text(e.label, at: Point(x: kx + keyW + gap, y: cy), h: .left, v: .middle, style)
        }
        obstacles.texts.append(lr)
        return lr
    }
}
