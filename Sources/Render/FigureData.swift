import Foundation
import TextFormat


/// The data behind a figure, as drawn: every line's and marker's points (full resolution, before
/// any reduction for the screen), the rules (a threshold), the shaded regions (an overfitting
/// region), the bands and the annotations, panel by panel, for `plot -o x.csv|x.json` and the
/// report's `figures/<id>.csv|json`. A line kept out of the legend (a raw curve under its
/// smoothed one) keeps its own label here.
public enum FigureData {
    /// `panel,kind,label,x,y,x_end,y_end,epoch,step`: one row per point of a line, marker set or
    /// band edge, one per rule (x or y given), one per region (x..x_end, y..y_end when bounded),
    /// one per annotation (its text in `label`). `epoch` and `step` say where a line's or marker's
    /// point was logged, whatever x counts (hours, a clock), when the figure knows
    /// (`PointOrigin`). NaN, and what a kind does not have, are empty cells.
    public static func csv(_ figure: Figure) -> Data {
        var out = "panel,kind,label,x,y,x_end,y_end,epoch,step\n"
        func num(_ v: Double?) -> String {
            guard let v, v.isFinite else { return "" }
            return "\(v)"   // the shortest text that reads back as the same Double
        }
        let field = CSVText.field
        /// ",epoch,step" of point i (empty cells where unknown).
        func logged(_ origin: PointOrigin?, _ i: Int) -> String {
            guard let o = origin, i < o.xs.count else { return ",," }
            return "," + (o.epoch(i).map(String.init) ?? "") + "," + (o.step(i).map(String.init) ?? "")
        }
        for (p, chart) in figure.charts.enumerated() {
            let panel = field(chart.title ?? "panel \(p + 1)")
            for (m, mark) in chart.marks.enumerated() {
                switch mark.kind {
                case .line(let l):
                    let label = field(l.label ?? "line \(m + 1)")
                    for (i, (x, y)) in zip(l.xs, l.ys).enumerated() { out += "\(panel),line,\(label),\(num(x)),\(num(y)),,\(logged(l.origin, i))\n" }
                case .point(let pt):
                    let label = field(pt.label ?? "points \(m + 1)")
                    for (i, (x, y)) in zip(pt.xs, pt.ys).enumerated() { out += "\(panel),point,\(label),\(num(x)),\(num(y)),,\(logged(pt.origin, i))\n" }
                case .rule(let r):
                    let label = field(r.label ?? r.dataName ?? "rule")
                    switch r.orientation {
                    case .horizontal(let y): out += "\(panel),rule,\(label),,\(num(y)),,,,\n"
                    case .vertical(let x): out += "\(panel),rule,\(label),\(num(x)),,,,,\n"
                    }
                case .rectangle(let r):
                    out += "\(panel),region,\(field(r.label ?? "region")),\(num(r.xRange.lowerBound)),\(num(r.yRange?.lowerBound)),"
                        + "\(num(r.xRange.upperBound)),\(num(r.yRange?.upperBound)),,\n"
                case .area(let a):
                    let label = field(a.label ?? "band \(m + 1)")
                    for (i, x) in a.xs.enumerated() {
                        out += "\(panel),band,\(label),\(num(x)),\(num(a.lower[i])),,\(num(a.upper[i])),,\n"
                    }
                case .text(let t):
                    out += "\(panel),annotation,\(field(t.text)),\(num(t.x)),\(num(t.y)),,,,\n"
                case .heatmap(let h):
                    for (row, category) in h.categories.enumerated() {
                        for (col, v) in h.values[row].enumerated() {
                            out += "\(panel),cell,\(field(category)),\(num(h.xEdges[col])),\(num(v)),\(num(h.xEdges[col + 1])),,,\n"
                        }
                    }
                }
            }
        }
        return Data(out.utf8)
    }

    /// The same as one JSON document: `{"title", "panels": [{"title", "x_label", "y_label",
    /// "marks": [...]}]}`, each mark with its `kind` (`line`, `point`, `rule`, `region`,
    /// `band`, `annotation`, `heatmap`); NaN as null. Lines and markers that know where their
    /// points were logged carry `epoch` and `step` arrays beside `x` and `y`.
    public static func json(_ figure: Figure) throws -> Data {
        func nums(_ vs: [Double]) -> [Any] { vs.map { $0.isFinite ? $0 as Any : NSNull() } }
        func num(_ v: Double?) -> Any { v.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }
        /// The mark with `epoch` and `step` arrays (null where unknown) when it knows them.
        func logged(_ mark: [String: Any], _ origin: PointOrigin?) -> [String: Any] {
            guard let o = origin else { return mark }
            var m = mark
            m["epoch"] = o.xs.indices.map { o.epoch($0).map { $0 as Any } ?? NSNull() }
            m["step"] = o.xs.indices.map { o.step($0).map { $0 as Any } ?? NSNull() }
            return m
        }
        var panels: [[String: Any]] = []
        for (p, chart) in figure.charts.enumerated() {
            var marks: [[String: Any]] = []
            for mark in chart.marks {
                switch mark.kind {
                case .line(let l):
                    marks.append(logged(["kind": "line", "label": l.label ?? NSNull(), "in_legend": l.showsInLegend, "x": nums(l.xs), "y": nums(l.ys)], l.origin))
                case .point(let pt):
                    marks.append(logged(["kind": "point", "label": pt.label ?? NSNull(), "x": nums(pt.xs), "y": nums(pt.ys)], pt.origin))
                case .rule(let r):
                    switch r.orientation {
                    case .horizontal(let y): marks.append(["kind": "rule", "axis": "y", "value": num(y), "label": r.label ?? r.dataName ?? NSNull()])
                    case .vertical(let x): marks.append(["kind": "rule", "axis": "x", "value": num(x), "label": r.label ?? r.dataName ?? NSNull()])
                    }
                case .rectangle(let r):
                    marks.append(["kind": "region", "label": r.label ?? NSNull(), "x": [num(r.xRange.lowerBound), num(r.xRange.upperBound)],
                                  "y": r.yRange.map { [num($0.lowerBound), num($0.upperBound)] as Any } ?? NSNull()])
                case .area(let a): marks.append(["kind": "band", "label": a.label ?? NSNull(), "x": nums(a.xs), "lower": nums(a.lower), "upper": nums(a.upper)])
                case .text(let t): marks.append(["kind": "annotation", "text": t.text, "x": num(t.x), "y": num(t.y)])
                case .heatmap(let h): marks.append(["kind": "heatmap", "x_edges": nums(h.xEdges), "categories": h.categories, "values": h.values.map(nums)])
                }
            }
            panels.append(["title": chart.title ?? "panel \(p + 1)", "x_label": chart.x.label ?? NSNull(), "y_label": chart.y.label ?? NSNull(),
                           "marks": marks])
        }
        let doc: [String: Any] = ["schema": "varreport.figure-data/1", "title": figure.title ?? NSNull(), "panels": panels]
        return try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }
}
