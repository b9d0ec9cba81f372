import CCairo
import Foundation

/// Text on the plot: band labels, rule labels and annotations, each put at the candidate
/// position that hides the least of what is already there (`Obstacles`), on a halo.
extension ChartRenderer {
    /// Boxes and polylines already on the plot, for placing text where it hides the least.
    struct Obstacles {
        var texts: [Rect] = []
        var boxes: [Rect] = []
        var points: [Point] = []
        var lines: [[Point]] = []

        /// A cost for putting a box at `r`: text overlap weighs most, then markers (a hidden marker
        /// is a hidden value: worth 150 points of curve), then the
        /// length of line it would lie over (10 per point of length, so a short curve counts
        /// for what it is, not for how few vertices it has).
        func cost(_ r: Rect) -> Double {
            var c = 0.0
            for t in texts { c += t.overlapArea(r) * 50 }
            for b in boxes where b.intersects(r) { c += 1500 }
            for p in points where r.contains(p) { c += 2 }
            for poly in lines { c += 10 * coveredLength(of: poly, by: r).covered }
            return c
        }

        /// Whether a box at `r` would lie over a marker (or an edge mark's arrowhead) or text.
        func coversMarkerOrText(_ r: Rect) -> Bool {
            boxes.contains { $0.intersects(r) } || texts.contains { $0.intersects(r) }
        }

        /// Whether a box at `r` would hide data or a label: a marker, text, or more than `share`
        /// of any line's length.
        func hides(_ r: Rect, share: Double) -> Bool {
            if coversMarkerOrText(r) { return true }
            for poly in lines {
                let l = coveredLength(of: poly, by: r)
                if l.total > 0, l.covered > share * l.total { return true }
            }
            let inside = points.filter { r.contains($0) }.count
            return !points.isEmpty && Double(inside) > share * Double(points.count)
        }

        /// How much of a polyline's length lies in `r`, and its whole length.
        func coveredLength(of poly: [Point], by r: Rect) -> (covered: Double, total: Double) {
            var covered = 0.0, total = 0.0
            var prev: Point? = nil
            for p in poly {
                if p.x.isNaN { prev = nil; continue }
                if let a = prev {
                    total += hypot(p.x - a.x, p.y - a.y)
                    if !(max(a.x, p.x) < r.minX || min(a.x, p.x) > r.maxX), let l = r.clippedLength(a, p) { covered += l }
                }
                prev = p
            }
            return (covered, total)
        }
    }

    /// The marks that put text on the plot, by layer, in the caller's order.
    struct TextLayers {
        /// Bands with a label: inside the band when it fits, else in the legend.
        var bands: [(RectangleMark, String)] = []
        /// Rules with a label, placed beside the rule.
        var rules: [(RuleMark, String)] = []
        var annotations: [TextMark] = []

        init(_ marks: [any Mark]) {
            for mark in marks {
                switch mark.kind {
                case .rectangle(let m):
                    if let label = m.label, !label.isEmpty { bands.append((m, label)) }
                case .rule(let m):
                    if let label = m.label, !label.isEmpty { rules.append((m, label)) }
                case .text(let m):
                    annotations.append(m)
                // A line's, area's or point's label is a legend entry; a heatmap's is its colour bar's.
                case .line, .area, .point, .heatmap:
                    break
                }
            }
        }
    }

    /// A rounded box in the legend's background behind text, so that it reads over lines.
    private func haloBox(_ r: Rect) {
        canvas.roundedRect(r, radius: 2 * s)
        canvas.setColor(theme.legendBackground)
        canvas.fill()
    }

