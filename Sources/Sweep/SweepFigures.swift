import Report
import Foundation
import Render
import TextFormat

/// The comparison's figures: overlays of every run's curves, seed groups as mean and min/max
/// band, a heatmap over a two-hyperparameter grid, and the scaling law in log-log axes.
public enum SweepFigures {
    static let thresholdColor = Color(hex: 0xC62828)
    static let failedGrey = Color(hex: 0x9E9E9E)

    public static func all(_ c: SweepComparison, settings: FigureSettings) -> [NamedFigure] {
        [
            overlay(c, metrics: ["train/loss_tail", "train/loss_mean"], id: "overlay_train",
                    title: "Training loss of every run", settings: settings),
            overlay(c, metrics: ["val/loss_tail", "val/loss_mean"], id: "overlay_val",
                    title: "Validation loss of every run", settings: settings),
            seedBands(c, settings: settings),
            heatmap(c, settings: settings),
            scaling(c, settings: settings),
        ].compactMap { $0 }
    }

    /// The colour of run `i`: by the value of the colour key, else by position.
    static func color(_ c: SweepComparison, _ i: Int) -> Color {
        guard let k = c.colorKey else { return Palette.color(i) }
        let v = c.entries[i].record.hyperparameters[k] ?? "–"
        return Palette.color(c.colorValues.firstIndex(of: v) ?? 0)
    }

    static func label(_ c: SweepComparison, _ i: Int) -> String {
        guard let k = c.colorKey else { return c.entries[i].record.name }
        return "\(k)=\(c.entries[i].record.hyperparameters[k] ?? "–")"
    }

    static func overlay(_ c: SweepComparison, metrics: [String], id: String, title: String,
                        settings: FigureSettings) -> NamedFigure? {
        var charts: [Chart] = []
        for metric in metrics {
            var marks: [any Mark] = []
            var labelled = Set<String>()
            var values: [Double] = []
            let order = c.entries.indices.filter { $0 != c.best } + (c.best.map { [$0] } ?? [])
            for i in order {
                guard let curve = c.entries[i].curves?.curves[metric], !curve.x.isEmpty else { continue }
                let ys = curve.y.map { $0 ?? .nan }
                values += ys.filter(\.isFinite)
                let isBest = i == c.best
                let l = label(c, i)
                let showLabel = !labelled.contains(l) && c.colorKey != nil || (c.colorKey == nil && c.entries.count <= 8)
                labelled.insert(l)
                let sparse = curve.x.count <= 30
                let crowded = c.entries.count > 20
                if isBest {
                    // A dark casing makes the best run stand out among many of its colour.
                    marks.append(LineMark(xs: curve.x, ys: ys, color: settings.theme.foreground, width: 4.4, showsInLegend: false))
                }
                marks.append(LineMark(xs: curve.x, ys: ys, color: color(c, i), width: isBest ? 2.6 : (crowded ? 0.9 : 1.2),
                                      opacity: isBest ? 1 : (crowded ? 0.5 : 0.75),
                                      dash: c.entries[i].record.status == "incomplete" ? .dashed : .solid,
                                      label: showLabel ? l : nil))
                if sparse {
                    marks.append(PointMark(xs: curve.x, ys: ys, symbol: .circle, size: isBest ? 6 : 4, color: color(c, i),
                                           outlined: false))
                }
                if c.entries[i].record.status == "diverged", let k = ys.lastIndex(where: \.isFinite) {
                    marks.append(PointMark(x: curve.x[k], y: ys[k], symbol: .diamond, size: 9, color: thresholdColor))
                    marks.append(TextMark(x: curve.x[k], y: ys[k], text: "\(c.entries[i].record.name): diverged", offset: (20, 20),
                                          color: thresholdColor))
                }
                if isBest, let lx = curve.x.last, let ly = ys.last(where: \.isFinite) {
                    marks.append(TextMark(x: lx, y: ly, text: "best: \(c.entries[i].record.name)", offset: (-30, 26),
                                          color: color(c, i)))
                }
            }
            guard !marks.isEmpty else { continue }
            marks.append(RuleMark(y: c.threshold, color: thresholdColor, width: 1.2, dash: .dashed,
                                  label: "threshold \(NumberFormat.compact(c.threshold))"))
            charts.append(Chart(title: metric, subtitle: c.best != nil ? "bold: best run by \(c.primaryMetric); dashed: unfinished" : nil,
                                x: Axis("epoch"), y: Axis("loss", domain: focusedDomain(values, threshold: c.threshold)),
                                marks: marks))
        }
        guard !charts.isEmpty else { return nil }
        let fig = Figure(width: settings.width, height: settings.height * (charts.count > 1 ? 1.0 : 0.8), title: title,
                         rows: 1, columns: charts.count, theme: settings.theme, transparent: settings.transparent, charts: charts)
        var caption = "Every run's \(metrics.joined(separator: " and ")) over epochs"
        if let k = c.colorKey { caption += ", coloured by \(k)" }
        caption += "; the dashed red line is the threshold \(NumberFormat.compact(c.threshold))."
        return NamedFigure(id: id, title: title, caption: caption, figure: fig)
    }

