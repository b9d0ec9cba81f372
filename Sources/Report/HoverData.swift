import Foundation
import Render

/// The points the HTML report's script answers "what is the value here?" from: per panel, each
/// series in the legend with its x, its value as drawn (smoothed when a raw curve lies under it)
/// and the raw value, plus what the x axis counts. The panel's plot-area mapping is in the SVG
/// itself (`rect.vr-plot`), so data and picture cannot disagree.
///
/// A series of more than `maximumPoints` keeps, per run of points, the first, last, lowest and
/// highest raw value (M4 over the index): every spike still answers, and a million-point run
/// does not put a million numbers into the page.
enum HoverData {
    static let maximumPoints = 4000

    /// What the x axis of every panel counts, and how to get epochs from steps.
    struct XContext {
        var unit: XAxisUnit
        var iterationsPerEpoch: Int?
        /// The series are runs (a comparison), so the tooltip names the panel's metric too.
        var seriesAreRuns = false
        /// A clock axis counts Unix time (a date with its year), not a console's year-less clock.
        var clockHasYear = false
    }

    static func json(_ figure: Figure, x: XContext, words: FigureWords) -> String {
        var panels: [[String: Any]] = []
        for chart in figure.charts {
            var panel: [String: Any] = ["series": series(of: chart)]
            if let title = chart.title { panel["title"] = title }
            // A clock axis: the tooltip reads times as the axis does (same offset; a year only
            // on the Unix clock, not on a console's year-less one).
            if let time = chart.x.time {
                panel["clock"] = ["offset": time.displayOffset, "year": x.clockHasYear]
            }
            panels.append(panel)
        }
        var doc: [String: Any] = [
            "x_unit": x.unit.rawValue, "panels": panels,
            "words": ["epoch": words("epoch"), "step": words("step"), "hours": words("hours"), "raw": words("raw"),
                      "smoothed": words("smoothed"), "value": words("value")],
        ]
        if let ipe = x.iterationsPerEpoch, ipe > 0 { doc["iterations_per_epoch"] = ipe }
        if x.seriesAreRuns { doc["series_are_runs"] = true }
        guard let data = try? JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys]) else { return "{}" }
        // JSONSerialization writes "/" as "\/"; "<" (only ever inside a string) is written as
        // \u003c too, so no label can end the data block or open a comment in it.
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
    }

    /// The panel's hoverable series: lines and markers in the legend. A line kept out of the
    /// legend with the same series key is its raw curve: on the same x values it answers as the
    /// raw value beside the smoothed one; on others (iterations under epoch averages) it answers
    /// on its own, under its own label.
    static func series(of chart: Chart) -> [[String: Any]] {
        var raws: [String: LineMark] = [:]
        for mark in chart.marks {
            if case .line(let l) = mark.kind, !l.showsInLegend, let label = l.label { raws[SeriesKey.of(label)] = l }
        }
        var out: [[String: Any]] = []
        for mark in chart.marks {
            switch mark.kind {
            case .line(let l):
                guard l.showsInLegend, let label = l.label, !label.isEmpty else { continue }
                var raw: [Double]? = nil
                if let r = raws[SeriesKey.of(label)] {
                    if r.xs == l.xs { raw = r.ys }
                    else { out.append(entry(label: r.label ?? label, kind: "line", color: r.color, xs: r.xs, ys: r.ys, raw: nil, origin: r.origin)) }
                }
                out.append(entry(label: label, kind: "line", color: l.color, xs: l.xs, ys: l.ys, raw: raw, origin: l.origin))
            case .point(let p):
                guard p.showsInLegend, let label = p.label, !label.isEmpty else { continue }
                out.append(entry(label: label, kind: "point", color: p.color, xs: p.xs, ys: p.ys, raw: nil, origin: p.origin))
            case .area, .rule, .rectangle, .text, .heatmap:
                continue
            }
        }
        return out
    }

    /// One series: its kept points' x, y (and raw), and where each was logged (`epoch`, `step`:
    /// null where unknown) when the mark says so. A point logged as NaN or infinite keeps its x
    /// with a null y and its value spelled in `bad` ("NaN", "inf"), so the tooltip can say so.
    private static func entry(label: String, kind: String, color: Color, xs: [Double], ys: [Double], raw: [Double]?,
                              origin: PointOrigin?) -> [String: Any] {
        let n = min(xs.count, ys.count, raw?.count ?? Int.max)
        let keep = kept(n, values: raw ?? ys)
        func values(_ v: [Double]) -> [Any] { keep.map { v[$0].isFinite ? v[$0] as Any : NSNull() } }
        var e: [String: Any] = ["key": SeriesKey.of(label), "label": label, "kind": kind, "color": color.hexString,
                                "x": values(xs), "y": values(ys)]
        if let raw { e["raw"] = values(raw) }
        if let origin, origin.xs.count >= n {
            e["epoch"] = keep.map { origin.epoch($0).map { $0 as Any } ?? NSNull() }
            e["step"] = keep.map { origin.step($0).map { $0 as Any } ?? NSNull() }
        }
        var bad: [String: String] = [:]
        for (k, i) in keep.enumerated() {
            let v = raw?[i] ?? ys[i]
            if !v.isFinite, xs[i].isFinite { bad[String(k)] = v.isNaN ? "NaN" : (v > 0 ? "inf" : "-inf") }
        }
        if !bad.isEmpty { e["bad"] = bad }
        return e
    }

    /// The indices kept of `n` points: all of them, or M4 over runs of the index.
    static func kept(_ n: Int, values: [Double]) -> [Int] {
        guard n > maximumPoints else { return Array(0..<n) }
        let buckets = maximumPoints / 4
        var out: [Int] = []
        out.reserveCapacity(maximumPoints)
        for b in 0..<buckets {
            let lo = b * n / buckets, hi = (b + 1) * n / buckets
            guard lo < hi else { continue }
            var minI = lo, maxI = lo
            var firstBad: Int? = nil  // a NaN or Inf is kept too: the tooltip names it
            for i in lo..<hi {
                guard values[i].isFinite else { if firstBad == nil { firstBad = i }; continue }
                if !values[minI].isFinite || values[i] < values[minI] { minI = i }
                if !values[maxI].isFinite || values[i] > values[maxI] { maxI = i }
            }
            out += Set([lo, minI, maxI, hi - 1] + (firstBad.map { [$0] } ?? [])).sorted()
        }
        return out
    }
}
