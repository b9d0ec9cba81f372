import Foundation

/// Data extents and resolved domains of a chart (before any device mapping).
struct ChartDomains {
    var x: ClosedRange<Double>
    var y: ClosedRange<Double>
    /// Non-nil when a heatmap makes the y axis categorical (row 0 at the top).
    var categories: [String]?

    init(chart: Chart) {
        let heat = chart.heatmap
        var xr = Extent(), yr = Extent()
        let xLog = chart.x.scale == .log10, yLog = chart.y.scale == .log10
        // An axis with a given domain needs no pass over the data (long lines are 1M points).
        let needsX = chart.x.domain == nil, needsY = chart.y.domain == nil && heat == nil
        // Lines usually share one x array: its extent is taken once.
        var seenXs = Set<UInt>()
        func addXs(_ xs: [Double]) {
            guard needsX, seenXs.insert(xs.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }).inserted || xs.isEmpty else { return }
            xr.add(xs, log: xLog)
        }
        for mark in chart.marks where needsX || needsY {
            switch mark.kind {
            case .line(let m):
                addXs(m.xs)
                if needsY { yr.add(m.ys, log: yLog) }
            case .area(let m):
                addXs(m.xs)
                if needsY { yr.add(m.lower, log: yLog); yr.add(m.upper, log: yLog) }
            case .point(let m):
                addXs(m.xs)
                if needsY { yr.add(m.ys, log: yLog) }
            case .rule(let m):
                switch m.orientation {
                case .horizontal(let y): yr.add(y, log: yLog)
                case .vertical(let x): xr.add(x, log: xLog)
                }
            case .rectangle(let m):
                xr.add(m.xRange.lowerBound, log: xLog); xr.add(m.xRange.upperBound, log: xLog)
                if let r = m.yRange { yr.add(r.lowerBound, log: yLog); yr.add(r.upperBound, log: yLog) }
            case .text(let m):
                xr.add(m.x, log: xLog); yr.add(m.y, log: yLog)
            case .heatmap(let m):
                xr.add(m.xEdges, log: xLog)
            }
        }
        x = chart.x.domain ?? xr.domain(scale: chart.x.scale, margin: chart.x.margin ?? (heat != nil ? 0 : 0.02))
        if let heat {
            categories = heat.categories
            y = 0...Double(max(1, heat.categories.count))
        } else {
            categories = nil
            y = chart.y.domain ?? yr.domain(scale: chart.y.scale, margin: chart.y.margin ?? 0.05)
        }
    }
}

/// Running min/max of finite (and, for log axes, positive) values.
struct Extent {
    var lo = Double.infinity, hi = -Double.infinity

    mutating func add(_ v: Double, log: Bool) {
        guard v.isFinite, !log || v > 0 else { return }
        if v < lo { lo = v }
        if v > hi { hi = v }
    }

    mutating func add(_ vs: [Double], log: Bool) {
        vs.withUnsafeBufferPointer { b in
            var l = lo, h = hi
            for v in b where v.isFinite && (!log || v > 0) {
                if v < l { l = v }
                if v > h { h = v }
            }
            lo = l; hi = h
        }
    }

    /// The extent widened by `margin` of its span on each side (in log space for log scales).
    func domain(scale: Scale, margin: Double) -> ClosedRange<Double> {
        switch scale {
        case .linear:
            guard lo <= hi else { return 0...1 }
            if lo == hi { let d = lo == 0 ? 1 : abs(lo) * 0.1; return (lo - d)...(hi + d) }
            let pad = (hi - lo) * margin
            return (lo - pad)...(hi + pad)
        case .log10:
            guard lo <= hi else { return 1...10 }
            if lo == hi { return (lo / 10)...(hi * 10) }
            let l = log10(lo), h = log10(hi), pad = (h - l) * margin
            return pow(10, l - pad)...pow(10, h + pad)
        }
    }
}

/// The panel's layout: margins measured with Pango around the tick labels, axis labels, titles
/// and colour bar, then the plot area and the ticks that fit it.
extension ChartRenderer {
    /// Resolved axis ticks with their labels.
    struct AxisTicks {
        var major: [Double]
        var minor: [Double]
        var labels: [String]
    }