    /// A y range that shows where runs end up rather than where they all start (ln V).
    static func focusedDomain(_ values: [Double], threshold: Double) -> ClosedRange<Double>? {
        let sorted = values.filter(\.isFinite).sorted()
        guard let lo = sorted.first else { return nil }
        let p90 = sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * 0.9))]
        let top = max(p90, threshold + 0.2)
        let bottom = min(lo, threshold) - 0.05 * max(top - lo, 0.1)
        guard top > bottom else { return nil }
        return bottom...(top + 0.05 * (top - bottom))
    }

    static func seedBands(_ c: SweepComparison, settings: FigureSettings) -> NamedFigure? {
        let metric = c.primaryMetric.hasPrefix("val/") ? "train/loss_tail" : c.primaryMetric
        var charts: [Chart] = []
        for (gi, g) in c.seedGroups.prefix(6).enumerated() {
            let curves = g.members.compactMap { c.entries[$0].curves?.curves[metric] }
            guard curves.count >= 2 else { continue }
            // Epochs every member has, in order.
            var common = Set(curves[0].x)
            for cv in curves.dropFirst() { common.formIntersection(cv.x) }
            let xs = common.sorted()
            guard !xs.isEmpty else { continue }
            var mean: [Double] = [], lo: [Double] = [], hi: [Double] = [], sdLo: [Double] = [], sdHi: [Double] = []
            let lookups = curves.map { cv in Dictionary(zip(cv.x, cv.y), uniquingKeysWith: { _, b in b }) }
            for x in xs {
                let v = lookups.map { ($0[x] ?? nil) ?? .nan }
                let finite = v.filter(\.isFinite)
                guard finite.count == v.count else { mean.append(.nan); lo.append(.nan); hi.append(.nan); sdLo.append(.nan); sdHi.append(.nan); continue }
                let m = finite.reduce(0, +) / Double(finite.count)
                let sd = (finite.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(finite.count - 1, 1))).squareRoot()
                mean.append(m); lo.append(finite.min()!); hi.append(finite.max()!)
                sdLo.append(m - sd); sdHi.append(m + sd)
            }
            let col = color(c, g.members[0])
            var marks: [any Mark] = [AreaMark(xs: xs, lower: lo, upper: hi, color: col, opacity: 0.2, label: "min–max")]
            if curves.count >= 3 {
                // With two seeds the sample std band is wider than min-max and says nothing more.
                marks.append(AreaMark(xs: xs, lower: sdLo, upper: sdHi, color: col, opacity: 0.3, label: "mean ± std"))
            }
            marks.append(LineMark(xs: xs, ys: mean, color: col, width: 2, label: "mean of \(g.members.count) seeds"))
            marks.append(RuleMark(y: c.threshold, color: thresholdColor, width: 1.2, dash: .dashed,
                                  label: "threshold \(NumberFormat.compact(c.threshold))"))
            charts.append(Chart(title: g.label, subtitle: metric, x: Axis("epoch"),
                                y: Axis("loss", domain: focusedDomain(lo + hi, threshold: c.threshold)), marks: marks))
            _ = gi
        }
        guard !charts.isEmpty else { return nil }
        let cols = min(2, charts.count)
        let rows = (charts.count + cols - 1) / cols
        let fig = Figure(width: settings.width, height: settings.height * 0.75 * Double(rows), title: "Runs that differ only by seed",
                         rows: rows, columns: cols, theme: settings.theme, transparent: settings.transparent, charts: charts)
        let shown = c.seedGroups.count > charts.count ? " The first \(charts.count) of \(c.seedGroups.count) groups are drawn; the table lists all." : ""
        return NamedFigure(id: "seeds", title: "Seed groups",
                           caption: "Runs with the same hyperparameters but the seed: mean (line), min–max (light band) and, with three seeds or more, mean ± standard deviation (dark band) of \(metric).\(shown)",
                           figure: fig)
    }

    static func heatmap(_ c: SweepComparison, settings: FigureSettings) -> NamedFigure? {
        guard let g = c.grid else { return nil }
        let cols = g.columns
        let edges = (0...cols.count).map { Double($0) - 0.5 }
        let heat = HeatmapMark(xEdges: edges, categories: g.rows.map { "\(g.rowKey)=\($0)" }, values: g.values,
                               colormap: .viridis, colorBarLabel: "final \(c.primaryMetric)")
        let formatter: @Sendable (Double) -> String = { v in
            let i = Int(v.rounded())
            return abs(v - Double(i)) < 1e-9 && cols.indices.contains(i) ? cols[i] : ""
        }
        let chart = Chart(title: "Final \(c.primaryMetric) over \(g.columnKey) × \(g.rowKey)", x: Axis(g.columnKey, tickCount: cols.count, tickFormatter: formatter),
                          y: Axis(g.rowKey), legend: .none, showsGrid: false, marks: [heat])
        let fig = Figure(chart, width: settings.width * 0.8, height: max(220, 80 + 60 * Double(g.rows.count)),
                         theme: settings.theme, transparent: settings.transparent)
        return NamedFigure(id: "grid", title: "Hyperparameter grid",
                           caption: "Mean final \(c.primaryMetric) of the runs in each cell (seeds averaged); lower is better.",
                           figure: fig)
    }

    static func scaling(_ c: SweepComparison, settings: FigureSettings) -> NamedFigure? {
        let m = c.scaling?.metric ?? c.primaryMetric
        var charts: [Chart] = []
        for kind in ["raw", "reducible"] {
            guard let fit = c.fits.first(where: { $0.metric == m && $0.kind == kind }) else { continue }
            var marks: [any Mark] = []
            let ns = fit.points.map(\.parameters)
            let lo = ns.min()! / 1.3, hi = ns.max()! * 1.3
            let lineX = (0...40).map { lo * pow(hi / lo, Double($0) / 40) }
            marks.append(LineMark(xs: lineX, ys: lineX.map { fit.loss(atParameters: $0) }, color: Palette.color(0), width: 1.6,
                                  dash: .dashed, label: cFormat("L = (%.3g·N)^%.4f", fit.beta, fit.alpha)))
            marks.append(PointMark(xs: ns, ys: fit.points.map(\.loss), symbol: .circle, size: 8, color: Palette.color(0),
                                   label: "fitted runs"))
            // Runs shown but left out of the fit.
            var ex: [(Double, Double)] = []
            for e in c.entries where c.excluded.contains(where: { $0.name == e.record.name }) {
                guard let n = e.parameters, let v = e.record.final[m] else { continue }
                let y = kind == "raw" ? v : v - (fit.irreducible ?? 0)
                if y > 0 && y.isFinite {
                    ex.append((n, y))
                    marks.append(TextMark(x: n, y: y, text: "\(e.record.name) (\(e.record.status))", offset: (-20, -22),
                                          color: failedGrey))
                }
            }
            if !ex.isEmpty {
                marks.append(PointMark(xs: ex.map(\.0), ys: ex.map(\.1), symbol: .triangle, size: 8, color: failedGrey,
                                       outlined: false, label: "not fitted (unfinished or diverged)"))
            }
            let title = kind == "raw" ? "Final \(m)" : "Reducible: \(m) − \(NumberFormat.compact(fit.irreducible))"
            charts.append(Chart(title: title,
                                subtitle: cFormat("α = %.4f, r = %.3f, r² = %.3f, %d runs", fit.alpha, fit.r, fit.r2, fit.nPoints),
                                x: Axis("parameters", scale: .log10), y: Axis("loss", scale: .log10), marks: marks))
        }
        guard !charts.isEmpty else { return nil }
        let fig = Figure(width: settings.width, height: settings.height * 0.85, title: "Scaling law", rows: 1,
                         columns: charts.count, theme: settings.theme, transparent: settings.transparent, charts: charts)
        return NamedFigure(id: "scaling", title: "Scaling law",
                           caption: "Final loss against model size in log-log axes with the least-squares power law L = (β·N)^α, as in the VAR paper. Unfinished and diverged runs are drawn as grey triangles and are not part of the fit.",
                           figure: fig)
    }
}