    /// A rule's label: above or below a horizontal rule (at either end, or along it), or beside a
    /// vertical one (at the top, the bottom or between), whichever hides the least.
    /// `draw` false only finds its place (adding it to the obstacles), for the layout's judgement.
    @discardableResult
    func drawRuleLabel(_ m: RuleMark, _ label: String, _ plot: PlotArea, _ obstacles: inout Obstacles, draw: Bool = true) -> Rect? {
        let r = plot.rect
        let style = TextStyle(size: theme.labelSize * s * 0.95, color: (m.color.map(textInk) ?? theme.secondaryForeground).opacity(1))
        let gap = 3 * s
        var candidates: [(Point, HAlign, VAlign)] = []
        var along: [(Point, HAlign, VAlign)] = []
        switch m.orientation {
        case .horizontal(let yv):
            let y = plot.y(yv)
            guard y.isFinite, y >= r.minY - 1, y <= r.maxY + 1 else { return nil }
            // Either end first; then along the rule, for when curves lie at both ends.
            var places = [(HAlign.right, r.maxX - 4 * s), (.left, r.minX + 4 * s)]
            places += [0.75, 0.25, 0.5, 0.625, 0.375].map { (HAlign.center, r.minX + $0 * r.width) }
            for (h, x) in places {
                candidates.append((Point(x: x, y: y - gap), h, .bottom))
                candidates.append((Point(x: x, y: y + gap), h, .top))
            }
        case .vertical(let xv):
            let x = plot.x(xv)
            guard x.isFinite, x >= r.minX - 1, x <= r.maxX + 1 else { return nil }
            var places = [(VAlign.top, r.minY + 4 * s), (.bottom, r.maxY - 4 * s)]
            places += [1.0 / 3, 2.0 / 3, 1.0 / 6, 5.0 / 6, 0.5].map { (VAlign.middle, r.minY + $0 * r.height) }
            for (v, y) in places {
                candidates.append((Point(x: x + gap, y: y), .left, v))
                candidates.append((Point(x: x - gap, y: y), .right, v))
            }
            // Last, written along the rule (reading upwards), which needs only a narrow strip.
            for f in [0.5, 0.25, 0.75] {
                let y = r.minY + f * r.height
                along.append((Point(x: x - gap, y: y), .center, .bottom))
                along.append((Point(x: x + gap, y: y), .center, .top))
            }
        }
        return place(label, style, candidates, plot, &obstacles, upright: along, draw: draw)
    }

    /// Puts text at the candidate with the lowest cost (inside the plot first), with a halo.
    /// `upright` candidates are written turned a quarter counter-clockwise (reading upwards), centred
    /// at the point, their bottom (`.bottom`) or top (`.top`) towards it.
    @discardableResult
    func place(_ text: String, _ style: TextStyle, _ candidates: [(Point, HAlign, VAlign)], _ plot: PlotArea,
               _ obstacles: inout Obstacles, halo: Bool = true, upright: [(Point, HAlign, VAlign)] = [], draw: Bool = true) -> Rect {
        let m = canvas.measure(text, style)
        func uprightBox(_ c: (Point, HAlign, VAlign)) -> Rect {
            let x = c.2 == .bottom ? c.0.x - m.height : c.0.x
            return Rect(x: x, y: c.0.y - m.width / 2, width: m.height, height: m.width)
        }
        var best: (Rect, Int, Double)? = nil
        let all = candidates.map { (canvas.textRect(text, at: $0.0, h: $0.1, v: $0.2, style), false) } + upright.map { (uprightBox($0), true) }
        for (i, (rect, _)) in all.enumerated() {
            let box = rect.inset(by: -1.5 * s)
            var cost = obstacles.cost(box)
            if !plot.rect.contains(box) { cost += 1e6 }
            cost += Double(i) * 1e-3
            if best == nil || cost < best!.2 { best = (box, i, cost) }
        }
        guard let (box, i, _) = best else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        obstacles.texts.append(box)
        guard draw else { return box }
        if halo { haloBox(box) }
        if i < candidates.count {
            let c = candidates[i]
            canvas.text(text, at: c.0, h: c.1, v: c.2, style)
        } else {
            let c = upright[i - candidates.count]
            canvas.text(text, at: c.0, h: .center, v: c.2, style, angle: Double.pi / 2)
        }
        return box
    }

    /// Legend swatches for the bands whose label does not fit inside them.
    func bandSwatches(_ bands: [(RectangleMark, String)], _ plot: PlotArea) -> [LegendEntry] {
        let style = TextStyle(size: theme.labelSize * s * 0.95, color: theme.secondaryForeground)
        return bands.filter { bandLabelCandidates($0.0, $0.1, plot, style).isEmpty }.map { LegendEntry(label: $0.1, key: .swatch($0.0.fill)) }
    }

    /// Puts each band's label inside its band, where it fits, and returns legend swatches for
    /// the bands whose label does not fit.
    func placeBandLabels(_ bands: [(RectangleMark, String)], _ plot: PlotArea, _ obstacles: inout Obstacles) -> [LegendEntry] {
        let style = TextStyle(size: theme.labelSize * s * 0.95, color: theme.secondaryForeground)
        var inside: [(RectangleMark, String)] = []
        var swatches: [LegendEntry] = []
        for (m, label) in bands {
            if bandLabelCandidates(m, label, plot, style).isEmpty {
                swatches.append(LegendEntry(label: label, key: .swatch(m.fill)))
            } else {
                inside.append((m, label))
            }
        }
        for (m, label) in inside {
            place(label, style, bandLabelCandidates(m, label, plot, style), plot, &obstacles, halo: false)
        }
        return swatches
    }

