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
        let runs = excursionRuns(plot)
        var kept: [Excursion] = []
        for above in [true, false] {
            // Farthest first; of equally far ones, the leftmost (the same figure every time).
            let edge = runs.filter { $0.above == above }.sorted {
                $0.value != $1.value ? (above ? $0.value > $1.value : $0.value < $1.value) : $0.x < $1.x
            }
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

    /// Draws every excursion's arrowhead at the plot's edge, then, farthest first, up to
    /// `excursionLabelLimit` values per edge, each beside its own arrowhead. Returns what it drew.
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
        // Labels after every arrowhead is known, so that none is put next to another's.
        let arrows = marks.map(\.arrow)
        for above in [true, false] {
            var labelled = 0
            for i in marks.indices where marks[i].excursion.above == above && labelled < Self.excursionLabelLimit {
                marks[i].label = drawExcursionLabel(marks[i], arrows: arrows, plot, &obstacles)
                if marks[i].label != nil { labelled += 1 }
            }
        }
        return marks
    }

    /// An excursion's value right of, left of or under its arrowhead, hanging from the edge into
    /// the plot, at the place that hides the least of those where it is unambiguous
    /// (`isBeside`) and hides no data or text (as a legend inside the plot may: `hides`); none
    /// (nil) when there is no such place: a value beside the wrong arrowhead, or over the curve,
    /// would be worse than no value, and the arrowhead stays.
    private func drawExcursionLabel(_ mark: EdgeMark, arrows: [Rect], _ plot: PlotArea, _ obstacles: inout Obstacles) -> Rect? {
        let e = mark.excursion, a = mark.arrow, r = plot.rect
        let style = TextStyle(size: theme.tickSize * s, color: textInk(e.color).opacity(1))
        let label = (e.above ? "↑ " : "↓ ") + TickFormat.label(e.value)
        let v: VAlign = e.above ? .top : .bottom
        let y = e.above ? r.minY + 1.5 * s : r.maxY - 1.5 * s
        let gap = 2 * s  // from the arrowhead to the text; `place` puts a 1.5 pt halo around it
        let candidates: [(Point, HAlign, VAlign)] = [
            (Point(x: a.maxX + gap, y: y), .left, v),
            (Point(x: a.minX - gap, y: y), .right, v),
            (Point(x: a.midX, y: e.above ? a.maxY + gap : a.minY - gap), .center, v),
        ]
        let free = candidates.filter { c in
            let box = canvas.textRect(label, at: c.0, h: c.1, v: c.2, style).inset(by: -1.5 * s)
            return r.contains(box) && Self.isBeside(box, own: a, others: arrows, clearance: 2 * Self.arrowSize * s)
                && !obstacles.hides(box, share: Self.insideLegendShare)
        }
        guard !free.isEmpty else { return nil }
        return place(label, style, free, plot, &obstacles)
    }

    /// Whether a label's box reads as belonging to the arrowhead `own`: every other arrowhead is
    /// farther from it, by at least `clearance` more (so the eye does not hesitate).
    static func isBeside(_ box: Rect, own: Rect, others: [Rect], clearance: Double) -> Bool {
        let near = box.distance(to: own)
        return others.allSatisfy { $0 == own || box.distance(to: $0) >= near + clearance }
    }
}