    /// Where everything of a chart goes, decided before anything is drawn.
    struct FinalLayout {
        var plot: PlotArea
        var xTicks: AxisTicks
        var yTicks: AxisTicks
        var titleTop: Double
        /// The band above the plot the legend's rows go in, when no place inside is free.
        var legendBand: Rect?
        /// The rules (indices into `TextLayers.rules`) whose label would hide data wherever it
        /// went beside them: they are told by a legend entry instead.
        var rulesInLegend: Set<Int>
    }

    /// The layout the chart is drawn with: `layout(in:)`, with the rule labels that have no free
    /// place moved into the legend, and, when no place inside the plot fits the legend or is free
    /// for it, a band above the plot for its rows. Judged at one vector point per column whatever the
    /// output, so PNG, PDF and SVG agree.
    func finalLayout(in frame: Rect) -> FinalLayout {
        let first = layout(in: frame)
        var result = FinalLayout(plot: first.plot, xTicks: first.xTicks, yTicks: first.yTicks, titleTop: first.titleTop,
                                 legendBand: nil, rulesInLegend: [])
        guard chart.legend != .none else { return result }
        let texts = TextLayers(chart.marks)
        let judge = ChartRenderer(chart: chart, canvas: canvas, theme: theme, s: s, pixelsPerPoint: 1, vector: true)
        // The rule labels where `draw` will place them (before the legend).
        var obstacles = judge.markObstacles(first.plot)
        for (i, (m, label)) in texts.rules.enumerated() {
            var trial = obstacles
            let box = judge.drawRuleLabel(m, label, first.plot, &trial, draw: false)
            if let box, obstacles.hides(box, share: Self.insideLegendShare) { result.rulesInLegend.insert(i) } else { obstacles = trial }
        }
        let entries = legendEntries() + bandSwatches(texts.bands, first.plot) + ruleEntries(texts.rules, result.rulesInLegend)
        guard !entries.isEmpty, legendNeedsBand(entries, first.plot, obstacles) else { return result }
        let height = legendRows(entries, width: first.plot.rect.width).height
        let l = layout(in: frame, legendHeight: height)
        result.plot = l.plot; result.xTicks = l.xTicks; result.yTicks = l.yTicks; result.titleTop = l.titleTop
        result.legendBand = Rect(x: l.plot.rect.minX, y: l.plot.rect.minY - height, width: l.plot.rect.width, height: height)
        return result
    }

    /// Whether the legend goes in rows above the plot: when no place inside fits it wholly, or,
    /// placed automatically, when every place inside would hide data. A legend put in a corner
    /// by the caller stays there if it fits.
    private func legendNeedsBand(_ entries: [LegendEntry], _ plot: PlotArea, _ obstacles: Obstacles) -> Bool {
        guard let inside = insideLegendPlace(entries, plot, obstacles) else { return true }
        return chart.legend == .auto && obstacles.hides(inside.rect, share: Self.insideLegendShare)
    }

    /// Computes the plot area for `frame`, leaving `legendHeight` above it for a legend's rows.
    func layout(in frame: Rect, legendHeight: Double = 0) -> (plot: PlotArea, xTicks: AxisTicks, yTicks: AxisTicks, titleTop: Double) {
        let domains = ChartDomains(chart: chart)
        let pad = 8 * s
        var top = frame.minY + pad
        let titleTop = top
        if let t = chart.title { top += canvas.measure(t, titleStyle).height + 2 * s }
        if let t = chart.subtitle { top += canvas.measure(t, subtitleStyle).height }
        if chart.title != nil || chart.subtitle != nil { top += 8 * s }
        else { top += 4 * s }  // room for the top tick label's upper half
        top += legendHeight

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
        if let clock = axis.time, axis.scale == .linear {
            let t = Ticks.time(domain, count: count, axis: clock)
            return AxisTicks(major: t.major, minor: [], labels: TickFormat.timeLabels(t.major, step: t.step, axis: clock))
        }
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

    func colorBarTicks(_ heat: HeatmapMark, height: Double) -> AxisTicks {
        let r = heat.resolvedRange
        let t = Ticks.linear(r, count: min(8, max(3, Int(height / (45 * s)))))
        let labels = heat.tickFormatter.map { f in t.major.map(f) } ?? TickFormat.labels(t.major, step: t.step)
        return AxisTicks(major: t.major, minor: [], labels: labels)
    }
}