    /// Positions for a band's label inside the band (top centre, then bottom centre); empty when
    /// the label is wider than the visible band.
    private func bandLabelCandidates(_ m: RectangleMark, _ label: String, _ plot: PlotArea, _ style: TextStyle)
        -> [(Point, HAlign, VAlign)]
    {
        let r = plot.rect
        var a = plot.x(m.xRange.lowerBound), b = plot.x(m.xRange.upperBound)
        if a.isNaN { a = r.minX }
        guard b.isFinite else { return [] }
        let x0 = max(min(a, b), r.minX), x1 = min(max(a, b), r.maxX)
        var top = r.minY, bottom = r.maxY
        if let yr = m.yRange {
            top = max(r.minY, plot.y(yr.upperBound))
            let lo = plot.y(yr.lowerBound)
            bottom = lo.isFinite ? min(r.maxY, lo) : r.maxY
        }
        let w = canvas.measure(label, style).width
        guard w + 8 * s <= x1 - x0 else { return [] }
        let cx = (x0 + x1) / 2
        return [(Point(x: cx, y: top + 4 * s), .center, .top), (Point(x: cx, y: bottom - 4 * s), .center, .bottom)]
    }

    /// An annotation at its offset from the point, mirrored, or 1.7 times as far, with its leader
    /// line back to the point. Only places inside the plot that cover no marker and no other
    /// text are taken (a hidden marker is a hidden value); of those, the one over the least
    /// curve. When there is none the text is left out, and the point's own mark still shows
    /// where it is.
    func drawAnnotation(_ m: TextMark, _ plot: PlotArea, _ obstacles: inout Obstacles) {
        let p = plot.point(m.x, m.y)
        guard p.x.isFinite, p.y.isFinite else { return }
        let style = TextStyle(size: theme.labelSize * s, color: m.color.map(textInk) ?? theme.foreground)
        let dx = m.offset.dx * s, dy = m.offset.dy * s
        var candidates: [(Point, HAlign, VAlign)] = []
        for k in [1.0, 1.7] {
            for (sx, sy) in [(1.0, 1.0), (-1.0, 1.0), (1.0, -1.0), (-1.0, -1.0)] {
                let ox = dx * sx * k, oy = dy * sy * k
                let h: HAlign = ox > 0 ? .left : ox < 0 ? .right : .center
                let v: VAlign = oy > 0 ? .bottom : oy < 0 ? .top : .middle
                candidates.append((Point(x: p.x + ox, y: p.y - oy), h, v))
            }
        }
        // Leaders go under the text: compute the box first, then draw leader, halo and text.
        var best: (box: Rect, index: Int, cost: Double)? = nil
        for (i, c) in candidates.enumerated() {
            let box = canvas.textRect(m.text, at: c.0, h: c.1, v: c.2, style).inset(by: -2 * s)
            guard plot.rect.contains(box), !obstacles.coversMarkerOrText(box) else { continue }
            let cost = obstacles.cost(box) + Double(i) * 1e-3
            if best == nil || cost < best!.cost { best = (box, i, cost) }
        }
        guard let (box, i, _) = best else { return }
        if m.leaderLine, let leader = annotationLeader(from: p, to: box) {
            canvas.line(leader.from, leader.to, color: theme.secondaryForeground, width: 0.7 * s)
        }
        haloBox(box)
        let c = candidates[i]
        canvas.text(m.text, at: c.0, h: c.1, v: c.2, style)
        obstacles.texts.append(box)
    }

    /// An annotation's leader: from just off the point (clear of its marker) to the nearest
    /// point of the text's box; nil when the box is about at the point.
    private func annotationLeader(from p: Point, to box: Rect) -> (from: Point, to: Point)? {
        let target = Point(x: min(max(p.x, box.minX), box.maxX), y: min(max(p.y, box.minY), box.maxY))
        let len = hypot(target.x - p.x, target.y - p.y)
        let start = 5 * s
        guard len > start + 2 * s else { return nil }
        let ux = (target.x - p.x) / len, uy = (target.y - p.y) / len
        return (Point(x: p.x + ux * start, y: p.y + uy * start), target)
    }
}
