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
    // The smoothing of the bold curves is not a figure setting: it is what the analysis used,
    // read from `Summary.smoothing`, so that a crossing is drawn on the curve it was judged on.

    public init(xAxis: XAxisUnit = .epoch, theme: Theme = .light, transparent: Bool = false,
                width: Double = 1000, height: Double = 560) {
        self.xAxis = xAxis
        self.theme = theme
        self.transparent = transparent
        self.width = width
        self.height = height
    }
}
