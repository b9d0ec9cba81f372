import Analysis
import Render
import TrainingLog

/// What the x axis of a VAR figure counts.
public enum XAxisUnit: String, Sendable, CaseIterable, Codable {
    /// 0-based epochs; iteration points sit at step / iterations-per-epoch.
    case epoch
    /// Global iterations.
    case step
    /// Wall-clock hours since the first logged point (falls back to epochs without times).
    case hours
}

/// How the VAR figures are drawn.
public struct FigureSettings: Sendable {
    public var xAxis: XAxisUnit = .epoch
    public var theme: Theme = .light
    public var transparent: Bool = false
    /// Size of one figure in points (1 pt = 1 px at PNG scale 1).
    public var width: Double = 1000
    public var height: Double = 560
    /// TensorBoard smoothing weight for the bold curves (of epoch-level data, and the least for
    /// iteration data).
    public var emaWeight: Double = 0.6
    /// For iteration curves, the share of the curve the average spans at least, as in the
    /// analysis (`AnalysisOptions.emaAutoSpan`), so the bold curve is the one the crossings are
    /// judged on.
    public var emaAutoSpan: Double = 0.01

    /// The weight the bold curve of `series` is smoothed with (raised for long iteration series).
    public func smoothingWeight(_ series: Series) -> Double {
        Smoothing.weight(base: emaWeight, points: series.count, autoSpan: emaAutoSpan, granularity: series.granularity)
    }

    public init(xAxis: XAxisUnit = .epoch, theme: Theme = .light, transparent: Bool = false,
                width: Double = 1000, height: Double = 560, emaWeight: Double = 0.6) {
        self.xAxis = xAxis
        self.theme = theme
        self.transparent = transparent
        self.width = width
        self.height = height
        self.emaWeight = emaWeight
    }
}
