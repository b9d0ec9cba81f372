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

    /// Legend entries for the rules whose label had no free place beside them (`FinalLayout`).
    func ruleEntries(_ rules: [(RuleMark, String)], _ chosen: Set<Int>) -> [LegendEntry] {
        rules.enumerated().filter { chosen.contains($0.offset) }.map { _, rule in
            let (m, label) = rule
            let w = m.width * s
            return LegendEntry(label: label, key: .line(m.color.map(lineInk) ?? theme.secondaryForeground, w, m.dash.pattern(scale: s)))
        }
    }

    /// The measures every legend layout shares.
    struct LegendMetrics {
        var style: TextStyle
        var rowHeight, keyWidth, gap, padX, padY: Double
        var textWidths: [Double]
        /// The inside box: one entry per row.
        var boxSize: (width: Double, height: Double) {
            (padX * 2 + keyWidth + gap + (textWidths.max() ?? 0), padY * 2 + rowHeight * Double(textWidths.count))
        }
    }

    func legendMetrics(_ entries: [LegendEntry]) -> LegendMetrics {
        let style = TextStyle(size: theme.labelSize * s, color: theme.foreground)
        return LegendMetrics(style: style, rowHeight: canvas.measure("Ag", style).height * 1.2, keyWidth: 20 * s, gap: 6 * s,
                             padX: 7 * s, padY: 5 * s, textWidths: entries.map { canvas.measure($0.label, style).width })
    }

    /// The most of any curve's length a legend inside the plot may lie over before it goes above
    /// the plot instead (it may cover no marker at all).
    static let insideLegendShare = 0.01

    /// Where the legend goes inside the plot at the chart's placement (`.auto`: the candidate that
    /// covers the least), with what it would cover; nil when the box does not fit wholly inside
    /// the plot area (a legend wider or taller than the plot would run off the figure or over
    /// the axes: it goes in rows above the plot instead).
    func insideLegendPlace(_ entries: [LegendEntry], _ plot: PlotArea, _ obstacles: Obstacles) -> (rect: Rect, cost: Double)? {
        let r = plot.rect
        let box = legendMetrics(entries).boxSize
        let inset = 6 * s
        func rect(_ p: LegendPlacement) -> Rect {
            switch p {
            case .topLeft: return Rect(x: r.minX + inset, y: r.minY + inset, width: box.width, height: box.height)
            case .bottomLeft: return Rect(x: r.minX + inset, y: r.maxY - inset - box.height, width: box.width, height: box.height)
            case .bottomRight: return Rect(x: r.maxX - inset - box.width, y: r.maxY - inset - box.height, width: box.width, height: box.height)
            default: return Rect(x: r.maxX - inset - box.width, y: r.minY + inset, width: box.width, height: box.height)
            }
        }
        // Each corner, and the same corner moved clear of text already there (e.g. below a band
        // label); only those that fit in the plot.
        func candidates(_ p: LegendPlacement) -> [Rect] {
            let base = rect(p)
            var out = [base]
            let top = p == .topLeft || p == .topRight
            let blocking = obstacles.texts.filter { $0.intersects(base) }
            if !blocking.isEmpty {
                var moved = base
                if top { moved.y = (blocking.map(\.maxY).max() ?? base.minY) + 3 * s }
                else { moved.y = (blocking.map(\.minY).min() ?? base.maxY) - 3 * s - base.height }
                out.append(moved)
            }
            return out.filter { r.contains($0) }
        }
        guard chart.legend == .auto else {
            return candidates(chart.legend).last.map { ($0, obstacles.cost($0)) }
        }
        var best: (rect: Rect, cost: Double)? = nil
        // The corners first (they win a tie), then the middles of the top and bottom edges,
        // which a crowded panel often leaves clearer (above a falling loss, below a rising
        // accuracy).
        var all = [LegendPlacement.topRight, .topLeft, .bottomLeft, .bottomRight].flatMap(candidates)
        for corner in [rect(.topRight), rect(.bottomRight)] {
            var middle = corner
            middle.x = r.midX - box.width / 2
            if r.contains(middle) { all.append(middle) }
        }
        for c in all {
            let cost = obstacles.cost(c)
            if best == nil || cost < best!.cost - 1e-9 { best = (c, cost) }
        }
        return best
    }

    /// The rows of a legend laid out across `width` above the plot: entries left to right,
    /// wrapping onto a new row when the next does not fit; an entry wider than `width` alone is
    /// cut with an ellipsis (it would run off the figure). Returns each entry's origin (relative
    /// to the band's top left), the text to draw for it, and the band's height.
    func legendRows(_ entries: [LegendEntry], width: Double) -> (origins: [Point], labels: [String], height: Double) {
        let m = legendMetrics(entries)
        let spacing = 14 * s
        let room = max(0, width - m.keyWidth - m.gap)
        var x = 0.0, row = 0
        var origins: [Point] = [], labels: [String] = []
        for (e, w) in zip(entries, m.textWidths) {
            labels.append(w > room ? shortened(e.label, toFit: room, m.style) : e.label)
            let entryW = m.keyWidth + m.gap + min(w, room)
            if x > 0, x + entryW > width { x = 0; row += 1 }
            origins.append(Point(x: x, y: Double(row) * m.rowHeight))
            x += entryW + spacing
        }
        return (origins, labels, Double(row + 1) * m.rowHeight + 4 * s)
    }

    /// The longest start of `text` that fits `width` with an ellipsis after it (`text` itself when
    /// it fits): the end of a long label goes, its start (the metric's name) stays.
    func shortened(_ text: String, toFit width: Double, _ style: TextStyle) -> String {
        guard canvas.measure(text, style).width > width else { return text }
        let chars = Array(text)
        func cut(_ n: Int) -> String {
            String(String(chars[..<n]).reversed().drop { $0 == " " }.reversed()) + "\u{2026}"
        }
        var lo = 0, hi = chars.count - 1  // the longest fitting prefix length lies in lo...hi
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if canvas.measure(cut(mid), style).width <= width { lo = mid } else { hi = mid - 1 }
        }
        return cut(lo)
    }

    /// Draws the legend: in a box inside the plot at `inside`, or, with `band`, in rows above the
    /// plot, where it hides nothing. Returns the rectangle it takes and each entry's key and text.
    func drawLegend(_ entries: [LegendEntry], inside: Rect?, band: Rect?, _ obstacles: inout Obstacles) -> (area: Rect, entries: [Rect]) {
        let m = legendMetrics(entries)
        var keys: [Point] = []
        var labels = entries.map(\.label)
        let area: Rect
        if let band {
            let rows = legendRows(entries, width: band.width)
            keys = rows.origins.map { Point(x: band.minX + $0.x, y: band.minY + $0.y + m.rowHeight / 2) }
            labels = rows.labels
            area = band
        } else {
            let lr = inside!
            canvas.roundedRect(lr, radius: 3 * s)
            canvas.setColor(theme.legendBackground)
            canvas.fill(preserve: true)
            canvas.setStroke(color: theme.grid, width: 0.6 * s)
            canvas.stroke()
            keys = entries.indices.map { Point(x: lr.minX + m.padX, y: lr.minY + m.padY + m.rowHeight * (Double($0) + 0.5)) }
            area = lr
            obstacles.texts.append(lr)
        }
        var boxes: [Rect] = []
        for ((e, key), label) in zip(zip(entries, keys), labels) {
            canvas.beginGroup([("class", "vr-legend-entry"), ("data-series", SeriesKey.of(e.label))])
            defer { canvas.endGroup() }
            let kx = key.x, cy = key.y, keyW = m.keyWidth
            switch e.key {
            case .line(let c, let w, let dash):
                canvas.setStroke(color: c, width: w, dash: dash, cap: CAIRO_LINE_CAP_ROUND)
                canvas.move(kx, cy); canvas.lineTo(kx + keyW, cy)
                canvas.stroke()
            case .point(let sym, let c, let size):
                canvas.symbolPath(sym, at: Point(x: kx + keyW / 2, y: cy), size: min(size, m.rowHeight * 0.8))
                canvas.setColor(c); canvas.fill()
            case .swatch(let c):
                let h = m.rowHeight * 0.6
                canvas.fill(Rect(x: kx, y: cy - h / 2, width: keyW, height: h), c.opacity(max(c.alpha, 0.25)))
            }
            let text = canvas.textRect(label, at: Point(x: kx + keyW + m.gap, y: cy), h: .left, v: .middle, m.style)
            canvas.text(label, at: Point(x: text.minX, y: cy), h: .left, v: .middle, m.style)
            boxes.append(Rect(x: kx, y: text.minY, width: text.maxX - kx, height: text.height))
        }
        return (area, boxes)
    }
}
