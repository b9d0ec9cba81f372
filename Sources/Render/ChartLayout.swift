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
