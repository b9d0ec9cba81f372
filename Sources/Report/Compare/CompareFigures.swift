import Analysis
import Render
import TextFormat
import TrainingLog

/// The compared runs overlaid, one colour and one legend entry per run (its name), on one x axis
/// (epoch, step or hours): the training and validation losses with the threshold, and the
/// accuracies when the runs log them.
public enum CompareFigures {
    /// Panels: the tail losses first (what VAR judges a run by), then the accuracies.
    static let panels: [[String]] = [["train/loss_tail", "val/loss_tail"], ["train/acc_tail", "val/acc_tail"]]

    public static func all(_ c: RunComparison, settings: FigureSettings) -> [NamedFigure] {
        var out: [NamedFigure] = []
        for (i, metrics) in panels.enumerated() {
            if let f = figure(c, metrics: metrics, id: i == 0 ? "compare_loss" : "compare_accuracy",
                              title: i == 0 ? "Loss, run by run" : "Token accuracy, run by run", settings: settings) {
                out.append(f)
            }
        }
        return out
    }

    static func figure(_ c: RunComparison, metrics: [String], id: String, title: String, settings: FigureSettings) -> NamedFigure? {
        var charts: [Chart] = []
        var axisLabel = "epoch"
        for metric in metrics {
            let name = MetricName(metric)
            var marks: [any Mark] = []
            for (i, e) in c.entries.enumerated() {
                guard let s = e.run.preferredSeries(name), !s.isEmpty else { continue }
                let x = XMapping(run: e.run, requested: settings.xAxis)
                axisLabel = x.axisLabel
                let xs = x.xs(s)
                // Iteration losses are noisy: drawn smoothed as the analysis smoothed them.
                let ys = s.granularity == .iteration && s.count > 30
                    ? Smoothing.debiasedEMA(s.values, weight: e.summary.smoothing.weight(points: s.count, granularity: s.granularity))
                    : s.values
                let color = Palette.color(i)
                marks.append(LineMark(xs: xs, ys: ys, color: color, width: 1.8, label: e.label).loggedAt(x.origin(s)))
                if s.count <= 40 {
                    marks.append(PointMark(xs: xs, ys: ys, symbol: .circle, size: 5, color: color, outlined: false).loggedAt(x.origin(s)).annotating(e.label))
                }
            }
            guard !marks.isEmpty else { continue }
            if name.isLoss {
                marks.append(RuleMark(y: c.threshold, color: Color(hex: 0xD55E00), width: 1.2, dash: .dashed,
                                      label: "threshold \(NumberFormat.compact(c.threshold))"))
            }
            // The whole range: a focused one would hide the early points without a mark.
            // (--ylim focuses the loss panels, as in a run's own figures.)
            let chart = Chart(title: metric, x: Axis(axisLabel),
                              y: Axis(name.isLoss ? "loss" : "accuracy (%)", domain: name.isLoss ? settings.yRange : nil), marks: marks)
            charts.append(VARFigures.withYScale(chart, settings))
        }
        guard !charts.isEmpty else { return nil }
        let fig = Figure(width: settings.width, height: settings.height * 0.8, title: title, rows: 1, columns: charts.count,
                         theme: settings.theme, transparent: settings.transparent, charts: charts)
        let names = c.entries.map(\.label).joined(separator: ", ")
        var caption = "\(metrics.joined(separator: " and ")) of \(names) over \(axisLabel)s"
        if charts.contains(where: { $0.y.label == "loss" }) { caption += "; the dashed line is the threshold \(NumberFormat.compact(c.threshold))" }
        return NamedFigure(id: id, title: title, caption: caption + ".", figure: fig)
    }
}
