import Foundation
import Render

/// The demo figure of the brief: a noisy loss curve with a threshold, a crossing, an overfitting
/// band, a log-scale gradient norm panel and a per-scale heatmap.
enum Demo {
    /// Deterministic pseudo-random numbers (SplitMix64) in -1...1.
    struct Noise {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            z ^= z >> 31
            return Double(z >> 11) / Double(1 << 53) * 2 - 1
        }
    }

    static func lossChart(epochs: Int = 120) -> Chart {
        var noise = Noise(state: 42)
        let xs = (0..<epochs).map(Double.init)
        let smooth = xs.map { 5.3 + 3.0 * exp(-$0 / 22) }
        let raw = smooth.map { $0 + 0.09 * noise.next() }
        let val = xs.map { x in 5.38 + 3.0 * exp(-x / 22) + (x > 75 ? 0.004 * (x - 75) : 0) }
        let firstBelow = raw.firstIndex { $0 < 5.5 } ?? 0
        return Chart(
            title: "Training loss", subtitle: "mean token cross-entropy per epoch",
            x: Axis("epoch"), y: Axis("loss"),
            marks: [
                RectangleMark(xRange: 75...Double(epochs - 1), label: "overfitting"),
                LineMark(xs: xs, ys: raw, color: Palette.color(0), width: 1, opacity: 0.3, showsInLegend: false),
                LineMark(xs: xs, ys: smooth, color: Palette.color(0), label: "train"),
                LineMark(xs: xs, ys: val, color: Palette.color(1), dash: .dashed, label: "validation"),
                RuleMark(y: 5.5, color: Palette.color(3), label: "threshold 5.5"),
                PointMark(x: xs[firstBelow], y: raw[firstBelow], symbol: .star, size: 11, color: Palette.color(3),
                          label: "first below"),
                TextMark(x: xs[firstBelow], y: raw[firstBelow], text: "first below: epoch \(firstBelow)"),
            ])
    }

    static func gradChart(points: Int = 5000) -> Chart {
        var noise = Noise(state: 7)
        let xs = (0..<points).map { Double($0) / 40 }
        var ys = xs.map { 3.0 * exp(-$0 / 30) + 0.05 + 0.3 * abs(noise.next()) * exp(-$0 / 60) }
        ys[2200] = 40  // a spike must stay visible
        let lo = ys.map { $0 * 0.7 }, hi = ys.map { $0 * 1.4 }
        return Chart(title: "Gradient norm", x: Axis("epoch"), y: Axis("‖g‖ (log)", scale: .log10),
                     marks: [
                        AreaMark(xs: xs, lower: lo, upper: hi, color: Palette.color(2), label: "range"),
                        LineMark(xs: xs, ys: ys, color: Palette.color(2), width: 1, label: "grad norm"),
                        RuleMark(x: 90, color: Palette.color(4), label: "restart"),
                     ])
    }

    static func heatChart() -> Chart {
        let scales = ["1", "2", "3", "4", "5", "6", "8", "10", "13", "16"]
        let edges = (0...30).map { Double($0) * 4 }
        var values: [[Double]] = []
        for r in scales.indices {
            var row: [Double] = []
            for c in 0..<30 {
                let decay: Double = 3.0 * exp(-Double(c) / 8)
                row.append(2.0 + Double(r) * 0.55 + decay)
            }
            values.append(row)
        }
        return Chart(title: "Loss per scale", x: Axis("epoch"), y: Axis("patch grid"),
                     marks: [HeatmapMark(xEdges: edges, categories: scales, values: values, colorBarLabel: "loss")])
    }

    static let lrSteps: [Double] = (0...500).map { Double($0) * 100 }
    static func lr(_ step: Double) -> Double {
        let warm: Double = min(1, step / 5000)
        return 1e-4 * warm * (1 - step / 60000)
    }

    static func figure(theme: Theme = .light, width: Double = 1600, height: Double = 1000) -> Figure {
        Figure(width: width, height: height, title: "Demo run: VAR-d16", columns: 2, theme: theme,
               charts: [lossChart(), gradChart(), heatChart(),
                        Chart(title: "Learning rate", x: Axis("step", domain: 0...50000), y: Axis("lr"),
                              marks: [LineMark(xs: lrSteps, ys: lrSteps.map(lr), color: Palette.color(4), label: "lr")])])
    }
}
