import Foundation

/// Values beyond a fixed y range (a focused loss axis, `--ylim`) are not silently clipped: each
/// excursion above the top or below the bottom (a run of points beyond that edge, ended by a
/// point back inside) gets its own small arrowhead at that edge, at the x of its extreme, in the
/// series' colour. The farthest excursions are labelled with their value.
extension ChartRenderer {
    struct Excursion {
        var x: Double
        var value: Double
        var color: Color
        var above: Bool
    }

    /// An arrowhead drawn at the plot's edge, and the box of its value label if it got one.
    struct EdgeMark {
        var excursion: Excursion
        var arrow: Rect
        var label: Rect?
    }

    /// At most this many value labels per edge (the farthest excursions): the arrowheads say
    /// "something is beyond here"; a row of numbers along the edge would read as noise.
    static let excursionLabelLimit = 3

    /// The arrowhead's half height (its base is 1.6 of it wide), before the text scale.
    static let arrowSize = 5.0

    /// Every excursion of every line and marker beyond the chart's fixed y domain, in data order
    /// per mark. A run ends at the first point back inside the range (or at a switch of edge), so
    /// a curve coming down from far above and a later spike are two excursions.
    func excursionRuns(_ plot: PlotArea) -> [Excursion] {
        guard let domain = chart.y.domain, chart.heatmap == nil else { return [] }
        var found: [Excursion] = []
        func scan(_ xs: [Double], _ ys: [Double], _ color: Color) {
            var run: Excursion? = nil
            func flush() { if let r = run { found.append(r) }; run = nil }
            // On a log scale a value <= 0 is not beyond the range but undrawable: not an excursion.
            let logY = plot.y.scale == .log10
            for (x, y) in zip(xs, ys) where x.isFinite && y.isFinite && plot.x.inDomain(x) && !(logY && y <= 0) {
                let above = y > domain.upperBound && !plot.y.inDomain(y)
                let below = y < domain.lowerBound && !plot.y.inDomain(y)
                guard above || below else { flush(); continue }
                if let r = run, r.above != above { flush() }
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
        return found
    }

    /// The excursions that get an arrowhead, farthest first per edge (top edge first): every run,
    /// except that runs whose arrowheads would overlap on one edge share the farthest one's, since
    /// overlapping arrowheads read as one anyway (raw noise crossing the edge often).
    func excursions(_ plot: PlotArea) -> [Excursion] {
        let width = 1.6 * Self.arrowSize * s
        var kept: [Excursion] = []
        for above in [true, false] {
            let edge = excursionRuns(plot).filter { $0.above == above }
                .sorted { above ? $0.value > $1.value : $0.value < $1.value }
            var taken: [Double] = []
            for e in edge {
                let x = plot.x(e.x)
                guard x.isFinite, !taken.contains(where: { abs($0 - x) < width }) else { continue }
                taken.append(x)
                kept.append(e)
            }
        }
        return kept
    }

    /// The arrowhead of an excursion: its triangle's tip at the edge, pointing out of the plot.
    func arrowRect(_ e: Excursion, _ plot: PlotArea) -> Rect {
        let r = plot.rect, size = Self.arrowSize * s
        let tip = e.above ? r.minY + 1 * s : r.maxY - 1 * s
        let base = e.above ? tip + size * 1.2 : tip - size * 1.2
        return Rect(x: plot.x(e.x) - size * 0.8, y: min(tip, base), width: size * 1.6, height: abs(base - tip))
    }

    /// Draws every excursion's arrowhead at the plot's edge, then the farthest ones' values
    /// beside them. Returns what it drew.
    @discardableResult
    func drawExcursions(_ plot: PlotArea, _ obstacles: inout Obstacles) -> [EdgeMark] {
        var marks: [EdgeMark] = []
        for e in excursions(plot) {
            let a = arrowRect(e, plot)
            canvas.setColor(lineInk(e.color))
            if e.above {
                canvas.move(a.midX, a.minY); canvas.lineTo(a.maxX, a.maxY); canvas.lineTo(a.minX, a.maxY)
            } else {
                canvas.move(a.midX, a.maxY); canvas.lineTo(a.maxX, a.minY); canvas.lineTo(a.minX, a.minY)
            }
            canvas.closePath()
            canvas.fill()
            obstacles.boxes.append(a)
            marks.append(EdgeMark(excursion: e, arrow: a, label: nil))
        }
        for above in [true, false] {
            for i in marks.indices.filter({ marks[$0].excursion.above == above }).prefix(Self.excursionLabelLimit) {
                marks[i].label = drawExcursionLabel(marks[i], plot, &obstacles)
            }
        }
        return marks
    }

    /// An excursion's value beside its arrowhead, hanging from the edge into the plot.
    private func drawExcursionLabel(_ mark: EdgeMark, _ plot: PlotArea, _ obstacles: inout Obstacles) -> Rect? {
        let e = mark.excursion, a = mark.arrow, r = plot.rect
        let style = TextStyle(size: theme.tickSize * s, color: textInk(e.color).opacity(1))
        let label = (e.above ? "↑ " : "↓ ") + TickFormat.label(e.value)
        let v: VAlign = e.above ? .top : .bottom
        let y = e.above ? r.minY + 1.5 * s : r.maxY - 1.5 * s
        // Nearest the arrowhead first, then along the edge (up to 100 points away).
        var candidates: [(Point, HAlign, VAlign)] = []
        for k in 0..<6 {
            let dx = Double(k) * 20 * s
            candidates.append((Point(x: a.maxX + 1 * s + dx, y: y), .left, v))
            candidates.append((Point(x: a.minX - 1 * s - dx, y: y), .right, v))
        }
        candidates.insert((Point(x: a.midX, y: e.above ? a.maxY + 1 * s : a.minY - 1 * s), .center, v), at: 2)
        return place(label, style, candidates, plot, &obstacles)
    }
}
