import Foundation

/// Values beyond a fixed y range (a focused loss axis, `--ylim`) are not silently clipped: each
/// excursion above the top or below the bottom gets a small arrowhead at that edge, at the x of
/// its extreme, in the series' colour, labelled with the extreme value. A panel shows at most
/// `limit` per edge, the farthest first, and excursions closer than `mergeDistance` points merge.
extension ChartRenderer {
    struct Excursion {
        var x: Double
        var value: Double
        var color: Color
        var above: Bool
    }

    static let excursionLimit = 3
    /// Excursions of any series closer than this (in points) are told once, by the farthest.
    static let excursionSpacing = 60.0

    /// The excursions of every line and marker beyond the chart's fixed y domain.
    func excursions(_ plot: PlotArea) -> [Excursion] {
        guard let domain = chart.y.domain, chart.heatmap == nil else { return [] }
        let mergeDistance = 24 * s
        var found: [Excursion] = []
        func scan(_ xs: [Double], _ ys: [Double], _ color: Color) {
            var run: Excursion? = nil
            var lastX = -Double.infinity
            func flush() { if let r = run { found.append(r) }; run = nil }
            // On a log scale a value <= 0 is not beyond the range but undrawable: not an excursion.
            let logY = plot.y.scale == .log10
            for (x, y) in zip(xs, ys) where x.isFinite && y.isFinite && plot.x.inDomain(x) && !(logY && y <= 0) {
                let above = y > domain.upperBound && !plot.y.inDomain(y)
                let below = y < domain.lowerBound && !plot.y.inDomain(y)
                let px = plot.x(x)
                guard above || below else {
                    if let r = run, px - plot.x(r.x) > mergeDistance { flush() }
                    continue
                }
                if let r = run, r.above != above || px - lastX > mergeDistance { flush() }
                lastX = px
                if var r = run {
                    if above ? y > r.value : y < r.value { r.x = x; r.value = y }
                    run = r
                } else {
                    run = Excursion(x: x, value: y, color: color, above: above)
                }
            }
            flush()
        }
        for mark in chart.marks {
            switch mark.kind {
            case .line(let m): scan(m.xs, m.ys, m.color)
            case .point(let m): scan(m.xs, m.ys, m.color)
            case .area, .rule, .rectangle, .text, .heatmap: continue
            }
        }
        // The farthest per edge; of excursions at about the same place, the farthest.
        var kept: [Excursion] = []
        for above in [true, false] {
            let edge = found.filter { $0.above == above }
                .sorted { above ? $0.value > $1.value : $0.value < $1.value }
            for e in edge where kept.filter({ $0.above == above }).count < Self.excursionLimit {
                if kept.contains(where: { $0.above == above && abs(plot.x($0.x) - plot.x(e.x)) < Self.excursionSpacing * s }) { continue }
                kept.append(e)
            }
        }
        return kept
    }

    /// Draws each excursion's arrowhead at the plot's edge and its value beside it.
    func drawExcursions(_ plot: PlotArea, _ obstacles: inout Obstacles) {
        let r = plot.rect
        let size = 5 * s
        for e in excursions(plot) {
            let x = plot.x(e.x)
            guard x.isFinite else { continue }
            let tip = e.above ? r.minY + 1 * s : r.maxY - 1 * s
            let base = e.above ? tip + size * 1.2 : tip - size * 1.2
            canvas.setColor(lineInk(e.color))
            canvas.move(x, tip); canvas.lineTo(x + size * 0.8, base); canvas.lineTo(x - size * 0.8, base); canvas.closePath()
            canvas.fill()
            obstacles.boxes.append(Rect(x: x - size, y: min(tip, base), width: 2 * size, height: abs(base - tip)))
            let style = TextStyle(size: theme.tickSize * s, color: textInk(e.color).opacity(1))
            let label = (e.above ? "↑ " : "↓ ") + TickFormat.label(e.value)
            // Beside the arrowhead, hanging from the edge into the plot.
            let v: VAlign = e.above ? .top : .bottom
            let y = e.above ? r.minY + 1.5 * s : r.maxY - 1.5 * s
            // Nearest the arrowhead first, then along the edge (up to 100 points away).
            var candidates: [(Point, HAlign, VAlign)] = []
            for k in 0..<6 {
                let dx = Double(k) * 20 * s
                candidates.append((Point(x: x + size + 1 * s + dx, y: y), .left, v))
                candidates.append((Point(x: x - size - 1 * s - dx, y: y), .right, v))
            }
            candidates.insert((Point(x: x, y: e.above ? base + 1 * s : base - 1 * s), .center, v), at: 2)
            place(label, style, candidates, plot, &obstacles)
        }
    }
}
